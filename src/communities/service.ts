// Running groups: create and update a group's settings, move it through its lifecycle, set roles.
import type { Context } from '../core/context.js';
import type { Tx } from '../core/db.js';
import { DomainError, invalid, notFound } from '../core/errors.js';
import { isUniqueViolation } from '../core/prisma-errors.js';
import type { Community, Membership } from '../generated/prisma/client.js';
import type { CommunityKind, CommunityLifecycle, MemberRole } from '../generated/prisma/enums.js';
import { newInviteCode } from './chain.js';

type Deps = Pick<Context, 'db' | 'pubsub'>;

export interface CommunitySettings {
  name: string;
  category?: string | null;
  capacity: number;
  minOrders: number;
  minIntimacy: number;
  rules?: string | null;
  ownerId?: string | null;
  assistantIds?: string[];
  /** Fans apply (answering joinQuestion) and an assistant or admin decides; needs a joinQuestion. */
  requiresApplication?: boolean | null;
  joinQuestion?: string | null;
}

/** A group that admits by application must ask its question. */
function checkApplicationRules(s: { requiresApplication?: boolean | null; joinQuestion?: string | null }) {
  if (s.requiresApplication && !s.joinQuestion)
    throw invalid('input.joinQuestion', 'input.joinQuestion: a group that admits by application needs a question for applicants');
}

/** The chat platform caps a group at 500; SMALL and LARGE groups are defined by their size. */
export function checkKindRules(kind: CommunityKind, s: { capacity?: number; category?: string | null }) {
  if (s.capacity !== undefined) {
    if (kind === 'SMALL' && s.capacity > 30) throw invalid('input.capacity', 'input.capacity: a SMALL group holds at most 30 members');
    if (kind === 'LARGE' && s.capacity < 200) throw invalid('input.capacity', 'input.capacity: a LARGE group holds at least 200 members');
  }
  if (kind === 'VERTICAL' && s.category === null) throw invalid('input.category', 'input.category: a VERTICAL group needs a product category');
}

/** Owner and assistants must be operators of the same organization. */
async function checkOperators(tx: Tx, orgId: string, ownerId: string | null | undefined, assistantIds: string[] | undefined) {
  const ids = [...new Set([...(ownerId ? [ownerId] : []), ...(assistantIds ?? [])])];
  if (!ids.length) return;
  const found = new Set((await tx.operator.findMany({ where: { orgId, id: { in: ids } }, select: { id: true } })).map((o) => o.id));
  if (ownerId && !found.has(ownerId)) throw notFound('Operator', 'input.ownerId');
  const missing = (assistantIds ?? []).findIndex((id) => !found.has(id));
  if (missing >= 0) throw notFound('Operator', `input.assistantIds.${missing}`);
}

export async function createCommunity(
  deps: Deps,
  orgId: string,
  input: CommunitySettings & { kind: CommunityKind; lifecycle?: CommunityLifecycle | null },
): Promise<Community> {
  checkKindRules(input.kind, { capacity: input.capacity, category: input.category ?? null });
  checkApplicationRules(input);
  // A clash of random invite codes is retried with a fresh code (the clash aborts the transaction).
  for (let attempt = 0; ; attempt++) {
    try {
      return await deps.db.$transaction(async (tx) => {
        await checkOperators(tx, orgId, input.ownerId, input.assistantIds);
        return tx.community.create({
          data: {
            orgId,
            name: input.name,
            kind: input.kind,
            category: input.category ?? null,
            capacity: input.capacity,
            minOrders: input.minOrders,
            minIntimacy: input.minIntimacy,
            rules: input.rules ?? null,
            requiresApplication: input.requiresApplication ?? false,
            joinQuestion: input.joinQuestion ?? null,
            ownerId: input.ownerId ?? null,
            lifecycle: input.lifecycle ?? 'ACTIVATING',
            inviteCode: newInviteCode(),
            assistants: { create: [...new Set(input.assistantIds ?? [])].map((operatorId) => ({ operatorId })) },
          },
        });
      });
    } catch (e) {
      if (!isUniqueViolation(e) || attempt >= 2) throw e;
    }
  }
}

