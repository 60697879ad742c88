// Persisted operations: partners run only manifest operations, by hash, over POST or GET; ad-hoc
// documents are refused with PERSISTED_QUERY_ONLY before anything executes. With
// ALLOW_ADHOC_OPERATIONS=false operators are held to the manifest too; otherwise they may register
// automatic persisted queries, which partners can never use.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest, loadPartnerOperations } from '../../src/core/persisted.js';
import { type RunningServer, startServer } from '../../src/core/server.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { disposeClients, wsClient, wsSubscribe } from '../helpers/clients.js';
import { seedTwoTenants } from '../helpers/fixtures.js';
import { codes, executionCounter, get, hashOf, operatorBearer, partnerKey, persisted, post } from './security-helpers.js';

const manifest = loadManifest();
const ORDERS = hashOf(manifest, 'PartnerRecentOrders');
const counter = executionCounter();
let t: TestApp;
let strict: TestApp;
let key: string;
let server: RunningServer;

beforeAll(async () => {
  t = await createTestApp({ plugins: [counter.plugin] });
  await seedTwoTenants(t, 10);
  key = (await partnerKey(t, 'demo', ['read', 'import'])).authorization;
  strict = await createTestApp({ env: { ALLOW_ADHOC_OPERATIONS: 'false' } });
  await seedTwoTenants(strict, 10);
  server = await startServer(t.app, { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2_000 });
});
afterAll(async () => {
  await disposeClients();
  await server?.stop();
  await t?.dispose();
  await strict?.dispose();
});

