// graphile-worker's own schema (graphile_worker.*): migrated by the library, under its own lock, as
// part of the app's migrate step, so test templates, `npm run migrate` and every start include it.
import { Logger, runMigrations } from 'graphile-worker';
import type pg from 'pg';

/** graphile-worker logs through this: quiet below warnings (the app's logger reports job outcomes). */
export const jobLogger = new Logger(() => (level, message) => {
  // Pool-size advice is noise here: deliveries wait on the network, not on connections.
  if ((level === 'error' || level === 'warning') && !message.includes('maxPoolSize')) console.error(`[jobs] ${level}: ${message}`);
});

export async function migrateJobs(pool: pg.Pool): Promise<string[]> {
  const version = async () =>
    (await pool.query<{ v: number | null }>('SELECT max(id)::int AS v FROM graphile_worker.migrations').catch(() => ({ rows: [{ v: 0 }] }))).rows[0]
      ?.v ?? 0;
  const before = await version();
  await runMigrations({ pgPool: pool, logger: jobLogger });
  const after = await version();
  return after !== before ? [`graphile_worker ${before} → ${after}`] : [];
}
