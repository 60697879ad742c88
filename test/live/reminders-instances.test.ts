// Session reminders run once wherever the queue runs them. On PostgreSQL three API processes share the
// queue: each reminder time of a session is taken by one of them, and every fan who reserved gets exactly
// one reminder.due per planned time; a process SIGKILLed while it holds a reminder job (blocked on the
// session's row, which the test locks) loses nothing: another instance sees its heartbeat stop, takes the
// job back and sends it, once. A process killed while it is delivering a reminder (the receiver holds the
// request) loses nothing either: the delivery is retried elsewhere with the same webhook-id, which the
// receiver de-duplicates. Without TEST_DATABASE_URL one process owns the embedded directory, so the same
// scenario runs against one instance restarted in place (the title says so). The clock is the same fake
// as in reminders.test.ts: what is planned up to an instant is made due now.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/core/db.js';
import { seedDemo } from '../../src/demo/seed.js';
import { type Check, pollUntil } from '../helpers/poll.js';
import { createPostgresDatabase } from '../helpers/postgres.js';
import { graphqlData, type ServerProcess, spawnServer, stopAllServers } from '../helpers/process.js';
import { makeTempDir, removeTempDir } from '../helpers/temp.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { decodeId, eveningIn, Q } from './live-helpers.js';

const multi = Boolean(process.env.TEST_DATABASE_URL);
const mode = multi ? 'three instances on PostgreSQL' : 'one instance on embedded PGlite, restarted in place (no shared database configured)';

/** An instant on the day of `evening` (20:00 Shanghai = 12:00 UTC) at a Shanghai wall-clock hour. */
const shanghai = (evening: Date, hour: number, minute = 0) => new Date(evening.getTime() + (hour - 20) * 3_600_000 + minute * 60_000);
// The fake clock (as JobQueue.drain does): jobs planned up to `until` are due now.
const ADVANCE = `UPDATE graphile_worker._private_jobs SET run_at = now()
  WHERE locked_at IS NULL AND attempts < max_attempts AND run_at > now() AND run_at <= $1`;
const REMINDERS = `query($id: ID!) { node(id: $id) { ... on LiveSession { reminderTimes { at status } } } }`;

const until = <T>(what: string, check: Check<T>, ms = 60_000) => pollUntil(what, check, ms, 100);

