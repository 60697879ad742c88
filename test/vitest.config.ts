import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);
// One migrated template database per test run (workers inherit this), so concurrent runs never share it.
process.env.FANOPS_TEMPLATE_DB ??= `fanops_tpl_${process.pid}`;
// One temp folder per run: workers and the servers they start write their temp files there (TMPDIR),
// and global teardown removes it (after checking that tests removed their own directories).
process.env.FANOPS_TEST_TMP ??= mkdtempSync(path.join(tmpdir(), 'fanops-run-'));

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  // graphql 16 has no "exports": Node loads its CommonJS build for dependencies (Pothos, Yoga) while
  // Vite would pick index.mjs for our sources — two copies of graphql. Pin every import to one.
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // Each file gets its own database; files run in parallel on the machine's two cores.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { NODE_ENV: 'test', TMPDIR: process.env.FANOPS_TEST_TMP },
  },
});
