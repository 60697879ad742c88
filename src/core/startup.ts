// Startup problems an operator can fix (database down or missing, port taken, data directory in use)
// end the process with one line naming the problem, never with a stack or a secret.
import type { Database } from './db.js';
import type { Logger } from './logger.js';

/** A startup failure explained in one line; the entry point prints its message and exits 1. */
export class StartupError extends Error {}

/** Where a postgres:// URL points, without user or password: "host:port/database". */
export function describeDatabaseUrl(url: string): { where: string; host: string; port: string; name: string } {
  try {
    const u = new URL(url);
    const host = u.hostname || 'localhost';
    const port = u.port || '5432';
    const name = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres';
    return { where: `${host}:${port}/${name}`, host, port, name };
  } catch {
    return { where: 'the configured DATABASE_URL', host: '?', port: '?', name: '?' };
  }
}

// Failures worth waiting out: nothing listening yet, name not resolvable yet, server still starting.
const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P03']);

function errorCode(e: unknown): string | undefined {
  const err = e as { code?: string; errors?: { code?: string }[] };
  return err?.code ?? err?.errors?.find((x) => x.code)?.code;
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(2))} s`;

/**
 * Waits until PostgreSQL answers, retrying with backoff (250 ms doubling to 5 s) for up to waitMs,
 * one log line per failed attempt. A missing database or refused login fails at once.
 */
export async function waitForDatabase(database: Database, url: string, waitMs: number, logger: Logger): Promise<void> {
  const { where, host, port, name } = describeDatabaseUrl(url);
  const deadline = Date.now() + waitMs;
  let delay = 250;
  for (let attempt = 1; ; attempt++) {
    try {
      await database.sql.query('SELECT 1');
      if (attempt > 1) logger.info(`Database at ${where} reachable after ${attempt} attempts`);
      return;
    } catch (e) {
      const code = errorCode(e);
      if (code === '3D000')
        throw new StartupError(
          `Database "${name}" does not exist on ${host}:${port}: create it (createdb -h ${host} -p ${port} ${name}) or fix DATABASE_URL`,
        );
      if (code === '28P01' || code === '28000')
        throw new StartupError(`The database at ${where} refused the login: ${oneLine(e)}; check the user and password in DATABASE_URL`);
      if (!code || !TRANSIENT.has(code)) throw new StartupError(`Cannot use the database at ${where}: ${oneLine(e)}`);
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new StartupError(
          `Cannot reach the database at ${where} (${code}) after ${attempt} attempt${attempt > 1 ? 's' : ''} in ${seconds(waitMs)}; is PostgreSQL running? (DB_STARTUP_WAIT_MS=${waitMs})`,
        );
      }
      const wait = Math.min(delay, left);
      logger.warn(
        `Database at ${where} not reachable (${code}), attempt ${attempt}; retrying in ${seconds(wait)} (giving up ${seconds(waitMs)} after start)`,
      );
      await new Promise((r) => setTimeout(r, wait));
      delay = Math.min(delay * 2, 5_000);
    }
  }
}

/** An error's message on one line (drivers sometimes put details on further lines). */
export function oneLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0].trim() || (errorCode(e) ?? 'unknown error');
}
