// The durable job queue: graphile-worker on the app's database (PostgreSQL, or PGlite through
// pglite-pool.ts). Jobs are enqueued by SQL (graphile_worker.add_job) inside the caller's Prisma
// transaction, so a job exists exactly when the change that caused it committed (transactional outbox).
// Workers take jobs with SKIP LOCKED (each runs once across instances), are woken by LISTEN/NOTIFY,
// and retry failures with exponential backoff up to max_attempts; failed jobs stay in the table.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { type JobHelpers, parseCronItems, type Runner, run, runOnce, type TaskList, type WorkerEvents } from 'graphile-worker';
import type pg from 'pg';
import { Prisma } from '../../generated/prisma/client.js';
import type { Tx } from '../db.js';
import type { RawSql } from '../sql-tx.js';
import { jobLogger } from './schema.js';

declare module '../context.js' {
  interface Services {
    jobs: JobQueue;
  }
}

export type JobHandler<P = any> = (payload: P, helpers: JobHelpers) => Promise<void>;

export interface EnqueueOptions {
  runAt?: Date;
  /** De-duplication: a second job with the same key replaces the pending one (or is dropped, see jobKeyMode). */
  jobKey?: string;
  jobKeyMode?: 'replace' | 'preserve_run_at' | 'unsafe_dedupe';
  maxAttempts?: number;
  priority?: number;
}

export interface JobQueueOptions {
  concurrency: number;
  /** How often an instance proves it is alive; jobs of an instance silent for 3 beats are unlocked. */
  heartbeatMs: number;
  pollIntervalMs: number;
  onError?: (message: string, error: unknown) => void;
}

/** A job in the failed state: every attempt used, its last error kept. */
export interface FailedJob {
  id: string;
  task: string;
  attempts: number;
  lastError: string | null;
  payload: unknown;
}

/** Adds a job inside `tx` (a Prisma transaction); it exists only if tx commits. */
export async function enqueueJob(tx: Pick<Tx, '$executeRaw'>, task: string, payload: unknown, opts: EnqueueOptions = {}): Promise<void> {
  await tx.$executeRaw`SELECT 1 FROM graphile_worker.add_job(
    ${task}::text, ${JSON.stringify(payload ?? {})}::json, NULL::text, ${opts.runAt ?? null}::timestamptz,
    ${opts.maxAttempts ?? null}::int, ${opts.jobKey ?? null}::text, ${opts.priority ?? null}::int, NULL::text[],
    ${opts.jobKeyMode ?? 'replace'}::text)`;
}

/**
 * Removes the pending job with this key inside `tx` (a cancelled plan). A job running right now keeps
 * running (graphile-worker only takes its key and retries away), so its handler re-checks the state.
 */
export async function removeJob(tx: Pick<Tx, '$executeRaw'>, jobKey: string): Promise<void> {
  await tx.$executeRaw`SELECT 1 FROM graphile_worker.remove_job(${jobKey}::text)`;
}

/**
 * Adds many jobs of one task in one statement (graphile_worker.add_jobs), inside `tx`. With `onlyIf` (a
 * query), they are added only when it returns a row, in the same statement. Returns whether they were.
 */
