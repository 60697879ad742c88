// With TEST_DATABASE_URL set, migrate a template database once; every test file then clones it
// (CREATE DATABASE … TEMPLATE) so files run in parallel on databases of their own.
import { readdirSync, rmSync } from 'node:fs';
import type pg from 'pg';
import { createDatabase } from '../../src/core/db.js';
import { databaseUrl, TEMPLATE_DB, withAdmin } from './postgres.js';
import { TEMP_PREFIX } from './temp.js';

export async function setup() {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  await withAdmin(url, async (admin: pg.Client) => {
    await admin.query(`DROP DATABASE IF EXISTS "${TEMPLATE_DB}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${TEMPLATE_DB}"`);
  });
  const db = await createDatabase({ url: databaseUrl(url, TEMPLATE_DB), poolSize: 1 });
  await db.migrate();
  await db.close();
}

export async function teardown() {
  const url = process.env.TEST_DATABASE_URL;
  if (url) await withAdmin(url, (admin) => admin.query(`DROP DATABASE IF EXISTS "${TEMPLATE_DB}" WITH (FORCE)`));
  // The run's temp folder goes in any case; a directory a test made and did not remove fails the run.
  const root = process.env.FANOPS_TEST_TMP;
  if (!root) return;
  const left = readdirSync(root).filter((name) => name.startsWith(TEMP_PREFIX));
  rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  if (left.length) throw new Error(`tests left temporary directories behind (removed now): ${left.join(', ')}`);
}
