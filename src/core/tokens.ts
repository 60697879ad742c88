// Signed credentials. Operators and fans carry short-lived JWTs (HS256) whose issuer, audience and
// expiry are checked; partners carry API keys "fo_<prefix>_<secret>" of which only a SHA-256 of the
// secret is stored — the prefix finds the row, the hash proves the secret, revocation is immediate.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { decodeJwt, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { OperatorRole } from './context.js';
import { DomainError } from './errors.js';
import { sha256Hex } from './hash.js';

export interface TokenSettings {
  secret: string;
  issuer: string;
  audience: string;
  /** The longest a token may live, from issue (`iat`, else now) to expiry (JWT_MAX_LIFETIME_HOURS). */
  maxLifetimeSeconds: number;
}

export type TokenClaims = { kind: 'operator'; orgId: string; operatorId: string; role: OperatorRole } | { kind: 'fan'; orgId: string; fanId: string };

const key = (s: TokenSettings) => new TextEncoder().encode(s.secret);

export async function signToken(settings: TokenSettings, claims: TokenClaims, expiresIn = '12h'): Promise<string> {
  const sub = claims.kind === 'operator' ? claims.operatorId : claims.fanId;
  const token = await new SignJWT({ kind: claims.kind, org: claims.orgId, ...(claims.kind === 'operator' ? { role: claims.role } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key(settings));
  // Never mint a token this server would refuse.
  const { exp = 0, iat = 0 } = decodeJwt(token);
  if (exp - iat > settings.maxLifetimeSeconds)
    throw new Error(`A token may live at most ${settings.maxLifetimeSeconds / 3600} hours (JWT_MAX_LIFETIME_HOURS); asked for ${expiresIn}`);
  return token;
}

const ROLES = new Set(['OWNER', 'ADMIN', 'OPERATOR', 'ANALYST']);

export async function verifyToken(settings: TokenSettings, token: string): Promise<TokenClaims> {
  let payload;
  try {
    // `exp` is required: a signed token without one would never expire.
    ({ payload } = await jwtVerify(token, key(settings), {
      issuer: settings.issuer,
      audience: settings.audience,
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
    }));
  } catch (e) {
    if (e instanceof joseErrors.JWTClaimValidationFailed && e.claim === 'exp' && e.reason === 'missing')
      throw new DomainError('UNAUTHENTICATED', 'The token has no expiry (exp claim): sign tokens with an expiry');
    if (e instanceof joseErrors.JWTExpired) throw new DomainError('UNAUTHENTICATED', 'The token has expired');
    if (e instanceof joseErrors.JWTClaimValidationFailed)
      throw new DomainError('UNAUTHENTICATED', `The token's ${e.claim} claim is not accepted here`);
    if (e instanceof joseErrors.JWSSignatureVerificationFailed) throw new DomainError('UNAUTHENTICATED', 'The token signature is invalid');
    throw new DomainError('UNAUTHENTICATED', 'The token is malformed');
  }
  const lifetime = payload.exp! - (typeof payload.iat === 'number' ? payload.iat : Math.floor(Date.now() / 1000));
  if (lifetime > settings.maxLifetimeSeconds)
    throw new DomainError(
      'UNAUTHENTICATED',
      `The token lives ${Math.ceil(lifetime / 3600)} hours; at most ${settings.maxLifetimeSeconds / 3600} are accepted (JWT_MAX_LIFETIME_HOURS)`,
    );
  const { kind, org, sub, role } = payload as { kind?: string; org?: string; sub?: string; role?: string };
  if (typeof org !== 'string' || typeof sub !== 'string') throw new DomainError('UNAUTHENTICATED', 'The token lacks org or sub');
  if (kind === 'operator' && typeof role === 'string' && ROLES.has(role)) return { kind, orgId: org, operatorId: sub, role: role as OperatorRole };
  if (kind === 'fan') return { kind, orgId: org, fanId: sub };
  throw new DomainError('UNAUTHENTICATED', 'The token has no valid kind/role');
}

export const hashSecret = sha256Hex;

/** A new API key; the full key is shown once, only prefix and hash are stored. */
export function newApiKey(): { key: string; prefix: string; secretHash: string } {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  return { key: `fo_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

export function parseApiKey(key: string): { prefix: string; secret: string } | null {
  const m = /^fo_([0-9a-f]{12})_([A-Za-z0-9_-]{20,})$/.exec(key.trim());
  return m ? { prefix: m[1], secret: m[2] } : null;
}

export function secretMatches(secret: string, secretHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(secretHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
