// Turns a request's credential into a Viewer:
//   Authorization: Bearer <jwt>        operator or fan token (issuer, audience, expiry checked)
//   Authorization: ApiKey fo_…  (or X-Api-Key: fo_…)   partner key (hashed, revocable, scoped, expiring)
//   Authorization: Dev <slug>[/<email>|/fan:<externalId>]   development only (DEV_AUTH)
// A credential that is present but wrong is refused — never silently treated as anonymous.
import type { Db } from './db.js';
import { anonymous, type Viewer } from './context.js';
import { DomainError } from './errors.js';
import { parseApiKey, secretMatches, verifyToken, type TokenSettings } from './tokens.js';

export interface AuthSettings {
  devAuth: boolean;
  tokens: TokenSettings;
}

export function credentialScheme(authorization: string | null | undefined): string | null {
  return authorization ? (authorization.trim().split(/\s+/)[0] ?? '').toLowerCase() : null;
}

export async function viewerFromCredential(db: Db, authorization: string | null | undefined, settings: AuthSettings): Promise<Viewer> {
  if (!authorization) return anonymous;
  const [scheme = '', ...rest] = authorization.trim().split(/\s+/);
  const value = rest.join(' ');
  switch (scheme.toLowerCase()) {
    case 'bearer':
      return tokenViewer(db, value, settings.tokens);
    case 'apikey':
      return apiKeyViewer(db, value);
    case 'dev':
      if (!settings.devAuth) throw new DomainError('UNAUTHENTICATED', 'Development credentials are disabled on this server');
      return devViewer(db, value);
    default:
      throw new DomainError('UNAUTHENTICATED', `Unsupported authorization scheme "${scheme}" (use Bearer or ApiKey)`);
  }
}

async function tokenViewer(db: Db, token: string, settings: TokenSettings): Promise<Viewer> {
  const claims = await verifyToken(settings, token);
  // The token is signed, but the operator or fan may have been removed since: one indexed lookup.
  if (claims.kind === 'operator') {
    const op = await db.operator.findFirst({ where: { id: claims.operatorId, orgId: claims.orgId }, select: { role: true } });
    if (!op) throw new DomainError('UNAUTHENTICATED', 'The operator of this token no longer exists');
    return { kind: 'operator', orgId: claims.orgId, operatorId: claims.operatorId, role: op.role };
  }
  if (!fanRecentlyConfirmed(db, claims.orgId, claims.fanId)) {
    const fan = await db.fan.findFirst({ where: { id: claims.fanId, orgId: claims.orgId }, select: { id: true } });
    if (!fan) throw new DomainError('UNAUTHENTICATED', 'The fan of this token no longer exists');
    confirmFan(db, claims.orgId, claims.fanId);
  }
  return { kind: 'fan', orgId: claims.orgId, fanId: claims.fanId };
}

// A fan in a live room sends a like batch every second or so; looking the fan up each time would
// double the database work of the hottest path. Fans are confirmed for a few seconds instead: a
// removed fan's still-valid token keeps working for at most that long (operators and partner keys
// are checked on every request, because their roles and revocations must apply at once).
export const FAN_CONFIRMATION_MS = 10_000;
const MAX_CONFIRMED_FANS = 100_000;
const confirmedFans = new WeakMap<Db, Map<string, number>>();

function fanRecentlyConfirmed(db: Db, orgId: string, fanId: string): boolean {
  const until = confirmedFans.get(db)?.get(`${orgId}/${fanId}`);
  return until !== undefined && until > Date.now();
}

function confirmFan(db: Db, orgId: string, fanId: string) {
  let fans = confirmedFans.get(db);
  if (!fans) confirmedFans.set(db, (fans = new Map()));
  if (fans.size >= MAX_CONFIRMED_FANS) fans.clear(); // bounded: at worst a burst of fresh lookups
  fans.set(`${orgId}/${fanId}`, Date.now() + FAN_CONFIRMATION_MS);
}

export const KEY_USE_PRECISION_MS = 60_000;

async function apiKeyViewer(db: Db, value: string): Promise<Viewer> {
  const parsed = parseApiKey(value);
  if (!parsed) throw new DomainError('UNAUTHENTICATED', 'Malformed API key');
  // Looked up on every request, so a revoked key stops working at once.
  const key = await db.apiKey.findUnique({ where: { prefix: parsed.prefix } });
  if (!key || !secretMatches(parsed.secret, key.secretHash)) throw new DomainError('UNAUTHENTICATED', 'Unknown API key');
  if (key.revokedAt) throw new DomainError('UNAUTHENTICATED', 'This API key has been revoked');
  if (key.expiresAt && key.expiresAt <= new Date()) throw new DomainError('UNAUTHENTICATED', 'This API key has expired');
  // Owners see when a key was last used (to retire dead integrations); a minute's precision is enough
  // and keeps a busy partner from writing the row on every request.
  const now = new Date();
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= KEY_USE_PRECISION_MS) {
    await db.apiKey.updateMany({ where: { id: key.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: new Date(now.getTime() - KEY_USE_PRECISION_MS) } }] }, data: { lastUsedAt: now } });
  }
  return { kind: 'partner', orgId: key.orgId, apiKeyId: key.id, scopes: key.scopes };
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
    where: who ? { email: who, org: { slug } } : { role: 'OWNER', org: { slug } },
    orderBy: { createdAt: 'asc' },
    select: { id: true, role: true, orgId: true },
  });
  if (!operator) throw new DomainError('UNAUTHENTICATED', who ? `No operator "${who}" in organization "${slug}"` : `No organization "${slug}" with an owner`);
  return { kind: 'operator', orgId: operator.orgId, operatorId: operator.id, role: operator.role };
}
