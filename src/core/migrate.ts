// Applies prisma/migrations/*/migration.sql in order, recording them in Prisma's own
// _prisma_migrations table so `prisma migrate status/deploy` agree with what ran here.
// Runs at server start on PGlite and PostgreSQL alike; a PostgreSQL advisory lock keeps
// several instances starting together from applying the same migration twice.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256Hex } from './hash.js';

export const migrationsDir = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

/** The minimum a migration runner needs from a connection. */
export interface SqlRunner {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  exec(sql: string): Promise<void>;
}

export function listMigrations(dir = migrationsDir) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: sha256Hex(sql) };
    });
}

const LOCK_KEY = 7_243_117; // arbitrary, constant across instances

export async function migrate(db: SqlRunner, opts: { lock: boolean }): Promise<string[]> {
  if (opts.lock) await db.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
  try {
    await db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const done = new Set(
      (
        await db.query<{ migration_name: string }>(
          'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
        )
      ).map((r) => r.migration_name),
    );
    const applied: string[] = [];
    for (const m of listMigrations()) {
      if (done.has(m.name)) continue;
      await db.exec(`BEGIN;\n${m.sql}\n;COMMIT;`);
      await db.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), 1)`,
        [randomUUID(), m.checksum, m.name],
      );
      applied.push(m.name);
    }
    return applied;
  } finally {
    if (opts.lock) await db.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
  }
}
