// Group broadcasts: an operator's message (text, optional link and image) to fan groups — by ids, by
// kinds, or the groups a saved segment's fans belong to — handed to the chat bridge as one
// `broadcast.requested` webhook event per group. Sent now, or by a job at its time (job key
// `broadcast:<id>`); a non-crisis broadcast due inside the organization's quiet hours is held until they
// end. Sending and cancelling are both one conditional UPDATE on status = SCHEDULED, so of a cancel and a
// send racing exactly one wins: the broadcast ends SENT (events enqueued in that transaction) or
// CANCELLED (nothing sent), never both.
import type { Context } from '../core/context.js';
import type { Tx } from '../core/db.js';
import { DomainError, notFound } from '../core/errors.js';
import { enqueueJob, removeJob } from '../core/jobs/queue.js';
import { quietHoursEnd } from '../core/local-time.js';
import { emitOutboundMany } from '../core/outbound.js';
import { segmentFanWhere } from '../fans/segments.js';
import type { Broadcast, Prisma } from '../generated/prisma/client.js';
import type { CommunityKind } from '../generated/prisma/enums.js';

type Deps = Pick<Context, 'db'>;

/** Exactly one way to name the groups. */
export interface BroadcastTarget {
  communityIds?: string[] | null;
  kinds?: CommunityKind[] | null;
  segmentId?: string | null;
}

export interface BroadcastInput extends BroadcastTarget {
  text: string;
  linkUrl?: string | null;
  imageUrl?: string | null;
  /** A crisis notice: sent during quiet hours too, and its reach counts opted-out members. */
  crisis?: boolean | null;
  /** When to send; omitted: now. */
  sendAt?: Date | null;
}

/** The job that sends a scheduled broadcast (registered in services.ts). */
export const BROADCAST_SEND_TASK = 'broadcasts.send';
export interface BroadcastJob {
  orgId: string;
  broadcastId: string;
}

const YEAR_MS = 366 * 86_400_000;
const jobKey = (id: string) => `broadcast:${id}`;

function checkInput(input: BroadcastInput, now: Date) {
  const given = [input.communityIds, input.kinds, input.segmentId].filter((x) => x != null);
  if (given.length !== 1) throw new DomainError('VALIDATION', 'input: give exactly one of communityIds, kinds and segmentId', 'input');
  for (const [field, url] of [
    ['input.linkUrl', input.linkUrl],
    ['input.imageUrl', input.imageUrl],
  ] as const)
    if (url && !/^https?:\/\/[^\s/]+/i.test(url)) throw new DomainError('VALIDATION', `${field}: must be an http(s) URL`, field);
  if (input.sendAt) {
    const ms = input.sendAt.getTime() - now.getTime();
    if (ms <= 0) throw new DomainError('VALIDATION', 'input.sendAt: must be in the future (omit it to send now)', 'input.sendAt');
    if (ms >= YEAR_MS) throw new DomainError('VALIDATION', 'input.sendAt: must be within a year', 'input.sendAt');
  }
}

/** The target's groups, sorted by id; unknown ids and segments are refused (NOT_FOUND on the field). */
async function targetGroups(tx: Tx, orgId: string, target: BroadcastTarget, strict = true): Promise<string[]> {
  if (target.communityIds) {
    const ids = [...new Set(target.communityIds)];
    const found = new Set((await tx.community.findMany({ where: { orgId, id: { in: ids } }, select: { id: true } })).map((c) => c.id));
    const missing = target.communityIds.findIndex((id) => !found.has(id));
    if (strict && missing >= 0) throw notFound('Community', `input.communityIds.${missing}`);
    return [...found].sort();
  }
  let where: Prisma.CommunityWhereInput;
  if (target.kinds) where = { orgId, kind: { in: target.kinds } };
  else {
    const segment = await tx.segment.findFirst({ where: { id: target.segmentId!, orgId } });
    if (!segment) {
      if (strict) throw notFound('Segment', 'input.segmentId');
      return [];
    }
    // The groups the segment's fans are current members of.
    where = { orgId, memberships: { some: { leftAt: null, fan: segmentFanWhere(segment) } } };
  }
  return (await tx.community.findMany({ where, select: { id: true }, orderBy: { id: 'asc' } })).map((c) => c.id);
}

/** Fans reached: distinct current members of the groups; opted-out fans only for a crisis notice. */
async function reachOf(tx: Tx, orgId: string, communityIds: string[], crisis: boolean): Promise<number> {
  if (!communityIds.length) return 0;
  return tx.fan.count({
    where: { orgId, ...(crisis ? {} : { optedOut: false }), memberships: { some: { communityId: { in: communityIds }, leftAt: null } } },
  });
}

