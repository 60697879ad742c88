// Request limits: depth, aliases, tokens, directives and cost refuse a document with a clear error
// before anything executes (an execution counter stays put); the __schema depth bypass stays closed;
// oversized bodies get 413; browser-simple requests are refused (CSRF); introspection is off when
// disabled; production masks unexpected errors.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { ConfigError, loadConfig } from '../../src/core/config.js';
import { type RunningServer, startServer } from '../../src/core/server.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { seedTwoTenants } from '../helpers/fixtures.js';
import { gid } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';
import { codes, executionCounter, get, operatorBearer, post } from './security-helpers.js';

const counter = executionCounter();
let server: RunningServer;
const LIMITS = { MAX_DEPTH: '6', MAX_ALIASES: '3', MAX_TOKENS: '400', MAX_DIRECTIVES: '3', MAX_COST: '300', MAX_BODY_BYTES: '4000' };

const it = useTestApp({ fans: 5, plugins: [counter.plugin], env: LIMITS });
it.beforeAll(async ({ t }) => {
  server = await startServer(t.app, { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2_000 });
});
afterAll(async () => {
  await server?.stop();
});

/** Runs `query` as the demo owner and expects a refusal matching `message`, with nothing executed. */
async function refusedBeforeExecution(t: SeededTestApp, query: string, message: RegExp) {
  const before = counter.executed;
  const { result, statements } = await t.countStatements(() => t.gql(query));
  expect(result.data ?? null).toBeNull();
  expect(result.errors?.map((e) => e.message).join('\n')).toMatch(message);
  expect(counter.executed, 'nothing may execute').toBe(before);
  // Only the credential lookup reached the database.
  expect(statements.length).toBeLessThanOrEqual(1);
}

const _deepFan = (depth: number) => {
  // fans(1) nodes(2) then memberships → nodes → fan → memberships …, ending in id.
  let inner = 'id';
  for (let i = 0; i < depth; i++)
    inner = i % 3 === 0 ? `fan { ${inner} }` : i % 3 === 1 ? `nodes { ${inner} }` : `memberships(first: 1) { ${inner} }`;
  return inner;
};

describe('document limits', () => {
  it('a query within every limit runs', async ({ t }) => {
    const d = await t.ok(`{ a: fans(first: 1) { totalCount } b: organization { name @include(if: true) } }`);
    expect(d.a.totalCount).toBe(5);
  });

  it('depth', async ({ t }) => {
    await refusedBeforeExecution(
      t,
      `{ fans(first: 1) { nodes { memberships(first: 1) { nodes { fan { memberships(first: 1) { nodes { id } } } } } } } }`,
      /depth limit of 6 exceeded/i,
    );
  });

  it('aliases', async ({ t }) => {
    await refusedBeforeExecution(
      t,
      `{ a: viewer { kind } b: viewer { kind } c: viewer { kind } d: viewer { kind } }`,
      /aliases limit of 3 exceeded/i,
    );
  });

  it('tokens', async ({ t }) => {
    await refusedBeforeExecution(t, `{ organization { ${'name '.repeat(400)} } }`, /token limit of 400 exceeded/i);
  });

  it('directives', async ({ t }) => {
    await refusedBeforeExecution(
      t,
      `{ viewer { kind @include(if: true) @include(if: true) @include(if: true) @include(if: true) } }`,
      /directives limit of 3 exceeded/i,
    );
  });

  it('cost', async ({ t }) => {
    const fields = 'id displayName region skinType orderCount totalSpendCents pointsBalance lifecycle isKoc optedOut';
    // Within depth 6, 3 aliases and 400 tokens; each copy costs about 165 (cost grows with depth).
    const copy = `fans(first: 1) { nodes { ${fields} memberships(first: 1) { nodes { id role joinedAt fan { ${fields} } community { id name } } } } }`;
    await refusedBeforeExecution(t, `{ a: ${copy} b: ${copy} }`, /cost limit of 300 exceeded/i);
    expect((await t.ok(`{ a: ${copy} }`)).a.nodes).toHaveLength(1);
  });
});