describe(`session reminders across instances (${mode})`, () => {
  let receiver: WebhookReceiver;
  let servers: ServerProcess[] = [];
  let db: Database | undefined; // PostgreSQL: the test's own connection to the shared database
  let env: Record<string, string> = {};
  let cleanup = async () => {};

  const instance = (name: string) =>
    spawnServer(
      {
        ...env,
        ...(multi ? { DATABASE_URL: `${env.DATABASE_URL}?application_name=${name}` } : {}),
        NODE_ENV: 'development',
        SEED_ON_START: 'false',
        JOBS_HEARTBEAT_MS: '1000', // a dead instance's jobs are retaken after 3 s
        JOBS_POLL_INTERVAL_MS: '200',
        WEBHOOK_TIMEOUT_MS: '60000',
        WEBHOOK_RETRY_BASE_MS: '100',
      },
      110_000,
    );
  const live = () => servers.filter((s) => s.child.exitCode === null && s.child.signalCode === null);

  /** On the first instance still running, unless told which. */
  const post = (query: string, variables: Record<string, unknown>, as?: string, server = live()[0]!) => graphqlData(server, query, variables, as);

  /** Makes what is planned up to `at` due. Embedded: with the server stopped (it owns the directory), then restarted. */
  async function advance(at: Date) {
    if (multi) return void (await db!.pool.query(ADVANCE, [at.toISOString()]));
    await servers[0]!.stop(); // finishes the jobs in progress first
    const offline = await createDatabase({ dataDir: env.DATA_DIR! });
    await offline.pool.query(ADVANCE, [at.toISOString()]);
    await offline.close();
    servers = [await instance('embedded')];
  }

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    if (multi) {
      const pg = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
      env = { DATABASE_URL: pg.url };
      db = await createDatabase({ url: pg.url, poolSize: 3 });
      await seedDemo(db.prisma, { fans: 12 });
      servers = await Promise.all(['reminders-a', 'reminders-b', 'reminders-c'].map(instance));
      cleanup = async () => {
        await db?.close();
        await pg.drop();
      };
    } else {
      const dir = makeTempDir('reminders');
      env = { DATA_DIR: dir, DATABASE_URL: '', REDIS_URL: '' };
      const seeding = await createDatabase({ dataDir: dir });
      await seeding.migrate();
      await seedDemo(seeding.prisma, { fans: 12 });
      await seeding.close();
      servers = [await instance('embedded')];
      cleanup = async () => removeTempDir(dir);
    }
    await receiver.register({ ok: ((q: string, v: Record<string, unknown>) => post(q, v)) as never }, ['REMINDER_DUE']);
  }, 240_000);

  afterAll(async () => {
    stopAllServers();
    await receiver?.close();
    await cleanup().catch(() => {});
  });

  /** A session the evening `days` ahead (default reminders 10:00, 15:00, 19:30) reserved by `fans` new fans, through the API. */
  async function reservedSession(days: number, fans: number) {
    const s = (await post(Q.schedule, { i: { title: `Reminder run ${days}`, host: 'Lumi', scheduledAt: eveningIn(days).toISOString() } })).r.data;
    const fanIds: string[] = [];
    for (let i = 0; i < fans; i++) {
      const externalId = `rem-${days}-${i}-${Math.random().toString(36).slice(2, 8)}`;
      // Fans arrive from the live platform's import in production; a Dev credential acts as one here.
      const created = await post(`mutation($i: ImportFansInput!) { importFans(input: $i) { __typename ... on DomainError { code message } } }`, {
        i: { fans: [{ externalId, displayName: `Hangzhou-oily skin·${externalId}` }] },
      });
      expect(created.importFans.__typename).toBe('MutationImportFansSuccess');
      const servers_ = live();
      const r = (await post(Q.reserveSession, { i: { sessionId: s.id } }, `Dev demo/fan:${externalId}`, servers_[i % servers_.length])).r;
      expect(r.__typename).toBe('MutationReserveSessionSuccess');
      fanIds.push(decodeId(r.data.fan.id));
    }
    return { id: s.id as string, rawId: decodeId(s.id), evening: eveningIn(days), fanIds };
  }

  /** PostgreSQL: no job running and none due (the next reminder times are days away). */
  const settled = () =>
    until('the queue to settle', async () => {
      const { rows } = await db!.pool.query(`SELECT 1 FROM graphile_worker._private_jobs WHERE locked_at IS NOT NULL OR run_at <= now()`);
      return rows.length === 0;
    });
  const remindersAt = (sessionId: string, at: Date) =>
    receiver.events('reminder.due').filter((e) => e.data.sessionId === sessionId && e.data.at === at.toISOString());
  const statuses = async (id: string) => (await post(REMINDERS, { id })).node.reminderTimes.map((r: { status: string }) => r.status);

  it('sends each planned time once: every fan who reserved gets exactly one reminder.due per time', async () => {
    const sessions = [await reservedSession(2, 3), await reservedSession(3, 3)];
    // The default times: 10:00, 15:00 and 30 minutes before the 20:00 start.
    const due = (s: { evening: Date }, i: number) => [shanghai(s.evening, 10), shanghai(s.evening, 15), shanghai(s.evening, 19, 30)][i]!;
    for (const i of [0, 1, 2]) {
      // Both sessions' jobs of this time become due together, for the instances to race for.
      await advance(new Date(Math.max(...sessions.map((s) => due(s, i).getTime())) + 60_000));
      for (const s of sessions) {
        await until(`${s.fanIds.length} reminders of ${due(s, i).toISOString()}`, () => remindersAt(s.rawId, due(s, i)).length >= s.fanIds.length);
        // The job has committed (its time reads SENT) and planned the next one.
        await until('the time marked sent', async () => (await statuses(s.id))[i] === 'SENT');
      }
    }
    for (const s of sessions) expect(await statuses(s.id)).toEqual(['SENT', 'SENT', 'SENT']);
    // Nothing left to run (embedded: the server stopped, having finished its jobs): what arrived is all there is.
    if (multi) await settled();
    else await servers[0]!.stop();
    for (const s of sessions)
      for (const i of [0, 1, 2]) {
        const sent = remindersAt(s.rawId, due(s, i));
        expect(sent.map((e) => e.data.fanId).sort()).toEqual([...s.fanIds].sort());
        expect(sent.every((e) => receiver.attempts(e.id) === 1)).toBe(true); // not even a retried POST
      }
    expect(receiver.forged).toBe(0);
    if (!multi) servers = [await instance('embedded')];
  }, 360_000);

  it.runIf(multi)(
    'a process SIGKILLed while it holds the reminder job: another sends the reminder, once (PostgreSQL only: the test locks the row from a connection of its own)',
    async () => {
      const s = await reservedSession(4, 3);
      const at = shanghai(s.evening, 10);
      // The test holds the session's row: the instance that takes the job blocks on it, inside its transaction.
      const lock = await db!.pool.connect();
      try {
        await lock.query('BEGIN');
        await lock.query(`SELECT 1 FROM "LiveSession" WHERE id = $1 FOR UPDATE`, [s.rawId]);
        await advance(new Date(at.getTime() + 60_000));
        const holder = await until('an instance blocked in the reminder job', async () => {
          const { rows } = await db!.pool.query<{ app: string }>(
            `SELECT application_name AS app FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%LiveSession%FOR UPDATE%'`,
          );
          return rows[0]?.app;
        });
        const victim = servers[['reminders-a', 'reminders-b', 'reminders-c'].indexOf(holder)]!;
        expect(victim).toBeDefined();
        victim.child.kill('SIGKILL');
        await new Promise((r) => victim.child.once('exit', r));
      } finally {
        await lock.query('ROLLBACK').catch(() => {});
        lock.release();
      }
      await until('the reminders sent by a surviving instance', () => remindersAt(s.rawId, at).length >= s.fanIds.length, 60_000);
      await until('the time marked sent', async () => (await statuses(s.id))[0] === 'SENT');
      await settled();
      const sent = remindersAt(s.rawId, at);
      expect(sent.map((e) => e.data.fanId).sort()).toEqual([...s.fanIds].sort());
      expect(sent.every((e) => receiver.attempts(e.id) === 1)).toBe(true);
    },
    180_000,
  );

  it('a process SIGKILLed while it delivers a reminder: the delivery is retried with the same webhook-id, and fans get it once', async () => {
    const s = await reservedSession(5, 3);
    const at = shanghai(s.evening, 10);
    const held = receiver.holdNext((e) => e.type === 'reminder.due' && e.data.sessionId === s.rawId);
    await advance(new Date(at.getTime() + 60_000));
    const pid = await held;
    const victim = servers.find((x) => x.child.pid === pid)!;
    expect(victim).toBeDefined();
    victim.child.kill('SIGKILL');
    await new Promise((r) => victim.child.once('exit', r));
    // Embedded: the process restarts on its directory; its dead predecessor's jobs are retaken after 3 beats.
    if (!multi) servers = [await instance('embedded')];
    const heldId = await until('the held reminder posted again', () => remindersAt(s.rawId, at).find((e) => receiver.attempts(e.id) >= 2));
    await until('every reminder delivered', () => remindersAt(s.rawId, at).length >= s.fanIds.length);
    expect(receiver.senders(heldId.id).at(-1)).not.toBe(pid);
    const sent = remindersAt(s.rawId, at);
    expect(sent.map((e) => e.data.fanId).sort()).toEqual([...s.fanIds].sort()); // one per fan once de-duplicated by id
    expect(new Set(sent.map((e) => e.id)).size).toBe(s.fanIds.length);
  }, 240_000);
});
