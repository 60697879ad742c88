// PostgreSQL restarted, and frozen, under a running API process (no Redis: the Redis-less path). The
// cluster is a PRIVATE one this test creates with initdb on a free port, stops, freezes (SIGSTOP) and
// starts again, then deletes; the shared PostgreSQL is never touched. During the outage /ready answers
// 503 and every request — query, mutation, over HTTP and graphql-ws — fails with DATABASE_UNAVAILABLE
// within the configured timeouts instead of hanging; afterwards /ready is 200 again without restarting
// the API, a mutation commits, its webhook is delivered by the job runner (graphile-worker lost its
// connections too) and the insight LISTEN session is back by itself. A pool client held between
// statements when the connection drops does not end the process (it once did, now and then).
//
// Needs PostgreSQL's binaries and runs only in the PostgreSQL run (TEST_DATABASE_URL), as CI does.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { createDatabase } from '../../src/core/db.js';
import { isDatabaseUnavailable } from '../../src/core/unavailable.js';
import { seedDemo } from '../../src/demo/seed.js';
import { disposeClients, wsClient, wsSubscribe } from '../helpers/clients.js';
import { type PrivatePostgres, startPrivatePostgres } from '../helpers/private-services.js';
import { postGraphQL, type ServerProcess, spawnServer, stopAllServers } from '../helpers/process.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const title = onPostgres
  ? 'PostgreSQL restarted and frozen under a running instance'
  : 'PostgreSQL restart (skipped: runs in the PostgreSQL run only — set TEST_DATABASE_URL; embedded PGlite lives in the process)';

const CONNECT_TIMEOUT_MS = 1_500;
const QUERY_TIMEOUT_MS = 2_500;
/** The longest a refused request may take: a connect or query timeout, plus slack for a busy machine. */
const REFUSED_WITHIN_MS = QUERY_TIMEOUT_MS + 2_500;

