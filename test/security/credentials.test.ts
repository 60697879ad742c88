// Credentials: signed tokens (valid, expired, malformed, wrongly signed, wrong issuer or audience) and
// partner API keys (hashed at rest, revoked or expired keys refused at once, unknown keys refused),
// plus the GraphQL management of keys. A refused credential never reaches execution.
import { SignJWT } from 'jose';
import { describe, expect, vi } from 'vitest';
import { FAN_CONFIRMATION_MS, KEY_USE_PRECISION_MS } from '../../src/core/auth.js';
import { loadManifest } from '../../src/core/persisted.js';
import { PRINCIPAL_CACHE_MS } from '../../src/core/principals.js';
import { gid } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';
import { codes, executionCounter, fanBearer, hashOf, operatorBearer, partnerKey, persisted, post } from './security-helpers.js';

const counter = executionCounter();
const it = useTestApp({ fans: 10, plugins: [counter.plugin] });
const manifest = loadManifest();
const ORDERS = () => persisted(hashOf(manifest, 'PartnerRecentOrders'));

/** Sends `authorization` and expects a 401 UNAUTHENTICATED with no data and no execution. */
async function refused(t: SeededTestApp, authorization: string, message: RegExp, body: Record<string, unknown> = { query: '{ viewer { kind } }' }) {
  const before = counter.executed;
  const res = await post(t.app, body, { authorization });
  expect(res.status).toBe(401);
  expect(codes(res.body)).toEqual(['UNAUTHENTICATED']);
  expect(res.body.errors?.[0].message).toMatch(message);
  expect(res.body.data ?? null).toBeNull();
  expect(counter.executed, 'no resolver may run for a refused credential').toBe(before);
}

