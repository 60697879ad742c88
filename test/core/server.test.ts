// The real HTTP server: GraphQL over POST and GET, health and readiness, GraphiQL, graceful stop,
// and `npm start` itself answering a nested query over seeded data.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Plugin } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/core/server.js';
import { createTestApp, createTestDatabase, type TestApp } from '../helpers/app.js';
import { seedTwoTenants } from '../helpers/fixtures.js';
import { spawnServer, stopAllServers } from '../helpers/process.js';

// Holds operations named "Slow" for 400 ms, so a request is still in flight when stop() begins.
const slowPlugin: Plugin = {
  onExecute: async ({ args }) => {
    const op = args.document.definitions.find((d: { kind: string }) => d.kind === 'OperationDefinition');
    if (op && 'name' in op && op.name?.value === 'Slow') await new Promise((r) => setTimeout(r, 400));
  },
};

let t: TestApp;
let server: RunningServer;
beforeAll(async () => {
  t = await createTestApp({ plugins: [slowPlugin], env: { GRAPHIQL: 'true' } });
  await seedTwoTenants(t, 20);
  server = await startServer(t.app, { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 5_000 });
});
afterAll(async () => {
  stopAllServers();
  await server?.stop();
  await t?.dispose();
});

const auth = { authorization: 'Dev demo' };

describe('HTTP server', () => {
  it('answers POST and GET on /graphql', async () => {
    const post = await fetch(server.url, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ organization { name } }' }) });
    expect(post.status).toBe(200);
    expect(await post.json()).toEqual({ data: { organization: { name: 'Lumi Live (demo)' } } });
    const get = await fetch(`${server.url}?query=${encodeURIComponent('{ fans(first: 1) { totalCount } }')}`, { headers: { ...auth, 'x-graphql-yoga-csrf': '1' } });
    expect(await get.json()).toEqual({ data: { fans: { totalCount: 20 } } });
  });

  it('reports liveness on /health and database readiness on /ready', async () => {
    const base = server.url.replace('/graphql', '');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/ready`)).status).toBe(200);
  });

  it('serves GraphiQL to browsers in development', async () => {
    const res = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('GraphiQL');
  });

  it('refuses mutations over GET', async () => {
    const res = await fetch(`${server.url}?query=${encodeURIComponent('mutation { __typename }')}`, { headers: { ...auth, 'x-graphql-yoga-csrf': '1' } });
    expect(res.status).toBe(405);
  });
});

describe('graceful stop', () => {
  it('finishes an in-flight request, then refuses new connections', async () => {
    const own = await startServer(t.app, { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 5_000 });
    const inFlight = fetch(own.url, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ query: 'query Slow { organization { slug } }' }) });
    await new Promise((r) => setTimeout(r, 100));
    const stopped = own.stop();
    const res = await inFlight;
    expect(await res.json()).toEqual({ data: { organization: { slug: 'demo' } } });
    await stopped;
    await expect(fetch(own.url, { method: 'POST', body: '{}' })).rejects.toThrow();
  });
});

describe('npm start', () => {
  it('starts on a fresh database, seeds the demo organization, answers a nested query, and stops on SIGTERM', async () => {
    const db = await createTestDatabase(); // an empty PostgreSQL database when TEST_DATABASE_URL is set
    await db.database.close();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'fanops-start-'));
    const server = await spawnServer({ DATA_DIR: dataDir, DATABASE_URL: db.url ?? '', NODE_ENV: 'development' });
    try {
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ communities(kinds: [VERTICAL]) { totalCount nodes { name members(first: 1) { nodes { fan { displayName orders(first: 1) { nodes { amountCents } } } } } } } }' }),
      });
      const body = await res.json();
      expect(body.errors).toBeUndefined();
      expect(body.data.communities.totalCount).toBe(7);
      expect(body.data.communities.nodes[0].members.nodes[0].fan.displayName).toMatch(/-/);
    } finally {
      expect(await server.stop()).toBe(0);
      expect(server.output()).toContain('Stopped.');
      await db.dispose().catch(() => {});
    }
  });
});