export async function updateCommunity(deps: Deps, orgId: string, id: string, patch: Partial<CommunitySettings>): Promise<Community> {
  return deps.db.$transaction(async (tx) => {
    const current = await tx.community.findFirst({ where: { id, orgId } });
    if (!current) throw notFound('Community', 'input.communityId');
    checkKindRules(current.kind, { capacity: patch.capacity, category: patch.category });
    checkApplicationRules({
      requiresApplication: patch.requiresApplication ?? current.requiresApplication,
      joinQuestion: patch.joinQuestion === undefined ? current.joinQuestion : patch.joinQuestion,
    });
    await checkOperators(tx, orgId, patch.ownerId, patch.assistantIds);
    const { assistantIds, requiresApplication, ...rest } = patch;
    const fields = { ...rest, ...(requiresApplication == null ? {} : { requiresApplication }) };
    if (patch.capacity !== undefined) {
      // Conditional, so a join racing this update cannot leave more members than seats.
      const { count } = await tx.community.updateMany({ where: { id, memberCount: { lte: patch.capacity } }, data: { capacity: patch.capacity } });
      if (!count) {
        const { memberCount } = await tx.community.findUniqueOrThrow({ where: { id } });
        throw invalid('input.capacity', `input.capacity: the group already has ${memberCount} members`);
      }
    }
    if (assistantIds) {
      await tx.communityAssistant.deleteMany({ where: { communityId: id } });
      await tx.communityAssistant.createMany({ data: [...new Set(assistantIds)].map((operatorId) => ({ communityId: id, operatorId })) });
    }
    return tx.community.update({ where: { id }, data: fields });
  });
}

/** Allowed lifecycle moves; anything else (including staying put) is INVALID_STATE. */
export const LIFECYCLE_MOVES: Record<CommunityLifecycle, CommunityLifecycle[]> = {
  ACTIVATING: ['ACTIVE'],
  ACTIVE: ['DECLINING'],
  DECLINING: ['DORMANT', 'ACTIVE'],
  DORMANT: ['ACTIVE'],
};

export async function setCommunityLifecycle(deps: Deps, orgId: string, id: string, to: CommunityLifecycle): Promise<Community> {
  const from = (Object.keys(LIFECYCLE_MOVES) as CommunityLifecycle[]).filter((s) => LIFECYCLE_MOVES[s].includes(to));
  return deps.db.$transaction(async (tx) => {
    // The from-state is part of the WHERE, so two racing moves cannot both apply.
    const { count } = await tx.community.updateMany({ where: { id, orgId, lifecycle: { in: from } }, data: { lifecycle: to } });
    const community = await tx.community.findFirst({ where: { id, orgId } });
    if (!community) throw notFound('Community', 'input.communityId');
    if (!count) throw new DomainError('INVALID_STATE', `A group cannot move from ${community.lifecycle} to ${to}`, 'input.lifecycle');
    return community;
  });
}

export async function setMemberRole(deps: Deps, orgId: string, input: { communityId: string; fanId: string; role: MemberRole }): Promise<Membership> {
  return deps.db.$transaction(async (tx) => {
    const { count } = await tx.membership.updateMany({
      where: { orgId, communityId: input.communityId, fanId: input.fanId, leftAt: null },
      data: { role: input.role },
    });
    if (!count) {
      const community = await tx.community.findFirst({ where: { id: input.communityId, orgId }, select: { id: true } });
      if (!community) throw notFound('Community', 'input.communityId');
      throw new DomainError('NOT_FOUND', 'The fan is not a member of this group', 'input.fanId');
    }
    return tx.membership.findUniqueOrThrow({ where: { communityId_fanId: { communityId: input.communityId, fanId: input.fanId } } });
  });
}
