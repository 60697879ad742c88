// Entry point: validate config, take the data directory (embedded PGlite under ./data when
// DATABASE_URL is unset) or wait for PostgreSQL, apply migrations, seed the demo organization on an
// empty development database, then listen. startFanops() does all of it and returns stop(); tests call
// it in-process. Started directly (`npm start`, `node dist/main.js`), problems an operator can fix end
// the process with one line and exit code 1, and SIGTERM/SIGINT stop it gracefully.
import { createApp } from './app.js';
import { adminSocketOf, serveAdminSocket, socketPathFits } from './core/admin-socket.js';
import { type Config, ConfigError, loadConfig, redactUrl } from './core/config.js';
import { acquireDataDirLock, DataDirBusy } from './core/datadir-lock.js';
import { createDatabase, type Database, databaseOptions } from './core/db.js';
import { isEntryPoint } from './core/entry.js';
import { createLogger, type Logger } from './core/logger.js';
import { createPubSubHandle } from './core/pubsub.js';
import { memoryRateLimiter, redisRateLimiter } from './core/ratelimit.js';
import { startServer } from './core/server.js';
import { oneLine, StartupError, waitForDatabase } from './core/startup.js';
import { startTracing } from './core/tracing.js';
import { DEMO_SLUG, seedDemo } from './demo/seed.js';
import { createServices } from './services.js';

export interface Fanops {
  url: string;
  port: number;
  config: Config;
  database: Database;
  /** Finishes in-flight requests, closes everything and frees the data directory. */
  stop(): Promise<void>;
}

