// Starting against a database that is down or missing: retries with backoff, one log line per attempt,
// then one line naming the problem — never a stack, never a password. (The exit path itself, one line
// and exit code 1, is checked with a real process in config.test.ts.)
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/core/config.js';
import type { Logger } from '../../src/core/logger.js';
import { startFanops, startupFailure } from '../../src/main.js';
import { onPostgres } from '../helpers/app.js';
import { databaseUrl } from '../helpers/postgres.js';

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const keep = (msg: string) => void lines.push(msg);
  return { logger: { debug: keep, info: keep, warn: keep, error: keep }, lines };
}

/** A loopback port nothing listens on (taken from the kernel, then released). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  return port;
}

/** The one line the entry point would print, from a start that must fail. */
async function failedStart(env: Record<string, string>, logger: Logger): Promise<string> {
  const error = await startFanops({ NODE_ENV: 'test', LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: '0', ...env }, { logger }).then(
    () => {
      throw new Error('the server started');
    },
    (e: unknown) => e,
  );
  return startupFailure(error);
}

describe('startup against an unreachable database', () => {
  it('retries with backoff, one line per attempt, then gives up with one line that names where and how long', async () => {
    const port = await closedPort();
    const { logger, lines } = capture();
    const line = await failedStart({ DATABASE_URL: `postgresql://fanops:s3cret-pw@127.0.0.1:${port}/fanops`, DB_STARTUP_WAIT_MS: '1200' }, logger);
    expect(line).toMatch(
      new RegExp(
        `^Cannot reach the database at 127\\.0\\.0\\.1:${port}/fanops \\(ECONNREFUSED\\) after \\d+ attempts in 1\\.2 s; is PostgreSQL running\\? \\(DB_STARTUP_WAIT_MS=1200\\)$`,
      ),
    );
    const attempts = lines.filter((l) => l.includes('not reachable'));
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts[0]).toBe(
      `Database at 127.0.0.1:${port}/fanops not reachable (ECONNREFUSED), attempt 1; retrying in 0.25 s (giving up 1.2 s after start)`,
    );
    expect(attempts[1]).toMatch(/attempt 2; retrying in 0\.5 s/);
    for (const l of [line, ...lines]) {
      expect(l).not.toContain('s3cret-pw');
      expect(l).not.toContain('\n');
    }
  });

  it('with no wait configured, tries once', async () => {
    const port = await closedPort();
    const { logger, lines } = capture();
    const line = await failedStart({ DATABASE_URL: `postgresql://127.0.0.1:${port}/fanops`, DB_STARTUP_WAIT_MS: '0' }, logger);
    expect(line).toMatch(/after 1 attempt in 0 s/);
    expect(lines.filter((l) => l.includes('not reachable'))).toEqual([]);
  });

  // A missing database needs a PostgreSQL server to say so; CI's PostgreSQL run has one.
  if (onPostgres) {
    it('names a database that does not exist, at once', async () => {
      const { logger, lines } = capture();
      const url = databaseUrl(process.env.TEST_DATABASE_URL!, 'fanops_no_such_database');
      const line = await failedStart({ DATABASE_URL: url, DB_STARTUP_WAIT_MS: '30000' }, logger);
      const { hostname, port } = new URL(url);
      expect(line).toBe(
        `Database "fanops_no_such_database" does not exist on ${hostname}:${port || '5432'}: create it (createdb -h ${hostname} -p ${port || '5432'} fanops_no_such_database) or fix DATABASE_URL`,
      );
      expect(lines.filter((l) => l.includes('not reachable'))).toEqual([]);
    });
  }
});

describe('secrets in configuration errors', () => {
  it('names the variable and what is wrong, never the value', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        if (e instanceof ConfigError) return e.message;
      }
      throw new Error('expected a configuration error');
    };
    const message = problems({
      AUTH_SECRET: 'hunter2-short',
      DATABASE_URL: 'mysql://admin:db-pass-123@db.internal/app',
      REDIS_URL: 'http://:redis-pass-456@cache:6379',
    });
    expect(message.split('\n')).toEqual([
      'Invalid configuration:',
      '  DATABASE_URL: must be a postgres:// or postgresql:// URL (got "mysql://admin:***@db.internal/app")',
      '  REDIS_URL: must be a redis:// URL (got "http://:***@cache:6379")',
      '  AUTH_SECRET: must be at least 32 characters (got a value of 13 characters)',
    ]);
    // Passwords with URL-special characters, and in the query string, are hidden too.
    expect(problems({ DATABASE_URL: 'pg://u:p@ss/w:rd@h/db?password=q-secret' })).not.toMatch(/p@ss|w:rd|q-secret/);
  });
});
