// The test harness: a database of the file's own (PGlite in memory, or a fresh PostgreSQL database
// when TEST_DATABASE_URL is set), the app built by createApp, and an executor that calls it
// in-process through yoga.fetch the way a client would.
import type { Plugin } from 'graphql-yoga';
import { type App, createApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/core/config.js';
import type { Services } from '../../src/core/context.js';
import { createDatabase, type Database } from '../../src/core/db.js';
import { takeUndeclaredRefusals } from '../../src/core/declared-errors.js';
import { createLogger, type Logger } from '../../src/core/logger.js';
import { createPubSubHandle, onListening, type PubSub } from '../../src/core/pubsub.js';
import { memoryRateLimiter, redisRateLimiter } from '../../src/core/ratelimit.js';
import type { Tracing } from '../../src/core/tracing.js';
import { createServices } from '../../src/services.js';
import { createPostgresDatabase } from './postgres.js';

export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

export async function createTestDatabase(): Promise<{ database: Database; url?: string; dispose: () => Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (base) {
    const pgdb = await createPostgresDatabase(base);
    const database = await createDatabase({ url: pgdb.url, poolSize: 20 });
    return {
      database,
      url: pgdb.url,
      dispose: async () => {
        await database.close();
        await pgdb.drop();
      },
    };
  }
  const database = await createDatabase({ dataDir: 'memory://' });
  await database.migrate();
  return { database, dispose: () => database.close() };
}

export interface GraphQLResult<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/**
 * A document written with `graphql(`…`)` from test/generated (see codegen.ts): the document text as a
 * String that carries its result type R and variables type V, so `t.ok(doc, vars)` checks the
 * variables and returns typed data. Plain strings still work and answer `Record<string, any>`.
 */
export interface TypedDocument<R, V> extends String {
  __apiType?: (variables: V) => R;
}

/** Runs `query` (a plain string, or a typed document) as `as`; see TestApp.gql. */
interface Execute<Out extends 'result' | 'data'> {
  <T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    as?: string | null,
  ): Promise<Out extends 'data' ? T : GraphQLResult<T>>;
  <R, V>(query: TypedDocument<R, V>, variables?: V, as?: string | null): Promise<Out extends 'data' ? R : GraphQLResult<R>>;
}

export interface TestApp {
  app: App;
  database: Database;
  config: Config;
  pubsub: PubSub;
  /** The app's services: the job queue (`services.jobs.drain()`), counters only the server can tell (how many watch a like counter). */
  services: Services;
  /** Runs an operation as `as` (an Authorization header value, e.g. "Dev demo"); null for anonymous. */
  gql: Execute<'result'>;
  /** Like gql, but fails the test on any error and returns data. */
  ok: Execute<'data'>;
  /**
   * Resolves once `n` more subscribers are listening on pub/sub (on Redis: subscribed there) — the
   * server's own signal that an event published now reaches them. Call it before opening them.
   */
  listening(n?: number): Promise<void>;
  /** Counts SQL statements sent while fn runs. */
  countStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }>;
  dispose(): Promise<void>;
}

export async function createTestApp(
  opts: { env?: Record<string, string>; defaultAs?: string; plugins?: Plugin[]; logger?: Logger; tracing?: Tracing; jobs?: boolean } = {},
): Promise<TestApp> {
  const { database, dispose } = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_OPERATOR: '100000',
    RATE_LIMIT_FAN: '100000',
    RATE_LIMIT_PARTNER: '100000',
    RATE_LIMIT_ANONYMOUS: '100000',
    ...opts.env,
  });
  // Redis pub/sub when REDIS_URL is set, as in production with several instances.
  const events = await createPubSubHandle(process.env.REDIS_URL);
  const rateLimiter = process.env.REDIS_URL ? await redisRateLimiter(process.env.REDIS_URL) : memoryRateLimiter();
  const services = createServices({ database, pubsub: events.pubsub, config });
  const app = createApp({
    config,
    database,
    pubsub: events.pubsub,
    logger: opts.logger ?? createLogger('silent'),
    plugins: opts.plugins,
    rateLimiter,
    services,
    tracing: opts.tracing,
  });
  // The job queue runs only where a test asks (opts.jobs): most files never enqueue work.
  if (opts.jobs) await services.jobs.start();
  const defaultAs = opts.defaultAs ?? 'Dev demo';

  const gql = (async (query: string | string, variables?: unknown, as: string | null = defaultAs) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };
    if (as) headers.authorization = as;
    const res = await app.fetch('http://test/graphql', { method: 'POST', headers, body: JSON.stringify({ query: String(query), variables }) });
    return (await res.json()) as GraphQLResult<never>;
  }) as unknown as TestApp['gql'];

  return {
    app,
    database,
    config,
    pubsub: events.pubsub,
    services,
    gql,
    ok: (async (query: string, variables?: Record<string, unknown>, as?: string | null) => {
      const res = await gql(query, variables, as);
      if (res.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors, null, 2)}`);
      return res.data as never;
    }) as unknown as TestApp['ok'],
    listening(n = 1) {
      let seen = 0;
      return new Promise<void>((resolve) => {
        const off = onListening(events.pubsub, () => {
          if (++seen < n) return;
          off();
          resolve();
        });
      });
    },
    async countStatements(fn) {
      const statements: string[] = [];
      const off = database.onStatement((s) => statements.push(s));
      try {
        return { result: await fn(), statements };
      } finally {
        off();
      }
    },
    dispose: async () => {
      await services.jobs.stop();
      services.webhooks.close();
      await events.close();
      await rateLimiter.close();
      await dispose();
      // A mutation answered a refusal it does not declare (core/declared-errors.ts): fail the file.
      const undeclared = takeUndeclaredRefusals();
      if (undeclared.length) throw new Error(`Undeclared refusals (add them to the field's refusals(…)): ${JSON.stringify(undeclared)}`);
    },
  };
}
