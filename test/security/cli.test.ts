// Development credentials from the CLI and from `npm start`: what they print works against the API.
// The database is a PGlite directory (or a fresh PostgreSQL database when TEST_DATABASE_URL is set)
// that the CLI processes and the test open in turn.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/core/config.js';
import { createDatabase, type Database } from '../../src/core/db.js';
import { createLogger } from '../../src/core/logger.js';
import { loadManifest } from '../../src/core/persisted.js';
import { createPubSubHandle } from '../../src/core/pubsub.js';
import { createTestDatabase } from '../helpers/app.js';
import { codes, hashOf, persisted, post } from './security-helpers.js';

let env: Record<string, string>;
let dispose = async () => {};
beforeAll(async () => {
  const db = await createTestDatabase();
  await db.database.close();
  dispose = async () => void (await db.dispose().catch(() => {}));
  env = { ...(process.env as Record<string, string>), NODE_ENV: 'development', LOG_LEVEL: 'info', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'fanops-cli-')), DATABASE_URL: db.url ?? '' };
});
afterAll(() => dispose());

function cli(...args: string[]) {
  const run = spawnSync('node', ['--import', 'tsx', 'src/cli.ts', ...args], { env, encoding: 'utf8' });
  return { status: run.status, out: run.stdout.trim(), err: run.stderr.trim() };
}

/** Opens the same database in this process and builds the app over it, for as long as fn runs. */
async function withApp<T>(fn: (app: App) => Promise<T>): Promise<T> {
  const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
  const database: Database = await createDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  const events = await createPubSubHandle(undefined);
  try {
    return await fn(createApp({ config, database, pubsub: events.pubsub, logger: createLogger('silent') }));
  } finally {
    await events.close();
    await database.close();
  }
}

const ORDERS = () => persisted(hashOf(loadManifest(), 'PartnerRecentOrders'));

describe('CLI: token and apikey', () => {
  it('mints tokens and keys that work, revokes by prefix, and explains bad arguments', async () => {
    expect(cli('seed').status).toBe(0);
    const analyst = cli('token', 'operator', 'demo', 'analyst@demo.test', '--expires', '1h');
    const fan = cli('token', 'fan', 'demo', 'u100001');
    const kept = cli('apikey', 'create', 'demo', 'CRM', 'bridge', '--scopes', 'read,import', '--expires-days', '90');
    const dropped = cli('apikey', 'create', 'demo', 'old', '--scopes', 'read');
    for (const r of [analyst, fan, kept, dropped]) expect(r.status, r.err).toBe(0);
    expect(kept.out).toMatch(/^fo_[0-9a-f]{12}_\S+$/);
    expect(kept.err).toContain('shown only this once');
    const revoke = cli('apikey', 'revoke', dropped.out.split('_')[1]);
    expect(revoke.out).toMatch(/^revoked "old"/);
    // Refusals name the problem instead of printing a stack.
    const bad = cli('apikey', 'create', 'demo', 'x', '--scopes', 'read,root');
    expect(bad.status).toBe(1);
    expect(bad.err).toBe('error: input.scopes: unknown scope "root" (known: read, import, events, likes, live)');
    expect(cli('token', 'operator', 'demo', 'nobody@demo.test').err).toBe('error: no operator "nobody@demo.test" in organization "demo"');
    expect(cli('token', 'robot').err).toMatch(/^error: usage: token operator/);

    await withApp(async (app) => {
      const me = await post(app, { query: '{ me { email role } }' }, { authorization: `Bearer ${analyst.out}` });
      expect(me.body.data).toEqual({ me: { email: 'analyst@demo.test', role: 'ANALYST' } });
      expect((await post(app, { query: '{ viewer { kind } }' }, { authorization: `Bearer ${fan.out}` })).body.data).toEqual({ viewer: { kind: 'FAN' } });
      const ok = await post(app, ORDERS(), { authorization: `ApiKey ${kept.out}` });
      expect(ok.body.errors).toBeUndefined();
      const gone = await post(app, ORDERS(), { authorization: `ApiKey ${dropped.out}` });
      expect(codes(gone.body)).toEqual(['UNAUTHENTICATED']);
    });
  });
});

describe('npm start in development', () => {
  /** Starts src/main.ts, collects its output until ready, runs fn with the output and URL, then stops it. */
  async function started(fn: (output: string, url: string) => Promise<void>) {
    const child = spawn('node', ['--import', 'tsx', 'src/main.ts'], { env: { ...env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready within 60 s:\n${output}`)), 60_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const m = output.match(/GraphQL ready at (\S+)/);
        if (m) (clearTimeout(timer), resolve(m[1]));
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
    try {
      await fn(output, url);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }
  const call = async (url: string, body: unknown, authorization: string) =>
    (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify(body) })).json();

  it('prints an operator token, a fan token and (on the first seed) a partner key that all work; later starts print how to mint a key', async () => {
    // A database of its own: the first start seeds it.
    const fresh = await createTestDatabase();
    await fresh.database.close();
    const saved = env;
    env = { ...env, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'fanops-start-')), DATABASE_URL: fresh.url ?? '' };
    try {
      await started(async (output, url) => {
        const op = output.match(/Operator token .*Authorization: (Bearer \S+)/)?.[1];
        const fan = output.match(/Fan token .*Authorization: (Bearer \S+)/)?.[1];
        const key = output.match(/Partner API key .*Authorization: (ApiKey \S+)/)?.[1];
        expect([op, fan, key].every(Boolean), output).toBe(true);
        expect(await call(url, { query: '{ me { email } }' }, op!)).toEqual({ data: { me: { email: 'owner@demo.test' } } });
        expect(await call(url, { query: '{ viewer { kind } }' }, fan!)).toEqual({ data: { viewer: { kind: 'FAN' } } });
        expect((await call(url, ORDERS(), key!)).data.orders.totalCount).toBeGreaterThan(0);
      });
      await started(async (output) => {
        expect(output).toMatch(/Operator token .*Bearer \S+/);
        expect(output).not.toMatch(/Authorization: ApiKey/);
        expect(output).toContain('src/cli.ts apikey create demo');
      });
    } finally {
      env = saved;
      await fresh.dispose().catch(() => {});
    }
  });
});
