// Configuration from the environment, validated once at start. Every bad value is reported on its own
// line ("PORT: must be an integer from 0 to 65535 (got "abc")") instead of a stack trace.
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const postgresUrl = z.string().refine((v) => /^postgres(ql)?:\/\//.test(v), { message: 'must be a postgres:// or postgresql:// URL' });

const ConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], { message: 'must be development, production or test' }).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce
    .number({ message: 'must be an integer from 0 to 65535' })
    .int({ message: 'must be an integer from 0 to 65535' })
    .min(0, { message: 'must be an integer from 0 to 65535' })
    .max(65535, { message: 'must be an integer from 0 to 65535' })
    .default(4000),
  DATABASE_URL: postgresUrl.optional(),
  /** A session (not transaction-pooled) connection for migrations, LISTEN and the job queue; unset: DATABASE_URL. */
  DATABASE_DIRECT_URL: postgresUrl.optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: z
    .string()
    .refine((v) => /^rediss?:\/\//.test(v), { message: 'must be a redis:// URL' })
    .optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent'], { message: 'must be one of debug, info, warn, error, silent' }).default('info'),
  /** `json` (one object per line, the production default) or `pretty` (one readable line; needs the dev dependency pino-pretty). */
  LOG_FORMAT: z.enum(['json', 'pretty'], { message: 'must be json or pretty' }).optional(),
  /** OTLP/HTTP collector (e.g. http://127.0.0.1:4318): when set, operations and their SQL are traced. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url({ message: 'must be a URL' }).optional(),
  /** Bearer token that guards GET /metrics (Prometheus). Unset: /metrics is served only outside production, unguarded. */
  METRICS_TOKEN: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  /** How long startup keeps retrying an unreachable PostgreSQL before giving up (0: try once). */
  DB_STARTUP_WAIT_MS: z.coerce
    .number({ message: 'must be an integer from 0 to 3600000' })
    .int({ message: 'must be an integer from 0 to 3600000' })
    .min(0, { message: 'must be an integer from 0 to 3600000' })
    .max(3_600_000, { message: 'must be an integer from 0 to 3600000' })
    .default(30_000),
  DB_POOL_SIZE: z.coerce
    .number({ message: 'must be a positive integer' })
    .int({ message: 'must be a positive integer' })
    .min(1, { message: 'must be a positive integer' })
    .max(500, { message: 'must be at most 500' })
    .default(10),
  /** How long a request waits for a new PostgreSQL connection before failing with DATABASE_UNAVAILABLE. */
  DB_CONNECT_TIMEOUT_MS: z.coerce
    .number({ message: 'must be an integer from 100 to 600000' })
    .int({ message: 'must be an integer from 100 to 600000' })
    .min(100, { message: 'must be an integer from 100 to 600000' })
    .max(600_000, { message: 'must be an integer from 100 to 600000' })
    .default(5_000),
  /** How long one SQL statement may go unanswered (a frozen or unreachable server) before it fails; 0: no limit. */
  DB_QUERY_TIMEOUT_MS: z.coerce
    .number({ message: 'must be an integer from 0 to 3600000' })
    .int({ message: 'must be an integer from 0 to 3600000' })
    .min(0, { message: 'must be an integer from 0 to 3600000' })
    .max(3_600_000, { message: 'must be an integer from 0 to 3600000' })
    .default(30_000),
  /** Named prepared statements for reads; false behind PgBouncer < 1.21 in transaction mode. */
  DB_PREPARED_STATEMENTS: bool.optional(),
  /** Dev credential ("Authorization: Dev demo") — on by default outside production. */
  DEV_AUTH: bool.optional(),
  GRAPHIQL: bool.optional(),
  /** The live dashboard at /dashboard — on by default outside production. */
  DASHBOARD: bool.optional(),
  /** In development, likes and group activity sent to the demo organization every second (src/demo/traffic.ts). */
  DEMO_TRAFFIC: bool.optional(),
  SEED_ON_START: bool.optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number({ message: 'must be a positive integer' }).int().min(0).default(10_000),
  /** Behind a load balancer: how long SIGTERM answers /ready with 503, still serving, before it stops accepting. */
  SHUTDOWN_DRAIN_MS: z.coerce.number({ message: 'must be a positive integer' }).int().min(0).max(120_000).default(0),
  AUTH_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  /** The platform's own credential (`Authorization: Platform <token>`): creates organizations. Unset: no platform admin. */
  PLATFORM_ADMIN_TOKEN: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  JWT_ISSUER: z.string().min(1).default('fanops'),
  JWT_AUDIENCE: z.string().min(1).default('fanops-api'),
  /** The longest lifetime (exp − iat) a token may have; longer ones are refused, and never minted. */
  JWT_MAX_LIFETIME_HOURS: positiveInt(8_760).default(168),
  /** Operators and fans may send documents that are not in the persisted manifest. */
  ALLOW_ADHOC_OPERATIONS: bool.optional(),
  INTROSPECTION: bool.optional(),
  MAX_DEPTH: positiveInt(100).default(12),
  MAX_ALIASES: positiveInt(1000).default(15),
  MAX_TOKENS: positiveInt(100_000).default(3000),
  MAX_DIRECTIVES: positiveInt(1000).default(20),
  MAX_COST: positiveInt(10_000_000).default(100_000),
  MAX_RESULT_NODES: positiveInt(10_000_000).default(20_000),
  MAX_BODY_BYTES: positiveInt(50_000_000).default(100_000),
  RATE_LIMIT_OPERATOR: positiveInt(1_000_000).default(50),
  RATE_LIMIT_FAN: positiveInt(1_000_000).default(20),
  RATE_LIMIT_PARTNER: positiveInt(1_000_000).default(100),
  RATE_LIMIT_ANONYMOUS: positiveInt(1_000_000).default(10),
  /** Behind a reverse proxy: take the client address from X-Forwarded-For (otherwise it could be forged). */
  TRUST_PROXY: bool.optional(),
  /** Live-counter messages one instance sends per second across all watchers before it slows its ticks. */
  COUNTER_MESSAGES_PER_SECOND: positiveInt(10_000_000).default(25_000),
  /** Like group commits one instance keeps in flight (more than 1: the next group's statements overlap the last one's COMMIT). */
  LIKE_COMMITS_IN_FLIGHT: positiveInt(16).default(1),
  /** Jobs one instance runs at once (webhook deliveries mostly wait on the network). */
  JOBS_CONCURRENCY: positiveInt(200).default(32),
  /** How often an instance proves it is alive; the jobs of one silent for three beats are retaken. */
  JOBS_HEARTBEAT_MS: positiveInt(3_600_000).default(10_000),
  /** How often idle workers look for due jobs (new jobs wake them at once through LISTEN/NOTIFY). */
  JOBS_POLL_INTERVAL_MS: positiveInt(3_600_000).default(2_000),
  /** Attempts per webhook delivery before it is FAILED (12 with the default base spans about 23 h). */
  WEBHOOK_MAX_ATTEMPTS: positiveInt(100).default(12),
  /** The first retry's delay; each later one doubles it. */
  WEBHOOK_RETRY_BASE_MS: positiveInt(86_400_000).default(40_000),
  /** How long a receiver has to answer one delivery. */
  WEBHOOK_TIMEOUT_MS: positiveInt(300_000).default(10_000),
  /** FAILED deliveries in a row after which an endpoint is disabled (with the reason shown to operators). */
  WEBHOOK_DISABLE_AFTER: positiveInt(1000).default(5),
  /** Accept http:// receivers on loopback (always off in production; https is always accepted). */
  WEBHOOK_ALLOW_LOOPBACK: bool.optional(),
});

