// Maintenance commands: `migrate`, `seed`, `seed-scale`, `print-schema [--check]`, `partner-operations [--write]`, `refresh-rfm [<slug>…]`
// (RFM scores of the named organizations, or of all; for a daily scheduler), and development credentials:
//   token operator <slug> <email> [--expires 12h]     token fan <slug> <externalId> [--expires 12h]
//   apikey create <slug> <name> --scopes read,import [--expires-days 90]     apikey revoke <prefix>
//   jobs failed (jobs that used every attempt, with their last error)     jobs retry <id>
//   create-organization <slug> <name…> --owner <email> [--time-zone Asia/Shanghai]   (prints the owner's one-time invitation token)
// runCli() is what the command line runs, and what tests call in-process. On the embedded database the
// CLI takes the data directory's lock; while the server holds it, commands are sent to the server's
// admin socket and run there (never on a copy the server does not see), or refused naming its pid.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { callAdminSocket } from './core/admin-socket.js';
import type { Config } from './core/config.js';
import { ConfigError, loadConfig } from './core/config.js';
import { acquireDataDirLock, DataDirBusy } from './core/datadir-lock.js';
import { createDatabase, type Database, type Db, databaseOptions } from './core/db.js';
import { isEntryPoint } from './core/entry.js';
import { createLogger } from './core/logger.js';
import { StartupError, waitForDatabase } from './core/startup.js';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const consoleIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** Inside the server (admin socket): its open database and its configuration. */
export interface InServer {
  database: Database;
  config: Config;
}

const USAGE =
  'unknown command "%s" (migrate | seed | seed-scale | print-schema [--check] | partner-operations [--write] | refresh-rfm [slug…] | token | apikey | jobs failed | jobs retry <id> | create-organization)';
const DATABASE_COMMANDS = new Set(['migrate', 'seed', 'seed-scale', 'refresh-rfm', 'token', 'apikey', 'jobs', 'create-organization']);

/** Runs one command; returns the exit code. Errors are reported on io.err as one line. */
export async function runCli(
  argv: string[],
  io: CliIo = consoleIo,
  env: Record<string, string | undefined> = process.env,
  inServer?: InServer,
): Promise<number> {
  try {
    await run(argv, io, env, inServer);
    return 0;
  } catch (e) {
    if (e instanceof Silent) return 1;
    io.err(e instanceof ConfigError || e instanceof StartupError ? e.message : `error: ${(e as Error).message}`);
    return 1;
  }
}

async function run(argv: string[], io: CliIo, env: Record<string, string | undefined>, inServer?: InServer) {
  const [command, ...args] = argv;
  if (command === 'print-schema') return printSchemaCommand(args, io);
  if (command === 'partner-operations') return partnerOperationsCommand(args, io);
  if (!command || !DATABASE_COMMANDS.has(command)) throw new Error(USAGE.replace('%s', command ?? ''));
  if (inServer) return databaseCommand(command, args, io, inServer.database, inServer.config, true);

  const config = loadConfig(env);
  const embedded = !config.databaseUrl && !config.dataDir.startsWith('memory://');
  let lock;
  if (embedded) {
    try {
      lock = acquireDataDirLock(config.dataDir, 'cli');
    } catch (e) {
      if (!(e instanceof DataDirBusy)) throw e;
      return forwardToServer(e, argv, io);
    }
  }
  try {
    // Maintenance commands (seed-scale, migrate) may run statements longer than a request's limit.
    const database = await createDatabase({ ...databaseOptions(config), queryTimeoutMs: 0 });
    try {
      if (config.databaseUrl)
        await waitForDatabase(
          database,
          config.databaseUrl,
          config.dbStartupWaitMs,
          createLogger(config.logLevel === 'silent' ? 'silent' : 'warn', config.logFormat),
        );
      await databaseCommand(command, args, io, database, config, false);
    } finally {
      await database.close();
    }
  } finally {
    lock?.release();
  }
}