describe('result size (rows, not fields)', () => {
  // Its own app: the document limits above are tight enough to refuse these queries for other reasons.
  let sized: TestApp;
  beforeAll(async () => {
    sized = await createTestApp({ plugins: [counter.plugin], env: { MAX_RESULT_NODES: '5000', MAX_COST: '10000000' } });
    await seedTwoTenants(sized, 5);
  });
  afterAll(() => sized?.dispose());
  const NESTED = `query($fans: Int, $memberships: Int) { fans(first: $fans) { nodes { id memberships(first: $memberships) { nodes { id } } } } }`;

  it('refuses nested pages that multiply past the limit, naming the estimate, before anything runs', async ({ t }) => {
    // 100 fans × (1 + 100 memberships + 1 connection) + 1 = 10,201 objects > 5,000.
    const before = counter.executed;
    const result = await sized.gql(NESTED, { fans: 100, memberships: 100 });
    expect(result.data ?? null).toBeNull();
    expect(codes(result)).toEqual(['RESULT_TOO_LARGE']);
    expect(result.errors?.[0].message).toMatch(/up to 10,201 objects; the limit is 5,000/);
    expect(counter.executed).toBe(before);
    // The same through a fragment and with literal arguments; a missing `first` counts as the default page of 20.
    const viaFragment = `{ fans(first: 100) { ...F } } fragment F on QueryFansConnection { nodes { memberships(first: 60) { nodes { id } } } }`;
    expect(codes(await sized.gql(viaFragment))).toEqual(['RESULT_TOO_LARGE']);
  });

  it('counts nodes(ids:) by the ids asked for, not as a short list', async ({ t }) => {
    const ids = Array.from({ length: 60 }, (_, i) => gid('Fan', `missing${i}`));
    const many = `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Fan { memberships(first: 100) { nodes { id } } } } }`;
    const result = await sized.gql(many, { ids });
    expect(codes(result)).toEqual(['RESULT_TOO_LARGE']);
    expect(result.errors?.[0].message).toMatch(/up to 6,120 objects/);
    expect(codes(await sized.gql(many, { ids: ids.slice(0, 40) }))).toEqual([]);
  });

  it('lets the same shape through with smaller pages', async ({ t }) => {
    const ok = await sized.ok(NESTED, { fans: 100, memberships: 10 });
    expect(ok.fans.nodes.length).toBe(5);
    // 100 fans × (1 + 1 + 20 memberships by default) + 1 = 2,201 objects.
    expect(
      codes(await sized.gql(`{ fans(first: 100) { ...F } } fragment F on QueryFansConnection { nodes { memberships { nodes { id } } } }`)),
    ).toEqual([]);
  });
});

describe('the __schema max-depth bypass (regression)', () => {
  it('an operation named __schema is still depth-limited', async ({ t }) => {
    await refusedBeforeExecution(
      t,
      `query __schema { fans(first: 1) { nodes { memberships(first: 1) { nodes { fan { memberships(first: 1) { nodes { id } } } } } } } }`,
      /depth limit of 6 exceeded/i,
    );
  });

  it('a fragment named __schema is still depth-limited', async ({ t }) => {
    await refusedBeforeExecution(
      t,
      `query Deep { fans(first: 1) { nodes { ...__schema } } }
       fragment __schema on Fan { memberships(first: 1) { nodes { fan { memberships(first: 1) { nodes { fan { id } } } } } } }`,
      /depth limit of 6 exceeded/i,
    );
  });

  it('the same shapes within the limit run, so the refusals above are about depth', async ({ t }) => {
    const d = await t.ok(
      `query __schema { fans(first: 1) { nodes { ...__schema } } } fragment __schema on Fan { memberships(first: 1) { totalCount } }`,
    );
    expect(d.fans.nodes).toHaveLength(1);
  });
});

