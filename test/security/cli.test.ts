// Development credentials from the CLI and from `npm start`: what they print works against the API.
// The CLI runs in-process (runCli, what `tsx src/cli.ts` runs); the database is a PGlite directory (or
// a fresh PostgreSQL database when TEST_DATABASE_URL is set). One writer per embedded directory: while
// the server runs, the CLI's commands run inside it through its admin socket, or are refused naming
// the holder — never written to a copy the server does not see.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { runCli } from '../../src/cli.js';
import { loadConfig } from '../../src/core/config.js';
import { acquireDataDirLock } from '../../src/core/datadir-lock.js';
import { createDatabase, type Database } from '../../src/core/db.js';
import { createLogger, type Logger } from '../../src/core/logger.js';
import { loadManifest } from '../../src/core/persisted.js';
import { createPubSubHandle } from '../../src/core/pubsub.js';
import { startFanops } from '../../src/main.js';
import { createTestDatabase } from '../helpers/app.js';
import { makeTempDir, removeTempDir } from '../helpers/temp.js';
import { codes, hashOf, persisted, post } from './security-helpers.js';

type Env = Record<string, string>;
let env: Env;
const cleanups: (() => Promise<void> | void)[] = [];
beforeAll(async () => {
  const db = await createTestDatabase();
  await db.database.close();
  const dataDir = makeTempDir('cli');
  cleanups.push(
    () => db.dispose().catch(() => {}),
    () => removeTempDir(dataDir),
  );
  env = { NODE_ENV: 'development', LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: '0', REDIS_URL: '', DATA_DIR: dataDir, DATABASE_URL: db.url ?? '' };
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function cli(e: Env, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, e);
  return { status, out: out.join('\n'), err: err.join('\n') };
}

/** Opens the same database in this process and builds the app over it, for as long as fn runs. */
async function withApp<T>(e: Env, fn: (app: App) => Promise<T>): Promise<T> {
  const config = loadConfig({ ...e, LOG_LEVEL: 'silent' });
  const database: Database = await createDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  const events = await createPubSubHandle(undefined);
  try {
    return await fn(createApp({ config, database, pubsub: events.pubsub, logger: createLogger('silent') }));
  } finally {
    await events.close();
    await database.close();
  }
}

/** A logger that keeps every line, for what `npm start` prints. */
function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const keep = (msg: string) => void lines.push(msg);
  return { logger: { debug: keep, info: keep, warn: keep, error: keep }, lines };
}

const ORDERS = () => persisted(hashOf(loadManifest(), 'PartnerRecentOrders'));
const call = async (url: string, body: unknown, authorization: string) =>
  (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify(body) })).json();

describe('CLI: token and apikey', () => {
  it('mints tokens and keys that work, revokes by prefix, and explains bad arguments', async () => {
    expect((await cli(env, 'seed')).status).toBe(0);
    const analyst = await cli(env, 'token', 'operator', 'demo', 'analyst@demo.test', '--expires', '1h');
    const fan = await cli(env, 'token', 'fan', 'demo', 'u100001');
    const kept = await cli(env, 'apikey', 'create', 'demo', 'CRM', 'bridge', '--scopes', 'read,import', '--expires-days', '90');
    const dropped = await cli(env, 'apikey', 'create', 'demo', 'old', '--scopes', 'read');
    for (const r of [analyst, fan, kept, dropped]) expect(r.status, r.err).toBe(0);
    expect(kept.out).toMatch(/^fo_[0-9a-f]{12}_\S+$/);
    expect(kept.err).toContain('shown only this once');
    const revoke = await cli(env, 'apikey', 'revoke', dropped.out.split('_')[1]);
    expect(revoke.out).toMatch(/^revoked "old"/);
    // Refusals name the problem instead of printing a stack.
    const bad = await cli(env, 'apikey', 'create', 'demo', 'x', '--scopes', 'read,root');
    expect(bad.status).toBe(1);
    expect(bad.err).toBe('error: input.scopes: unknown scope "root" (known: read, import, events, likes, live, fulfilment, webhooks)');
    expect((await cli(env, 'token', 'operator', 'demo', 'nobody@demo.test')).err).toBe(
      'error: no operator "nobody@demo.test" in organization "demo"',
    );
    expect((await cli(env, 'token', 'robot')).err).toMatch(/^error: usage: token operator/);
    expect(await cli(env, 'launch')).toEqual({ status: 1, out: '', err: expect.stringMatching(/^error: unknown command "launch"/) });

    await withApp(env, async (app) => {
      const me = await post(app, { query: '{ me { email role } }' }, { authorization: `Bearer ${analyst.out}` });
      expect(me.body.data).toEqual({ me: { email: 'analyst@demo.test', role: 'ANALYST' } });
      expect((await post(app, { query: '{ viewer { kind } }' }, { authorization: `Bearer ${fan.out}` })).body.data).toEqual({
        viewer: { kind: 'FAN' },
      });
      const ok = await post(app, ORDERS(), { authorization: `ApiKey ${kept.out}` });
      expect(ok.body.errors).toBeUndefined();
      const gone = await post(app, ORDERS(), { authorization: `ApiKey ${dropped.out}` });
      expect(codes(gone.body)).toEqual(['UNAUTHENTICATED']);
    });
  }, 120_000);
});