export async function enqueueJobs(tx: Pick<RawSql, '$queryRaw'>, task: string, payloads: unknown[], onlyIf?: Prisma.Sql): Promise<boolean> {
  if (!payloads.length) return false;
  // A set-returning call in the select list runs once per row of FROM: not at all when `onlyIf` is empty.
  const [added] = await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM (SELECT graphile_worker.add_jobs(ARRAY(
    SELECT (${task}::text, p, NULL::text, NULL::timestamptz, NULL::int, NULL::text, NULL::int, NULL::text[])::graphile_worker.job_spec
    FROM json_array_elements(${JSON.stringify(payloads)}::json) AS p)) FROM (${onlyIf ?? Prisma.sql`SELECT 1`}) AS only_if) AS jobs`;
  return (added?.n ?? 0) > 0;
}

export class JobQueue {
  private readonly tasks: TaskList = {};
  private readonly cron: string[] = [];
  private runner?: Runner;
  private readonly instanceId = randomUUID();
  private readonly workerIds = new Set<string>();
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly pool: pg.Pool,
    private readonly opts: JobQueueOptions,
  ) {}

  /** The handler of a task; a thrown error is an attempt that failed (retried with backoff). */
  register<P>(task: string, handler: JobHandler<P>): void {
    this.tasks[task] = (payload, helpers) => handler(payload as P, helpers);
  }

  /** A task run on a crontab schedule (UTC), e.g. recurring('lifecycle.nightly', '0 * * * *', handler). */
  recurring<P>(task: string, schedule: string, handler: JobHandler<P>): void {
    this.register(task, handler);
    this.cron.push(`${schedule} ${task}`);
  }

  enqueue(tx: Pick<Tx, '$executeRaw'>, task: string, payload: unknown, opts?: EnqueueOptions): Promise<void> {
    return enqueueJob(tx, task, payload, opts);
  }

  /** Jobs pending, running and failed across every instance (graphile-worker's table; for /metrics). */
  depth(): Promise<QueueDepth> {
    return queueDepth(this.pool);
  }

  get running(): boolean {
    return Boolean(this.runner);
  }

  async start(): Promise<void> {
    if (this.runner) return;
    // Listening before run() starts its workers, so every worker id is known to the heartbeat.
    const events: WorkerEvents = new EventEmitter();
    events.on('worker:create', ({ worker }) => this.workerIds.add(worker.workerId));
    this.runner = await run({
      events,
      pgPool: this.pool,
      taskList: this.tasks,
      concurrency: this.opts.concurrency,
      pollInterval: this.opts.pollIntervalMs,
      noHandleSignals: true,
      // A run missed while no instance was up (a deploy across the hour) is made up for, once.
      parsedCronItems: parseCronItems(
        this.cron.map((line) => ({
          task: line.split(' ').at(-1)!,
          match: line.split(' ').slice(0, 5).join(' '),
          options: { backfillPeriod: 3_600_000 },
        })),
      ),
      logger: jobLogger,
    });
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat().catch((e) => this.opts.onError?.('job heartbeat failed', e)), this.opts.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Finishes the jobs in progress (new ones are not taken) and stops. */
  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    const runner = this.runner;
    this.runner = undefined;
    if (!runner) return;
    await runner.stop();
    await this.pool.query('DELETE FROM job_instances WHERE id = $1', [this.instanceId]).catch(() => {});
  }

  // Jobs locked by a worker whose process died (SIGKILL, a lost machine) would wait graphile-worker's
  // 4-hour lock expiry; instead each instance beats, and any instance unlocks those of a silent one.
  private async beat(): Promise<void> {
    await this.pool.query(
      `INSERT INTO job_instances (id, "workerIds", "seenAt") VALUES ($1, $2, now())
       ON CONFLICT (id) DO UPDATE SET "workerIds" = excluded."workerIds", "seenAt" = now()`,
      [this.instanceId, [...this.workerIds]],
    );
    const stale = await this.pool.query<{ id: string; workerIds: string[] }>(
      `DELETE FROM job_instances WHERE "seenAt" < now() - make_interval(secs => $1) RETURNING id, "workerIds"`,
      [(3 * this.opts.heartbeatMs) / 1000],
    );
    const ids = stale.rows.flatMap((r) => r.workerIds);
    if (ids.length) await this.pool.query('SELECT graphile_worker.force_unlock_workers($1::text[])', [ids]);
  }

  /**
   * For tests: run until no job is due. With `fastForward`, jobs waiting out a retry backoff are made
   * due now (a fake clock for backoff); with `until`, jobs scheduled up to that time are.
   */
  async drain({ fastForward = false, until, timeoutMs = 30_000 }: { fastForward?: boolean; until?: Date; timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // A fake clock for scheduled jobs: everything planned up to `until` is due now.
      if (until)
        await this.pool.query(
          `UPDATE graphile_worker._private_jobs SET run_at = now() WHERE locked_at IS NULL AND attempts < max_attempts AND run_at > now() AND run_at <= $1`,
          [until.toISOString()],
        );
      if (fastForward)
        await this.pool.query(
          `UPDATE graphile_worker._private_jobs SET run_at = now()
           WHERE locked_at IS NULL AND attempts > 0 AND attempts < max_attempts AND run_at > now()`,
        );
      if (!this.runner) await runOnce({ pgPool: this.pool, taskList: this.tasks, logger: jobLogger, noHandleSignals: true });
      // A job planned by a job (the next reminder) up to `until` is pending too: the next pass makes it due.
      const { rows } = await this.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM graphile_worker._private_jobs
         WHERE locked_at IS NOT NULL OR (run_at <= greatest(now(), $1::timestamptz) AND attempts < max_attempts)${fastForward ? ' OR (attempts > 0 AND attempts < max_attempts)' : ''}`,
        [until?.toISOString() ?? null],
      );
      if (!rows[0]?.n) return;
      if (Date.now() > deadline) throw new Error(`jobs.drain: ${rows[0].n} jobs still pending after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** How many jobs wait (due or scheduled, retries included), run now, or used every attempt. */
export interface QueueDepth {
  pending: number;
  running: number;
  failed: number;
}

/** The queue's depth across all instances, in one statement (for /metrics). */
export async function queueDepth(pool: pg.Pool): Promise<QueueDepth> {
  const { rows } = await pool.query<QueueDepth>(
    `SELECT count(*) FILTER (WHERE locked_at IS NULL AND attempts < max_attempts)::int AS pending,
            count(*) FILTER (WHERE locked_at IS NOT NULL)::int AS running,
            count(*) FILTER (WHERE locked_at IS NULL AND attempts >= max_attempts)::int AS failed
     FROM graphile_worker._private_jobs`,
  );
  return rows[0] ?? { pending: 0, running: 0, failed: 0 };
}

/** Jobs that used every attempt (graphile-worker keeps them with attempts = max_attempts). */
export async function failedJobs(pool: pg.Pool, limit = 100): Promise<FailedJob[]> {
  const { rows } = await pool.query(
    `SELECT j.id::text AS id, t.identifier AS task, j.attempts, j.last_error AS "lastError", j.payload
     FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
     WHERE j.attempts >= j.max_attempts ORDER BY j.id LIMIT $1`,
    [limit],
  );
  return rows as FailedJob[];
}

/** Gives a failed job its attempts back and makes it due now; false when no such failed job. */
export async function retryJob(pool: pg.Pool, id: string): Promise<boolean> {
  const { rows } = await pool.query(
    `UPDATE graphile_worker._private_jobs SET attempts = 0, run_at = now(), last_error = NULL
     WHERE id = $1::bigint AND attempts >= max_attempts RETURNING id`,
    [id],
  );
  return rows.length > 0;
}