describe.skipIf(!onPostgres)(title, () => {
  let cluster: PrivatePostgres;
  let server: ServerProcess;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    cluster = await startPrivatePostgres('fanops_faults');
    const seeding = await createDatabase({ url: cluster.url('fanops_faults') });
    await seeding.migrate();
    await seedDemo(seeding.prisma, { fans: 24 });
    await seeding.close();
    receiver = await startWebhookReceiver();
    server = await spawnServer(
      {
        DATABASE_URL: cluster.url('fanops_faults'),
        REDIS_URL: '',
        NODE_ENV: 'development',
        SEED_ON_START: 'false',
        DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
        DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
        JOBS_POLL_INTERVAL_MS: '500',
      },
      110_000,
    );
  });
  afterAll(async () => {
    if (process.env.FAULTS_DEBUG) console.log(server?.output());
    await disposeClients();
    stopAllServers();
    await receiver?.close();
    if (cluster) signalCluster(cluster, 'SIGCONT');
    cluster?.remove();
  });

  const origin = () => server.url.replace(/\/graphql$/, '');
  const ready = async () => (await fetch(`${origin()}/ready`)).status;
  const gql = (query: string, variables: Record<string, unknown> = {}) => postGraphQL(server, query, variables);
  const REDEEM = `mutation($i: RedeemRewardInput!) { redeemReward(input: $i) { __typename } }`;

  /** Every request kind fails with DATABASE_UNAVAILABLE within the configured timeouts. */
  async function expectRefused(ws: ReturnType<typeof wsClient>, redeem: Record<string, unknown>) {
    const query = await gql(`{ organization { name } }`);
    expect(query.body.errors?.[0]?.extensions?.code).toBe('DATABASE_UNAVAILABLE');
    expect(query.status).toBe(503);
    expect(query.headers.get('retry-after')).toBe('5');
    expect(query.ms).toBeLessThan(REFUSED_WITHIN_MS);
    const mutation = await gql(REDEEM, redeem);
    expect(mutation.body.errors?.[0]?.extensions?.code, JSON.stringify(mutation.body.errors)).toBe('DATABASE_UNAVAILABLE');
    expect(mutation.ms).toBeLessThan(REFUSED_WITHIN_MS);
    const started = Date.now();
    const overWs = wsSubscribe(ws, `query { fans(first: 1) { totalCount } }`);
    await expect.poll(() => overWs.errors.length, { timeout: REFUSED_WITHIN_MS }).toBe(1);
    // Refused as an operation, or (when the credential check at connection needs the database) a close
    // with 1013, try again later.
    const error = overWs.errors[0] as { code?: number; reason?: string };
    const said = typeof error?.reason === 'string' ? `${error.code} ${error.reason}` : JSON.stringify(error);
    expect(said).toMatch(/DATABASE_UNAVAILABLE/);
    expect(Date.now() - started).toBeLessThan(REFUSED_WITHIN_MS);
  }

  it('answers 503 and DATABASE_UNAVAILABLE during the outage, and recovers by itself', async () => {
    // A failure on a busy CI machine is diagnosed from the instance's own last lines.
    onTestFailed(() => console.log(`server output (last 6,000 characters):\n${server.output().slice(-6_000)}`));
    const setup = await gql(`{ fans(first: 3, filter: { minOrders: 1 }) { nodes { id } } rewards { id costPoints stock } }`);
    const fans = setup.body.data.fans.nodes as { id: string }[];
    const reward = (setup.body.data.rewards as { id: string; costPoints: number; stock: number }[]).find((r) => r.stock > 1)!;
    const ok = async (q: string, v: Record<string, unknown>) => (await gql(q, v)).body.data;
    await receiver.register({ ok: ok as never }, ['REDEMPTION_CREATED']);
    const gift = await gql(`mutation($i: GiftPointsInput!) { giftPoints(input: $i) { __typename } }`, {
      i: { fanId: fans[0].id, points: reward.costPoints, note: 'postgres fault test', idempotencyKey: 'pg-fault-gift' },
    });
    expect(gift.body.data.giftPoints.__typename).toBe('MutationGiftPointsSuccess');
    // A live dashboard, so the insight LISTEN session is open before the restart.
    const metrics = wsSubscribe(wsClient(server.url, 'Dev demo'), `subscription { organizationMetrics { activeMembers } }`);
    await metrics.waitFor(1);
    await expect.poll(() => listeningSessions(cluster), { timeout: 5_000 }).toBe(1);
    expect(await ready()).toBe(200);
    const redeem = { i: { rewardId: reward.id, fanId: fans[0].id, idempotencyKey: 'pg-fault-redeem' } };
    const ws = wsClient(server.url, 'Dev demo');

    // Stopped: connections are refused at once.
    cluster.stop();
    await expect.poll(ready, { timeout: REFUSED_WITHIN_MS }).toBe(503);
    await expectRefused(ws, redeem);

    // Back: /ready recovers without restarting the API, and so does everything behind it.
    cluster.start();
    await expect.poll(ready, { timeout: 15_000, interval: 200 }).toBe(200);

    // Frozen (every server process stopped): nothing refuses, so only the timeouts can end the wait.
    signalCluster(cluster, 'SIGSTOP');
    try {
      await expectRefused(ws, redeem);
      expect(await ready()).toBe(503);
    } finally {
      signalCluster(cluster, 'SIGCONT');
    }
    await expect.poll(ready, { timeout: 15_000, interval: 200 }).toBe(200);

    const redeemed = await gql(REDEEM, redeem);
    expect(redeemed.body.data?.redeemReward.__typename).toBe('MutationRedeemRewardSuccess');
    // The job runner delivers its webhook; the LISTEN session for live dashboards is back.
    await expect.poll(() => receiver.events('redemption.created').length, { timeout: 20_000 }).toBe(1);
    await expect.poll(() => listeningSessions(cluster), { timeout: 10_000 }).toBe(1);
    expect(metrics.errors).toEqual([]);
    expect(server.child.exitCode).toBe(null);
  });

  // The instance above died now and then when the outage began (the test saw ECONNREFUSED on /ready):
  // graphile-worker held a pool client between fetching a job and releasing it, and the lost
  // connection's 'error' event had no listener. Here that moment is made on purpose, in this process.
  it('survives losing the connection of a client held between statements', async () => {
    const database = await createDatabase({ url: cluster.url('fanops_faults'), connectTimeoutMs: CONNECT_TIMEOUT_MS });
    let stopped = false;
    try {
      const held = await database.pool.connect();
      await held.query('SELECT 1');
      const ended = new Promise((r) => held.once('end', r));
      cluster.stop();
      stopped = true;
      await ended; // after the 'error' event, which would have ended this process
      const next = await held.query('SELECT 1').then(
        () => 'answered',
        (e: unknown) => (isDatabaseUnavailable(e) ? 'DATABASE_UNAVAILABLE' : String(e)),
      );
      expect(next).toBe('DATABASE_UNAVAILABLE');
      held.release();
      cluster.start();
      stopped = false;
      expect(await database.sql.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      if (stopped) cluster.start();
      await database.close();
    }
  });
});

/** Sessions on the cluster whose last statement was the insight LISTEN (the API's listener). */
async function listeningSessions(cluster: PrivatePostgres): Promise<number> {
  const client = new pg.Client({ connectionString: cluster.url('postgres') });
  try {
    await client.connect();
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query ILIKE 'LISTEN "insight_changed"'`);
    return rows[0].n;
  } catch {
    return -1;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Sends `signal` to the cluster's postmaster and every server process under it. */
function signalCluster(cluster: PrivatePostgres, signal: 'SIGSTOP' | 'SIGCONT') {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(cluster.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return; // not running
  }
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)])
      .toString()
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    // no children
  }
  for (const p of [pid, ...children]) {
    try {
      process.kill(p, signal);
    } catch {
      // gone
    }
  }
}
