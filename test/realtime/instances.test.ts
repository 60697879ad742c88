// Several server processes sharing PostgreSQL and Redis: a subscriber on one instance receives the
// activity and like updates produced on another, and the like total is exactly the sum of every
// accepted batch, wherever it was accepted. Without TEST_DATABASE_URL and REDIS_URL only one process
// can own an embedded database directory, so the same scenario runs against a single instance
// (and the test title says so); CI runs both modes.
//
// The test seeds a small demo organization itself (the servers would seed a thousand fans), waits for
// the subscribing instance to say its feed is listening (its debug log line, written once the Redis
// SUBSCRIBE is acknowledged) rather than for a fixed delay, and sends 36 like batches in three parallel
// waves across both instances — enough to interleave group commits on both, few enough for a busy machine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/core/db.js';
import { seedDemo } from '../../src/demo/seed.js';
import { disposeClients, wsClient, wsSubscribe } from '../helpers/clients.js';
import { createPostgresDatabase } from '../helpers/postgres.js';
import { graphqlData, type ServerProcess, spawnServer, stopAllServers } from '../helpers/process.js';
import { makeTempDir, removeTempDir } from '../helpers/temp.js';

const multi = Boolean(process.env.TEST_DATABASE_URL && process.env.REDIS_URL);
const mode = multi ? 'two instances on PostgreSQL + Redis' : 'one instance on embedded PGlite (no shared database/Redis configured)';

/** Resolves when the server prints a line matching `pattern` after this call (its own signal, no timer). */
function printed(server: ServerProcess, pattern: RegExp): Promise<void> {
  const from = server.output().length;
  return new Promise((resolve) => {
    // Registered after spawnServer's own listener, so output() already holds the chunk.
    const check = () => {
      if (!pattern.test(server.output().slice(from))) return;
      server.child.stdout!.off('data', check);
      resolve();
    };
    server.child.stdout!.on('data', check);
  });
}

describe(`realtime across instances (${mode})`, () => {
  // Starting the processes is setup (hook timeout), not what the test measures.
  let a: ServerProcess;
  let b: ServerProcess;
  let dropDatabase = async () => {};
  beforeAll(async () => {
    let env: Record<string, string>;
    if (multi) {
      const db = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
      dropDatabase = db.drop;
      env = { DATABASE_URL: db.url, REDIS_URL: process.env.REDIS_URL!, NODE_ENV: 'development' };
    } else {
      const dir = makeTempDir('rt');
      dropDatabase = async () => removeTempDir(dir);
      env = { DATA_DIR: dir, DATABASE_URL: '', REDIS_URL: '', NODE_ENV: 'development' };
    }
    // Seeded here, small, and closed before any server opens the database.
    const seeding = await createDatabase(multi ? { url: env.DATABASE_URL } : { dataDir: env.DATA_DIR });
    await seeding.migrate();
    await seedDemo(seeding.prisma, { fans: 24 });
    await seeding.close();
    const instance = () => spawnServer({ ...env, SEED_ON_START: 'false', LOG_LEVEL: 'debug' }, 110_000);
    [a, b] = multi ? await Promise.all([instance(), instance()]) : await instance().then((one) => [one, one]);
  });
  afterAll(async () => {
    await disposeClients();
    stopAllServers();
    await dropDatabase().catch(() => {});
  });

  it('delivers activity and like updates produced anywhere; the like total is the exact sum of accepted batches', async () => {
    const setup = await graphqlData(
      a,
      `{ campaigns(kinds: [LIKE], statuses: [RUNNING]) { nodes { id like { totalLikes } } }
      fans(first: 20, filter: { minOrders: 1 }) { nodes { id externalId } } rewards { id costPoints stock } }`,
      {},
    );
    const campaignId = setup.campaigns.nodes[0].id;
    const initial = setup.campaigns.nodes[0].like.totalLikes;
    const fans = setup.fans.nodes as { id: string; externalId: string }[];
    const reward = (setup.rewards as { id: string; costPoints: number; stock: number }[]).find((r) => r.stock > 0)!;

    // Subscribers on instance B: the feed is live once B says so; the counter sends its state first.
    const listening = printed(b, /subscriber listening on activity/);
    const feed = wsSubscribe(wsClient(b.url, 'Dev demo'), `subscription { organizationActivity(kinds: [REWARD_REDEEMED]) { kind fanId } }`);
    const counter = wsSubscribe(wsClient(b.url, 'Dev demo'), `subscription($c: ID!) { likeCampaign(campaignId: $c) { total } }`, { c: campaignId });
    await Promise.all([listening, counter.waitFor(1)]);
    expect(counter.items[0].likeCampaign.total).toBe(initial);

    // Activity produced on instance A reaches the subscriber on B.
    const fan = fans[0];
    await graphqlData(a, `mutation($i: GiftPointsInput!) { giftPoints(input: $i) { __typename } }`, {
      i: { fanId: fan.id, points: reward.costPoints, note: 'instances test', idempotencyKey: 'instances-gift-1' },
    });
    const redeemed = await graphqlData(a, `mutation($i: RedeemRewardInput!) { redeemReward(input: $i) { __typename } }`, {
      i: { rewardId: reward.id, fanId: fan.id, idempotencyKey: 'instances-redeem-1' },
    });
    expect(redeemed.redeemReward.__typename).toBe('MutationRedeemRewardSuccess');
    const [notice] = await feed.waitFor(1);
    expect(notice.organizationActivity).toEqual({ kind: 'REWARD_REDEEMED', fanId: fan.id });

    // 36 like batches split across both instances, in parallel waves.
    let accepted = 0;
    for (let wave = 0; wave < 3; wave++) {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => {
          const taps = 1 + (((wave * 12 + i) * 7) % 100);
          const target = i % 2 ? b : a;
          const as = `Dev demo/fan:${fans[i % fans.length].externalId}`;
          return graphqlData(
            target,
            `mutation($i: SendLikesInput!) { sendLikes(input: $i) { __typename ... on MutationSendLikesSuccess { data { totalLikes } } } }`,
            { i: { campaignId, taps } },
            as,
          ).then((d) => (d.sendLikes.__typename === 'MutationSendLikesSuccess' ? taps : 0));
        }),
      );
      accepted += results.reduce((s, x) => s + x, 0);
    }
    expect(accepted).toBeGreaterThan(0);
    const final = await graphqlData(b, `query($id: ID!) { node(id: $id) { ... on Campaign { like { totalLikes } } } }`, { id: campaignId });
    expect(final.node.like.totalLikes).toBe(initial + accepted);
    await expect.poll(() => counter.items.at(-1)?.likeCampaign.total, { timeout: 5_000 }).toBe(initial + accepted);
  });

  it('every instance stops cleanly on SIGTERM', async () => {
    await disposeClients();
    if (multi) expect(await b.stop()).toBe(0);
    expect(await a.stop()).toBe(0);
  });
});
