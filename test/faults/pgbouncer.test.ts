// The API behind PgBouncer in transaction pooling mode (Debian's pgbouncer; a PRIVATE one with its own ini
// in a scratch directory, on a free port, in front of a database this test creates on the shared
// PostgreSQL). Requests go through the bouncer (DATABASE_URL); what needs a session — the migration lock,
// LISTEN for live dashboards, the job queue — uses DATABASE_DIRECT_URL; reads run unnamed statements
// (DB_PREPARED_STATEMENTS=false: PgBouncer before 1.21 cannot keep a named statement across transactions).
// Representative operations: a transactional mutation, a parallel like batch, a fan import under its
// advisory lock, a live-dashboard subscription fed by NOTIFY, and a job (a webhook delivery).
//
// Skipped on embedded PGlite, and when pgbouncer is not installed — except in CI (CI=true or
// REQUIRE_PGBOUNCER=1, set by .ci/run, which installs it), where its absence fails.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/core/db.js';
import { seedDemo } from '../../src/demo/seed.js';
import { disposeClients, wsClient, wsSubscribe } from '../helpers/clients.js';
import { createPostgresDatabase } from '../helpers/postgres.js';
import { findPgBouncer, type PrivatePgBouncer, pgbouncerRequired, startPgBouncer } from '../helpers/private-services.js';
import { graphqlData, type ServerProcess, spawnServer, stopAllServers } from '../helpers/process.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const installed = findPgBouncer() !== null;
const skip = !onPostgres || (!installed && !pgbouncerRequired);
const title = !onPostgres
  ? 'PgBouncer (skipped: needs PostgreSQL — set TEST_DATABASE_URL)'
  : !installed && !pgbouncerRequired
    ? 'PgBouncer (skipped: pgbouncer is not installed — apt-get install -y pgbouncer; CI=true or REQUIRE_PGBOUNCER=1 make this a failure)'
    : 'the API behind PgBouncer in transaction pooling mode';