describe('partner keys', () => {
  it('an ad-hoc document is refused with PERSISTED_QUERY_ONLY and nothing executes', async () => {
    const before = counter.executed;
    for (const headers of [{ authorization: key }, { 'x-api-key': key.replace('ApiKey ', '') }] as Record<string, string>[]) {
      const res = await post(t.app, { query: '{ orders(first: 1) { totalCount } }' }, headers);
      expect(res.status).toBe(400);
      expect(codes(res.body)).toEqual(['PERSISTED_QUERY_ONLY']);
      expect(res.body.errors?.[0].message).toMatch(/Only persisted operations are accepted.*sha256Hash/);
    }
    // Even the text of a registered operation is refused when sent as a document: partners send hashes.
    const asText = await post(t.app, { query: manifest.get(ORDERS) }, { authorization: key });
    expect(codes(asText.body)).toEqual(['PERSISTED_QUERY_ONLY']);
    expect(counter.executed).toBe(before);
  });

  it('a persisted hash runs over POST (extensions.persistedQuery or documentId) and over GET', async () => {
    const expected = await t.database.prisma.order.count({ where: { org: { slug: 'demo' } } });
    const viaExt = await post(t.app, persisted(ORDERS), { authorization: key });
    expect(viaExt.status).toBe(200);
    expect(viaExt.body.data.orders.totalCount).toBe(expected);
    const viaDocumentId = await post(t.app, { documentId: `sha256:${ORDERS}`, variables: {} }, { authorization: key });
    expect(viaDocumentId.body.data.orders.totalCount).toBe(expected);
    const viaGet = await get(
      t.app,
      { extensions: { persistedQuery: { version: 1, sha256Hash: ORDERS } } },
      { authorization: key, 'x-graphql-yoga-csrf': '1' },
    );
    expect(viaGet.status).toBe(200);
    expect(viaGet.body.data.orders.totalCount).toBe(expected);
  });

  it('a hash sent together with a document is refused: the sent text never runs', async () => {
    const before = counter.executed;
    const res = await post(t.app, { query: '{ apiKeys { prefix } }', ...persisted(ORDERS) }, { authorization: key });
    expect(codes(res.body)).toEqual(['PERSISTED_QUERY_ONLY']);
    expect(res.body.data ?? null).toBeNull();
    expect(counter.executed).toBe(before);
  });

  it('a first-party hash answers PERSISTED_QUERY_NOT_FOR_PARTNERS (403) and nothing runs; an operator runs the same hash', async () => {
    const reactivation = hashOf(manifest, 'ReactivationList');
    const before = counter.executed;
    const res = await post(t.app, persisted(reactivation), { authorization: key });
    expect(res.status).toBe(403);
    expect(codes(res.body)).toEqual(['PERSISTED_QUERY_NOT_FOR_PARTNERS']);
    expect(res.body.data ?? null).toBeNull();
    const viaGet = await get(t.app, persisted(reactivation), { authorization: key, 'x-graphql-yoga-csrf': '1' });
    expect([viaGet.status, codes(viaGet.body)]).toEqual([403, ['PERSISTED_QUERY_NOT_FOR_PARTNERS']]);
    expect(counter.executed).toBe(before);
    const asOperator = await post(t.app, persisted(reactivation), { authorization: await operatorBearer(t, 'demo', 'analyst@demo.test') });
    expect(asOperator.body.data.fans.totalCount).toEqual(expect.any(Number));
  });

  it('the manifest records exactly the operations under schema/operations/partner as partner operations', () => {
    const named = (dir: string) =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.graphql'))
        .map((f) => /(?:query|mutation|subscription) (\w+)/.exec(readFileSync(path.join(dir, f), 'utf8'))![1]);
    const partnerOps = loadPartnerOperations();
    const partnerNames = named('schema/operations/partner');
    expect(partnerNames.length).toBeGreaterThan(0);
    for (const name of partnerNames) expect(partnerOps.has(hashOf(manifest, name)), name).toBe(true);
    for (const name of named('schema/operations')) expect(partnerOps.has(hashOf(manifest, name)), name).toBe(false);
    expect(partnerOps.size).toBe(partnerNames.length);
  });

  it('an unknown hash answers PERSISTED_QUERY_NOT_FOUND', async () => {
    const before = counter.executed;
    const res = await post(t.app, persisted('0'.repeat(64)), { authorization: key });
    expect(codes(res.body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(res.body.errors?.[0].message).toMatch(/schema\/operations/);
    expect(counter.executed).toBe(before);
  });

  it('a persisted mutation runs over POST but not over GET', async () => {
    const hash = hashOf(manifest, 'PartnerImportFans');
    const vars = { input: { fans: [{ externalId: 'via-get', displayName: 'Beijing-dry·Bo' }] } };
    const viaGet = await get(t.app, { ...persisted(hash, vars) }, { authorization: key, 'x-graphql-yoga-csrf': '1' });
    expect(viaGet.status).toBe(405);
    expect(await t.database.prisma.fan.count({ where: { externalId: 'via-get' } })).toBe(0);
    const viaPost = await post(t.app, persisted(hash, vars), { authorization: key });
    expect(viaPost.body.data.importFans.__typename).toBe('MutationImportFansSuccess');
    expect(await t.database.prisma.fan.count({ where: { externalId: 'via-get' } })).toBe(1);
  });

  it('a key cannot open a graphql-ws subscription', async () => {
    const sub = wsSubscribe(wsClient(server.url, key), `subscription { organizationActivity { kind } }`);
    await expect(sub.waitFor(1, 5_000)).rejects.toThrow(/PERSISTED_QUERY_ONLY|persisted operations/);
  });
});

describe('operators', () => {
  it('may send ad-hoc documents in development (ALLOW_ADHOC_OPERATIONS default)', async () => {
    const res = await post(
      t.app,
      { query: '{ orders(first: 1) { totalCount } }' },
      { authorization: await operatorBearer(t, 'demo', 'analyst@demo.test') },
    );
    expect(res.body.errors).toBeUndefined();
  });

  it('with ALLOW_ADHOC_OPERATIONS=false an ad-hoc document is refused, its persisted hash works', async () => {
    const authorization = await operatorBearer(strict, 'demo', 'owner@demo.test');
    const adhoc = await post(strict.app, { query: '{ communities(first: 1) { totalCount } }' }, { authorization });
    expect(codes(adhoc.body)).toEqual(['PERSISTED_QUERY_ONLY']);
    const dashboard = await post(strict.app, persisted(hashOf(manifest, 'CommunityDashboard'), { first: 2 }), { authorization });
    expect(dashboard.body.errors).toBeUndefined();
    expect(dashboard.body.data.communities.nodes).toHaveLength(2);
  });

  it('may register automatic persisted queries (APQ): hash alone, then document with hash once, then hash alone over POST or GET', async () => {
    const authorization = await operatorBearer(t, 'demo', 'analyst@demo.test');
    const query = '{ communities(first: 3) { totalCount nodes { name } } }';
    const hash = createHash('sha256').update(query).digest('hex');
    const before = counter.executed;
    const miss = await post(t.app, persisted(hash), { authorization });
    expect(codes(miss.body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(counter.executed).toBe(before);
    const registered = await post(t.app, { query, ...persisted(hash) }, { authorization });
    expect(registered.body.errors).toBeUndefined();
    const byHash = await post(t.app, persisted(hash), { authorization });
    expect(byHash.body).toEqual(registered.body);
    const viaGet = await get(t.app, persisted(hash), { authorization, 'x-graphql-yoga-csrf': '1' });
    expect(viaGet.body).toEqual(registered.body);
    // A hash that is not the document's is refused, and nothing is remembered under it.
    const forged = await post(t.app, { query: '{ apiKeys { prefix } }', ...persisted('f'.repeat(64)) }, { authorization });
    expect(codes(forged.body)).toEqual(['PERSISTED_QUERY_HASH_MISMATCH']);
    expect(codes((await post(t.app, persisted('f'.repeat(64)), { authorization })).body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    // Partners cannot use what a first-party client registered: they are held to the manifest.
    expect(codes((await post(t.app, persisted(hash), { authorization: key })).body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('cannot register APQ documents when ad-hoc documents are off', async () => {
    const authorization = await operatorBearer(strict, 'demo', 'owner@demo.test');
    const query = '{ fans(first: 1) { totalCount } }';
    const hash = createHash('sha256').update(query).digest('hex');
    expect(codes((await post(strict.app, { query, ...persisted(hash) }, { authorization })).body)).toEqual(['PERSISTED_QUERY_ONLY']);
    expect(codes((await post(strict.app, persisted(hash), { authorization })).body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });
});
