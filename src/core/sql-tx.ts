// A lean transaction for hot paths: BEGIN … COMMIT on one connection, statements sent as they are.
// Prisma's interactive transactions cost CPU per statement (its query compiler, its transaction
// bookkeeping and promise plumbing) that a serial path like the like group commit pays on every like;
// this one costs a `pg` query per statement. It keeps Prisma's transaction options (db.ts): at most
// 60 s waiting to start and 60 s from start to COMMIT, after which the transaction is rolled back
// and the caller gets an error, and any error inside rolls it back. It speaks `$queryRaw`/`$executeRaw`
// with Prisma's tagged templates (Prisma.sql, Prisma.join), so set-based helpers written for a Prisma
// transaction (`RawSql`) run unchanged inside either.
import type { Transaction as LiteTransaction, PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { Prisma } from '../generated/prisma/client.js';
import { traceStatement } from './tracing.js';

/** What a set-based helper needs of a transaction: a Prisma one or a SqlTx both have it. */
export interface RawSql {
  $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): PromiseLike<T>;
  $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): PromiseLike<number>;
}

export interface SqlTx extends RawSql {
  $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T>;
  $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number>;
  /** One statement with $1… parameters; rows parsed as the Reader's are (timestamps UTC, dates at UTC midnight). */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<{ rows: T[]; rowCount: number }>;
}

export type SqlTransaction = <T>(fn: (tx: SqlTx) => Promise<T>) => Promise<T>;

/** The same bounds as Prisma's transactions here (db.ts `transactionOptions`). */
export interface SqlTxOptions {
  /** How long to wait for a connection (PostgreSQL) or for the running transaction (PGlite). */
  maxWaitMs: number;
  /** From BEGIN to COMMIT; past it the transaction is rolled back and every later statement fails. */
  timeoutMs: number;
}

export class SqlTxTimeout extends Error {
  constructor(what: 'start' | 'run', ms: number) {
    super(
      what === 'start'
        ? `Transaction not started within ${ms} ms (no connection free)`
        : `Transaction expired: it ran longer than its timeout of ${ms} ms and was rolled back`,
    );
  }
}

type Emit = (sql: string, params: () => readonly unknown[]) => void;
type RunQuery = (text: string, params: unknown[]) => Promise<{ rows: unknown[]; rowCount: number | null }>;

// Prisma's raw queries send a Date as its UTC instant; `timestamp(3)` columns hold UTC. pg would send
// local time with an offset, which a cast to `timestamp` drops: send the ISO string.
const param = (v: unknown) => (v instanceof Date ? v.toISOString() : v);

function sqlOf(query: TemplateStringsArray | Prisma.Sql, values: unknown[]): { text: string; values: unknown[] } {
  const s = query instanceof Prisma.Sql ? query : Prisma.sql(query, ...(values as Prisma.Sql[]));
  return { text: s.text, values: s.values.map(param) };
}

/** The statement API over one connection; `guard` throws once the transaction may no longer run statements. */
function txApi(run: RunQuery, emit: Emit, guard: () => void): SqlTx {
  const query = async <T>(text: string, params: readonly unknown[] = []) => {
    guard();
    const values = params.map(param);
    emit(text, () => values);
    const r = await traceStatement(text, () => run(text, values));
    return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
  };
  return {
    query,
    async $queryRaw<T>(q: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) {
      const s = sqlOf(q, values);
      return (await query(s.text, s.values)).rows as T;
    },
    async $executeRaw(q: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) {
      const s = sqlOf(q, values);
      return (await query(s.text, s.values)).rowCount;
    },
  };
}

/** PostgreSQL: BEGIN … COMMIT on one client of `pool`, which is always given back (discarded after a timeout or a lost connection). */
export function pgTransaction(pool: pg.Pool, emit: Emit, opts: SqlTxOptions, types?: pg.CustomTypesConfig): SqlTransaction {
  return async (fn) => {
    const client = await connectWithin(pool, opts.maxWaitMs);
    // A connection the server ends while we hold it (our idle-in-transaction timeout, a restart) emits
    // 'error', which pg.Pool only listens for on idle clients: the pending or next statement fails instead.
    const lost = () => {};
    client.on('error', lost);
    let expired = false;
    let committing = false;
    let broken: Error | undefined;
    // Past the timeout the connection is closed: the server rolls the transaction back at once and
    // frees its locks, even while a statement waits on one, and the pending statement fails.
    const timer = setTimeout(() => {
      if (committing) return;
      expired = true;
      broken = new SqlTxTimeout('run', opts.timeoutMs);
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    }, opts.timeoutMs);
    const guard = () => {
      if (expired) throw new SqlTxTimeout('run', opts.timeoutMs);
    };
    const run: RunQuery = (text, values) => client.query({ text, values, types });
    try {
      // The server ends a session left idle in its transaction as long as the timeout (a stalled process).
      await client.query(`BEGIN; SET LOCAL idle_in_transaction_session_timeout = ${Math.ceil(opts.timeoutMs)}`);
      const result = await fn(txApi(run, emit, guard));
      guard();
      committing = true;
      await client.query('COMMIT');
      return result;
    } catch (e) {
      if (!expired && !committing) await client.query('ROLLBACK').catch((r: Error) => (broken = r));
      else if (committing) broken = e as Error;
      throw expired ? new SqlTxTimeout('run', opts.timeoutMs) : e;
    } finally {
      clearTimeout(timer);
      client.off('error', lost);
      // A connection that failed to roll back (or was closed) leaves the pool.
      client.release(broken ?? (expired ? true : undefined));
    }
  };
}

async function connectWithin(pool: pg.Pool, ms: number): Promise<pg.PoolClient> {
  let timer: NodeJS.Timeout | undefined;
  let gaveUp = false;
  const connecting = pool.connect();
  try {
    return await Promise.race([
      connecting,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          gaveUp = true;
          reject(new SqlTxTimeout('start', ms));
        }, ms);
      }),
    ]);
  } catch (e) {
    // A connection that arrives after we gave up goes straight back.
    if (gaveUp)
      connecting.then(
        (c) => c.release(),
        () => {},
      );
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * PGlite: its own transaction(), which runs one transaction at a time in the process (as Prisma's do,
 * through the same lock). A statement cannot be interrupted in-process, so the timeout is checked
 * before each statement and before COMMIT: an expired transaction fails there and is rolled back.
 */
export function liteTransaction(lite: PGlite, emit: Emit, opts: SqlTxOptions, parsers?: Record<number, (text: string) => unknown>): SqlTransaction {
  return async (fn) => {
    let abandoned = false;
    let timer: NodeJS.Timeout | undefined;
    const waiting = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abandoned = true;
        reject(new SqlTxTimeout('start', opts.maxWaitMs));
      }, opts.maxWaitMs);
    });
    const running = lite.transaction(async (ltx: LiteTransaction) => {
      clearTimeout(timer);
      if (abandoned) throw new SqlTxTimeout('start', opts.maxWaitMs);
      const deadline = performance.now() + opts.timeoutMs;
      const guard = () => {
        if (performance.now() > deadline) throw new SqlTxTimeout('run', opts.timeoutMs);
      };
      const run: RunQuery = async (text, values) => {
        const r = await ltx.query(text, values, { parsers });
        return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
      };
      const result = await fn(txApi(run, emit, guard));
      guard();
      return result;
    });
    running.catch(() => {});
    try {
      return await Promise.race([running, waiting]);
    } finally {
      clearTimeout(timer);
    }
  };
}