describe('body size', () => {
  it('a body over MAX_BODY_BYTES gets 413 with Content-Length, and also when sent chunked', async ({ t }) => {
    const big = JSON.stringify({ query: `{ viewer { kind } }`, variables: { pad: 'x'.repeat(5000) } });
    const declared = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Dev demo' },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect((await declared.json()).errors[0]).toMatchObject({
      message: expect.stringMatching(/exceeds the limit of 4000/),
      extensions: { code: 'PAYLOAD_TOO_LARGE' },
    });
    const bytes = new TextEncoder().encode(big);
    const chunked = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Dev demo' },
      body: new ReadableStream({ start: (c) => (c.enqueue(bytes.slice(0, 3000)), c.enqueue(bytes.slice(3000)), c.close()) }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    const small = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Dev demo' },
      body: JSON.stringify({ query: '{ viewer { kind } }' }),
    });
    expect(small.status).toBe(200);
  });
});

describe('CSRF prevention', () => {
  it('a GET without the x-graphql-yoga-csrf header is refused; with it, it runs', async ({ t }) => {
    const before = counter.executed;
    const refused = await get(t.app, { query: '{ viewer { kind } }' }, { authorization: 'Dev demo' });
    expect(refused.status).toBe(403);
    expect(counter.executed).toBe(before);
    const ok = await get(t.app, { query: '{ viewer { kind } }' }, { authorization: 'Dev demo', 'x-graphql-yoga-csrf': '1' });
    expect(ok.body.data).toEqual({ viewer: { kind: 'OPERATOR' } });
  });

  it('a form-encoded POST (what a cross-site form can send) is refused', async ({ t }) => {
    const before = counter.executed;
    const res = await t.app.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Dev demo' },
      body: new URLSearchParams({ query: 'mutation { refreshFanLifecycles { __typename } }' }).toString(),
    });
    expect(res.status).toBe(403);
    expect(counter.executed).toBe(before);
  });
});

describe('introspection', () => {
  it('is on in development and off with INTROSPECTION=false', async ({ t }) => {
    expect((await t.ok(`{ __schema { queryType { name } } }`)).__schema.queryType.name).toBe('Query');
    const off = await createTestApp({ env: { INTROSPECTION: 'false' } });
    try {
      for (const q of [`{ __schema { queryType { name } } }`, `{ __type(name: "Fan") { name } }`]) {
        const res = await off.gql(q, {}, null);
        expect(res.data ?? null, q).toBeNull();
        expect(res.errors?.[0].message, q).toMatch(/introspection/i);
      }
    } finally {
      await off.dispose();
    }
  });
});

describe('production', () => {
  it('refuses to start without AUTH_SECRET', ({ t }) => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_SECRET: must be set in production/);
  });

  it('masks unexpected errors (no stack, no SQL), refuses Dev credentials, and turns introspection off', async ({ t }) => {
    const prod = await createTestApp({ env: { NODE_ENV: 'production', AUTH_SECRET: 's'.repeat(40), ALLOW_ADHOC_OPERATIONS: 'true' } });
    try {
      await seedTwoTenants(prod, 5);
      const owner = await operatorBearer(prod, 'demo', 'owner@demo.test');
      expect((await prod.ok(`{ tags { name } }`, {}, owner)).tags.length).toBeGreaterThan(0);
      // Break the database under the server: the next read fails inside Prisma with SQL in its message.
      await prod.database.prisma.$executeRawUnsafe('ALTER TABLE "Tag" RENAME TO "Tag_gone"');
      const res = await post(prod.app, { query: '{ tags { name } }' }, { authorization: owner });
      const text = JSON.stringify(res.body);
      expect(res.body.errors?.[0].message).toBe('Unexpected error.');
      expect(text).not.toMatch(/Tag_gone|SELECT|relation|prisma|stack|at \w+ \(/i);
      await prod.database.prisma.$executeRawUnsafe('ALTER TABLE "Tag_gone" RENAME TO "Tag"');

      expect(codes(await prod.gql(`{ viewer { kind } }`, {}, 'Dev demo'))).toEqual(['UNAUTHENTICATED']);
      expect((await prod.gql(`{ __schema { queryType { name } } }`, {}, owner)).errors?.[0].message).toMatch(/introspection/i);
    } finally {
      await prod.dispose();
    }
  });
});
