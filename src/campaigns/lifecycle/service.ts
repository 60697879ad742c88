// Creating campaigns and moving them through their run:
//   DRAFT → SCHEDULED → RUNNING → ENDED, and DRAFT / SCHEDULED / RUNNING → CANCELLED.
// Every transition is one conditional UPDATE on the current status, so two operators pressing
// different buttons at once cannot both win.
import type { Context } from '../../core/context.js';
import type { Tx } from '../../core/db.js';
import { DomainError, notFound } from '../../core/errors.js';
import { type InputIssue, refuseIssues } from '../../core/input-rules.js';
import { enqueueJob } from '../../core/jobs/queue.js';
import { emitOutbound } from '../../core/outbound.js';
import type { Campaign, Prisma } from '../../generated/prisma/client.js';
import type { CampaignKind, CampaignStatus, PrizeKind } from '../../generated/prisma/enums.js';
import { COUPON_EXPIRY_TASK, type CouponExpiryJob } from '../coupons/service.js';
import { findCampaign } from '../lookup.js';

type Deps = Pick<Context, 'db'>;

// Each value's own bounds (lengths, ranges, list sizes) are declared on the input fields of the
// schema; what is checked here needs several fields at once, or the clock.
export interface CreateCampaignData {
  kind: CampaignKind;
  name: string;
  communityId?: string | null;
  liveSessionId?: string | null;
  startsAt?: Date | null;
  endsAt?: Date | null;
  like?: {
    targetLikes: number;
    milestoneEvery: number;
    winnersPerMilestone?: number | null;
    perFanWinCap?: number | null;
    membersOnly?: boolean | null;
    prizeName?: string | null;
  } | null;
  fission?: {
    targetInvites?: number | null;
    prizeName?: string | null;
    tiers?: { invites: number; prizeName: string; stock: number; kind?: PrizeKind | null; points?: number | null }[] | null;
    burstLimit?: number | null;
    burstWindowSecs?: number | null;
  } | null;
  checkIn?: { pointsPerCheckIn: number; streakBonuses?: { days: number; points: number }[] | null } | null;
  lottery?: {
    perFanDailyCap: number;
    perFanTotalCap: number;
    prizes: { name: string; weight: number; stock: number; kind?: PrizeKind | null; points?: number | null; perOccurrence?: number | null }[];
    missWeight?: number | null;
    /** ISO weekday 1–7. */
    recurOn?: number | null;
    perOccurrenceSpinCap?: number | null;
  } | null;
  coupon?: { title: string; discountCents: number; minSpendCents?: number | null; validUntil?: Date | null } | null;
}

/** Input key of each kind's settings block. */
const settingsKey = { LIKE: 'like', FISSION: 'fission', CHECK_IN: 'checkIn', LOTTERY: 'lottery', COUPON: 'coupon' } as const satisfies Record<
  CampaignKind,
  keyof CreateCampaignData
>;