describe.skipIf(skip)(title, () => {
  let bouncer: PrivatePgBouncer;
  let server: ServerProcess;
  let receiver: WebhookReceiver;
  let dropDatabase = async () => {};
  let directUrl = '';

  beforeAll(async () => {
    if (!installed) throw new Error('pgbouncer is not installed, and REQUIRE_PGBOUNCER/CI requires it (.ci/run installs it)');
    const db = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
    dropDatabase = db.drop;
    directUrl = db.url;
    const seeding = await createDatabase({ url: db.url });
    await seeding.migrate();
    await seedDemo(seeding.prisma, { fans: 24 });
    await seeding.close();
    bouncer = await startPgBouncer(db.url, 4);
    receiver = await startWebhookReceiver();
    server = await spawnServer(
      {
        DATABASE_URL: bouncer.url,
        DATABASE_DIRECT_URL: db.url,
        DB_PREPARED_STATEMENTS: 'false',
        DB_POOL_SIZE: '8',
        REDIS_URL: process.env.REDIS_URL ?? '',
        NODE_ENV: 'development',
        SEED_ON_START: 'false',
        JOBS_POLL_INTERVAL_MS: '500',
      },
      110_000,
    );
  });
  afterAll(async () => {
    await disposeClients();
    stopAllServers();
    await receiver?.close();
    await bouncer?.stop();
    await dropDatabase().catch(() => {});
  });

  const gql = (query: string, variables: Record<string, unknown> = {}, as?: string) => graphqlData(server, query, variables, as);

  it('runs transactions, like batches, an advisory-locked import, NOTIFY-fed subscriptions and jobs through the bouncer', async () => {
    const transactionsBefore = await bouncerTransactions(bouncer);
    const setup = await gql(
      `{ campaigns(kinds: [LIKE], statuses: [RUNNING]) { nodes { id like { totalLikes } } }
      fans(first: 12, filter: { minOrders: 1 }) { nodes { id externalId } } rewards { id costPoints stock }
      communities(first: 1) { nodes { id } } }`,
    );
    const campaign = setup.campaigns.nodes[0];
    const fans = setup.fans.nodes as { id: string; externalId: string }[];
    const reward = (setup.rewards as { id: string; costPoints: number; stock: number }[]).find((r) => r.stock > 1)!;
    const communityId = setup.communities.nodes[0].id as string;

    // The same read shapes, many at once over the bouncer's few server connections: no named statement
    // may be expected on a connection that never prepared it.
    const reads = await Promise.all(Array.from({ length: 16 }, () => gql(`{ fans(first: 5) { totalCount nodes { displayName } } }`)));
    expect(new Set(reads.map((r) => JSON.stringify(r))).size).toBe(1);

    // A live dashboard: its hub LISTENs on the direct connection, and a change NOTIFYs it at commit.
    const metrics = wsSubscribe(wsClient(server.url, 'Dev demo'), `subscription { organizationMetrics { messages } }`);
    const [first] = await metrics.waitFor(1);

    // A mutation with a transaction (points, stock, the redemption and its outbox job together).
    await receiver.register({ ok: ((q: string, v: Record<string, unknown>) => gql(q, v)) as never }, ['REDEMPTION_CREATED']);
    await gql(`mutation($i: GiftPointsInput!) { giftPoints(input: $i) { __typename } }`, {
      i: { fanId: fans[0].id, points: reward.costPoints, note: 'pgbouncer test', idempotencyKey: 'bouncer-gift' },
    });
    const redeemed = await gql(`mutation($i: RedeemRewardInput!) { redeemReward(input: $i) { __typename } }`, {
      i: { rewardId: reward.id, fanId: fans[0].id, idempotencyKey: 'bouncer-redeem' },
    });
    expect(redeemed.redeemReward.__typename).toBe('MutationRedeemRewardSuccess');
    // ...whose webhook the job queue (on the direct connection) delivers.
    await expect.poll(() => receiver.events('redemption.created').length, { timeout: 20_000 }).toBe(1);

    // A like batch: 24 batches from 12 fans at once, group-committed; the total is exact.
    const taps = Array.from({ length: 24 }, (_, i) => 1 + ((i * 7) % 20));
    const sent = await Promise.all(
      taps.map((n, i) =>
        gql(
          `mutation($i: SendLikesInput!) { sendLikes(input: $i) { __typename } }`,
          { i: { campaignId: campaign.id, taps: n } },
          `Dev demo/fan:${fans[i % fans.length].externalId}`,
        ).then((d) => (d.sendLikes.__typename === 'MutationSendLikesSuccess' ? n : 0)),
      ),
    );
    const accepted = sent.reduce((s, n) => s + n, 0);
    expect(accepted).toBeGreaterThan(0);
    const after = await gql(`query($id: ID!) { node(id: $id) { ... on Campaign { like { totalLikes } } } }`, { id: campaign.id });
    expect(after.node.like.totalLikes).toBe(campaign.like.totalLikes + accepted);

    // Two fan imports at once that set referrers: each takes the organization's advisory lock inside its transaction.
    const IMPORT = `mutation($input: ImportFansInput!) { importFans(input: $input) { __typename ... on MutationImportFansSuccess { data { created } } } }`;
    const imports = await Promise.all(
      ['x', 'y'].map((s) =>
        gql(IMPORT, {
          input: {
            fans: [0, 1, 2].map((i) => ({
              externalId: `bouncer-${s}${i}`,
              displayName: `Bouncer ${s}${i}`,
              referredByExternalId: fans[i].externalId,
            })),
          },
        }),
      ),
    );
    expect(imports.map((r) => r.importFans.data.created)).toEqual([3, 3]);

    // Group messages reported: the dashboard hears the NOTIFY and shows them.
    await gql(`mutation($input: RecordActivityBatchInput!) { recordActivityBatch(input: $input) { __typename } }`, {
      input: { batchKey: 'bouncer-messages', events: [{ communityId, kind: 'MESSAGE_POSTED', count: 5 }] },
    });
    await expect.poll(() => metrics.items.at(-1)?.organizationMetrics.messages, { timeout: 10_000 }).toBe(first.organizationMetrics.messages + 5);
    expect(metrics.errors).toEqual([]);
    expect(await listeningSessions(directUrl)).toBe(1);

    // All of it went through the bouncer.
    expect(await bouncerTransactions(bouncer)).toBeGreaterThan(transactionsBefore + 40);
  });
});

/** Transactions PgBouncer has pooled for the test database (its admin console's SHOW STATS). */
async function bouncerTransactions(bouncer: PrivatePgBouncer): Promise<number> {
  const client = new pg.Client({ connectionString: bouncer.adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SHOW STATS');
    return rows.filter((r) => r.database === bouncer.database).reduce((s, r) => s + Number(r.total_xact_count), 0);
  } finally {
    await client.end();
  }
}

/** Sessions on the database whose last statement was the insight LISTEN: it lives on a direct connection. */
async function listeningSessions(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN "insight_changed"'`,
    );
    return rows[0].n;
  } finally {
    await client.end();
  }
}
