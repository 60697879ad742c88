// Several server processes sharing PostgreSQL and Redis: a subscriber on one instance receives the
// activity and like updates produced on another, and the like total is exactly the sum of every
// accepted batch, wherever it was accepted. Without TEST_DATABASE_URL and REDIS_URL only one process
// can own an embedded database directory, so the same scenario runs against a single instance
// (and the test title says so); CI runs both modes.
import { afterAll, describe, expect, it } from 'vitest';
import { disposeClients, wsClient, wsSubscribe } from '../helpers/clients.js';
import { createPostgresDatabase } from '../helpers/postgres.js';
import { spawnServer, stopAllServers, type ServerProcess } from '../helpers/process.js';
import { makeTempDir, removeTempDir } from '../helpers/temp.js';

const multi = Boolean(process.env.TEST_DATABASE_URL && process.env.REDIS_URL);
const mode = multi ? 'two instances on PostgreSQL + Redis' : 'one instance on embedded PGlite (no shared database/Redis configured)';

afterAll(async () => {
  await disposeClients();
  stopAllServers();
});

async function post(server: ServerProcess, query: string, variables: Record<string, unknown>, as = 'Dev demo') {
  const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: as }, body: JSON.stringify({ query, variables }) });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

describe(`realtime across instances (${mode})`, () => {
  it('delivers activity and like updates produced anywhere; the like total is the exact sum of accepted batches', async () => {
    let dropDatabase = async () => {};
    let dataDir: string | undefined;
    let env: Record<string, string>;
    if (multi) {
      const db = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
      dropDatabase = db.drop;
      env = { DATABASE_URL: db.url, REDIS_URL: process.env.REDIS_URL!, NODE_ENV: 'development' };
    } else {
      dataDir = makeTempDir('rt');
      env = { DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', NODE_ENV: 'development' };
    }
    // Only the first instance seeds; the second starts on the seeded database.
    const a = await spawnServer({ ...env, SEED_ON_START: 'true' }, 150_000);
    const b = multi ? await spawnServer({ ...env, SEED_ON_START: 'false' }, 150_000) : a;
    try {
      const setup = await post(a, `{ campaigns(kinds: [LIKE], statuses: [RUNNING]) { nodes { id like { totalLikes } } }
        fans(first: 20, filter: { minOrders: 1 }) { nodes { id externalId } } rewards { id costPoints stock } }`, {});
      const campaignId = setup.campaigns.nodes[0].id;
      const initial = setup.campaigns.nodes[0].like.totalLikes;
      const fans = setup.fans.nodes as { id: string; externalId: string }[];
      const reward = (setup.rewards as { id: string; costPoints: number; stock: number }[]).find((r) => r.stock > 0)!;

      // Subscribers on instance B.
      const feed = wsSubscribe(wsClient(b.url, 'Dev demo'), `subscription { organizationActivity(kinds: [REWARD_REDEEMED]) { kind fanId } }`);
      const counter = wsSubscribe(wsClient(b.url, 'Dev demo'), `subscription($c: ID!) { likeCampaign(campaignId: $c) { total } }`, { c: campaignId });
      await Promise.all([feed.started, counter.waitFor(1)]);
      expect(counter.items[0].likeCampaign.total).toBe(initial);

      // Activity produced on instance A reaches the subscriber on B.
      const fan = fans[0];
      await post(a, `mutation($i: GiftPointsInput!) { giftPoints(input: $i) { __typename } }`, { i: { fanId: fan.id, points: reward.costPoints, note: 'instances test', idempotencyKey: 'instances-gift-1' } });
      const redeemed = await post(a, `mutation($i: RedeemRewardInput!) { redeemReward(input: $i) { __typename } }`, { i: { rewardId: reward.id, fanId: fan.id, idempotencyKey: 'instances-redeem-1' } });
      expect(redeemed.redeemReward.__typename).toBe('MutationRedeemRewardSuccess');
      const [notice] = await feed.waitFor(1);
      expect(notice.organizationActivity).toEqual({ kind: 'REWARD_REDEEMED', fanId: fan.id });

      // 120 like batches split across both instances, in parallel waves.
      let accepted = 0;
      for (let wave = 0; wave < 6; wave++) {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => {
            const taps = 1 + ((wave * 20 + i) * 7) % 100;
            const target = i % 2 ? b : a;
            const as = `Dev demo/fan:${fans[i % fans.length].externalId}`;
            return post(target, `mutation($i: SendLikesInput!) { sendLikes(input: $i) { __typename ... on MutationSendLikesSuccess { data { totalLikes } } } }`, { i: { campaignId, taps } }, as)
              .then((d) => (d.sendLikes.__typename === 'MutationSendLikesSuccess' ? taps : 0));
          }),
        );
        accepted += results.reduce((s, x) => s + x, 0);
      }
      expect(accepted).toBeGreaterThan(0);
      const final = await post(b, `query($id: ID!) { node(id: $id) { ... on Campaign { like { totalLikes } } } }`, { id: campaignId });
      expect(final.node.like.totalLikes).toBe(initial + accepted);
      await expect.poll(() => counter.items.at(-1)?.likeCampaign.total, { timeout: 5_000 }).toBe(initial + accepted);
    } finally {
      await disposeClients();
      const exitCodes = [multi ? await b.stop() : 0, await a.stop()];
      await dropDatabase().catch(() => {});
      if (dataDir) removeTempDir(dataDir);
      expect(exitCodes).toEqual([0, 0]);
    }
    // Real processes: transpiling, migrating and seeding take 10–40 s on a busy 2-core machine.
  }, 180_000);
});
