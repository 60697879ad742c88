// PostgreSQL helpers for tests: a fresh database per test file, cloned from a migrated template.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Set per test run by test/vitest.config.ts. */
export const TEMPLATE_DB = process.env.FANOPS_TEMPLATE_DB ?? 'fanops_test_template';

export function databaseUrl(base: string, name: string): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates a database for one test file; returns its URL and a function that drops it. */
export async function createPostgresDatabase(base: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `fanops_t_${randomBytes(5).toString('hex')}`;
  // Cloning needs the template to have no other sessions; retry briefly if a parallel file clones too.
  for (let attempt = 0; ; attempt++) {
    try {
      await withAdmin(base, (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DB}"`));
      break;
    } catch (e) {
      if (attempt > 40 || !/being accessed by other users/.test(String(e))) throw e;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  return {
    url: databaseUrl(base, name),
    drop: () => withAdmin(base, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