export async function createBroadcast(
  deps: Deps,
  orgId: string,
  createdById: string | null,
  input: BroadcastInput,
  now = new Date(),
): Promise<Broadcast> {
  checkInput(input, now);
  const crisis = input.crisis ?? false;
  return deps.db.$transaction(async (tx) => {
    const groups = await targetGroups(tx, orgId, input);
    if (!groups.length) throw new DomainError('VALIDATION', 'input: the target names no group', input.kinds ? 'input.kinds' : 'input.segmentId');
    const org = await tx.organization.findUniqueOrThrow({
      where: { id: orgId },
      select: { timeZone: true, quietHoursStart: true, quietHoursEnd: true },
    });
    const quiet = org.quietHoursStart && org.quietHoursEnd ? { start: org.quietHoursStart, end: org.quietHoursEnd } : null;
    const due = input.sendAt ?? now;
    const release = crisis ? null : quietHoursEnd(due, quiet, org.timeZone);
    const target: Prisma.InputJsonObject = input.communityIds
      ? { communityIds: groups }
      : input.kinds
        ? { kinds: input.kinds }
        : { segmentId: input.segmentId! };
    const broadcast = await tx.broadcast.create({
      data: {
        orgId,
        text: input.text,
        linkUrl: input.linkUrl || null,
        imageUrl: input.imageUrl || null,
        crisis,
        target,
        communityIds: groups,
        requestedAt: input.sendAt ?? null,
        sendAt: release ?? due,
        heldByQuietHours: Boolean(release),
        reach: await reachOf(tx, orgId, groups, crisis),
        createdById,
      },
    });
    if (!input.sendAt && !release) return (await send(tx, broadcast, now)) ?? broadcast;
    await enqueueJob(tx, BROADCAST_SEND_TASK, { orgId, broadcastId: broadcast.id } satisfies BroadcastJob, {
      runAt: broadcast.sendAt,
      jobKey: jobKey(broadcast.id),
    });
    return broadcast;
  });
}

/**
 * Marks a SCHEDULED broadcast SENT and enqueues its events, in `tx`; null when it is no longer
 * SCHEDULED (cancelled, or sent by a racing run). The groups of a kinds or segment target are resolved
 * again now (groups created or emptied since composing count as they are now).
 */
async function send(tx: Tx, broadcast: Broadcast, now: Date): Promise<Broadcast | null> {
  const { count } = await tx.broadcast.updateMany({ where: { id: broadcast.id, status: 'SCHEDULED' }, data: { status: 'SENT', sentAt: now } });
  if (!count) return null;
  const stored = broadcast.target as BroadcastTarget;
  const groups = stored.communityIds ? broadcast.communityIds : await targetGroups(tx, broadcast.orgId, stored, false);
  const communities = await tx.community.findMany({
    where: { orgId: broadcast.orgId, id: { in: groups } },
    select: { id: true, name: true, kind: true, inviteCode: true, memberCount: true },
    orderBy: { id: 'asc' },
  });
  const ids = communities.map((c) => c.id);
  const reach = await reachOf(tx, broadcast.orgId, ids, broadcast.crisis);
  // One event per group, with what the bridge needs to post in it.
  await emitOutboundMany(
    tx,
    broadcast.orgId,
    'broadcast.requested',
    communities.map((c) => ({
      broadcastId: broadcast.id,
      communityId: c.id,
      communityName: c.name,
      communityKind: c.kind,
      inviteCode: c.inviteCode,
      memberCount: c.memberCount,
      text: broadcast.text,
      linkUrl: broadcast.linkUrl,
      imageUrl: broadcast.imageUrl,
      crisis: broadcast.crisis,
    })),
  );
  return tx.broadcast.update({ where: { id: broadcast.id }, data: { communityIds: ids, reach } });
}

/** The job: sends the broadcast if it is still SCHEDULED (a cancelled one is left as it is). */
export async function runBroadcastJob(deps: Deps, job: BroadcastJob, now = new Date()): Promise<boolean> {
  return deps.db.$transaction(async (tx) => {
    const broadcast = await tx.broadcast.findFirst({ where: { id: job.broadcastId, orgId: job.orgId } });
    return Boolean(broadcast && (await send(tx, broadcast, now)));
  });
}

/** Cancels a SCHEDULED broadcast; one already sent (or cancelled) is refused with INVALID_STATE. */
export async function cancelBroadcast(deps: Deps, orgId: string, broadcastId: string, now = new Date()): Promise<Broadcast> {
  return deps.db.$transaction(async (tx) => {
    const { count } = await tx.broadcast.updateMany({
      where: { id: broadcastId, orgId, status: 'SCHEDULED' },
      data: { status: 'CANCELLED', cancelledAt: now },
    });
    const broadcast = await tx.broadcast.findFirst({ where: { id: broadcastId, orgId } });
    if (!broadcast) throw notFound('Broadcast', 'broadcastId');
    if (!count) throw new DomainError('INVALID_STATE', `Cannot cancel: the broadcast is already ${broadcast.status}`, 'broadcastId');
    await removeJob(tx, jobKey(broadcastId));
    return broadcast;
  });
}
