// `npm start` on the embedded database delivers webhooks with nothing else running: graphile-worker runs
// in the server process over PGlite (core/jobs/pglite-pool.ts). A redemption made through the API
// reaches a loopback receiver, signed.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/core/db.js';
import { seedDemo } from '../../src/demo/seed.js';
import { gid } from '../helpers/ids.js';
import { type ServerProcess, spawnServer, stopAllServers } from '../helpers/process.js';
import { makeTempDir, removeTempDir } from '../helpers/temp.js';

describe('npm start (embedded PGlite) delivers webhooks', () => {
  const received: { id: string; type: string; verified: boolean }[] = [];
  let secret = '';
  let receiver: Server;
  let server: ServerProcess;
  let dir = '';
  let ids = { fan: '', reward: '' };

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let verified = false;
        try {
          new Webhook(secret).verify(body, req.headers as Record<string, string>);
          verified = true;
        } catch {}
        received.push({ id: String(req.headers['webhook-id']), type: JSON.parse(body).type, verified });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
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
    receiver?.close();
    if (dir) removeTempDir(dir);
  });

  const gql = async (query: string, variables: Record<string, unknown>) =>
    (
      (await (
        await fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Dev demo' },
          body: JSON.stringify({ query, variables }),
        })
      ).json()) as any
    ).data;

  it('sends a signed redemption.created to a registered endpoint', async () => {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const created = await gql(
      `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { ... on MutationCreateWebhookEndpointSuccess { data { secret } } } }`,
      { i: { url, eventKinds: ['REDEMPTION_CREATED'] } },
    );
    secret = created.createWebhookEndpoint.data.secret;
    const redeemed = await gql(`mutation($i: RedeemRewardInput!) { redeemReward(input: $i) { __typename } }`, {
      i: { rewardId: gid('Reward', ids.reward), fanId: gid('Fan', ids.fan), idempotencyKey: 'embedded-0001' },
    });
    expect(redeemed.redeemReward.__typename).toBe('MutationRedeemRewardSuccess');
    const deadline = Date.now() + 20_000;
    while (!received.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(received).toEqual([{ id: expect.stringMatching(/^evt_/), type: 'redemption.created', verified: true }]);
  });
});