describe('CLI: create-organization', () => {
  it('creates an organization whose owner redeems the printed token and signs in; a taken slug is refused', async () => {
    expect((await cli(env, 'migrate')).status).toBe(0);
    const made = await cli(env, 'create-organization', 'cli-tea', 'CLI', 'Tea', '--owner', 'boss@cli-tea.test', '--time-zone', 'Asia/Tokyo');
    expect(made.status, made.err).toBe(0);
    expect(made.out).toMatch(/^foi_\S+$/);
    expect(made.err).toContain('"CLI Tea" (cli-tea, Asia/Tokyo)');
    expect(await cli(env, 'create-organization', 'cli-tea', 'Again', '--owner', 'x@y.test')).toMatchObject({
      status: 1,
      err: 'error: An organization with slug "cli-tea" already exists',
    });
    expect((await cli(env, 'create-organization', 'cli-x')).err).toMatch(/^error: usage: create-organization/);
    await withApp(env, async (app) => {
      const query =
        'mutation($t: String!) { acceptOperatorInvitation(input: { token: $t, displayName: "Boss" }) { ... on MutationAcceptOperatorInvitationSuccess { data { token } } } }';
      const accepted = await post(app, { query, variables: { t: made.out } });
      const token = accepted.body.data.acceptOperatorInvitation.data.token as string;
      const me = await post(app, { query: '{ me { email role } organization { name timeZone } }' }, { authorization: `Bearer ${token}` });
      expect(me.body.data).toEqual({ me: { email: 'boss@cli-tea.test', role: 'OWNER' }, organization: { name: 'CLI Tea', timeZone: 'Asia/Tokyo' } });
    });
  }, 120_000);
});