// Secrets never reach a log line: a secret-like variable shows its length only, and a URL its
// password replaced by ***.
const SECRET_NAME = /SECRET|PASSWORD|TOKEN|(^|_)KEY($|_)/;
function shown(key: string, value: string | undefined): string {
  if (value === undefined) return 'nothing';
  if (SECRET_NAME.test(key)) return `a value of ${value.length} characters`;
  if (/_URL$/.test(key)) return JSON.stringify(redactUrl(value));
  return JSON.stringify(value);
}

/** The URL with any password replaced by *** (also for strings that are not valid URLs). */
export function redactUrl(value: string): string {
  const query = (v: string) => v.replace(/([?&](password|pass|pwd|secret|token)=)[^&#]*/gi, '$1***');
  const at = value.lastIndexOf('@');
  if (at < 0) return query(value);
  const scheme = value.indexOf('://');
  const start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
  const userinfo = value.slice(start, at);
  const colon = userinfo.indexOf(':');
  const user = colon >= 0 ? `${userinfo.slice(0, colon)}:***` : userinfo;
  return `${value.slice(0, start)}${user}@${query(value.slice(at + 1))}`;
}

function positiveInt(max: number) {
  const message = `must be an integer from 1 to ${max}`;
  return z.coerce.number({ message }).int({ message }).min(1, { message }).max(max, { message });
}

/** Used only outside production when AUTH_SECRET is unset; production refuses to start without one. */
export const DEV_AUTH_SECRET = 'development-only-secret-not-for-production-use';

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  databaseUrl?: string;
  /** Session connection for migrations, LISTEN and jobs (DATABASE_DIRECT_URL, else DATABASE_URL). */
  databaseDirectUrl?: string;
  dataDir: string;
  redisUrl?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  logFormat: 'json' | 'pretty';
  /** null: /metrics off (production without METRICS_TOKEN); '': open; else the bearer token it requires. */
  metricsToken: string | null;
  /** OTLP/HTTP endpoint for traces; undefined: tracing off. */
  otelEndpoint?: string;
  dbPoolSize: number;
  dbStartupWaitMs: number;
  dbConnectTimeoutMs: number;
  dbQueryTimeoutMs: number;
  dbPreparedStatements: boolean;
  devAuth: boolean;
  graphiql: boolean;
  /** Serve the live dashboard at /dashboard (src/dashboard). */
  dashboard: boolean;
  /** Keep the demo organization moving (development only, src/demo/traffic.ts). */
  demoTraffic: boolean;
  seedOnStart: boolean;
  shutdownTimeoutMs: number;
  shutdownDrainMs: number;
  auth: { secret: string; issuer: string; audience: string; maxLifetimeSeconds: number };
  /** The platform admin's token (`Authorization: Platform <token>`); undefined: the scheme is refused. */
  platformAdminToken?: string;
  allowAdhocOperations: boolean;
  introspection: boolean;
  limits: {
    maxDepth: number;
    maxAliases: number;
    maxTokens: number;
    maxDirectives: number;
    maxCost: number;
    maxResultNodes: number;
    maxBodyBytes: number;
  };
  /** Requests per second per principal. */
  rateLimits: { operator: number; fan: number; partner: number; anonymous: number };
  trustProxy: boolean;
  /** Fan-out budget of live counters on this instance (see campaigns/like/counter-hub.ts). */
  counterMessagesPerSecond: number;
  likeCommitsInFlight: number;
  jobs: { concurrency: number; heartbeatMs: number; pollIntervalMs: number };
  webhooks: { maxAttempts: number; retryBaseMs: number; timeoutMs: number; disableAfter: number; allowLoopback: boolean };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset, so `PORT= npm start` behaves like no PORT at all.
  const input = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0]);
        return `${key}: ${issue.message} (got ${shown(key, env[key])})`;
      }),
    );
  }
  const c = parsed.data;
  const production = c.NODE_ENV === 'production';
  if (production && !c.AUTH_SECRET) throw new ConfigError(['AUTH_SECRET: must be set in production (at least 32 characters)']);
  return {
    env: c.NODE_ENV,
    host: c.HOST,
    port: c.PORT,
    databaseUrl: c.DATABASE_URL,
    databaseDirectUrl: c.DATABASE_DIRECT_URL ?? c.DATABASE_URL,
    dataDir: c.DATA_DIR,
    redisUrl: c.REDIS_URL,
    logLevel: c.LOG_LEVEL,
    logFormat: c.LOG_FORMAT ?? (production ? 'json' : 'pretty'),
    metricsToken: c.METRICS_TOKEN ?? (production ? null : ''),
    otelEndpoint: c.OTEL_EXPORTER_OTLP_ENDPOINT,
    dbPoolSize: c.DB_POOL_SIZE,
    dbStartupWaitMs: c.DB_STARTUP_WAIT_MS,
    dbConnectTimeoutMs: c.DB_CONNECT_TIMEOUT_MS,
    dbQueryTimeoutMs: c.DB_QUERY_TIMEOUT_MS,
    dbPreparedStatements: c.DB_PREPARED_STATEMENTS ?? true,
    // Never in production, whatever DEV_AUTH says: it would let anyone act as any operator.
    devAuth: !production && (c.DEV_AUTH ?? true),
    graphiql: c.GRAPHIQL ?? !production,
    dashboard: c.DASHBOARD ?? !production,
    // Writes to the database on its own: only when developing (never in tests unless asked, never in production).
    demoTraffic: !production && (c.DEMO_TRAFFIC ?? c.NODE_ENV === 'development'),
    seedOnStart: c.SEED_ON_START ?? !production,
    shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT_MS,
    shutdownDrainMs: c.SHUTDOWN_DRAIN_MS,
    auth: {
      secret: c.AUTH_SECRET ?? DEV_AUTH_SECRET,
      issuer: c.JWT_ISSUER,
      audience: c.JWT_AUDIENCE,
      maxLifetimeSeconds: c.JWT_MAX_LIFETIME_HOURS * 3600,
    },
    platformAdminToken: c.PLATFORM_ADMIN_TOKEN,
    allowAdhocOperations: c.ALLOW_ADHOC_OPERATIONS ?? !production,
    introspection: c.INTROSPECTION ?? !production,
    limits: {
      maxDepth: c.MAX_DEPTH,
      maxAliases: c.MAX_ALIASES,
      maxTokens: c.MAX_TOKENS,
      maxDirectives: c.MAX_DIRECTIVES,
      maxCost: c.MAX_COST,
      maxResultNodes: c.MAX_RESULT_NODES,
      maxBodyBytes: c.MAX_BODY_BYTES,
    },
    trustProxy: c.TRUST_PROXY ?? false,
    counterMessagesPerSecond: c.COUNTER_MESSAGES_PER_SECOND,
    likeCommitsInFlight: c.LIKE_COMMITS_IN_FLIGHT,
    jobs: { concurrency: c.JOBS_CONCURRENCY, heartbeatMs: c.JOBS_HEARTBEAT_MS, pollIntervalMs: c.JOBS_POLL_INTERVAL_MS },
    webhooks: {
      maxAttempts: c.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: c.WEBHOOK_RETRY_BASE_MS,
      timeoutMs: c.WEBHOOK_TIMEOUT_MS,
      disableAfter: c.WEBHOOK_DISABLE_AFTER,
      allowLoopback: !production && (c.WEBHOOK_ALLOW_LOOPBACK ?? true),
    },
    rateLimits: { operator: c.RATE_LIMIT_OPERATOR, fan: c.RATE_LIMIT_FAN, partner: c.RATE_LIMIT_PARTNER, anonymous: c.RATE_LIMIT_ANONYMOUS },
  };
}