/** The directory is held: a running server runs the command for us; anything else is a clear refusal. */
async function forwardToServer(busy: DataDirBusy, argv: string[], io: CliIo) {
  const holder = busy.holder;
  if (!holder) throw busy;
  const why = `DATA_DIR ${busy.dataDir} is in use by ${holder.role === 'server' ? 'the server' : 'another CLI command'} (pid ${holder.pid})`;
  if (holder.role !== 'server' || !holder.socket) throw new Error(`${why}; retry when it has finished`);
  if (argv[0] === 'seed-scale') throw new Error(`${why}; seed-scale needs the data directory to itself: stop the server first`);
  let reply;
  try {
    reply = await callAdminSocket(holder.socket, argv);
  } catch (e) {
    throw new Error(
      `${why} and its admin socket does not answer (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); nothing was changed. Retry once it is ready, or stop it first`,
    );
  }
  reply.out.forEach((l) => io.out(l));
  reply.err.forEach((l) => io.err(l));
  if (reply.code !== 0) throw new Silent();
}

/** A failure already reported (by the server's reply). */
class Silent extends Error {}

async function databaseCommand(command: string, args: string[], io: CliIo, database: Database, config: Config, inServer: boolean) {
  if (command === 'seed-scale') {
    if (inServer) throw new Error('seed-scale needs the data directory to itself: stop the server first');
    return (await import('./demo/scale.js')).scaleCommand(database, args);
  }
  if (command === 'migrate') {
    const applied = await database.migrate();
    io.out(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date');
  } else if (command === 'seed') {
    await database.migrate();
    const { seedDemo } = await import('./demo/seed.js');
    const result = await seedDemo(database.prisma);
    io.out(result.created ? 'seeded the demo organization' : 'demo organization already present; nothing to do');
  } else if (command === 'refresh-rfm') {
    await refreshRfm(database.prisma, args, io);
  } else if (command === 'jobs') {
    await jobs(database, args, io);
  } else if (command === 'token') {
    io.out(await token(database.prisma, config, args));
  } else if (command === 'create-organization') {
    await createOrganizationCommand(database.prisma, args, io);
  } else {
    await apikey(database.prisma, args, io);
  }
}

function printSchemaCommand(args: string[], io: CliIo) {
  return import('./schema.js').then(({ sortedSchema, schemaFile }) => {
    const printed = `${printSchema(sortedSchema())}\n`;
    const fileArg = args.indexOf('--file');
    const file = fileArg >= 0 ? args[fileArg + 1] : schemaFile;
    if (args.includes('--check')) {
      const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
      if (current !== printed) throw new Error(`${file} is out of date with the code: run \`npm run schema:print\``);
      io.out(`${file} is current`);
    } else {
      writeFileSync(file, printed);
      io.out(`wrote ${file}`);
    }
  });
}

/** The partner operations with their hashes and required scopes; `--write` stores them beside the partner manifest. */
async function partnerOperationsCommand(args: string[], io: CliIo) {
  const [{ schema }, { partnerManifestFile }, { partnerOperations }] = await Promise.all([
    import('./schema.js'),
    import('./core/persisted.js'),
    import('./core/partner-operations.js'),
  ]);
  const operations = partnerOperations(schema, JSON.parse(readFileSync(partnerManifestFile, 'utf8')));
  if (args.includes('--write')) {
    const file = partnerManifestFile.replace(/persisted-documents\.json$/, 'operations.json');
    writeFileSync(file, `${JSON.stringify(operations, null, 2)}\n`);
    io.out(`wrote ${file}`);
    return;
  }
  for (const o of operations) io.out(`${o.name.padEnd(28)} ${o.type.padEnd(12)} ${o.scopes.join(',').padEnd(12)} ${o.hash}`);
}

/** Value of `--name value`, or undefined. */
function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (!v || v.startsWith('--')) throw new Error(`${name} needs a value`);
  args.splice(i, 2);
  return v;
}

async function refreshRfm(db: Db, slugs: string[], io: CliIo) {
  const { refreshFanScores } = await import('./insights/rfm/service.js');
  const orgs = await db.organization.findMany({
    where: slugs.length ? { slug: { in: slugs } } : {},
    select: { id: true, slug: true },
    orderBy: { slug: 'asc' },
  });
  const missing = slugs.filter((s) => !orgs.some((o) => o.slug === s));
  if (missing.length) throw new Error(`no organization "${missing[0]}"`);
  for (const org of orgs) {
    const r = await refreshFanScores(db, org.id);
    io.out(`${org.slug}: scored ${r.buyers} buyers, ${r.frequencyDrops} with a frequency drop, ${r.changed} fans changed, in ${r.tookMs} ms`);
  }
}

