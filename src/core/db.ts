// The database: PostgreSQL through @prisma/adapter-pg when a URL is given, otherwise an embedded
// PGlite (same provider, same migrations). Both are wrapped so every SQL statement can be counted,
// which is how the tests prove nested queries have no N+1.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.js';
import type { Config } from './config.js';
import { PGlitePool } from './jobs/pglite-pool.js';
import { migrateJobs } from './jobs/schema.js';
import { pgListener } from './listen.js';
import { migrate, type SqlRunner } from './migrate.js';
import { readThrough } from './reads/client.js';
import { loadDataModel } from './reads/model.js';
import { Reader, type Row, type RunSql } from './reads/reader.js';
import { liteTransaction, pgTransaction, type SqlTransaction } from './sql-tx.js';
import { recordStatement, traceStatement } from './tracing.js';

export type Db = PrismaClient;
export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

export interface Database {
  kind: 'pglite' | 'postgres';
  prisma: PrismaClient;
  /** Raw access for migrations and health checks. */
  sql: SqlRunner;
  /** A pg.Pool (on PGlite, one shaped like it) for the job queue, which speaks node-postgres. */
  pool: pg.Pool;
  /**
   * A lean raw-SQL transaction for hot paths (src/core/sql-tx.ts): BEGIN … COMMIT on one connection,
   * with the same wait and run timeouts as Prisma's transactions. Its statements are reported to
   * onStatement listeners too.
   */
  transaction: SqlTransaction;
  /** Every SQL statement Prisma sends passes through here; tests subscribe to count them. */
  onStatement(listener: StatementListener): () => void;
  ping(): Promise<boolean>;
  /** Connections of the PostgreSQL pool (absent on PGlite, which has one in-process connection). */
  poolStats?(): { total: number; idle: number; waiting: number };
  /**
   * LISTEN on a channel: `onPayload` gets each NOTIFY payload (delivered at the sender's commit). One
   * listening session per process (PostgreSQL: a dedicated client outside the pool). Returns unlisten.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}

/** A statement and its parameters (tests EXPLAIN them). */
export type StatementListener = (sql: string, params: readonly unknown[]) => void;
type Emit = (sql: string, params: () => readonly unknown[]) => void;

export interface DatabaseOptions {
  /** postgres:// URL; when absent, PGlite in dataDir (or in memory when dataDir is "memory://"). */
  url?: string;
  /**
   * A session connection (not through a transaction-pooling PgBouncer) for what needs one: migrations
   * (a session advisory lock), LISTEN and the job queue (graphile-worker LISTENs too). Default: url.
   */
  directUrl?: string;
  dataDir?: string;
  poolSize?: number;
  /** How long to wait for a new connection (a server down or frozen) before the query fails. Default 5 s. */
  connectTimeoutMs?: number;
  /** How long a statement may go unanswered before it fails (client side, so a frozen server cannot hang a request); 0: none. */
  queryTimeoutMs?: number;
  /** Named prepared statements for reads (default); off behind PgBouncer < 1.21 in transaction mode. */
  preparedStatements?: boolean;
  /**
   * Answer reads with the Reader's SQL (default) or leave them all to Prisma ('prisma', for comparison).
   * 'verify' answers with the Reader and checks every answer against Prisma's (tests).
   */
  reads?: 'sql' | 'prisma' | 'verify';
}

/** The database settings of a loaded configuration. */
export function databaseOptions(config: Config): DatabaseOptions {
  return {
    url: config.databaseUrl,
    directUrl: config.databaseDirectUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
    connectTimeoutMs: config.dbConnectTimeoutMs,
    queryTimeoutMs: config.dbQueryTimeoutMs,
    preparedStatements: config.dbPreparedStatements,
  };
}

// Serializable enough for our rules and generous on waits: PGlite runs one transaction at a time,
// so a burst of 100 concurrent redemptions queues rather than failing on Prisma's 2 s default.
const transactionOptions = { maxWait: 60_000, timeout: 60_000 };
/** The raw-SQL transactions' bounds: Prisma's. */
const sqlTxOptions = { maxWaitMs: transactionOptions.maxWait, timeoutMs: transactionOptions.timeout };

export async function createDatabase(opts: DatabaseOptions): Promise<Database> {
  const listeners = new Set<StatementListener>();
  // Parameters are only materialized when someone listens.
  const emit: Emit = (sql, params) => {
    if (listeners.size) {
      const p = params();
      listeners.forEach((l) => l(sql, p));
    }
  };
  const onStatement = (l: StatementListener) => {
    listeners.add(l);
    return () => void listeners.delete(l);
  };

  if (opts.url) {
    const direct = opts.directUrl ?? opts.url;
    // Bounded waits: a server that is down refuses at once, but one that is frozen or unreachable would
    // otherwise hold a request (and its pool slot) until TCP gives up, minutes later.
    // The connect timeout goes on each new connection, not on the pool: pg.Pool's own would also fail a
    // request that merely waited that long for a busy pool's free connection (load, not an outage).
    const connectTimeoutMs = opts.connectTimeoutMs ?? 5_000;
    class TimedClient extends pg.Client {
      constructor(config?: string | pg.ClientConfig) {
        // No JIT: a ranking over every group is planned as costly (its fallback sub-selects are costed as
        // if each ran) and JIT compiled 40–80 ms for a statement that runs in 30; nothing here runs the long
        // analytic scans JIT pays off for. (PgBouncer drops the startup option; it is only a speed-up.)
        super({
          ...(typeof config === 'string' ? { connectionString: config } : config),
          connectionTimeoutMillis: connectTimeoutMs,
          options: '-c jit=off',
        });
        // The pool listens for errors only on idle clients. A connection lost while a caller holds one
        // between statements (graphile-worker's job fetch before it releases, a transaction) is an
        // 'error' event nobody listens to, and that ends the process. The holder still finds out: its
        // next statement fails, and the pool discards the client when it comes back.
        this.on('error', () => {});
      }
    }
    const timeouts = { Client: TimedClient, ...(opts.queryTimeoutMs ? { query_timeout: opts.queryTimeoutMs } : {}) };
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10, ...timeouts });
    // Idle clients can error when the server restarts; log instead of crashing the process.
    pool.on('error', () => {});

