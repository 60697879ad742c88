// Configuration from the environment, validated once at start. Every bad value is reported on its own
// line ("PORT: must be an integer from 0 to 65535 (got "abc")") instead of a stack trace.
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), { message: 'must be a postgres:// or postgresql:// URL' });

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
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: z.string().refine((v) => /^rediss?:\/\//.test(v), { message: 'must be a redis:// URL' }).optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent'], { message: 'must be one of debug, info, warn, error, silent' }).default('info'),
  DB_POOL_SIZE: z.coerce.number({ message: 'must be a positive integer' }).int({ message: 'must be a positive integer' }).min(1, { message: 'must be a positive integer' }).max(500, { message: 'must be at most 500' }).default(10),
  /** Dev credential ("Authorization: Dev demo") — on by default outside production. */
  DEV_AUTH: bool.optional(),
  GRAPHIQL: bool.optional(),
  SEED_ON_START: bool.optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number({ message: 'must be a positive integer' }).int().min(0).default(10_000),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  databaseUrl?: string;
  dataDir: string;
  redisUrl?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  dbPoolSize: number;
  devAuth: boolean;
  graphiql: boolean;
  seedOnStart: boolean;
  shutdownTimeoutMs: number;
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
        return `${key}: ${issue.message} (got ${JSON.stringify(env[key])})`;
      }),
    );
  }
  const c = parsed.data;
  const production = c.NODE_ENV === 'production';
  return {
    env: c.NODE_ENV,
    host: c.HOST,
    port: c.PORT,
    databaseUrl: c.DATABASE_URL,
    dataDir: c.DATA_DIR,
    redisUrl: c.REDIS_URL,
    logLevel: c.LOG_LEVEL,
    dbPoolSize: c.DB_POOL_SIZE,
    devAuth: c.DEV_AUTH ?? !production,
    graphiql: c.GRAPHIQL ?? !production,
    seedOnStart: c.SEED_ON_START ?? !production,
    shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT_MS,
  };
}
