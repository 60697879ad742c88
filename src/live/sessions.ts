// The session status machine: SCHEDULED → LIVE → ENDED, SCHEDULED → CANCELLED. Every transition is one
// conditional UPDATE (… WHERE status = from), so of two racing calls exactly one moves the row.
import type { Context } from '../core/context.js';
import type { Tx } from '../core/db.js';
import { DomainError, notFound } from '../core/errors.js';
import { emitOutbound, emitOutboundMany } from '../core/outbound.js';
import type { LiveSession, Prisma } from '../generated/prisma/client.js';
import type { LiveSessionStatus } from '../generated/prisma/enums.js';
import { requireStatus } from './common.js';
import { type FanReminderMessage, publishReminders, publishSessionEvent } from './events.js';
import { planItemSales } from './lineup.js';
import { cancelReminders, planReminders } from './reminders.js';

type Deps = Pick<Context, 'db' | 'pubsub'>;

export interface SessionInput {
  title: string;
  host: string;
  theme?: string | null;
  scheduledAt: Date;
  liveRoomUrl?: string | null;
  liveRoomPassphrase?: string | null;
}

export const PASSPHRASE_MIN = 4;
export const PASSPHRASE_MAX = 64;
export const LIVE_ROOM_URL_RULE = "The live room's link the mini-program opens: an absolute https:// URL with a host, at most 500 characters.";
export const LIVE_ROOM_PASSPHRASE_RULE = `The passphrase fans copy into the live app to enter the room: ${PASSPHRASE_MIN}–${PASSPHRASE_MAX} characters once trimmed, on one line.`;

/** The live-room link must be https (the mini-program opens nothing else); a passphrase must be pasteable. */
function checkJump(input: Partial<SessionInput>) {
  if (input.liveRoomUrl) {
    let url: URL | null = null;
    try {
      url = new URL(input.liveRoomUrl);
    } catch {}
    if (!url || url.protocol !== 'https:' || !url.hostname)
      throw new DomainError('VALIDATION', 'input.liveRoomUrl: must be an absolute https:// URL', 'input.liveRoomUrl');
  }
  const p = input.liveRoomPassphrase;
  if (p && (p.length < PASSPHRASE_MIN || /[\r\n]/.test(p)))
    throw new DomainError(
      'VALIDATION',
      `input.liveRoomPassphrase: must be ${PASSPHRASE_MIN}–${PASSPHRASE_MAX} characters on one line`,
      'input.liveRoomPassphrase',
    );
}

const YEAR_MS = 366 * 86_400_000;

/** A session is planned ahead, but not further than a year. */
function checkStart(scheduledAt: Date) {
  const ms = scheduledAt.getTime() - Date.now();
  if (ms <= 0) throw new DomainError('VALIDATION', 'input.scheduledAt: must be in the future', 'input.scheduledAt');
  if (ms >= YEAR_MS) throw new DomainError('VALIDATION', 'input.scheduledAt: must be within a year', 'input.scheduledAt');
}

/** Puts a session on the schedule with the default reminder times planned (see reminders.ts). */
export async function scheduleLiveSession(deps: Deps, orgId: string, input: SessionInput): Promise<LiveSession> {
  checkStart(input.scheduledAt);
  checkJump(input);
  const now = new Date();
  return deps.db.$transaction(async (tx) => {
    const session = await tx.liveSession.create({
      data: {
        orgId,
        title: input.title,
        host: input.host,
        theme: input.theme ?? null,
        scheduledAt: input.scheduledAt,
        liveRoomUrl: input.liveRoomUrl ?? null,
        liveRoomPassphrase: input.liveRoomPassphrase ?? null,
        remindersPlannedFrom: now,
      },
    });
    await planReminders(tx, session, now);
    return session;
  });
}

/**
 * Moves a SCHEDULED session (and its planned slots and on-sale times by the same amount, so they stay on
 * its day); its reminders are planned again for the new day, from now.
 */
