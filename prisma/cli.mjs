#!/usr/bin/env node
// Runs the Prisma CLI offline. With engine "js" Prisma never executes the native engines, but the CLI
// still tries to download them unless these variables name an existing file; any file will do.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= self;
process.env.PRISMA_QUERY_ENGINE_LIBRARY ??= self;
process.env.PRISMA_HIDE_UPDATE_MESSAGE ??= '1';
process.env.CHECKPOINT_DISABLE ??= '1';
// Generators (prisma-pothos-types) are found on PATH, as under npm run.
process.env.PATH = `${fileURLToPath(new URL('../node_modules/.bin', import.meta.url))}:${process.env.PATH}`;

const bin = createRequire(import.meta.url).resolve('prisma/build/index.js');
const args = process.argv.slice(2);
const config = fileURLToPath(new URL('./prisma.config.ts', import.meta.url));
if (!args.includes('--config')) args.push('--config', config);
const result = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
