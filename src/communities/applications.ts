// Joining by application, for groups with requiresApplication. Rules:
// - A fan applies through the group's invite code (its newest group, as joining does) with an answer to
//   the group's joinQuestion, and must accept the group rules (the time is recorded). The entry
//   thresholds apply when applying; a current member, or a fan with an open application, is refused.
// - An operator who assists the group (CommunityAssistant) or owns it, or any OWNER/ADMIN, approves or
//   rejects (with a reason). Each application is decided once: the decision is a conditional update
//   from PENDING, so racing decisions cannot both apply.
// - Approving takes a seat with the same conditional UPDATE as joining (memberCount < capacity), in the
//   same transaction: approvals beyond capacity are refused with COMMUNITY_FULL and the application
//   stays PENDING. Approved applications do not roll over to a successor group.
import { publishActivity, recordActivity } from '../activity/events.js';
import type { Context, OperatorRole } from '../core/context.js';
import type { Tx } from '../core/db.js';
import { DomainError, invalid, notFound } from '../core/errors.js';
import { isUniqueViolation } from '../core/prisma-errors.js';
import type { CommunityApplication } from '../generated/prisma/client.js';
import { chainOf } from './chain.js';
import { lockFanMemberships, takeSeat } from './membership.js';

type Deps = Pick<Context, 'db' | 'pubsub'>;

export interface Decider {
  operatorId: string;
  role: OperatorRole;
}

export async function applyToCommunity(
  deps: Deps,
  orgId: string,
  input: { inviteCode: string; fanId: string; answer: string; acceptRules: boolean },
  now = new Date(),
): Promise<CommunityApplication> {
  if (!input.acceptRules) throw invalid('input.acceptRules', 'input.acceptRules: the group rules must be accepted to apply');
  const answer = input.answer.trim();
  if (!answer) throw invalid('input.answer', 'input.answer: must not be blank');
  try {
    return await deps.db.$transaction(async (tx) => {
      const fan = await lockFanMemberships(tx, orgId, input.fanId);
      const chain = await chainOf(tx, orgId, input.inviteCode.toUpperCase());
      if (!chain.length) throw notFound('Invite code', 'input.inviteCode');
      const group = await tx.community.findUniqueOrThrow({ where: { id: chain[chain.length - 1] } });
      if (!group.requiresApplication)
        throw new DomainError('INVALID_STATE', 'This group admits by invite code: join it with joinCommunity', 'input.inviteCode');
      if (fan.orderCount < group.minOrders || fan.intimacy < group.minIntimacy)
        throw new DomainError(
          'THRESHOLD_NOT_MET',
          `This group admits fans with at least ${group.minOrders} orders and an intimacy of ${group.minIntimacy}; the fan has ${fan.orderCount} and ${fan.intimacy}`,
          'input.inviteCode',
        );
      const member = await tx.membership.findFirst({ where: { fanId: fan.id, communityId: group.id, leftAt: null }, select: { id: true } });
      if (member) throw new DomainError('CONFLICT', 'The fan is already a member of this group', 'input.inviteCode');
      return tx.communityApplication.create({ data: { orgId, communityId: group.id, fanId: fan.id, answer, rulesAcceptedAt: now } });
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new DomainError('CONFLICT', 'The fan already has an open application to this group', 'input.inviteCode');
    throw e;
  }
}

/** The application, if this operator may decide it: an admin, or an assistant or the owner of its group. */
async function decidable(tx: Tx, orgId: string, decider: Decider, applicationId: string) {
  const application = await tx.communityApplication.findFirst({ where: { id: applicationId, orgId } });
  if (!application) throw notFound('Application', 'input.applicationId');
  if (decider.role !== 'OWNER' && decider.role !== 'ADMIN') {
    const serves = await tx.community.count({
      where: {
        id: application.communityId,
        OR: [{ ownerId: decider.operatorId }, { assistants: { some: { operatorId: decider.operatorId } } }],
      },
    });
    if (!serves)
      throw new DomainError(
        'FORBIDDEN',
        'Only an assistant or the owner of this group, or an admin, decides its applications',
        'input.applicationId',
      );
  }
  return application;
}

async function decide(tx: Tx, application: CommunityApplication, data: { status: 'APPROVED' | 'REJECTED'; reason?: string }, decider: Decider) {
  const { count } = await tx.communityApplication.updateMany({
    where: { id: application.id, status: 'PENDING' },
    data: { ...data, decidedById: decider.operatorId, decidedAt: new Date() },
  });
  if (!count) throw new DomainError('INVALID_STATE', 'This application has already been decided', 'input.applicationId');
}

export async function approveApplication(deps: Deps, orgId: string, decider: Decider, applicationId: string): Promise<CommunityApplication> {
  const { application, events } = await deps.db.$transaction(async (tx) => {
    const found = await decidable(tx, orgId, decider, applicationId);
    await lockFanMemberships(tx, orgId, found.fanId);
    await decide(tx, found, { status: 'APPROVED' }, decider);
    const member = await tx.membership.findFirst({
      where: { fanId: found.fanId, communityId: found.communityId, leftAt: null },
      select: { id: true },
    });
    if (member) throw new DomainError('CONFLICT', 'The fan is already a member of this group', 'input.applicationId');
    if (!(await takeSeat(tx, found.communityId)))
      throw new DomainError('COMMUNITY_FULL', 'The group is full: free a seat or raise its capacity, then approve again', 'input.applicationId');
    await tx.membership.upsert({
      where: { communityId_fanId: { communityId: found.communityId, fanId: found.fanId } },
      create: { orgId, communityId: found.communityId, fanId: found.fanId },
      update: { leftAt: null, joinedAt: new Date(), role: 'MEMBER' },
    });
    const events = await recordActivity(tx, [
      { orgId, communityId: found.communityId, fanId: found.fanId, kind: 'MEMBER_JOINED', payload: { applicationId: found.id } },
    ]);
    return { application: await tx.communityApplication.findUniqueOrThrow({ where: { id: found.id } }), events };
  });
  publishActivity(deps.pubsub, events);
  return application;
}

export async function rejectApplication(
  deps: Deps,
  orgId: string,
  decider: Decider,
  input: { applicationId: string; reason: string },
): Promise<CommunityApplication> {
  const reason = input.reason.trim();
  if (!reason) throw invalid('input.reason', 'input.reason: say why, for the fan');
  return deps.db.$transaction(async (tx) => {
    const found = await decidable(tx, orgId, decider, input.applicationId);
    await decide(tx, found, { status: 'REJECTED', reason }, decider);
    return tx.communityApplication.findUniqueOrThrow({ where: { id: found.id } });
  });
}
