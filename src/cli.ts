// Maintenance commands: `migrate`, `seed`, `print-schema [--check]`.
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { ConfigError, loadConfig } from './core/config.js';
import { createDatabase } from './core/db.js';

export const schemaFile = fileURLToPath(new URL('../schema/schema.graphql', import.meta.url));

async function main(command: string | undefined, args: string[]) {
  if (command === 'print-schema') {
    const { sortedSchema } = await import('./schema.js');
    const printed = `${printSchema(sortedSchema())}\n`;
    if (args.includes('--check')) {
      const current = existsSync(schemaFile) ? readFileSync(schemaFile, 'utf8') : '';
      if (current !== printed) throw new Error('schema/schema.graphql is out of date: run `npm run schema:print`');
      console.log('schema/schema.graphql is current');
    } else {
      writeFileSync(schemaFile, printed);
      console.log(`wrote ${schemaFile}`);
    }
    return;
  }
  const config = loadConfig();
  const database = await createDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    if (command === 'migrate') {
      const applied = await database.migrate();
      console.log(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date');
    } else if (command === 'seed') {
      await database.migrate();
      const { seedDemo } = await import('./demo/seed.js');
      const result = await seedDemo(database.prisma);
      console.log(result.created ? 'seeded the demo organization' : 'demo organization already present; nothing to do');
    } else {
      throw new Error(`unknown command "${command ?? ''}" (migrate | seed | print-schema [--check])`);
    }
  } finally {
    await database.close();
  }
}

main(process.argv[2], process.argv.slice(3)).catch((e: Error) => {
  console.error(e instanceof ConfigError ? e.message : `error: ${e.message}`);
  process.exit(1);
});
