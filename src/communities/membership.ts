// Joining and leaving groups. Seats are taken with one conditional UPDATE (memberCount < capacity),
// so parallel joins never overfill a group; a full group rolls over to exactly one successor.

import { publishActivity, recordActivity } from '../activity/events.js';
import type { Context } from '../core/context.js';
import type { Tx } from '../core/db.js';
import { DomainError, notFound } from '../core/errors.js';
import { isUniqueViolation } from '../core/prisma-errors.js';
import type { Community, Membership } from '../generated/prisma/client.js';
import { chainOf, successorOf } from './chain.js';

type Deps = Pick<Context, 'db' | 'pubsub'>;
type LeaveDeps = Pick<Context, 'db' | 'pubsub' | 'services'>;

// A chain longer than this means something is wrong (or a bot is farming groups); stop rather than loop.
const MAX_ROLLOVERS_PER_JOIN = 20;
// Advisory lock space of one fan's memberships (7_301 wishes, 7_302 referral imports).
const MEMBERSHIP_LOCK_SPACE = 7_303;

/**
 * Serializes one fan's joins, leaves and admissions for the rest of the transaction, so "already a
 * member" checks cannot race. An advisory lock on the fan, not the Fan row: the activity these write
 * takes the day rollups and then the Fan row (as order imports, refunds and activity batches do), and
 * holding the row before the rollups deadlocked with an import for the same fan.
 */
export async function lockFanMemberships(tx: Tx, orgId: string, fanId: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${MEMBERSHIP_LOCK_SPACE}::int, hashtext(${fanId}))`;
  const rows = await tx.$queryRaw<{ id: string; orderCount: number; intimacy: number }[]>`
    SELECT "id", "orderCount", "intimacy" FROM "Fan" WHERE "id" = ${fanId} AND "orgId" = ${orgId}`;
  if (!rows.length) throw notFound('Fan', 'input.fanId');
  return rows[0];
}

export async function takeSeat(tx: Tx, communityId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    UPDATE "Community" SET "memberCount" = "memberCount" + 1
    WHERE "id" = ${communityId} AND "memberCount" < "capacity" RETURNING "id"`;
  return rows.length > 0;
}

export async function joinCommunity(deps: Deps, orgId: string, given: { inviteCode: string; fanId: string }): Promise<Membership> {
  // Codes are generated in capitals; a fan may type one in any case.
  const input = { ...given, inviteCode: given.inviteCode.toUpperCase() };
  try {
    const { membership, events } = await deps.db.$transaction(async (tx) => {
      const fan = await lockFanMemberships(tx, orgId, input.fanId);
      const chain = await chainOf(tx, orgId, input.inviteCode);
      if (!chain.length) throw notFound('Invite code', 'input.inviteCode');
      const already = await tx.membership.findFirst({ where: { fanId: fan.id, communityId: { in: chain }, leftAt: null }, select: { id: true } });
      if (already) throw new DomainError('CONFLICT', 'The fan is already a member of this group', 'input.inviteCode');

      let group: Community = await tx.community.findUniqueOrThrow({ where: { id: chain[chain.length - 1] } });
      if (group.requiresApplication)
        throw new DomainError(
          'FORBIDDEN',
          `This group admits members by application: apply with applyToCommunity, answering "${group.joinQuestion}"`,
          'input.inviteCode',
        );
      if (fan.orderCount < group.minOrders) {
        throw new DomainError(
          'THRESHOLD_NOT_MET',
          `This group admits fans with at least ${group.minOrders} orders (minOrders); the fan has ${fan.orderCount}`,
          'input.inviteCode',
        );
      }
      if (fan.intimacy < group.minIntimacy) {
        throw new DomainError(
          'THRESHOLD_NOT_MET',
          `This group admits fans with an intimacy of at least ${group.minIntimacy} (minIntimacy); the fan has ${fan.intimacy}`,
          'input.inviteCode',
        );
      }
      let hops = 0;
      while (!(await takeSeat(tx, group.id))) {
        if (++hops > MAX_ROLLOVERS_PER_JOIN) throw new DomainError('COMMUNITY_FULL', 'Every group of this invite chain is full', 'input.inviteCode');
        group = await successorOf(tx, group);
      }

      // Rejoining reuses the row (unique per group and fan): the history of leaving is in the feed.
      const membership = await tx.membership.upsert({
        where: { communityId_fanId: { communityId: group.id, fanId: fan.id } },
        create: { orgId, communityId: group.id, fanId: fan.id },
        update: { leftAt: null, joinedAt: new Date(), role: 'MEMBER' },
      });
      const events = await recordActivity(tx, [
        {
          orgId,
          communityId: group.id,
          fanId: fan.id,
          kind: 'MEMBER_JOINED',
          payload: { inviteCode: input.inviteCode, rolledOver: group.id !== chain[0] },
        },
      ]);
      return { membership, events };
    });
    publishActivity(deps.pubsub, events);
    return membership;
  } catch (e) {
    // Defence in depth: the fan's lock already serializes one fan's joins.
    if (isUniqueViolation(e)) throw new DomainError('CONFLICT', 'The fan is already a member of this group', 'input.inviteCode');
    throw e;
  }
}

export async function leaveCommunity(deps: LeaveDeps, orgId: string, input: { communityId: string; fanId: string }): Promise<Membership> {
  const { membership, events } = await deps.db.$transaction(async (tx) => {
    const community = await tx.community.findFirst({ where: { id: input.communityId, orgId }, select: { id: true } });
    if (!community) throw notFound('Community', 'input.communityId');
    await lockFanMemberships(tx, orgId, input.fanId);
    // Flip leftAt once: a second (or parallel) leave finds nothing to flip and changes nothing.
    const { count } = await tx.membership.updateMany({
      where: { communityId: community.id, fanId: input.fanId, leftAt: null },
      data: { leftAt: new Date() },
    });
    if (!count) throw new DomainError('NOT_FOUND', 'The fan is not a member of this group', 'input.fanId');
    await tx.community.updateMany({ where: { id: community.id, memberCount: { gt: 0 } }, data: { memberCount: { decrement: 1 } } });
    const events = await recordActivity(tx, [{ orgId, communityId: community.id, fanId: input.fanId, kind: 'MEMBER_LEFT' }]);
    // Other modules react in this transaction (a referral helper who leaves no longer counts).
    await deps.services.activity.run(tx, events);
    const membership = await tx.membership.findUniqueOrThrow({ where: { communityId_fanId: { communityId: community.id, fanId: input.fanId } } });
    return { membership, events };
  });
  publishActivity(deps.pubsub, events);
  return membership;
}
