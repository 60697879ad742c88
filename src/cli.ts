// Maintenance commands: `migrate`, `seed`, `print-schema [--check]`, and development credentials:
//   token operator <slug> <email> [--expires 12h]     token fan <slug> <externalId> [--expires 12h]
//   apikey create <slug> <name> --scopes read,import [--expires-days 90]     apikey revoke <prefix>
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { printSchema } from 'graphql';
import { ConfigError, loadConfig } from './core/config.js';
import { createDatabase, type Db } from './core/db.js';
import type { Config } from './core/config.js';


async function main(command: string | undefined, args: string[]) {
  if (command === 'print-schema') {
    const { sortedSchema, schemaFile } = await import('./schema.js');
    const printed = `${printSchema(sortedSchema())}\n`;
    const fileArg = args.indexOf('--file');
    const file = fileArg >= 0 ? args[fileArg + 1] : schemaFile;
    if (args.includes('--check')) {
      const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
      if (current !== printed) throw new Error(`${file} is out of date with the code: run \`npm run schema:print\``);
      console.log(`${file} is current`);
    } else {
      writeFileSync(file, printed);
      console.log(`wrote ${file}`);
    }
    return;
  }
  const config = loadConfig();
  const database = await createDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    if (command === 'seed-scale') return await (await import('./demo/scale.js')).scaleCommand(database, args);
    if (command === 'migrate') {
      const applied = await database.migrate();
      console.log(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date');
    } else if (command === 'seed') {
      await database.migrate();
      const { seedDemo } = await import('./demo/seed.js');
      const result = await seedDemo(database.prisma);
      console.log(result.created ? 'seeded the demo organization' : 'demo organization already present; nothing to do');
    } else if (command === 'token') {
      console.log(await token(database.prisma, config, args));
    } else if (command === 'apikey') {
      await apikey(database.prisma, args);
    } else {
      throw new Error(`unknown command "${command ?? ''}" (migrate | seed | print-schema [--check] | token | apikey)`);
    }
  } finally {
    await database.close();
  }
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

async function token(db: Db, config: Config, args: string[]): Promise<string> {
  const { fanToken, operatorToken } = await import('./organizations/credentials.js');
  const expires = option(args, '--expires') ?? '12h';
  const [kind, slug, who] = args;
  if (kind === 'operator' && slug && who) return operatorToken(db, config, slug, who, expires);
  if (kind === 'fan' && slug && who) return fanToken(db, config, slug, who, expires);
  throw new Error('usage: token operator <slug> <email> [--expires 12h] | token fan <slug> <externalId> [--expires 12h]');
}

async function apikey(db: Db, args: string[]) {
  const { createApiKey, revokeApiKey, PARTNER_SCOPES } = await import('./organizations/api-key-service.js');
  const { orgBySlug } = await import('./organizations/credentials.js');
  const scopes = option(args, '--scopes');
  const days = option(args, '--expires-days');
  const [action, a, ...rest] = args;
  if (action === 'create' && a && rest.length && scopes) {
    if (days !== undefined && !/^[1-9][0-9]*$/.test(days)) throw new Error('--expires-days must be a positive whole number');
    const expiresAt = days ? new Date(Date.now() + Number(days) * 86_400_000) : null;
    const { key, apiKey } = await createApiKey(db, await orgBySlug(db, a), { name: rest.join(' '), scopes: scopes.split(','), expiresAt });
    console.log(key);
    console.error(`created "${apiKey.name}" (prefix ${apiKey.prefix}, scopes ${apiKey.scopes.join(',')}, ${expiresAt ? `expires ${expiresAt.toISOString()}` : 'no expiry'}); the key is shown only this once`);
  } else if (action === 'revoke' && a) {
    const key = await revokeApiKey(db, null, { prefix: a.replace(/^fo_/, '').split('_')[0] });
    console.log(`revoked "${key.name}" (prefix ${key.prefix}) at ${key.revokedAt?.toISOString()}`);
  } else {
    throw new Error(`usage: apikey create <slug> <name> --scopes ${PARTNER_SCOPES.join(',')} [--expires-days 90] | apikey revoke <prefix>`);
  }
}

main(process.argv[2], process.argv.slice(3)).catch((e: Error) => {
  console.error(e instanceof ConfigError ? e.message : `error: ${e.message}`);
  process.exit(1);
});