describe('one writer per embedded data directory', () => {
  it('while the server runs, the CLI writes through it (or is refused naming the holder); a second server refuses; a dead holder is taken over', async () => {
    const dataDir = makeTempDir('lock');
    cleanups.push(() => removeTempDir(dataDir));
    const embedded: Env = { ...env, DATA_DIR: dataDir, DATABASE_URL: '', SEED_ON_START: 'false' };
    const server = await startFanops(embedded);
    let written = '';
    try {
      // A second server on the same directory: one line naming the running one.
      await expect(startFanops(embedded)).rejects.toThrow(
        `DATA_DIR ${dataDir} is in use by the server (pid ${process.pid}); stop it first or choose another DATA_DIR`,
      );

      // The CLI's writes happen in the running server: the key works there at once.
      expect(await cli(embedded, 'seed')).toMatchObject({ status: 0, out: 'seeded the demo organization' });
      const key = await cli(embedded, 'apikey', 'create', 'demo', 'while running', '--scopes', 'read');
      expect(key.status, key.err).toBe(0);
      written = key.out;
      expect((await call(server.url, ORDERS(), `ApiKey ${key.out}`)).data.orders.totalCount).toBeGreaterThan(0);
      const operator = await cli(embedded, 'token', 'operator', 'demo', 'owner@demo.test');
      expect(await call(server.url, { query: '{ me { email } }' }, `Bearer ${operator.out}`)).toEqual({ data: { me: { email: 'owner@demo.test' } } });
      // What cannot run inside it is refused, naming the server.
      expect(await cli(embedded, 'seed-scale')).toEqual({
        status: 1,
        out: '',
        err: `error: DATA_DIR ${dataDir} is in use by the server (pid ${process.pid}); seed-scale needs the data directory to itself: stop the server first`,
      });
    } finally {
      await server.stop();
    }
    expect(existsSync(path.join(dataDir, 'fanops.lock'))).toBe(false);

    // Held by another CLI command: refused, nothing written.
    const other = acquireDataDirLock(dataDir, 'cli');
    try {
      expect(await cli(embedded, 'apikey', 'create', 'demo', 'refused', '--scopes', 'read')).toEqual({
        status: 1,
        out: '',
        err: `error: DATA_DIR ${dataDir} is in use by another CLI command (pid ${process.pid}); retry when it has finished`,
      });
    } finally {
      other.release();
    }
    // A live server whose admin socket does not answer (still starting): refused, nothing written.
    const lockFile = path.join(dataDir, 'fanops.lock');
    writeFileSync(
      lockFile,
      JSON.stringify({
        pid: process.pid,
        role: 'server',
        started: null,
        socket: path.join(dataDir, 'admin.sock'),
        since: new Date().toISOString(),
        token: 't',
      }),
    );
    const silent = await cli(embedded, 'apikey', 'create', 'demo', 'refused', '--scopes', 'read');
    expect(silent.status).toBe(1);
    expect(silent.err).toMatch(
      new RegExp(
        `^error: DATA_DIR .* is in use by the server \\(pid ${process.pid}\\) and its admin socket does not answer \\([A-Z]+\\); nothing was changed`,
      ),
    );
    // A lock left by a process that is gone is stale: the CLI takes the directory over.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(lockFile, JSON.stringify({ pid: dead, role: 'server', started: null, since: new Date().toISOString(), token: 't' }));
    const after = await cli(embedded, 'apikey', 'create', 'demo', 'after a crash', '--scopes', 'read');
    expect(after.status, after.err).toBe(0);
    expect(existsSync(lockFile)).toBe(false);

    // Every key written while the server ran is on disk; the refused ones are not.
    await withApp(embedded, async (app) => {
      for (const k of [written, after.out]) expect((await post(app, ORDERS(), { authorization: `ApiKey ${k}` })).body.errors).toBeUndefined();
      const names = await app.fetch('http://test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Dev demo' },
        body: JSON.stringify({ query: '{ apiKeys { name } }' }),
      });
      expect(((await names.json()).data.apiKeys as { name: string }[]).map((k) => k.name).sort()).toEqual(['after a crash', 'while running']);
    });
  }, 180_000);
});

describe('npm start in development', () => {
  it('prints an operator token, a fan token and (on the first seed) a partner key that all work; later starts print how to mint a key', async () => {
    // A database of its own: the first start seeds it.
    const fresh = await createTestDatabase();
    await fresh.database.close();
    const dataDir = makeTempDir('start');
    cleanups.push(
      () => fresh.dispose().catch(() => {}),
      () => removeTempDir(dataDir),
    );
    const own: Env = { ...env, DATA_DIR: dataDir, DATABASE_URL: fresh.url ?? '' };

    const first = capture();
    const server = await startFanops(own, { logger: first.logger });
    try {
      const output = first.lines.join('\n');
      const op = output.match(/Operator token .*Authorization: (Bearer \S+)/)?.[1];
      const fan = output.match(/Fan token .*Authorization: (Bearer \S+)/)?.[1];
      const key = output.match(/Partner API key .*Authorization: (ApiKey \S+)/)?.[1];
      expect([op, fan, key].every(Boolean), output).toBe(true);
      expect(await call(server.url, { query: '{ me { email } }' }, op!)).toEqual({ data: { me: { email: 'owner@demo.test' } } });
      expect(await call(server.url, { query: '{ viewer { kind } }' }, fan!)).toEqual({ data: { viewer: { kind: 'FAN' } } });
      expect((await call(server.url, ORDERS(), key!)).data.orders.totalCount).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
    const second = capture();
    await (await startFanops(own, { logger: second.logger })).stop();
    const output = second.lines.join('\n');
    expect(output).toMatch(/Operator token .*Bearer \S+/);
    expect(output).not.toMatch(/Authorization: ApiKey/);
    expect(output).toContain('npm run cli -- apikey create demo');
  }, 180_000);
});
