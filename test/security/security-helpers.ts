// Credentials and raw HTTP calls for the security tests: real JWTs and API keys, sent the way a
// client sends them (headers we choose, GET or POST), so nothing goes through the Dev shortcut.

import type { App } from '../../src/app.js';
import { signToken, type TokenSettings } from '../../src/core/tokens.js';
import { createApiKey } from '../../src/organizations/api-keys.js';
import type { GraphQLResult, TestApp } from '../helpers/app.js';

export async function orgId(t: TestApp, slug: string) {
  return (await t.database.prisma.organization.findUniqueOrThrow({ where: { slug } })).id;
}

export async function operatorBearer(t: TestApp, slug: string, email: string, opts: { expiresIn?: string; settings?: Partial<TokenSettings> } = {}) {
  const op = await t.database.prisma.operator.findFirstOrThrow({ where: { email, org: { slug } } });
  const token = await signToken(
    { ...t.config.auth, ...opts.settings },
    { kind: 'operator', orgId: op.orgId, operatorId: op.id, role: op.role },
    opts.expiresIn ?? '1h',
  );
  return `Bearer ${token}`;
}

export async function fanBearer(t: TestApp, slug: string, externalId: string, opts: { expiresIn?: string; settings?: Partial<TokenSettings> } = {}) {
  const fan = await t.database.prisma.fan.findFirstOrThrow({ where: { externalId, org: { slug } } });
  const token = await signToken({ ...t.config.auth, ...opts.settings }, { kind: 'fan', orgId: fan.orgId, fanId: fan.id }, opts.expiresIn ?? '1h');
  return { authorization: `Bearer ${token}`, fanId: fan.id };
}

/** A partner key, created through the same service the API and CLI use. */
export async function partnerKey(t: TestApp, slug: string, scopes: string[], expiresAt?: Date) {
  const { key, apiKey } = await createApiKey(t.database.prisma, await orgId(t, slug), { name: `test ${scopes.join(',')}`, scopes, expiresAt });
  return { key, authorization: `ApiKey ${key}`, apiKey };
}

export interface RawResult {
  status: number;
  body: { data?: any; errors?: GraphQLResult['errors'] };
}

/** POSTs a JSON body (query and/or extensions) with the given headers. */
export async function post(app: App, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<RawResult> {
  const res = await app.fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => ({})) };
}

/** GETs with the params in the query string (objects JSON-encoded), as partners do for reads. */
export async function get(app: App, params: Record<string, unknown>, headers: Record<string, string> = {}): Promise<RawResult> {
  const qs = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  const res = await app.fetch(`http://test/graphql?${qs}`, { headers: { accept: 'application/graphql-response+json', ...headers } });
  return { status: res.status, body: await res.json().catch(() => ({})) };
}

export const codes = (r: GraphQLResult) => (r.errors ?? []).map((e) => e.extensions?.code);

/** A plugin that counts executions: a request refused before execution leaves it at zero. */
export function executionCounter() {
  const counter = { executed: 0, plugin: { onExecute: () => void counter.executed++ } };
  return counter;
}

/** The manifest hash of a persisted operation, by operation name (what a partner copies from the docs). */
export function hashOf(manifest: Map<string, string>, operationName: string): string {
  for (const [hash, doc] of manifest) if (new RegExp(`^(query|mutation|subscription) ${operationName}\\b`).test(doc)) return hash;
  throw new Error(`no persisted operation named ${operationName}`);
}

/** A persisted call: the hash in extensions.persistedQuery, as Apollo-style clients send it. */
export const persisted = (hash: string, variables: Record<string, unknown> = {}) => ({
  variables,
  extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
});