export async function rescheduleLiveSession(deps: Deps, orgId: string, sessionId: string, patch: Partial<SessionInput>): Promise<LiveSession> {
  if (patch.scheduledAt) checkStart(patch.scheduledAt);
  checkJump(patch);
  return deps.db.$transaction(async (tx) => {
    // Row lock first: the slot shift needs the old start, and no transition may slip in between.
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "LiveSession" WHERE "id" = ${sessionId} AND "orgId" = ${orgId} FOR UPDATE`;
    if (!rows.length) throw notFound('Live session', 'input.sessionId');
    const before = await tx.liveSession.findUniqueOrThrow({ where: { id: sessionId } });
    requireStatus(before, ['SCHEDULED'], 'reschedule');
    if (patch.scheduledAt) {
      const deltaMs = patch.scheduledAt.getTime() - before.scheduledAt.getTime();
      if (deltaMs) {
        await tx.$executeRaw`UPDATE "LineupItem" SET "slotAt" = "slotAt" + (${deltaMs}::bigint * interval '1 millisecond')
          WHERE "sessionId" = ${sessionId} AND "slotAt" IS NOT NULL`;
        await tx.$executeRaw`UPDATE "LineupItem" SET "plannedOnSaleAt" = "plannedOnSaleAt" + (${deltaMs}::bigint * interval '1 millisecond')
          WHERE "sessionId" = ${sessionId} AND "plannedOnSaleAt" IS NOT NULL AND "onSaleAt" IS NULL`;
        await planItemSales(tx, orgId, sessionId);
      }
    }
    const moved = patch.scheduledAt && patch.scheduledAt.getTime() !== before.scheduledAt.getTime();
    const now = new Date();
    const replan = { remindedThrough: null, remindersPlannedFrom: now, remindedBeforePlan: null };
    const session = await tx.liveSession.update({ where: { id: sessionId }, data: { ...patch, ...(moved ? replan : {}) } });
    if (moved) await planReminders(tx, session, now);
    return session;
  });
}

async function transition(
  tx: Tx,
  orgId: string,
  sessionId: string,
  from: LiveSessionStatus,
  data: Prisma.LiveSessionUpdateManyMutationInput,
  action: string,
  field = 'sessionId',
) {
  const { count } = await tx.liveSession.updateMany({ where: { id: sessionId, orgId, status: from }, data });
  const session = await tx.liveSession.findFirst({ where: { id: sessionId, orgId } });
  if (!session) throw notFound('Live session', field);
  if (!count) throw new DomainError('INVALID_STATE', `Cannot ${action}: the session is ${session.status} (needs ${from})`, field);
  return session;
}

export async function cancelLiveSession(deps: Deps, orgId: string, sessionId: string): Promise<LiveSession> {
  const session = await deps.db.$transaction(async (tx) => {
    const cancelled = await transition(tx, orgId, sessionId, 'SCHEDULED', { status: 'CANCELLED' }, 'cancel');
    await cancelReminders(tx, sessionId);
    return cancelled;
  });
  publishSessionEvent(deps.pubsub, { kind: 'STATUS', orgId, sessionId, status: session.status });
  return session;
}

export async function endLiveSession(deps: Deps, orgId: string, sessionId: string): Promise<LiveSession> {
  const session = await deps.db.$transaction((tx) => transition(tx, orgId, sessionId, 'LIVE', { status: 'ENDED', endedAt: new Date() }, 'end'));
  publishSessionEvent(deps.pubsub, { kind: 'STATUS', orgId, sessionId, status: session.status });
  return session;
}

/** Starts the stream and reminds every fan who reserved the whole session (unless they opted out). */
export async function goLive(deps: Deps, orgId: string, sessionId: string): Promise<{ session: LiveSession; remindedCount: number }> {
  const { session, reminders } = await deps.db.$transaction(async (tx) => {
    const session = await transition(tx, orgId, sessionId, 'SCHEDULED', { status: 'LIVE', startedAt: new Date() }, 'go live');
    // Reminders before the start are moot now: going live reminds every reserver itself (below).
    await cancelReminders(tx, sessionId);
    const reservers = await tx.reservation.findMany({ where: { orgId, sessionId, itemId: null, fan: { optedOut: false } }, select: { fanId: true } });
    const at = (session.startedAt ?? new Date()).toISOString();
    const reminders: FanReminderMessage[] = reservers.map((r) => ({
      kind: 'SESSION_LIVE',
      orgId,
      fanId: r.fanId,
      sessionId,
      itemId: null,
      productName: null,
      at,
    }));
    await emitOutbound(tx, orgId, 'session.live', { sessionId, title: session.title, startedAt: at });
    // Per reserving fan, for the chat bridge to reach them (opted-out fans are already left out above).
    await emitOutboundMany(
      tx,
      orgId,
      'reminder.due',
      reminders.map((r) => ({ fanId: r.fanId, sessionId, reason: 'SESSION_LIVE', at })),
    );
    return { session, reminders };
  });
  publishSessionEvent(deps.pubsub, { kind: 'STATUS', orgId, sessionId, status: session.status });
  publishReminders(deps.pubsub, reminders);
  return { session, remindedCount: reminders.length };
}

export interface LiveStats {
  viewers: number;
  likes: number;
  orderCount: number;
  gmvCents: number;
}

/** The live platform's latest numbers (absolute, not increments), accepted only while LIVE. */
export async function reportLiveStats(deps: Deps, orgId: string, sessionId: string, stats: LiveStats): Promise<LiveSession> {
  // The platform's order count and GMV go to columns of their own: orderCount and gmvCents are the private
  // domain's (imported orders), and a report must not overwrite them.
  const data = { viewers: stats.viewers, likes: stats.likes, platformOrderCount: stats.orderCount, platformGmvCents: stats.gmvCents };
  const session = await deps.db.$transaction((tx) => transition(tx, orgId, sessionId, 'LIVE', data, 'report live numbers', 'input.sessionId'));
  publishSessionEvent(deps.pubsub, { kind: 'STATS', orgId, sessionId, status: session.status, stats });
  return session;
}
