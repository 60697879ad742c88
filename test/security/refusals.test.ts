// Refusals a person can act on, and the HTTP edge cases of the report: chunked bodies are counted and
// accepted up to MAX_BODY_BYTES (over a real socket, as Node, Go and Java clients send them); a signed
// token without `exp`, or living longer than JWT_MAX_LIFETIME_HOURS, is refused and never minted;
// malformed JSON, unsupported content types and missing documents get a code and a message saying
// what to send; production never echoes the JSON parser.
import { request } from 'node:http';
import { SignJWT } from 'jose';
import { afterAll, describe, expect } from 'vitest';
import { type RunningServer, startServer } from '../../src/core/server.js';
import { signToken } from '../../src/core/tokens.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';
import { codes, post } from './security-helpers.js';

const SECRET = 'refusals-test-secret-'.padEnd(40, 'x');
let server: RunningServer;
const it = useTestApp({
  fans: 5,
  env: { NODE_ENV: 'production', ALLOW_ADHOC_OPERATIONS: 'true', AUTH_SECRET: SECRET, MAX_BODY_BYTES: '2000', JWT_MAX_LIFETIME_HOURS: '24' },
});
it.beforeAll(async ({ t }) => {
  server = await startServer(t.app, { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 1_000 });
});
afterAll(async () => {
  await server?.stop();
});

/** POSTs `chunks` with Transfer-Encoding: chunked and no Content-Length, over a real socket. */
function chunkedPost(chunks: string[], headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      server.url,
      { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('chunked request bodies', () => {
  it('are read, counted and answered like any other body', async ({ t }) => {
    const body = JSON.stringify({ query: '{ viewer { kind } }' });
    const res = await chunkedPost([body.slice(0, 7), body.slice(7, 15), body.slice(15)]);
    expect(res).toEqual({ status: 200, body: { data: { viewer: { kind: 'ANONYMOUS' } } } });
  });

  it('over MAX_BODY_BYTES are refused with 413 PAYLOAD_TOO_LARGE', async ({ t }) => {
    const body = JSON.stringify({ query: '{ viewer { kind } }', variables: { pad: 'x'.repeat(3_000) } });
    const res = await chunkedPost([body.slice(0, 1_000), body.slice(1_000)]);
    expect(res.status).toBe(413);
    expect(codes(res.body)).toEqual(['PAYLOAD_TOO_LARGE']);
    expect(res.body.errors[0].message).toMatch(/exceeds the limit of 2000 \(MAX_BODY_BYTES\)/);
  });
});

describe('token lifetimes', () => {
  const sign = async (t: SeededTestApp, exp: ((j: SignJWT) => SignJWT) | null) => {
    const op = await t.database.prisma.operator.findFirstOrThrow({ where: { email: 'owner@demo.test' } });
    let jwt = new SignJWT({ kind: 'operator', org: op.orgId, role: op.role })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(op.id)
      .setIssuer('fanops')
      .setAudience('fanops-api')
      .setIssuedAt();
    if (exp) jwt = exp(jwt);
    return `Bearer ${await jwt.sign(new TextEncoder().encode(SECRET))}`;
  };

  it('a signed token without exp is refused, saying so', async ({ t }) => {
    const res = await post(t.app, { query: '{ organization { name } }' }, { authorization: await sign(t, null) });
    expect(res.status).toBe(401);
    expect(codes(res.body)).toEqual(['UNAUTHENTICATED']);
    expect(res.body.errors![0].message).toMatch(/no expiry/);
  });

  it('a token living longer than JWT_MAX_LIFETIME_HOURS is refused; one within it works', async ({ t }) => {
    const long = await post(t.app, { query: '{ organization { name } }' }, { authorization: await sign(t, (j) => j.setExpirationTime('25h')) });
    expect(codes(long.body)).toEqual(['UNAUTHENTICATED']);
    expect(long.body.errors![0].message).toMatch(/at most 24 are accepted \(JWT_MAX_LIFETIME_HOURS\)/);
    const ok = await post(t.app, { query: '{ organization { name } }' }, { authorization: await sign(t, (j) => j.setExpirationTime('23h')) });
    expect(ok.body.data).toEqual({ organization: { name: 'Lumi Live (demo)' } });
  });

  it('the server never mints a token it would refuse', async ({ t }) => {
    const fan = await t.database.prisma.fan.findFirstOrThrow({});
    await expect(signToken(t.config.auth, { kind: 'fan', orgId: fan.orgId, fanId: fan.id }, '30d')).rejects.toThrow(/at most 24 hours/);
  });
});

describe('messages a person can act on', () => {
  it('malformed JSON: BAD_REQUEST saying what to send, and nothing of the parser in production', async ({ t }) => {
    const res = await t.app.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ viewer { kind } }",',
    });
    const body = await res.json();
    expect(res.status).toBe(400);
    expect(codes(body)).toEqual(['BAD_REQUEST']);
    expect(body.errors[0].message).toMatch(/not valid JSON: send an object like \{"query"/);
    expect(JSON.stringify(body)).not.toMatch(/originalError|SyntaxError|position|Unexpected end/);
  });

  it('an unsupported content type: 415 with a body naming what to send', async ({ t }) => {
    const res = await t.app.fetch('http://test/graphql', { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<query/>' });
    expect(res.status).toBe(415);
    const body = await res.json();
    expect(codes(body)).toEqual(['UNSUPPORTED_MEDIA_TYPE']);
    expect(body.errors[0].message).toMatch(/"application\/xml".*content-type: application\/json/);
  });

  it('no document: a caller who may send ad-hoc documents is told to send a query', async ({ t }) => {
    const res = await post(t.app, {});
    expect(res.status).toBe(400);
    expect(codes(res.body)).toEqual(['BAD_REQUEST']);
    expect(res.body.errors![0].message).toMatch(/put a GraphQL document in `query`/);
  });

  it('no document from a partner (held to persisted operations): told to send the hash', async ({ t }) => {
    const res = await post(t.app, {}, { 'x-api-key': 'fo_000000000000_xxxxxxxxxxxxxxxxxxxxxxxx' });
    expect(codes(res.body)).toEqual(['PERSISTED_QUERY_ONLY']);
    expect(res.body.errors![0].message).toMatch(/persisted operations only; send the hash in extensions\.persistedQuery\.sha256Hash/);
  });
});