describe('signed tokens', () => {
  it('a valid operator token and a valid fan token work', async ({ t }) => {
    const op = await t.ok(`{ viewer { kind } me { email role } }`, {}, await operatorBearer(t, 'demo', 'analyst@demo.test'));
    expect(op).toEqual({ viewer: { kind: 'OPERATOR' }, me: { email: 'analyst@demo.test', role: 'ANALYST' } });
    const fan = await fanBearer(t, 'rival', 'u100001');
    expect((await t.ok(`{ viewer { kind } }`, {}, fan.authorization)).viewer.kind).toBe('FAN');
  });

  it('an expired token is refused', async ({ t }) => {
    const op = await t.database.prisma.operator.findFirstOrThrow({ where: { email: 'owner@demo.test' } });
    const expired = await new SignJWT({ kind: 'operator', org: op.orgId, role: 'OWNER' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(op.id)
      .setIssuer(t.config.auth.issuer)
      .setAudience(t.config.auth.audience)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(t.config.auth.secret));
    await refused(t, `Bearer ${expired}`, /expired/);
  });

  it('malformed tokens are refused', async ({ t }) => {
    await refused(t, 'Bearer not-a-jwt', /malformed/);
    await refused(t, 'Bearer a.b.c', /malformed/);
    const good = (await operatorBearer(t, 'demo', 'owner@demo.test')).split('.');
    await refused(t, `${good[0]}.${good[1]}`, /malformed/); // "Bearer <header>" cut short
    // An unsigned token ("alg": "none") is never accepted.
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${good[1]}.`;
    await refused(t, `Bearer ${none}`, /malformed|invalid/);
  });

  it('a token signed with another secret is refused', async ({ t }) => {
    await refused(t, await operatorBearer(t, 'demo', 'owner@demo.test', { settings: { secret: 'x'.repeat(40) } }), /signature/);
    const fan = await fanBearer(t, 'demo', 'u100002', { settings: { secret: 'y'.repeat(40) } });
    await refused(t, fan.authorization, /signature/);
  });

  it('a token for another issuer or audience is refused', async ({ t }) => {
    await refused(t, await operatorBearer(t, 'demo', 'owner@demo.test', { settings: { issuer: 'someone-else' } }), /iss/);
    await refused(t, await operatorBearer(t, 'demo', 'owner@demo.test', { settings: { audience: 'another-api' } }), /aud/);
  });

  it('a token whose operator was removed is refused, at the latest a few seconds after it last called', async ({ t }) => {
    const db = t.database.prisma;
    const org = await db.organization.findUniqueOrThrow({ where: { slug: 'demo' } });
    await db.operator.create({ data: { orgId: org.id, email: 'leaver@demo.test', displayName: 'Leaver', role: 'ADMIN' } });
    const token = await operatorBearer(t, 'demo', 'leaver@demo.test');
    expect((await t.ok(`{ me { email } }`, {}, token)).me.email).toBe('leaver@demo.test');
    await db.operator.deleteMany({ where: { email: 'leaver@demo.test' } });
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + PRINCIPAL_CACHE_MS + 1 });
    try {
      await refused(t, token, /no longer exists/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a token whose fan was removed is refused, at the latest a few seconds after the fan last called', async ({ t }) => {
    const db = t.database.prisma;
    const org = await db.organization.findUniqueOrThrow({ where: { slug: 'demo' } });
    const make = (externalId: string) => db.fan.create({ data: { orgId: org.id, externalId, displayName: externalId } });
    // Never confirmed: refused at once.
    await make('gone-at-once');
    const never = await fanBearer(t, 'demo', 'gone-at-once');
    await db.fan.deleteMany({ where: { externalId: 'gone-at-once' } });
    await refused(t, never.authorization, /no longer exists/);
    // Confirmed by a call just now: refused once the confirmation lapses.
    await make('gone-later');
    const later = await fanBearer(t, 'demo', 'gone-later');
    expect((await t.ok(`{ viewer { kind } }`, {}, later.authorization)).viewer.kind).toBe('FAN');
    await db.fan.deleteMany({ where: { externalId: 'gone-later' } });
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + FAN_CONFIRMATION_MS + 1 });
    try {
      await refused(t, later.authorization, /no longer exists/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('an unknown authorization scheme is refused', async ({ t }) => {
    await refused(t, 'Basic dXNlcjpwYXNz', /Unsupported authorization scheme/);
  });
});

describe('partner API keys', () => {
  it('are stored hashed: no column holds the secret, and the full key is returned once', async ({ t }) => {
    const owner = await operatorBearer(t, 'demo', 'owner@demo.test');
    const created = await t.ok(
      `mutation { createApiKey(input: { name: "CRM bridge", scopes: [READ, IMPORT] }) { __typename ... on MutationCreateApiKeySuccess { data { key apiKey { id name prefix scopes active expiresAt revokedAt } } } } }`,
      {},
      owner,
    );
    const { key, apiKey } = created.createApiKey.data;
    expect(key).toMatch(/^fo_[0-9a-f]{12}_[A-Za-z0-9_-]{20,}$/);
    expect(apiKey).toMatchObject({ name: 'CRM bridge', scopes: ['READ', 'IMPORT'], active: true, expiresAt: null, revokedAt: null });
    expect(key.startsWith(`fo_${apiKey.prefix}_`)).toBe(true);
    const secret = key.split('_').slice(2).join('_');
    const row = await t.database.prisma.apiKey.findUniqueOrThrow({ where: { prefix: apiKey.prefix } });
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);
    // The listing never shows the secret either: the schema has no field for it.
    const listed = await t.ok(`{ apiKeys { name prefix } }`, {}, owner);
    expect(JSON.stringify(listed)).not.toContain(secret);
    // And the key works.
    const res = await post(t.app, ORDERS(), { authorization: `ApiKey ${key}` });
    expect(res.body.errors).toBeUndefined();
  });

  it('a revoked key stops working on the very next request', async ({ t }) => {
    const owner = await operatorBearer(t, 'demo', 'owner@demo.test');
    const { key, apiKey } = await partnerKey(t, 'demo', ['read']);
    expect((await post(t.app, ORDERS(), { authorization: `ApiKey ${key}` })).status).toBe(200);
    const id = gid('ApiKey', apiKey.id);
    const revoked = await t.ok(
      `mutation($id: ID!) { revokeApiKey(id: $id) { __typename ... on MutationRevokeApiKeySuccess { data { active revokedAt } } } }`,
      { id },
      owner,
    );
    expect(revoked.revokeApiKey.data.active).toBe(false);
    await refused(t, `ApiKey ${key}`, /revoked/, ORDERS());
    // Revoking twice is harmless and keeps the first time.
    const again = await t.ok(
      `mutation($id: ID!) { revokeApiKey(id: $id) { ... on MutationRevokeApiKeySuccess { data { revokedAt } } } }`,
      { id },
      owner,
    );
    expect(again.revokeApiKey.data.revokedAt).toBe(revoked.revokeApiKey.data.revokedAt);
  });

  it('the key listing shows when each key was last used, written at most once a minute', async ({ t }) => {
    const owner = await operatorBearer(t, 'demo', 'owner@demo.test');
    const { key, apiKey } = await partnerKey(t, 'demo', ['read']);
    const lastUsed = async () =>
      (await t.ok(`{ apiKeys { prefix lastUsedAt } }`, {}, owner)).apiKeys.find((k: { prefix: string }) => k.prefix === apiKey.prefix).lastUsedAt;
    expect(await lastUsed()).toBeNull();
    const before = Date.now();
    await post(t.app, ORDERS(), { authorization: `ApiKey ${key}` });
    const first = await lastUsed();
    expect(new Date(first).getTime()).toBeGreaterThanOrEqual(before - 1000);
    await post(t.app, ORDERS(), { authorization: `ApiKey ${key}` });
    expect(await lastUsed()).toBe(first); // within the minute: not rewritten
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + KEY_USE_PRECISION_MS + 1 });
    try {
      await post(t.app, ORDERS(), { authorization: `ApiKey ${key}` });
      expect(new Date(await lastUsed()).getTime()).toBeGreaterThan(new Date(first).getTime() + KEY_USE_PRECISION_MS);
    } finally {
      vi.useRealTimers();
    }
  });

  it("another organization's admin cannot revoke a key (NOT_FOUND) and it keeps working", async ({ t }) => {
    const { key, apiKey } = await partnerKey(t, 'demo', ['read']);
    const id = gid('ApiKey', apiKey.id);
    const res = await t.ok(
      `mutation($id: ID!) { revokeApiKey(id: $id) { __typename ... on DomainError { code } } }`,
      { id },
      await operatorBearer(t, 'rival', 'owner@rival.test'),
    );
    expect(res.revokeApiKey).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    expect((await post(t.app, ORDERS(), { authorization: `ApiKey ${key}` })).body.errors).toBeUndefined();
  });

  it('an expired key is refused from the moment it expires', async ({ t }) => {
    const expiresAt = new Date(Date.now() + 60_000);
    const { key } = await partnerKey(t, 'demo', ['read'], expiresAt);
    expect((await post(t.app, ORDERS(), { 'x-api-key': key })).body.errors).toBeUndefined();
    // Still remembered as verified, but never past its expiry.
    vi.useFakeTimers({ toFake: ['Date'], now: expiresAt.getTime() + 1 });
    try {
      await refused(t, `ApiKey ${key}`, /expired/, ORDERS());
    } finally {
      vi.useRealTimers();
    }
  });

  it('an unknown prefix, a wrong secret and a malformed key are refused', async ({ t }) => {
    const { key } = await partnerKey(t, 'demo', ['read']);
    await refused(t, `ApiKey fo_0123456789ab_${'A'.repeat(32)}`, /Unknown API key/, ORDERS());
    await refused(t, `ApiKey ${key.slice(0, 16)}${'B'.repeat(32)}`, /Unknown API key/, ORDERS());
    await refused(t, 'ApiKey not-a-key', /Malformed/, ORDERS());
  });

  it('creating a key validates name, scopes and expiry; nothing is stored when refused', async ({ t }) => {
    const owner = await operatorBearer(t, 'demo', 'owner@demo.test');
    const before = await t.database.prisma.apiKey.count();
    const create = (input: string) => t.ok(`mutation { createApiKey(input: ${input}) { __typename ... on DomainError { code field } } }`, {}, owner);
    expect((await create(`{ name: " ", scopes: [READ] }`)).createApiKey).toEqual({
      __typename: 'ValidationError',
      code: 'VALIDATION',
      field: 'input.name',
    });
    expect((await create(`{ name: "x", scopes: [] }`)).createApiKey).toEqual({
      __typename: 'ValidationError',
      code: 'VALIDATION',
      field: 'input.scopes',
    });
    expect((await create(`{ name: "x", scopes: [READ], expiresAt: "2020-01-01T00:00:00Z" }`)).createApiKey).toEqual({
      __typename: 'ValidationError',
      code: 'VALIDATION',
      field: 'input.expiresAt',
    });
    // Unknown scopes cannot even be expressed: PartnerScope is an enum.
    expect(codes(await t.gql(`mutation { createApiKey(input: { name: "x", scopes: [ADMIN] }) { __typename } }`, {}, owner))).toEqual([
      'GRAPHQL_VALIDATION_FAILED',
    ]);
    expect(await t.database.prisma.apiKey.count()).toBe(before);
  });

  it('keys are invisible to partners and analysts, even through node(id)', async ({ t }) => {
    const { apiKey } = await partnerKey(t, 'demo', ['read']);
    const id = gid('ApiKey', apiKey.id);
    const analyst = await t.gql(
      `query($id: ID!) { node(id: $id) { id ... on ApiKey { prefix } } }`,
      { id },
      await operatorBearer(t, 'demo', 'analyst@demo.test'),
    );
    expect(analyst.data?.node ?? null).toBeNull();
    expect(codes(analyst)).toEqual(['FORBIDDEN']);
    const owner = await t.ok(
      `query($id: ID!) { node(id: $id) { ... on ApiKey { prefix } } }`,
      { id },
      await operatorBearer(t, 'demo', 'owner@demo.test'),
    );
    expect(owner.node.prefix).toBe(apiKey.prefix);
    const rival = await t.ok(`query($id: ID!) { node(id: $id) { id } }`, { id }, await operatorBearer(t, 'rival', 'owner@rival.test'));
    expect(rival.node).toBeNull();
  });
});