    const named = opts.preparedStatements ?? true;
    const prisma = withReads(new PrismaPg(pool), emit, opts, (text, values, planOnce = true) => {
      emit(text, () => values);
      // Named statements are parsed and planned once per connection, not on every read.
      const name = named && planOnce ? statementName(text) : undefined;
      return traceStatement(text, async () => (await pool.query<Row>({ name, text, values, types: pgTypes })).rows);
    });
    const sql = runner((text, params) => pool.query(text, params as unknown[]).then((r) => r.rows as never[]));
    const listener = pgListener(direct, { connectTimeoutMs });
    // The job queue's own connections, so outbound work never starves requests of theirs.
    const jobPool = new pg.Pool({ connectionString: direct, max: opts.poolSize ?? 10, ...timeouts });
    jobPool.on('error', () => {});
    return {
      kind: 'postgres',
      prisma,
      sql,
      pool: jobPool,
      transaction: pgTransaction(pool, emit, sqlTxOptions, pgTypes),
      onStatement,
      ping: () => ping(sql),
      poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
      listen: listener.listen,
      migrate: async () => {
        // One dedicated session (the direct URL: through a transaction pooler the lock and the unlock
        // could land on different server connections) so the advisory lock and unlock share it.
        const client = new pg.Client({ connectionString: direct, connectionTimeoutMillis: connectTimeoutMs });
        client.on('error', () => {});
        await client.connect();
        let applied: string[];
        try {
          applied = await migrate(
            { query: async (t, p) => (await client.query(t, p as unknown[])).rows, exec: async (t) => void (await client.query(t)) },
            { lock: true },
          );
        } finally {
          await client.end().catch(() => {});
        }
        // The job queue's own schema (graphile_worker), migrated by the library under its own lock.
        return [...applied, ...(await migrateJobs(jobPool))];
      },
      close: async () => {
        await listener.close();
        await prisma.$disconnect();
        await pool.end().catch(() => {});
        await jobPool.end().catch(() => {});
      },
    };
  }

  const dir = opts.dataDir ?? 'memory://';
  if (!dir.startsWith('memory://')) mkdirSync(dir, { recursive: true });
  // pg_trgm backs the fan-name search index (see the read-path migration).
  const lite = await PGlite.create(dir, { extensions: { pg_trgm } });
  // The adapter bundles its own copy of Prisma's adapter types; they agree at run time.
  const prisma = withReads(new PrismaPGlite(lite) as unknown as PrismaPg, emit, opts, (text, values) => {
    emit(text, () => values);
    return traceStatement(text, async () => (await lite.query<Row>(text, values, { parsers: liteParsers })).rows);
  });
  const sql: SqlRunner = {
    query: async (text, params) => (await lite.query(text, params as unknown[])).rows as never[],
    exec: async (text) => void (await lite.exec(text)),
  };
  const pool = new PGlitePool(lite) as unknown as pg.Pool;
  return {
    kind: 'pglite',
    prisma,
    sql,
    pool,
    transaction: liteTransaction(lite, emit, sqlTxOptions, liteParsers),
    onStatement,
    ping: () => ping(sql),
    listen: async (channel, onPayload) => {
      const unlisten = await lite.listen(channel, onPayload);
      return async () => {
        if (!lite.closed) await unlisten();
      };
    },
    migrate: async () => [...(await migrate(sql, { lock: false })), ...(await migrateJobs(pool))],
    close: async () => {
      await prisma.$disconnect();
      if (!lite.closed) await lite.close();
    },
  };
}

