// With TEST_DATABASE_URL set, migrate a template database once; every test file then clones it
// (CREATE DATABASE … TEMPLATE) so files run in parallel on databases of their own.
import pg from 'pg';
import { createDatabase } from '../../src/core/db.js';
import { TEMPLATE_DB, withAdmin, databaseUrl } from './postgres.js';

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
  if (!url) return;
  await withAdmin(url, (admin) => admin.query(`DROP DATABASE IF EXISTS "${TEMPLATE_DB}" WITH (FORCE)`));
}
