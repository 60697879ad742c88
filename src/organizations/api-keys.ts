// Partner API keys: created by an organization's admins (GraphQL) or the CLI, shown in full once,
// stored as prefix + SHA-256 of the secret, revocable at once. Usable without GraphQL (CLI, main.ts).
import type { Db } from '../core/db.js';
import { DomainError, notFound } from '../core/errors.js';
import { isUniqueViolation } from '../core/prisma-errors.js';
import { newApiKey } from '../core/tokens.js';

/** Every scope the schema checks with `partner: '<scope>'`. */
export const PARTNER_SCOPES = ['read', 'import', 'events', 'likes', 'live', 'fulfilment', 'webhooks'] as const;
export type PartnerScope = (typeof PARTNER_SCOPES)[number];

export interface NewApiKey {
  name: string;
  scopes: string[];
  expiresAt?: Date | null;
}

export function validateApiKeyInput(input: NewApiKey, now = new Date()): { name: string; scopes: PartnerScope[]; expiresAt: Date | null } {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 80) throw new DomainError('VALIDATION', 'input.name: must be 1 to 80 characters', 'input.name');
  const scopes = [...new Set(input.scopes.map((s) => s.trim()))];
  if (scopes.length === 0) throw new DomainError('VALIDATION', 'input.scopes: at least one scope is required', 'input.scopes');
  const unknown = scopes.filter((s) => !(PARTNER_SCOPES as readonly string[]).includes(s));
  if (unknown.length)
    throw new DomainError(
      'VALIDATION',
      `input.scopes: unknown scope ${unknown.map((s) => `"${s}"`).join(', ')} (known: ${PARTNER_SCOPES.join(', ')})`,
      'input.scopes',
    );
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt && expiresAt <= now) throw new DomainError('VALIDATION', 'input.expiresAt: must be in the future', 'input.expiresAt');
  return { name, scopes: scopes as PartnerScope[], expiresAt };
}

/** Creates a key; `key` is the only time the full secret exists outside the caller's hands. */
export async function createApiKey(db: Db, orgId: string, input: NewApiKey) {
  const v = validateApiKeyInput(input);
  // A 48-bit random prefix practically never collides; the unique index makes sure, and we retry.
  for (let attempt = 0; ; attempt++) {
    const { key, prefix, secretHash } = newApiKey();
    try {
      const apiKey = await db.apiKey.create({ data: { orgId, name: v.name, scopes: v.scopes, expiresAt: v.expiresAt, prefix, secretHash } });
      return { key, apiKey };
    } catch (e) {
      if (!isUniqueViolation(e) || attempt >= 2) throw e;
    }
  }
}

/**
 * Revokes at once (auth looks the key up on every request). Revoking twice keeps the first time.
 * orgId null is for the CLI, which revokes by the (globally unique) prefix.
 */
export async function revokeApiKey(db: Db, orgId: string | null, where: { id: string } | { prefix: string }) {
  const match = orgId ? { ...where, orgId } : where;
  await db.apiKey.updateMany({ where: { ...match, revokedAt: null }, data: { revokedAt: new Date() } });
  const key = await db.apiKey.findFirst({ where: match });
  if (!key) throw notFound('API key', 'id' in where ? 'id' : 'prefix');
  return key;
}
