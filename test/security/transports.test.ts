// One policy on every transport: the same table of refusals runs over POST, GET, SSE and graphql-ws
// against production settings — credentials, persisted-only rules, introspection, document limits,
// result size, body size, input rules, error masking and rate limits — and each answers with the same
// code. A refused credential closes a graphql-ws connection at connection_init (4403), as the protocol
// defines; every other refusal answers its operation and leaves the socket open.

import type { Plugin } from 'graphql-yoga';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/core/config.js';
import { createLogger } from '../../src/core/logger.js';
import { loadManifest } from '../../src/core/persisted.js';
import { memoryRateLimiter } from '../../src/core/ratelimit.js';
import { type RunningServer, startServer } from '../../src/core/server.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { seedTwoTenants } from '../helpers/fixtures.js';
import { gid } from '../helpers/ids.js';
import { hashOf, operatorBearer, partnerKey, persisted } from './security-helpers.js';
import { type Answer, codesOf, type Operation, send, TRANSPORTS, type Transport, WsConnection } from './transport-clients.js';

const PRODUCTION = { NODE_ENV: 'production', AUTH_SECRET: 'transport-parity-secret-'.padEnd(40, 'x'), LOG_LEVEL: 'silent' };
const manifest = loadManifest();

// Operations named Broken meet a database that fails with text that must never reach a client.
const brokenDatabase: Plugin = {
  onExecute({ args }) {
    if (args.operationName !== 'Broken') return;
    (args.contextValue as unknown as { db: unknown }).db = new Proxy(
      {},
      {
        get: () => {
          throw new Error('relation "secret_table" does not exist');
        },
      },
    );
  },
};

let strict: TestApp;
let strictServer: RunningServer;
let openServer: RunningServer;
let owner: string;
let partner: string;
beforeAll(async () => {
  // Production as deployed: ad-hoc documents off. A second app on the same database allows them,
  // so the document-level rules can be reached with documents of the test's choosing.
  strict = await createTestApp({ env: PRODUCTION });
  await seedTwoTenants(strict, 5);
  const config = loadConfig({
    ...PRODUCTION,
    ALLOW_ADHOC_OPERATIONS: 'true',
    MAX_DEPTH: '5',
    MAX_TOKENS: '300',
    MAX_RESULT_NODES: '500',
    MAX_BODY_BYTES: '4000',
    RATE_LIMIT_ANONYMOUS: '3',
    RATE_LIMIT_OPERATOR: '100000',
  });
  const open = createApp({
    config,
    database: strict.database,
    pubsub: strict.pubsub,
    logger: createLogger('silent'),
    rateLimiter: memoryRateLimiter(),
    plugins: [brokenDatabase],
  });
  strictServer = await startServer(strict.app, { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 1_000 });
  openServer = await startServer(open, { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 1_000 });
  owner = await operatorBearer(strict, 'demo', 'owner@demo.test');
  partner = (await partnerKey(strict, 'demo', ['read'])).authorization;
});
afterAll(async () => {
  await strictServer?.stop();
  await openServer?.stop();
  await strict?.dispose();
});

async function bearer(claims: Record<string, unknown>, alg = 'HS256', lifetime?: string) {
  const op = await strict.database.prisma.operator.findFirstOrThrow({ where: { email: 'owner@demo.test' } });
  let jwt = new SignJWT({ kind: 'operator', org: op.orgId, role: op.role, ...claims })
    .setProtectedHeader({ alg })
    .setSubject(op.id)
    .setIssuer('fanops')
    .setAudience('fanops-api')
    .setIssuedAt();
  if (lifetime) jwt = jwt.setExpirationTime(lifetime);
  return `Bearer ${await jwt.sign(new TextEncoder().encode(PRODUCTION.AUTH_SECRET))}`;
}
const algNone = async () => {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const op = await strict.database.prisma.operator.findFirstOrThrow({ where: { email: 'owner@demo.test' } });
  return `Bearer ${part({ alg: 'none' })}.${part({ kind: 'operator', org: op.orgId, role: 'OWNER', sub: op.id, iss: 'fanops', aud: 'fanops-api', exp: 4_000_000_000 })}.`;
};