export async function startFanops(env: Record<string, string | undefined> = process.env, opts: { logger?: Logger } = {}): Promise<Fanops> {
  const config = loadConfig(env);
  const logger = opts.logger ?? createLogger(config.logLevel, config.logFormat);
  // Everything opened so far, closed in reverse order if a later step fails (and by stop()).
  const opened: (() => Promise<void> | void)[] = [];
  const closeAll = async () => {
    for (const close of opened.reverse()) await Promise.resolve(close()).catch(() => {});
    opened.length = 0;
  };
  try {
    const embedded = !config.databaseUrl && !config.dataDir.startsWith('memory://');
    const socket = embedded && socketPathFits(adminSocketOf(config.dataDir)) ? adminSocketOf(config.dataDir) : undefined;
    if (embedded) {
      try {
        const lock = acquireDataDirLock(config.dataDir, 'server', { socket });
        opened.push(() => lock.release());
      } catch (e) {
        throw e instanceof DataDirBusy ? new StartupError(e.message) : e;
      }
    }
    const database = await createDatabase(databaseOptions(config)).catch((e: Error) => {
      throw new StartupError(`Cannot open the database in ${config.dataDir}: ${oneLine(e)}`);
    });
    opened.push(() => database.close());
    if (config.databaseUrl) await waitForDatabase(database, config.databaseUrl, config.dbStartupWaitMs, logger);

    const applied = await database.migrate();
    if (applied.length) logger.info(`Applied migrations: ${applied.join(', ')}`);
    let seeded = false;
    if (config.seedOnStart && (await database.prisma.organization.count()) === 0) {
      logger.info('Empty database: seeding the demo organization…');
      await seedDemo(database.prisma);
      seeded = true;
    }
    if (config.env === 'development') {
      const { demoCredentialLines } = await import('./organizations/credentials.js');
      for (const line of await demoCredentialLines(database.prisma, config, DEMO_SLUG, seeded)) logger.info(line);
    }

    const events = await createPubSubHandle(config.redisUrl).catch((e: Error) => {
      throw new StartupError(`Cannot reach Redis at ${redactUrl(config.redisUrl ?? '')}: ${oneLine(e)}`);
    });
    opened.push(() => events.close());
    const rateLimiter = config.redisUrl
      ? await redisRateLimiter(config.redisUrl, {
          onFallback: everyTenSeconds(() => logger.warn('Redis unreachable: rate limits count per instance until it is back')),
        }).catch((e: Error) => {
          throw new StartupError(`Cannot reach Redis at ${redactUrl(config.redisUrl ?? '')}: ${oneLine(e)}`);
        })
      : memoryRateLimiter();
    opened.push(() => rateLimiter.close());

    const tracing = startTracing({ endpoint: config.otelEndpoint });
    if (tracing) opened.push(() => tracing.shutdown());
    const services = createServices({ database, pubsub: events.pubsub, config });
    const yoga = createApp({ config, database, pubsub: events.pubsub, logger, rateLimiter, services, tracing });
    const running = await startServer(yoga, {
      host: config.host,
      port: config.port,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      drainMs: config.shutdownDrainMs,
    }).catch((e: NodeJS.ErrnoException) => {
      throw new StartupError(
        e.code === 'EADDRINUSE'
          ? `PORT ${config.port} is already in use on ${config.host}`
          : `Cannot listen on ${config.host}:${config.port}: ${oneLine(e)}`,
      );
    });
    opened.push(() => running.stop());
    // Scheduled and outbound work (webhooks) runs in every instance; each job runs once across them.
    await services.jobs.start();
    opened.push(async () => {
      await services.jobs.stop();
      services.webhooks.close();
    });

    // In development the demo organization keeps moving (likes, group activity) for the live dashboard.
    if (config.demoTraffic && (await database.prisma.organization.count({ where: { slug: DEMO_SLUG } }))) {
      const { startDemoTraffic } = await import('./demo/traffic.js');
      const traffic = startDemoTraffic({ db: database.prisma, pubsub: events.pubsub, services, logger });
      opened.push(() => traffic.stop());
      logger.info('Demo traffic: likes and group activity for the demo organization every second (DEMO_TRAFFIC=false stops it)');
    }

    if (socket) {
      // CLI commands run here, on this process's database, while it holds the directory.
      const { runCli } = await import('./cli.js');
      const admin = await serveAdminSocket(socket, async (argv) => {
        const out: string[] = [];
        const err: string[] = [];
        const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, env, { database, config });
        logger.info(`admin socket: ${argv.slice(0, 2).join(' ')} → exit ${code}`);
        return { code, out, err };
      });
      opened.push(() => admin.close());
    }

    const store = database.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL';
    logger.info(`GraphQL ready at ${running.url} (${store}, ${events.kind} pub/sub)`);
    if (config.devAuth) logger.info(`Development credential: send the header  Authorization: Dev ${DEMO_SLUG}`);
    if (config.graphiql) logger.info(`GraphiQL: open ${running.url} in a browser`);
    if (config.dashboard) logger.info(`Live dashboard: open ${running.url.replace(/\/graphql$/, '/dashboard')} in a browser`);
    let stopping: Promise<void> | undefined;
    return { url: running.url, port: running.port, config, database, stop: () => (stopping ??= closeAll()) };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

/** `fn`, at most once every ten seconds (a warning repeated on every request would flood the log). */
function everyTenSeconds(fn: () => void): () => void {
  let last = 0;
  return () => {
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    fn();
  };
}

/** What the entry point prints for a failed start: one line for anything an operator can fix. */
export function startupFailure(e: unknown): string {
  if (e instanceof ConfigError || e instanceof StartupError) return e.message;
  // A database error (SQLSTATE code) during migration or seeding: its message, not the driver's stack.
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return `Startup failed: ${oneLine(e)} (SQLSTATE ${code})`;
  return `Startup failed: ${(e as Error)?.stack ?? String(e)}`;
}

if (isEntryPoint(import.meta.url)) {
  const fanops = await startFanops().catch((e: unknown) => {
    console.error(startupFailure(e));
    process.exit(1);
  });
  const logger = createLogger(fanops.config.logLevel, fanops.config.logFormat);
  let shuttingDown = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, async () => {
      if (shuttingDown) return;
      shuttingDown = true;
      logger.info(`${signal}: finishing in-flight requests…`);
      await fanops.stop();
      logger.info('Stopped.');
      process.exit(0);
    });
  }
}
