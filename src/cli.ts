// Maintenance commands: `migrate`, `seed`, `print-schema [--check]`.
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { printSchema } from 'graphql';
import { ConfigError, loadConfig } from './core/config.js';
import { createDatabase } from './core/db.js';


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