interface Row {
  name: string;
  app: 'strict' | 'open';
  as?: () => Promise<string | undefined> | string | undefined;
  op: () => Operation;
  code: string;
  message?: RegExp;
}

const depth6 = '{ fans(first: 1) { nodes { memberships(first: 1) { nodes { fan { memberships(first: 1) { nodes { id } } } } } } } }';
const rows: Row[] = [
  {
    name: 'an ad-hoc document where only persisted operations run',
    app: 'strict',
    as: () => owner,
    op: () => ({ query: '{ organization { name } }' }),
    code: 'PERSISTED_QUERY_ONLY',
  },
  { name: 'an unknown persisted hash', app: 'strict', as: () => owner, op: () => persisted('0'.repeat(64)), code: 'PERSISTED_QUERY_NOT_FOUND' },
  {
    name: 'no operation at all, where only persisted ones run',
    app: 'strict',
    as: () => owner,
    op: () => ({}),
    code: 'PERSISTED_QUERY_ONLY',
    message: /No operation sent/,
  },
  {
    name: 'an unstorable cursor through a persisted operation',
    app: 'strict',
    as: () => owner,
    op: () => persisted(hashOf(manifest, 'ReactivationList'), { after: '\u0000' }),
    code: 'BAD_USER_INPUT',
    message: /after: must not contain a NUL/,
  },
  {
    name: 'a year-0 date through a partner persisted operation',
    app: 'strict',
    as: () => partner,
    op: () => persisted(hashOf(manifest, 'PartnerRecentOrders'), { since: '0000-01-01T00:00:00Z' }),
    code: 'BAD_USER_INPUT',
    message: /1970–2100/,
  },
  {
    name: 'a partner key sending a document',
    app: 'strict',
    as: () => partner,
    op: () => ({ query: '{ organization { name } }' }),
    code: 'PERSISTED_QUERY_ONLY',
  },
  {
    name: 'a partner key running a first-party persisted operation',
    app: 'strict',
    as: () => partner,
    op: () => persisted(hashOf(manifest, 'ReactivationList')),
    code: 'PERSISTED_QUERY_NOT_FOR_PARTNERS',
    message: /not for partners/,
  },
  {
    name: 'an expired token',
    app: 'strict',
    as: () => bearer({ exp: Math.floor(Date.now() / 1000) - 60 }),
    op: () => persisted(hashOf(manifest, 'ReactivationList')),
    code: 'UNAUTHENTICATED',
    message: /expired/,
  },
  {
    name: 'a signed token without exp',
    app: 'strict',
    as: () => bearer({}),
    op: () => persisted(hashOf(manifest, 'ReactivationList')),
    code: 'UNAUTHENTICATED',
    message: /no expiry/,
  },
  {
    name: 'a token living longer than JWT_MAX_LIFETIME_HOURS',
    app: 'strict',
    as: () => bearer({}, 'HS256', '400d'),
    op: () => persisted(hashOf(manifest, 'ReactivationList')),
    code: 'UNAUTHENTICATED',
    message: /JWT_MAX_LIFETIME_HOURS/,
  },
  { name: 'an alg:none token', app: 'strict', as: algNone, op: () => persisted(hashOf(manifest, 'ReactivationList')), code: 'UNAUTHENTICATED' },
  {
    name: 'introspection in production',
    app: 'open',
    as: () => owner,
    op: () => ({ query: '{ __schema { types { name } } }' }),
    code: 'GRAPHQL_VALIDATION_FAILED',
    message: /introspection/i,
  },
  {
    name: 'a document deeper than MAX_DEPTH',
    app: 'open',
    as: () => owner,
    op: () => ({ query: depth6 }),
    code: 'DOCUMENT_LIMIT_EXCEEDED',
    message: /^Query depth limit of 5 exceeded/,
  },
  {
    name: 'a document with more tokens than MAX_TOKENS',
    app: 'open',
    as: () => owner,
    op: () => ({ query: `{ organization { ${'name '.repeat(300)} } }` }),
    code: 'DOCUMENT_LIMIT_EXCEEDED',
    message: /^Token limit of 300 exceeded/,
  },
  {
    name: 'a result that could exceed MAX_RESULT_NODES',
    app: 'open',
    as: () => owner,
    op: () => ({ query: '{ fans(first: 100) { nodes { memberships(first: 10) { nodes { id } } } } }' }),
    code: 'RESULT_TOO_LARGE',
  },
  {
    name: 'an operation larger than MAX_BODY_BYTES',
    app: 'open',
    as: () => owner,
    op: () => ({ query: 'query($s: String) { fans(filter: { search: $s }) { totalCount } }', variables: { s: 'x'.repeat(5_000) } }),
    code: 'PAYLOAD_TOO_LARGE',
    message: /MAX_BODY_BYTES/,
  },
  { name: 'a syntax error', app: 'open', as: () => owner, op: () => ({ query: '{ fans( }' }), code: 'GRAPHQL_PARSE_FAILED' },
  {
    name: 'a variable of the wrong type',
    app: 'open',
    as: () => owner,
    op: () => ({ query: 'query($n: Int) { fans(first: $n) { totalCount } }', variables: { n: 'ten' } }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'a NUL character in a search',
    app: 'open',
    as: () => owner,
    op: () => ({ query: 'query($s: String) { fans(filter: { search: $s }) { totalCount } }', variables: { s: '\u0000' } }),
    code: 'BAD_USER_INPUT',
    message: /filter\.search/,
  },
  {
    name: 'a malformed global id',
    app: 'open',
    as: () => owner,
    op: () => ({ query: '{ node(id: "!!!") { id } }' }),
    code: 'BAD_USER_INPUT',
    message: /^id: must be a global id/,
  },
  {
    name: 'no operation, where ad-hoc documents are allowed',
    app: 'open',
    as: () => owner,
    op: () => ({}),
    code: 'BAD_REQUEST',
    message: /put a GraphQL document in `query`/,
  },
  {
    name: 'an unexpected failure is masked',
    app: 'open',
    as: () => owner,
    op: () => ({ query: 'query Broken { organization { name } }', operationName: 'Broken' }),
    code: 'INTERNAL_SERVER_ERROR',
    message: /^Unexpected error\.$/,
  },
];

const url = (row: { app: Row['app'] }) => (row.app === 'strict' ? strictServer : openServer).url;

describe.each(TRANSPORTS)('over %s', (transport: Transport) => {
  it('a permitted operation answers, so the refusals below are the policy speaking', async () => {
    expect(await send(strictServer.url, transport, persisted(hashOf(manifest, 'ReactivationList')), owner)).toMatchObject({
      errors: [],
      data: { fans: { totalCount: expect.any(Number) } },
    });
    expect(await send(openServer.url, transport, { query: '{ organization { name } }' }, owner)).toMatchObject({
      errors: [],
      data: { organization: { name: 'Lumi Live (demo)' } },
    });
  });

  it.each(rows)('refuses $name', async (row) => {
    const answer: Answer = await send(url(row), transport, row.op(), await row.as?.());
    if (transport === 'WS' && row.code === 'UNAUTHENTICATED') {
      // A refused credential fails the connection itself, with the reason a person can act on.
      expect(answer.closed?.code).toBe(4403);
      if (row.message) expect(answer.closed?.reason).toMatch(row.message);
      return;
    }
    expect([...new Set(codesOf(answer))], JSON.stringify(answer)).toEqual([row.code]);
    if (row.message) expect(answer.errors[0].message).toMatch(row.message);
    expect(answer.errors[0].message).not.toMatch(/^Syntax Error: .*limit/);
    expect(JSON.stringify(answer)).not.toMatch(/secret_table|originalError|stack/);
    expect(answer.status ?? 200).toBeLessThan(500);
  });

  it('rate limits the excess with RATE_LIMITED', async () => {
    // 8 anonymous operations against a limit of 3 per second: at least two are refused even if a
    // window boundary splits them, and nothing else goes wrong.
    const answers = await Promise.all(Array.from({ length: 8 }, () => send(openServer.url, transport, { query: '{ viewer { kind } }' })));
    const refused = answers.filter((a) => codesOf(a).includes('RATE_LIMITED'));
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(answers.flatMap(codesOf).filter((c) => c !== 'RATE_LIMITED')).toEqual([]);
  });
});

describe("graphql-ws: one operation's problem stays with that operation", () => {
  it('errors answer their own operation with an `error` message; the socket and its other subscriptions survive', async () => {
    const c = await WsConnection.open(openServer.url, { authorization: owner });
    expect(c.closed).toBeUndefined();
    c.subscribe('live', { query: 'subscription { organizationActivity { kind } }' });
    // Wait until the subscription is registered: a first operation on the socket answers after it.
    c.subscribe('probe', { query: '{ viewer { kind } }' });
    expect((await c.answer('probe')).data).toEqual({ viewer: { kind: 'OPERATOR' } });
    const bad: [string, Operation, string][] = [
      ['syntax', { query: 'subscription { organizationActivity { ' }, 'GRAPHQL_PARSE_FAILED'],
      ['depth', { query: depth6 }, 'DOCUMENT_LIMIT_EXCEEDED'],
      ['tokens', { query: `{ organization { ${'name '.repeat(300)} } }` }, 'DOCUMENT_LIMIT_EXCEEDED'],
      ['unknown', { query: '{ nope }' }, 'GRAPHQL_VALIDATION_FAILED'],
      ['introspection', { query: '{ __type(name: "Fan") { name } }' }, 'GRAPHQL_VALIDATION_FAILED'],
      ['hash', persisted('f'.repeat(64)), 'PERSISTED_QUERY_NOT_FOUND'],
    ];
    for (const [id, op] of bad) c.subscribe(id, op);
    for (const [id, , code] of bad) {
      const m = await c.until(() => c.messages.find((x) => x.id === id));
      expect(m?.type, id).toBe('error');
      expect((m?.payload as Answer['errors'])[0].extensions?.code, id).toBe(code);
      expect(JSON.stringify(m?.payload), id).not.toMatch(/"http"/);
    }
    expect(c.closed).toBeUndefined();
    // The live subscription still delivers: an event recorded now reaches it.
    const community = await strict.database.prisma.community.findFirstOrThrow({ where: { org: { slug: 'demo' } } });
    const record = await send(
      openServer.url,
      'POST',
      {
        query: 'mutation($i: RecordActivityBatchInput!) { recordActivityBatch(input: $i) { __typename } }',
        variables: { i: { events: [{ kind: 'MESSAGE_POSTED', communityId: gid('Community', community.id) }] } },
      },
      owner,
    );
    expect(codesOf(record)).toEqual([]);
    await c.until(() => (c.nexts('live').length ? true : undefined));
    expect(c.nexts('live')[0]).toEqual({ data: { organizationActivity: { kind: 'MESSAGE_POSTED' } } });
    c.close();
  });

  it('only connection_init closes the socket: 4400 for a malformed payload, 4403 for a refused credential', async () => {
    expect((await WsConnection.open(openServer.url, { authorization: 42 })).closed).toMatchObject({
      code: 4400,
      reason: expect.stringMatching(/authorization must be a string/),
    });
    expect((await WsConnection.open(openServer.url, { authorization: 'Bearer not-a-token' })).closed).toMatchObject({
      code: 4403,
      reason: expect.stringMatching(/malformed/),
    });
    expect((await WsConnection.open(openServer.url, { authorization: 'Dev nowhere' })).closed).toMatchObject({ code: 4403 });
    expect((await WsConnection.open(openServer.url, { authorization: await algNone() })).closed).toMatchObject({ code: 4403 });
  });
});
