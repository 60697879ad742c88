// Three API processes sharing PostgreSQL run one job queue: every event is delivered once (each job is
// taken by one instance: SKIP LOCKED), and an instance killed (SIGKILL) in the middle of a delivery
// does not lose it — the others see its heartbeat stop, take the job back and deliver it again with the
// same webhook-id, which the receiver de-duplicates. PostgreSQL only: one embedded database cannot be
// shared between processes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/core/db.js';
import { emitOutbound } from '../../src/core/outbound.js';
import { seedDemo } from '../../src/demo/seed.js';
import { onPostgres } from '../helpers/app.js';
import { rawId } from '../helpers/ids.js';
import { type Check, pollUntil } from '../helpers/poll.js';
import { createPostgresDatabase } from '../helpers/postgres.js';
import { postGraphQL, type ServerProcess, spawnServer, stopAllServers } from '../helpers/process.js';

type Hit = { id: string; pid: number; verified: boolean };

describe.skipIf(!onPostgres)('webhooks across three instances on PostgreSQL (skipped without TEST_DATABASE_URL: PGlite is one process)', () => {
  const hits: Hit[] = [];
  const secrets = new Map<string, string>();
  let hold: ((pid: number) => void) | undefined; // while set, /hold requests are left unanswered
  let receiver: Server;
  let base = '';
  let servers: ServerProcess[] = [];
  let db: Database;
  let orgId = '';
  let drop = async () => {};

  function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const pid = Number(/pid (\d+)/.exec(String(req.headers['user-agent']))?.[1]);
      let verified = false;
      try {
        new Webhook(secrets.get(path)!).verify(Buffer.concat(chunks).toString('utf8'), req.headers as Record<string, string>);
        verified = true;
      } catch {}
      hits.push({ id: String(req.headers['webhook-id']), pid, verified });
      if (path === '/hold' && hold) return hold(pid);
      res.writeHead(200).end();
    });
  }

  beforeAll(async () => {
    receiver = createServer(handle);
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const pg = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
    drop = pg.drop;
    db = await createDatabase({ url: pg.url, poolSize: 4 });
    orgId = (await seedDemo(db.prisma, { fans: 12 })).orgId;
    const env = {
      DATABASE_URL: pg.url,
      NODE_ENV: 'development',
      SEED_ON_START: 'false',
      JOBS_HEARTBEAT_MS: '1000', // a dead instance's jobs are retaken after 3 s (a short beat on a loaded machine reads as death)
      JOBS_POLL_INTERVAL_MS: '200',
      WEBHOOK_TIMEOUT_MS: '60000',
      WEBHOOK_RETRY_BASE_MS: '100',
    };
    servers = await Promise.all([1, 2, 3].map(() => spawnServer(env, 110_000)));
  }, 180_000);

  afterAll(async () => {
    stopAllServers();
    receiver?.closeAllConnections();
    await new Promise((r) => receiver?.close(r));
    await db?.close();
    await drop();
  });

  async function register(path: string) {
    const { data } = (
      await postGraphQL(
        servers[0]!,
        `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) {
          ... on MutationCreateWebhookEndpointSuccess { data { secret endpoint { id } } } ... on Error { code message } } }`,
        { i: { url: `${base}${path}`, eventKinds: ['SESSION_LIVE'] } },
      )
    ).body;
    secrets.set(path, data.createWebhookEndpoint.data.secret);
    // Other instances cache an organization's endpoints for up to a second.
    await new Promise((r) => setTimeout(r, 1_100));
    return rawId(data.createWebhookEndpoint.data.endpoint.id as string);
  }

  const emit = (n: number) =>
    db.prisma.$transaction(async (tx) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push((await emitOutbound(tx, orgId, 'session.live', { sessionId: `s-${i}` }))!.id);
      return ids;
    });

  const until = <T>(what: string, check: Check<T>, ms = 30_000) => pollUntil(what, check, ms, 50);

  it('delivers each event exactly once when nothing fails, whichever instance takes it', async () => {
    const endpointId = await register('/once');
    const ids = await emit(90);
    // Logged after each answer: when all 90 are logged, every job has finished.
    const logged = async () =>
      (await db.pool.query(`SELECT count(*)::int AS n FROM "WebhookDelivery" WHERE "eventId" = ANY($1) AND status = 'DELIVERED'`, [ids])).rows[0].n;
    await until('90 deliveries logged', async () => (await logged()) === 90).catch(async (e) => {
      console.log(await logged(), (await db.pool.query(`SELECT status, count(*) FROM "WebhookDelivery" GROUP BY 1`)).rows);
      throw e;
    });
    const mine = hits.filter((h) => ids.includes(h.id));
    expect(mine).toHaveLength(90);
    expect(new Set(mine.map((h) => h.id)).size).toBe(90);
    expect(mine.every((h) => h.verified)).toBe(true);
    expect(new Set(mine.map((h) => h.pid)).size).toBeGreaterThan(1); // the instances shared the work
    // Each job is removed once complete (just after its delivery is logged): none is left behind.
    await until('the queue to empty', async () => (await db.pool.query(`SELECT 1 FROM graphile_worker._private_jobs`)).rows.length === 0);
    await db.pool.query(`DELETE FROM "WebhookEndpoint" WHERE id = $1`, [endpointId]);
  });

  it('still delivers an event whose instance was killed mid-delivery (the receiver de-duplicates by webhook-id)', async () => {
    const endpointId = await register('/hold');
    const killed = new Promise<number>((resolve) => {
      hold = (pid) => {
        hold = undefined; // later attempts are answered
        resolve(pid);
      };
    });
    const [eventId] = await emit(1);
    const pid = await killed;
    const victim = servers.find((s) => s.child.pid === pid)!;
    expect(victim).toBeDefined();
    victim.child.kill('SIGKILL');

    const log = await until('the delivery logged by a surviving instance', () =>
      db.pool
        .query(`SELECT attempts FROM "WebhookDelivery" WHERE "endpointId" = $1 AND "eventId" = $2 AND status = 'DELIVERED'`, [endpointId, eventId])
        .then((r) => r.rows[0] as { attempts: number } | undefined),
    ).catch(async (e) => {
      console.log(
        hits.filter((h) => h.id === eventId),
        (await db.pool.query('SELECT "endpointId", "eventId", status, attempts, error FROM "WebhookDelivery" WHERE "eventId" = $1', [eventId])).rows,
        endpointId,
      );
      throw e;
    });
    expect(log.attempts).toBe(1);
    const attempts = hits.filter((h) => h.id === eventId);
    expect(attempts.length).toBe(2); // at least once: the killed attempt, then the retaken one
    expect(attempts[1]!.pid).not.toBe(pid);
    expect(new Set(attempts.map((h) => h.id)).size).toBe(1); // one event for a de-duplicating receiver
  });
});
