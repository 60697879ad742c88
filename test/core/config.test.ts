// Bad configuration is reported one clear line per value, never as a stack trace.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/core/config.js';

describe('configuration', () => {
  it('applies defaults: port 4000 on loopback, embedded database, dev credential outside production', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 4000, host: '127.0.0.1', databaseUrl: undefined, devAuth: true, graphiql: true, seedOnStart: true });
    const prod = loadConfig({ NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(32) });
    expect(prod).toMatchObject({ devAuth: false, graphiql: false, seedOnStart: false });
  });

  it('names every bad value with what it must be and what it got', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', DEV_AUTH: 'maybe' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'PORT: must be an integer from 0 to 65535 (got "abc")',
      'DATABASE_URL: must be a postgres:// or postgresql:// URL (got "mysql://x")',
      'LOG_LEVEL: must be one of debug, info, warn, error, silent (got "loud")',
      'DEV_AUTH: must be true or false (got "maybe")',
    ]);
  });

  it('rejects out-of-range ports', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow('PORT: must be an integer from 0 to 65535 (got "70000")');
  });

  it('the server exits with one line per bad value, no stack trace and no secret', () => {
    const run = spawnSync('node', ['--import', 'tsx', 'src/main.ts'], {
      encoding: 'utf8',
      env: { ...process.env, PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: '', AUTH_SECRET: 'hunter2' },
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    const lines = run.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('npm warn'));
    expect(lines).toEqual([
      'Invalid configuration:',
      '  PORT: must be an integer from 0 to 65535 (got "eighty")',
      '  LOG_LEVEL: must be one of debug, info, warn, error, silent (got "loud")',
      '  AUTH_SECRET: must be at least 32 characters (got a value of 7 characters)',
    ]);
    expect(run.stderr + run.stdout).not.toContain('hunter2');
    expect(run.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
