// `npm start` on the embedded database delivers webhooks with nothing else running: graphile-worker runs
// in the server process over PGlite (core/jobs/pglite-pool.ts). A redemption made through the API
// reaches a loopback receiver, signed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/core/db.js';
import { seedDemo } from '../../src/demo/seed.js';
import { gid } from '../helpers/ids.js';
import { graphqlData, type ServerProcess, spawnServer, stopAllServers } from '../helpers/process.js';
import { makeTempDir, removeTempDir } from '../helpers/temp.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

describe('npm start (embedded PGlite) delivers webhooks', () => {
  let receiver: WebhookReceiver;
  let server: ServerProcess;
  let dir = '';
  let ids = { fan: '', reward: '' };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    // A small seeded directory (the server would seed a thousand fans), then `npm start` on it.
    dir = makeTempDir('hooks');
    const db = await createDatabase({ dataDir: dir });
    await db.migrate();
    const { orgId } = await seedDemo(db.prisma, { fans: 6 });
    const fan = await db.prisma.fan.create({ data: { orgId, externalId: 'hook-fan', displayName: 'Hook fan', pointsBalance: 500 } });
    const reward = await db.prisma.reward.create({ data: { orgId, name: 'Tea set', shelf: 'ESSENTIALS', costPoints: 100, stock: 3 } });
    ids = { fan: fan.id, reward: reward.id };
    await db.close();
    server = await spawnServer({ DATA_DIR: dir, SEED_ON_START: 'false', NODE_ENV: 'development', DATABASE_URL: '' }, 110_000, 'npm start');
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    stopAllServers();
    await receiver?.close();
    if (dir) removeTempDir(dir);
  });

  it('sends a signed redemption.created to a registered endpoint', async () => {
    await receiver.register({ ok: ((q: string, v: Record<string, unknown>) => graphqlData(server, q, v)) as never }, ['REDEMPTION_CREATED']);
    const redeemed = await graphqlData(server, `mutation($i: RedeemRewardInput!) { redeemReward(input: $i) { __typename } }`, {
      i: { rewardId: gid('Reward', ids.reward), fanId: gid('Fan', ids.fan), idempotencyKey: 'embedded-0001' },
    });
    expect(redeemed.redeemReward.__typename).toBe('MutationRedeemRewardSuccess');
    // Whatever arrives first, signed or not, is the one delivery there should be.
    await expect.poll(() => receiver.events().length + receiver.forged, { timeout: 20_000, interval: 50 }).toBeGreaterThan(0);
    expect(receiver.forged).toBe(0);
    const [event] = receiver.events();
    expect(receiver.events()).toEqual([expect.objectContaining({ id: expect.stringMatching(/^evt_/), type: 'redemption.created' })]);
    expect(receiver.attempts(event!.id)).toBe(1);
  });
});
