// Creating campaigns and moving them through their run:
//   DRAFT → SCHEDULED → RUNNING → ENDED, and DRAFT / SCHEDULED / RUNNING → CANCELLED.
// Every transition is one conditional UPDATE on the current status, so two operators pressing
// different buttons at once cannot both win.
import type { Context } from '../../core/context.js';
import type { Tx } from '../../core/db.js';
import { DomainError, notFound } from '../../core/errors.js';
import type { Campaign, Prisma } from '../../generated/prisma/client.js';
import type { CampaignStatus } from '../../generated/prisma/enums.js';
import { findCampaign } from '../lookup.js';
import type { CreateCampaign } from './validation.js';

type Deps = Pick<Context, 'db'>;

export interface CreateCampaignData extends CreateCampaign {
  communityId?: string | null;
  liveSessionId?: string | null;
}

export async function createCampaign(deps: Deps, orgId: string, input: CreateCampaignData): Promise<Campaign> {
  return deps.db.$transaction(async (tx) => {
    if (input.communityId && !(await tx.community.findFirst({ where: { id: input.communityId, orgId }, select: { id: true } }))) throw notFound('Community', 'input.communityId');
    if (input.liveSessionId && !(await tx.liveSession.findFirst({ where: { id: input.liveSessionId, orgId }, select: { id: true } }))) throw notFound('Live session', 'input.liveSessionId');
    return tx.campaign.create({
      data: {
        orgId,
        kind: input.kind,
        name: input.name,
        communityId: input.communityId ?? null,
        liveSessionId: input.liveSessionId ?? null,
        startsAt: input.startsAt ?? null,
        endsAt: input.endsAt ?? null,
        ...settingsOf(orgId, input),
      },
    });
  });
}

function settingsOf(orgId: string, input: CreateCampaign): Partial<Prisma.CampaignUncheckedCreateInput> {
  const { like, fission, checkIn, lottery, coupon } = input;
  if (like) return { like: { create: { targetLikes: like.targetLikes, milestoneEvery: like.milestoneEvery, winnersPerMilestone: like.winnersPerMilestone ?? 1, perFanWinCap: like.perFanWinCap ?? 1 } } };
  if (fission) return { fission: { create: { targetInvites: fission.targetInvites, prizeName: fission.prizeName, burstLimit: fission.burstLimit ?? 100, burstWindowSecs: fission.burstWindowSecs ?? 60 } } };
  if (checkIn) {
    const streakBonuses = Object.fromEntries((checkIn.streakBonuses ?? []).map((b) => [String(b.days), b.points]));
    return { checkIn: { create: { pointsPerCheckIn: checkIn.pointsPerCheckIn, streakBonuses } } };
  }
  if (lottery) {
    return {
      lottery: { create: { perFanDailyCap: lottery.perFanDailyCap, perFanTotalCap: lottery.perFanTotalCap } },
      prizes: { create: lottery.prizes.map((p) => ({ orgId, name: p.name, weight: p.weight, stock: p.stock })) },
    };
  }
  if (coupon) return { coupon: { create: { title: coupon.title, discountCents: coupon.discountCents, minSpendCents: coupon.minSpendCents ?? 0, validUntil: coupon.validUntil ?? null } } };
  throw new Error('unreachable: validation guarantees one settings block');
}

export type Transition = 'schedule' | 'start' | 'end' | 'cancel';

const transitions: Record<Transition, { from: CampaignStatus[]; to: CampaignStatus }> = {
  schedule: { from: ['DRAFT'], to: 'SCHEDULED' },
  start: { from: ['SCHEDULED'], to: 'RUNNING' },
  end: { from: ['RUNNING'], to: 'ENDED' },
  cancel: { from: ['DRAFT', 'SCHEDULED', 'RUNNING'], to: 'CANCELLED' },
};

export async function transitionCampaign(deps: Deps, orgId: string, id: string, action: Transition, now = new Date()): Promise<Campaign> {
  const { from, to } = transitions[action];
  return deps.db.$transaction(async (tx) => {
    const campaign = await findCampaign(tx, orgId, id, 'campaignId');
    if (!from.includes(campaign.status)) throw refused(campaign, action);
    if (action === 'start') {
      if (campaign.endsAt && campaign.endsAt <= now) throw new DomainError('INVALID_STATE', `"${campaign.name}" would end at ${campaign.endsAt.toISOString()}, which has passed`, 'campaignId');
      if (campaign.kind === 'CHECK_IN') await assertNoOtherCheckInRunning(tx, orgId, id);
    }
    const data: Prisma.CampaignUpdateManyMutationInput = { status: to };
    // A campaign started or ended without planned times records when it really happened.
    if (action === 'start' && !campaign.startsAt) data.startsAt = now;
    if (action === 'end' && !campaign.endsAt) data.endsAt = now;
    const { count } = await tx.campaign.updateMany({ where: { id, orgId, status: { in: from } }, data });
    if (!count) throw refused(await findCampaign(tx, orgId, id, 'campaignId'), action);
    return tx.campaign.findUniqueOrThrow({ where: { id } });
  });
}

// Fans check in to "the" daily check-in: two running at once would pay twice. The organization row
// lock serializes concurrent starts, and READ COMMITTED lets the second see the first's commit.
async function assertNoOtherCheckInRunning(tx: Tx, orgId: string, id: string) {
  await tx.$queryRaw`SELECT "id" FROM "Organization" WHERE "id" = ${orgId} FOR UPDATE`;
  const running = await tx.campaign.findFirst({ where: { orgId, kind: 'CHECK_IN', status: 'RUNNING', id: { not: id } }, select: { name: true } });
  if (running) throw new DomainError('CONFLICT', `The check-in campaign "${running.name}" is already running; end it first`, 'campaignId');
}

function refused(campaign: Campaign, action: Transition) {
  return new DomainError('INVALID_STATE', `Cannot ${action} a ${campaign.status} campaign (allowed from ${transitions[action].from.join(' or ')})`, 'campaignId');
}