/** Every way the campaign contradicts itself or the clock: one settings block matching the kind, endsAt > startsAt, milestoneEvery ≤ targetLikes… */
export function campaignIssues(input: CreateCampaignData, now = new Date()): InputIssue[] {
  const issues: InputIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path: `input.${path}`, message });
  const own = settingsKey[input.kind];
  if (input[own] == null) add(own, `required for a ${input.kind} campaign`);
  for (const key of Object.values(settingsKey))
    if (key !== own && input[key] != null) add(key, `not allowed for a ${input.kind} campaign (give only ${own})`);
  if (input.startsAt && input.endsAt && input.endsAt <= input.startsAt) add('endsAt', 'must be after startsAt');
  // "Only new fans count" is measured from startsAt, so a referral campaign must say when it starts.
  if (input.kind === 'FISSION' && !input.startsAt) add('startsAt', 'required for a FISSION campaign');
  const { like, fission, checkIn, lottery, coupon } = input;
  if (fission) {
    const single = fission.targetInvites != null || fission.prizeName != null;
    if (single && fission.tiers?.length) add('fission.tiers', 'give either tiers or the single prize (targetInvites and prizeName), not both');
    else if (!fission.tiers?.length) {
      if (fission.targetInvites == null) add('fission.targetInvites', 'required with prizeName (or give tiers instead)');
      if (fission.prizeName == null) add('fission.prizeName', 'required with targetInvites (or give tiers instead)');
    }
    const counts = new Set<number>();
    fission.tiers?.forEach((tier, i) => {
      if (counts.has(tier.invites)) add(`fission.tiers.${i}.invites`, `a tier at ${tier.invites} invites is listed twice`);
      counts.add(tier.invites);
      if (tier.kind === 'POINTS' && !tier.points) add(`fission.tiers.${i}.points`, 'required for a POINTS tier');
      if (tier.kind !== 'POINTS' && tier.points) add(`fission.tiers.${i}.points`, 'only for a POINTS tier (set kind: POINTS)');
    });
  }
  if (like && like.milestoneEvery > like.targetLikes) add('like.milestoneEvery', 'must not exceed targetLikes');
  if (like?.membersOnly && !input.communityId) add('like.membersOnly', 'needs communityId: the group whose members may like');
  const days = new Set<number>();
  checkIn?.streakBonuses?.forEach((b, i) => {
    if (days.has(b.days)) add(`checkIn.streakBonuses.${i}.days`, `streak length ${b.days} is listed twice`);
    days.add(b.days);
  });
  if (lottery) {
    if (lottery.perFanDailyCap > lottery.perFanTotalCap) add('lottery.perFanDailyCap', 'must not exceed perFanTotalCap');
    const names = new Set<string>();
    lottery.prizes.forEach((p, i) => {
      if (names.has(p.name)) add(`lottery.prizes.${i}.name`, `prize "${p.name}" is listed twice`);
      names.add(p.name);
      if (p.kind === 'POINTS' && !p.points) add(`lottery.prizes.${i}.points`, 'required for a POINTS prize');
      if (p.kind !== 'POINTS' && p.points) add(`lottery.prizes.${i}.points`, 'only for a POINTS prize (set kind: POINTS)');
    });
  }
  if (coupon?.minSpendCents && coupon.discountCents >= coupon.minSpendCents) add('coupon.discountCents', 'must be less than minSpendCents');
  if (coupon?.validUntil && coupon.validUntil <= now) add('coupon.validUntil', 'must be in the future');
  return issues;
}

