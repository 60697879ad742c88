// Entry point: validate config, open the database (PGlite under ./data when DATABASE_URL is unset),
// apply migrations, seed the demo organization on an empty development database, then listen.
import { createApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './core/config.js';
import { createDatabase } from './core/db.js';
import { createLogger } from './core/logger.js';
import { createPubSubHandle } from './core/pubsub.js';
import { memoryRateLimiter, redisRateLimiter } from './core/ratelimit.js';
import { startServer } from './core/server.js';
import { DEMO_SLUG, seedDemo } from './demo/seed.js';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}

const config = configOrExit();
const logger = createLogger(config.logLevel);
const database = await createDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize }).catch((e: Error) => {
  logger.error(`Cannot open the database: ${e.message}`);
  process.exit(1);
});
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

const events = await createPubSubHandle(config.redisUrl);
const rateLimiter = config.redisUrl ? await redisRateLimiter(config.redisUrl) : memoryRateLimiter();
const yoga = createApp({ config, database, pubsub: events.pubsub, logger, rateLimiter });
const running = await startServer(yoga, { host: config.host, port: config.port, shutdownTimeoutMs: config.shutdownTimeoutMs });
logger.info(`GraphQL ready at ${running.url} (${database.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'}, ${events.kind} pub/sub)`);
if (config.devAuth) logger.info(`Development credential: send the header  Authorization: Dev ${DEMO_SLUG}`);

let shuttingDown = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, async () => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info(`${signal}: finishing in-flight requests…`);
    await running.stop();
    await events.close();
    await rateLimiter.close();
    await database.close();
    logger.info('Stopped.');
    process.exit(0);
  });
}
