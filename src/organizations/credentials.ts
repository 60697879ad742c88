// Development credentials for the CLI and `npm start`: operator and fan tokens minted for an
// organization by slug, and the demo partner key created once on the first seed.
import type { Config } from '../core/config.js';
import type { Db } from '../core/db.js';
import { signToken } from '../core/tokens.js';
import { createApiKey, PARTNER_SCOPES } from './api-keys.js';

export async function orgBySlug(db: Db, slug: string) {
  const org = await db.organization.findUnique({ where: { slug }, select: { id: true } });
  if (!org) throw new Error(`no organization "${slug}"`);
  return org.id;
}

export async function operatorToken(db: Db, config: Config, slug: string, email: string, expiresIn = '12h'): Promise<string> {
  const orgId = await orgBySlug(db, slug);
  const op = await db.operator.findFirst({ where: { orgId, email }, select: { id: true, role: true } });
  if (!op) throw new Error(`no operator "${email}" in organization "${slug}"`);
  return signToken(config.auth, { kind: 'operator', orgId, operatorId: op.id, role: op.role }, expiresIn);
}

export async function fanToken(db: Db, config: Config, slug: string, externalId: string, expiresIn = '12h'): Promise<string> {
  const orgId = await orgBySlug(db, slug);
  const fan = await db.fan.findFirst({ where: { orgId, externalId }, select: { id: true } });
  if (!fan) throw new Error(`no fan "${externalId}" in organization "${slug}"`);
  return signToken(config.auth, { kind: 'fan', orgId, fanId: fan.id }, expiresIn);
}

export const DEMO_KEY_NAME = 'demo partner';

/** Creates the demo partner key unless one exists; returns the full key only when it was just created. */
export async function ensureDemoApiKey(db: Db, slug: string): Promise<string | null> {
  const orgId = await orgBySlug(db, slug);
  if (await db.apiKey.findFirst({ where: { orgId, name: DEMO_KEY_NAME }, select: { id: true } })) return null;
  const { key } = await createApiKey(db, orgId, { name: DEMO_KEY_NAME, scopes: [...PARTNER_SCOPES] });
  return key;
}

/** What `npm start` prints in development: one operator token, one fan token, and the partner key. */
export async function demoCredentialLines(db: Db, config: Config, slug: string, justSeeded: boolean): Promise<string[]> {
  if (!(await db.organization.findUnique({ where: { slug }, select: { id: true } }))) return [];
  const fan = await db.fan.findFirst({ where: { org: { slug } }, orderBy: { externalId: 'asc' }, select: { externalId: true } });
  const lines = [`Operator token (owner@${slug}.test, 12 h):  Authorization: Bearer ${await operatorToken(db, config, slug, `owner@${slug}.test`)}`];
  if (fan) lines.push(`Fan token (${fan.externalId}, 12 h):  Authorization: Bearer ${await fanToken(db, config, slug, fan.externalId)}`);
  // Only the hash is stored, so the full key can be shown only when it is created (on the first seed).
  const key = justSeeded ? await ensureDemoApiKey(db, slug) : null;
  lines.push(
    key
      ? `Partner API key "${DEMO_KEY_NAME}" (all scopes, shown once):  Authorization: ApiKey ${key}`
      : `Partner API key: mint one with  npm run cli -- apikey create ${slug} "my partner" --scopes read,import`,
  );
  return lines;
}