export async function createCampaign(deps: Deps, orgId: string, input: CreateCampaignData, now = new Date()): Promise<Campaign> {
  refuseIssues(campaignIssues(input, now));
  return deps.db.$transaction(async (tx) => {
    if (input.communityId && !(await tx.community.findFirst({ where: { id: input.communityId, orgId }, select: { id: true } })))
      throw notFound('Community', 'input.communityId');
    if (input.liveSessionId && !(await tx.liveSession.findFirst({ where: { id: input.liveSessionId, orgId }, select: { id: true } })))
      throw notFound('Live session', 'input.liveSessionId');
    const campaign = await tx.campaign.create({
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
    // A coupon with a validUntil expires on its own: the unredeemed grants are marked then.
    if (input.coupon?.validUntil)
      await enqueueJob(tx, COUPON_EXPIRY_TASK, { orgId, campaignId: campaign.id } satisfies CouponExpiryJob, {
        runAt: input.coupon.validUntil,
        jobKey: `coupon-expiry:${campaign.id}`,
      });
    return campaign;
  });
}

function settingsOf(orgId: string, input: CreateCampaignData): Partial<Prisma.CampaignUncheckedCreateInput> {
  const { like, fission, checkIn, lottery, coupon } = input;
  if (like)
    return {
      like: {
        create: {
          targetLikes: like.targetLikes,
          milestoneEvery: like.milestoneEvery,
          winnersPerMilestone: like.winnersPerMilestone ?? 1,
          perFanWinCap: like.perFanWinCap ?? 1,
          membersOnly: like.membersOnly ?? false,
          prizeName: like.prizeName ?? null,
        },
      },
    };
  if (fission) {
    // A tiered campaign records its first tier as the target shown on posters ("invite 3, get a cola").
    const tiers = [...(fission.tiers ?? [])].sort((a, b) => a.invites - b.invites);
    return {
      fission: {
        create: {
          targetInvites: fission.targetInvites ?? tiers[0]!.invites,
          prizeName: fission.prizeName ?? tiers[0]!.prizeName,
          burstLimit: fission.burstLimit ?? 100,
          burstWindowSecs: fission.burstWindowSecs ?? 60,
          tiers: {
            create: tiers.map((tier) => ({
              orgId,
              invites: tier.invites,
              prizeName: tier.prizeName,
              stock: tier.stock,
              kind: tier.kind ?? 'GOODS',
              points: tier.points ?? 0,
            })),
          },
        },
      },
    };
  }
  if (checkIn) {
    const streakBonuses = Object.fromEntries((checkIn.streakBonuses ?? []).map((b) => [String(b.days), b.points]));
    return { checkIn: { create: { pointsPerCheckIn: checkIn.pointsPerCheckIn, streakBonuses } } };
  }
  if (lottery) {
    // Unset, "no prize" weighs as much as every prize together: a wheel never wins every spin by omission.
    const missWeight = lottery.missWeight ?? lottery.prizes.reduce((s, p) => s + p.weight, 0);
    const { perFanDailyCap, perFanTotalCap } = lottery;
    return {
      lottery: {
        create: {
          perFanDailyCap,
          perFanTotalCap,
          missWeight,
          recurWeekday: lottery.recurOn ?? null,
          perOccurrenceSpinCap: lottery.perOccurrenceSpinCap ?? null,
        },
      },
      prizes: {
        create: lottery.prizes.map((p) => ({
          orgId,
          name: p.name,
          weight: p.weight,
          stock: p.stock,
          kind: p.kind ?? 'GOODS',
          points: p.points ?? 0,
          perOccurrence: p.perOccurrence ?? null,
        })),
      },
    };
  }
  if (coupon)
    return {
      coupon: {
        create: {
          title: coupon.title,
          discountCents: coupon.discountCents,
          minSpendCents: coupon.minSpendCents ?? 0,
          validUntil: coupon.validUntil ?? null,
        },
      },
    };
  throw new Error('unreachable: campaignIssues requires the settings block of the kind');
}

export type Transition = 'schedule' | 'start' | 'end' | 'cancel';

/** The job that starts or ends a campaign at its planned time (registered in services.ts). */
export const CAMPAIGN_STEP_TASK = 'campaign.step';
export interface CampaignStep {
  orgId: string;
  campaignId: string;
  action: 'start' | 'end';
}

/** Runs a planned step; a campaign already moved on (started by hand, cancelled) is left as it is. */
export async function runCampaignStep(deps: Deps, step: CampaignStep): Promise<void> {
  await transitionCampaign(deps, step.orgId, step.campaignId, step.action).catch((e) => {
    if (!(e instanceof DomainError)) throw e;
  });
}

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
      if (campaign.endsAt && campaign.endsAt <= now)
        throw new DomainError('INVALID_STATE', `"${campaign.name}" would end at ${campaign.endsAt.toISOString()}, which has passed`, 'campaignId');
      if (campaign.kind === 'CHECK_IN') await assertNoOtherCheckInRunning(tx, orgId, id);
    }
    const data: Prisma.CampaignUpdateManyMutationInput = { status: to };
    // A campaign started or ended without planned times records when it really happened.
    if (action === 'start' && !campaign.startsAt) data.startsAt = now;
    if (action === 'end' && !campaign.endsAt) data.endsAt = now;
    const { count } = await tx.campaign.updateMany({ where: { id, orgId, status: { in: from } }, data });
    if (!count) throw refused(await findCampaign(tx, orgId, id, 'campaignId'), action);
    if (action === 'start' || action === 'end')
      await emitOutbound(tx, orgId, action === 'start' ? 'campaign.started' : 'campaign.ended', {
        campaignId: id,
        kind: campaign.kind,
        name: campaign.name,
      });
    // Planned times run themselves: scheduling queues the start at startsAt, starting queues the end at
    // endsAt (one job per campaign and step: the job key; a step already taken by hand is refused, ignored).
    const next = action === 'schedule' && campaign.startsAt ? 'start' : action === 'start' && campaign.endsAt ? 'end' : null;
    if (next)
      await enqueueJob(tx, CAMPAIGN_STEP_TASK, { orgId, campaignId: id, action: next } satisfies CampaignStep, {
        runAt: next === 'start' ? campaign.startsAt! : campaign.endsAt!,
        jobKey: `campaign:${next}:${id}`,
      });
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
  return new DomainError(
    'INVALID_STATE',
    `Cannot ${action} a ${campaign.status} campaign (allowed from ${transitions[action].from.join(' or ')})`,
    'campaignId',
  );
}