async function jobs(database: Database, args: string[], io: CliIo) {
  const { failedJobs, retryJob } = await import('./core/jobs/queue.js');
  const [sub, id] = args;
  if (sub === 'failed') {
    const failed = await failedJobs(database.pool);
    if (!failed.length) io.out('no failed jobs');
    for (const j of failed) io.out(`${j.id}\t${j.task}\tattempts ${j.attempts}\t${j.lastError ?? ''}`.replace(/\n/g, ' '));
  } else if (sub === 'retry' && id && /^\d+$/.test(id)) {
    if (!(await retryJob(database.pool, id))) throw new Error(`no failed job ${id} (see \`jobs failed\`)`);
    io.out(`job ${id} will run again now`);
  } else throw new Error('usage: jobs failed | jobs retry <id>');
}

async function token(db: Db, config: Config, args: string[]): Promise<string> {
  const { fanToken, operatorToken } = await import('./organizations/credentials.js');
  const expires = option(args, '--expires') ?? '12h';
  const [kind, slug, who] = args;
  if (kind === 'operator' && slug && who) return operatorToken(db, config, slug, who, expires);
  if (kind === 'fan' && slug && who) return fanToken(db, config, slug, who, expires);
  throw new Error('usage: token operator <slug> <email> [--expires 12h] | token fan <slug> <externalId> [--expires 12h]');
}

async function createOrganizationCommand(db: Db, args: string[], io: CliIo) {
  const { createOrganization } = await import('./organizations/staff.js');
  const ownerEmail = option(args, '--owner');
  const timeZone = option(args, '--time-zone');
  const [slug, ...name] = args;
  if (!slug || !name.length || !ownerEmail) throw new Error('usage: create-organization <slug> <name> --owner <email> [--time-zone Asia/Shanghai]');
  const { organization, invitation, token } = await createOrganization(db, { slug, name: name.join(' '), timeZone, ownerEmail });
  io.out(token);
  io.err(
    `created "${organization.name}" (${organization.slug}, ${organization.timeZone}); the owner ${invitation.email} redeems the token above with acceptOperatorInvitation before ${invitation.expiresAt.toISOString()} (shown only this once)`,
  );
}

async function apikey(db: Db, args: string[], io: CliIo) {
  const { createApiKey, revokeApiKey, PARTNER_SCOPES } = await import('./organizations/api-keys.js');
  const { orgBySlug } = await import('./organizations/credentials.js');
  const scopes = option(args, '--scopes');
  const days = option(args, '--expires-days');
  const [action, a, ...rest] = args;
  if (action === 'create' && a && rest.length && scopes) {
    if (days !== undefined && !/^[1-9][0-9]*$/.test(days)) throw new Error('--expires-days must be a positive whole number');
    const expiresAt = days ? new Date(Date.now() + Number(days) * 86_400_000) : null;
    const { key, apiKey } = await createApiKey(db, await orgBySlug(db, a), { name: rest.join(' '), scopes: scopes.split(','), expiresAt });
    io.out(key);
    io.err(
      `created "${apiKey.name}" (prefix ${apiKey.prefix}, scopes ${apiKey.scopes.join(',')}, ${expiresAt ? `expires ${expiresAt.toISOString()}` : 'no expiry'}); the key is shown only this once`,
    );
  } else if (action === 'revoke' && a) {
    const key = await revokeApiKey(db, null, { prefix: a.replace(/^fo_/, '').split('_')[0] });
    io.out(`revoked "${key.name}" (prefix ${key.prefix}) at ${key.revokedAt?.toISOString()}`);
  } else {
    throw new Error(`usage: apikey create <slug> <name> --scopes ${PARTNER_SCOPES.join(',')} [--expires-days 90] | apikey revoke <prefix>`);
  }
}

// The command line itself: `tsx src/cli.ts …`, or `node dist/cli.js …` after `npm run build`.
if (isEntryPoint(import.meta.url)) process.exitCode = await runCli(process.argv.slice(2));
