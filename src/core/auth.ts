// Turns a request's credential into a Viewer:
//   Authorization: Bearer <jwt>        operator or fan token (issuer, audience, expiry checked)
//   Authorization: ApiKey fo_…  (or X-Api-Key: fo_…)   partner key (hashed, revocable, scoped, expiring)
//   Authorization: Dev <slug>[/<email>|/fan:<externalId>]   development only (DEV_AUTH)
//   Authorization: Platform <PLATFORM_ADMIN_TOKEN>      the platform admin (creates organizations); refused when unset
// A credential that is present but wrong is refused — never silently treated as anonymous.
import { decodeJwt } from 'jose';
import { anonymous, type Viewer } from './context.js';
import type { Db } from './db.js';
import { DomainError } from './errors.js';
import { sha256Hex } from './hash.js';
import type { PrincipalCache } from './principals.js';
import { parseApiKey, secretMatches, type TokenSettings, verifyToken } from './tokens.js';

export { FAN_CONFIRMATION_MS } from './principals.js';

export interface AuthSettings {
  devAuth: boolean;
  tokens: TokenSettings;
  /** PLATFORM_ADMIN_TOKEN; undefined refuses the Platform scheme. */
  platformAdminToken?: string;
  /** Recently verified credentials; absent means verify every request. */
  principals?: PrincipalCache;
}

export function credentialScheme(authorization: string | null | undefined): string | null {
  return authorization ? (authorization.trim().split(/\s+/)[0] ?? '').toLowerCase() : null;
}

export async function viewerFromCredential(db: Db, authorization: string | null | undefined, settings: AuthSettings): Promise<Viewer> {
  if (!authorization) return anonymous;
  const cached = settings.principals?.get(authorization);
  if (cached) return cached;
  const { viewer, until } = await verify(db, authorization, settings);
  settings.principals?.set(authorization, viewer, until);
  return viewer;
}

async function verify(db: Db, authorization: string, settings: AuthSettings): Promise<{ viewer: Viewer; until?: number }> {
  const [scheme = '', ...rest] = authorization.trim().split(/\s+/);
  const value = rest.join(' ');
  switch (scheme.toLowerCase()) {
    case 'bearer':
      // Never remembered past the token's own expiry.
      return { viewer: await tokenViewer(db, value, settings.tokens), until: (decodeJwt(value).exp ?? 0) * 1000 };
    case 'apikey':
      return apiKeyViewer(db, value);
    case 'platform':
      if (!settings.platformAdminToken || !secretMatches(value, sha256Hex(settings.platformAdminToken)))
        throw new DomainError('UNAUTHENTICATED', 'Unknown platform admin token (PLATFORM_ADMIN_TOKEN)');
      return { viewer: { kind: 'platform', orgId: null } };
    case 'dev':
      if (!settings.devAuth) throw new DomainError('UNAUTHENTICATED', 'Development credentials are disabled on this server');
      return { viewer: await devViewer(db, value) };
    default:
      throw new DomainError('UNAUTHENTICATED', `Unsupported authorization scheme "${scheme}" (use Bearer or ApiKey)`);
  }
}

async function tokenViewer(db: Db, token: string, settings: TokenSettings): Promise<Viewer> {
  const claims = await verifyToken(settings, token);
  // The token is signed, but the operator or fan may have been removed since: one indexed lookup
  // (then cached briefly, see principals.ts).
  if (claims.kind === 'operator') {
    const op = await db.operator.findFirst({ where: { id: claims.operatorId, orgId: claims.orgId }, select: { role: true, deactivatedAt: true } });
    if (!op) throw new DomainError('UNAUTHENTICATED', 'The operator of this token no longer exists');
    if (op.deactivatedAt) throw new DomainError('UNAUTHENTICATED', 'The operator of this token has been deactivated');
    return { kind: 'operator', orgId: claims.orgId, operatorId: claims.operatorId, role: op.role };
  }
  const fan = await db.fan.findFirst({ where: { id: claims.fanId, orgId: claims.orgId }, select: { id: true } });
  if (!fan) throw new DomainError('UNAUTHENTICATED', 'The fan of this token no longer exists');
  return { kind: 'fan', orgId: claims.orgId, fanId: claims.fanId };
}

export const KEY_USE_PRECISION_MS = 60_000;

async function apiKeyViewer(db: Db, value: string): Promise<{ viewer: Viewer; until?: number }> {
  const parsed = parseApiKey(value);
  if (!parsed) throw new DomainError('UNAUTHENTICATED', 'Malformed API key');
  // Looked up whenever the principal cache misses; revoking through the API also empties the cache.
  const key = await db.apiKey.findUnique({ where: { prefix: parsed.prefix } });
  if (!key || !secretMatches(parsed.secret, key.secretHash)) throw new DomainError('UNAUTHENTICATED', 'Unknown API key');
  if (key.revokedAt) throw new DomainError('UNAUTHENTICATED', 'This API key has been revoked');
  if (key.expiresAt && key.expiresAt <= new Date()) throw new DomainError('UNAUTHENTICATED', 'This API key has expired');
  // Owners see when a key was last used (to retire dead integrations); a minute's precision is enough
  // and keeps a busy partner from writing the row on every request.
  const now = new Date();
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= KEY_USE_PRECISION_MS) {
    await db.apiKey.updateMany({
      where: { id: key.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: new Date(now.getTime() - KEY_USE_PRECISION_MS) } }] },
      data: { lastUsedAt: now },
    });
  }
  return { viewer: { kind: 'partner', orgId: key.orgId, apiKeyId: key.id, scopes: key.scopes }, until: key.expiresAt?.getTime() };
}

// One statement per request on the happy path: the organization is matched through the relation.
async function devViewer(db: Db, value: string): Promise<Viewer> {
  const [slug = '', who] = value.split('/', 2);
  if (who?.startsWith('fan:')) {
    const externalId = who.slice(4);
    const fan = await db.fan.findFirst({ where: { externalId, org: { slug } }, select: { id: true, orgId: true } });
    if (!fan) throw new DomainError('UNAUTHENTICATED', `No fan "${externalId}" in organization "${slug}"`);
    return { kind: 'fan', orgId: fan.orgId, fanId: fan.id };
  }
  const operator = await db.operator.findFirst({
    where: who ? { email: who, org: { slug } } : { role: 'OWNER', deactivatedAt: null, org: { slug } },
    orderBy: { createdAt: 'asc' },
    select: { id: true, role: true, orgId: true, deactivatedAt: true },
  });
  if (!operator)
    throw new DomainError('UNAUTHENTICATED', who ? `No operator "${who}" in organization "${slug}"` : `No organization "${slug}" with an owner`);
  if (operator.deactivatedAt) throw new DomainError('UNAUTHENTICATED', `Operator "${who}" has been deactivated`);
  return { kind: 'operator', orgId: operator.orgId, operatorId: operator.id, role: operator.role };
}
