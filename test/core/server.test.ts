// The real HTTP server: GraphQL over POST and GET, health and readiness, GraphiQL, graceful stop,
// and `npm start` itself answering a nested query over seeded data.
import { existsSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import path from 'node:path';
import type { Plugin } from 'graphql-yoga';
import { afterAll, describe, expect } from 'vitest';
import { createApp } from '../../src/app.js';
import { runCli } from '../../src/cli.js';
import { loadConfig } from '../../src/core/config.js';
import { createLogger } from '../../src/core/logger.js';
import { loadManifest } from '../../src/core/persisted.js';
import { type RunningServer, startServer } from '../../src/core/server.js';
import { startFanops } from '../../src/main.js';
import { createTestDatabase } from '../helpers/app.js';
import { spawnServer, stopAllServers } from '../helpers/process.js';
import { makeTempDir, removeTempDir } from '../helpers/temp.js';
import { useTestApp } from '../helpers/test-app.js';
import { hashOf, persisted } from '../security/security-helpers.js';

// Holds operations named "Slow" for 400 ms, so a request is still in flight when stop() begins;
// `slowStarted()` resolves once the server has begun executing one (its signal that a request is in flight).
let slowBegan = () => {};
const slowStarted = () => new Promise<void>((resolve) => (slowBegan = resolve));
const slowPlugin: Plugin = {
  onExecute: async ({ args }) => {
    const op = args.document.definitions.find((d: { kind: string }) => d.kind === 'OperationDefinition');
    if (op && 'name' in op && op.name?.value === 'Slow') {
      slowBegan();
      await new Promise((r) => setTimeout(r, 400));
    }
  },
};

const it = useTestApp({ fans: 20, plugins: [slowPlugin], env: { GRAPHIQL: 'true' } });
let server: RunningServer;
it.beforeAll(async ({ t }) => {
  server = await startServer(t.app, { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 5_000 });
});
afterAll(async () => {
  stopAllServers();
  await server?.stop();
});

const auth = { authorization: 'Dev demo' };

describe('HTTP server', () => {
  it('answers POST and GET on /graphql', async ({ t }) => {
    const post = await fetch(server.url, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ organization { name } }' }),
    });
    expect(post.status).toBe(200);
    expect(await post.json()).toEqual({ data: { organization: { name: 'Lumi Live (demo)' } } });
    const get = await fetch(`${server.url}?query=${encodeURIComponent('{ fans(first: 1) { totalCount } }')}`, {
      headers: { ...auth, 'x-graphql-yoga-csrf': '1' },
    });
    expect(await get.json()).toEqual({ data: { fans: { totalCount: 20 } } });
  });

  it('reports liveness on /health and database readiness on /ready', async ({ t }) => {
    const base = server.url.replace('/graphql', '');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/ready`)).status).toBe(200);
  });

  it('serves GraphiQL from this server (no CDN), titled, with the development credential in the header editor', async ({ t }) => {
    const res = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<title>Fan operations API</title>');
    expect(html).not.toContain('__TITLE__');
    // Every script and stylesheet (and the icon) comes from this server, and each is there.
    const urls = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThanOrEqual(3);
    expect(html).not.toMatch(/https?:\/\//);
    const base = new URL(server.url);
    for (const url of urls) {
      expect(url).toMatch(/^\/[^/]/);
      const asset = await fetch(new URL(url, base));
      expect(asset.status, url).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, url).toBeGreaterThan(1000);
    }
    // The workers the editor asks for are served too.
    for (const worker of ['editor.worker.js', 'json.worker.js', 'graphql.worker.js'])
      expect((await fetch(new URL(`/graphiql/${worker}`, base))).status).toBe(200);
    const options = JSON.parse(/<script type="application\/json" id="graphiql-options">(.*?)<\/script>/s.exec(html)![1]);
    expect(JSON.parse(options.headers)).toEqual({ Authorization: 'Dev demo' });
    expect(options.defaultQuery).toContain('query Dashboard');
  });

  it('prefills no credential where the development credential is off', async ({ t }) => {
    const config = loadConfig({ NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(32), GRAPHIQL: 'true', LOG_LEVEL: 'silent' });
    const app = createApp({ config, database: t.database, pubsub: t.pubsub, logger: createLogger('silent') });
    const html = await (await app.fetch('http://test/graphql', { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('<title>Fan operations API</title>');
    const options = JSON.parse(/<script type="application\/json" id="graphiql-options">(.*?)<\/script>/s.exec(html)![1]);
    expect(options.headers).toBeUndefined();
  });

  it('refuses mutations over GET', async ({ t }) => {
    const res = await fetch(`${server.url}?query=${encodeURIComponent('mutation { __typename }')}`, {
      headers: { ...auth, 'x-graphql-yoga-csrf': '1' },
    });
    expect(res.status).toBe(405);
  });
});

describe('graceful stop', () => {
  it('finishes an in-flight request, then refuses new connections', async ({ t }) => {
    const own = await startServer(t.app, { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 5_000 });
    const started = slowStarted();
    const inFlight = fetch(own.url, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query Slow { organization { slug } }' }),
    });
    await started;
    const stopped = own.stop();
    const res = await inFlight;
    expect(await res.json()).toEqual({ data: { organization: { slug: 'demo' } } });
    await stopped;
    await expect(fetch(own.url, { method: 'POST', body: '{}' })).rejects.toThrow();
  });
});

describe('npm start', () => {
  it('is one process: a fresh database is seeded and answers; the CLI writes through it; SIGTERM to the PID npm start gives frees the port and keeps the data', async ({
    t,
  }) => {
    const db = await createTestDatabase(); // an empty PostgreSQL database when TEST_DATABASE_URL is set
    await db.database.close();
    const dataDir = makeTempDir('start');
    const env = { DATA_DIR: dataDir, DATABASE_URL: db.url ?? '', NODE_ENV: 'development', REDIS_URL: '' };
    try {
      const server = await spawnServer(env, 150_000, 'npm start');
      const port = Number(new URL(server.url).port);
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          query:
            '{ communities(kinds: [VERTICAL]) { totalCount nodes { name members(first: 1) { nodes { fan { displayName orders(first: 1) { nodes { amountCents } } } } } } } }',
        }),
      });
      const body = await res.json();
      expect(body.errors).toBeUndefined();
      expect(body.data.communities.totalCount).toBe(7);
      expect(body.data.communities.nodes[0].members.nodes[0].fan.displayName).toMatch(/-/);

      // The CLI, while the server holds the embedded directory, runs its command in the server.
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(
        ['apikey', 'create', 'demo', 'while running', '--scopes', 'read'],
        { out: (l) => out.push(l), err: (l) => err.push(l) },
        { ...process.env, ...env },
      );
      expect(code, err.join('\n')).toBe(0);
      const key = out[0];
      const orders = async (url: string) =>
        (
          await fetch(url, {
            method: 'POST',
            headers: { authorization: `ApiKey ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify(persisted(hashOf(loadManifest(), 'PartnerRecentOrders'))),
          })
        ).json();
      expect((await orders(server.url)).data.orders.totalCount).toBeGreaterThan(0);

      // npm's PID is the server's: SIGTERM stops it, and the port and the directory are free at once.
      expect(await server.stop()).toBe(0);
      expect(server.output()).toContain('Stopped.');
      await expect(listenOn(port)).resolves.toBeUndefined();
      expect(existsSync(path.join(dataDir, 'fanops.lock'))).toBe(false);

      // Started again on the same data, the key written through the CLI is still there.
      const again = await startFanops({ ...env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent' });
      try {
        expect((await orders(again.url)).data.orders.totalCount).toBeGreaterThan(0);
      } finally {
        await again.stop();
      }
    } finally {
      removeTempDir(dataDir);
      await db.dispose().catch(() => {});
    }
    // A real process on a fresh directory: transpiling, creating and seeding the database take
    // 10–40 s on a busy 2-core machine.
  }, 180_000);
});

/** Resolves once something could listen on the port (and stopped again), rejects if it is taken. */
function listenOn(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}
