// Shared rules of the live domain: session locking, the organization's calendar day, product names.
import type { Tx } from '../core/db.js';
import { DomainError, notFound } from '../core/errors.js';
import type { LiveSession } from '../generated/prisma/client.js';
import type { LiveSessionStatus } from '../generated/prisma/enums.js';

/** Sessions whose line-up and reservations may still change. */
export const OPEN_STATUSES: LiveSessionStatus[] = ['SCHEDULED', 'LIVE'];

/**
 * Reads a session of the organization under a share lock: a concurrent status change (a conditional
 * UPDATE) waits for this transaction, so a rule checked here still holds when we commit.
 */
export async function lockSession(tx: Tx, orgId: string, sessionId: string, field = 'input.sessionId'): Promise<LiveSession> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "LiveSession" WHERE "id" = ${sessionId} AND "orgId" = ${orgId} FOR SHARE`;
  if (!rows.length) throw notFound('Live session', field);
  return tx.liveSession.findUniqueOrThrow({ where: { id: sessionId } });
}

export async function requireFan(tx: Tx, orgId: string, fanId: string): Promise<void> {
  const fan = await tx.fan.findFirst({ where: { id: fanId, orgId }, select: { id: true } });
  if (!fan) throw notFound('Fan', 'input.fanId');
}

export function requireStatus(session: LiveSession, allowed: LiveSessionStatus[], action: string, field = 'input.sessionId'): void {
  if (!allowed.includes(session.status)) {
    throw new DomainError('INVALID_STATE', `Cannot ${action}: the session is ${session.status} (needs ${allowed.join(' or ')})`, field);
  }
}

export async function orgTimeZone(tx: Tx, orgId: string): Promise<string> {
  const org = await tx.organization.findUniqueOrThrow({ where: { id: orgId }, select: { timeZone: true } });
  return org.timeZone;
}

/** The calendar day (YYYY-MM-DD) of an instant in a time zone. */
export function localDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** How product names are compared: NFKC (full-width input), lowercase, trimmed, single spaces. */
export function normalizeProductName(name: string): string {
  return name.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ');
}