/** A Prisma client whose every SQL statement is reported to `emit`. */
function counted(adapter: PrismaPg, emit: Emit): PrismaClient {
  const prisma = new PrismaClient({ adapter, transactionOptions, log: [{ emit: 'event', level: 'query' }] });
  (prisma as unknown as { $on(e: 'query', cb: (e: { query: string; params: string; timestamp: Date; duration: number }) => void): void }).$on(
    'query',
    (e) => {
      emit(e.query, () => JSON.parse(e.params) as unknown[]);
      recordStatement(e.query, e.timestamp, e.duration);
    },
  );
  return withNonEmptySelects(prisma);
}

// Pothos selects the columns a client asked for. A client that asks for nothing but `__typename`
// (say `acceptInvite { __typename ... on DomainError { code } }`) yields `select: {}`, which Prisma
// refuses — after the mutation has committed, so the retry met CONFLICT. An empty selection reads
// the row's own columns instead, at every level; a selection with fields is passed on untouched.
type Query = { select?: Record<string, unknown>; include?: Record<string, unknown> };
function hasEmptySelect(q: Query): boolean {
  if (q.select && !Object.keys(q.select).length) return true;
  return Object.values(q.select ?? q.include ?? {}).some((v) => typeof v === 'object' && v !== null && hasEmptySelect(v as Query));
}
function withoutEmptySelects(q: Query): Query {
  const { select, ...rest } = q;
  const fixed: Query = select && !Object.keys(select).length ? rest : q;
  const nested = fixed.select ? 'select' : fixed.include ? 'include' : null;
  if (!nested) return fixed;
  const entries = Object.entries(fixed[nested]!).map(([k, v]) => [k, typeof v === 'object' && v !== null ? withoutEmptySelects(v as Query) : v]);
  return { ...fixed, [nested]: Object.fromEntries(entries) };
}
function withNonEmptySelects(prisma: PrismaClient): PrismaClient {
  const read = ({ args, query }: { args: any; query: (a: any) => Promise<unknown> }) =>
    query(args && hasEmptySelect(args) ? withoutEmptySelects(args) : args);
  // Query extensions keep the client's type; only the reads Pothos plans go through this.
  return prisma.$extends({
    query: { $allModels: { findUnique: read, findUniqueOrThrow: read, findFirst: read, findFirstOrThrow: read, findMany: read } },
  }) as unknown as PrismaClient;
}

// Prisma keeps DateTime as UTC in \`timestamp(3)\` columns; both drivers would read them as local time.
const parseTimestamp = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);
const parseDay = (text: string) => new Date(`${text}T00:00:00Z`);
const TIMESTAMP = 1114;
const DATE = 1082;
const pgTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === TIMESTAMP ? parseTimestamp : oid === DATE ? parseDay : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};
const liteParsers = { [TIMESTAMP]: parseTimestamp, [DATE]: parseDay };

const statementNames = new Map<string, string>();
/** A stable name per distinct read shape (bounded: shapes come from the schema, not from values). */
function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (!name) {
    if (statementNames.size >= 2000) return undefined; // unnamed beyond that, never unbounded
    statementNames.set(text, (name = `r${statementNames.size}`));
  }
  return name;
}

const dataModel = loadDataModel();
function withReads(adapter: PrismaPg, emit: Emit, opts: DatabaseOptions, run: RunSql): PrismaClient {
  const prisma = counted(adapter, emit);
  const mode = opts.reads ?? (process.env.READS as DatabaseOptions['reads']) ?? 'sql';
  if (mode === 'prisma') return prisma;
  // Verification asks a second, uncounted client, so statement counts stay those of the real path.
  const verifyWith = mode === 'verify' ? withNonEmptySelects(new PrismaClient({ adapter, transactionOptions })) : undefined;
  return readThrough(prisma, dataModel, new Reader(dataModel, run), { verifyWith });
}

function runner(query: (text: string, params?: unknown[]) => Promise<never[]>): SqlRunner {
  return { query, exec: async (text) => void (await query(text)) };
}

const ping = (sql: SqlRunner) =>
  sql.query('SELECT 1').then(
    () => true,
    () => false,
  );
