// Campaigns: like, fission (referral), check-in, member-day lottery and coupons. One Campaign node
// carries the common fields; each kind's own state hangs off it as a detail object.
import { builder } from '../core/builder.js';
import { orgIdOf } from '../core/context.js';
import { anyOf } from '../core/filters.js';
import { FanRef } from '../fans/types.js';

export const CampaignKindEnum = builder.enumType('CampaignKind', {
  description: 'What kind of campaign.',
  values: {
    LIKE: { description: 'Like the live room toward a target; milestones unlock lottery rounds.' },
    FISSION: { description: 'Referral: invite friends with a personal code, claim a prize at the target.' },
    CHECK_IN: { description: 'Daily check-in with streaks and points.' },
    LOTTERY: { description: 'Member-day prize wheel with odds, stock and per-fan caps.' },
    COUPON: { description: 'Live-room coupons pushed to the private domain.' },
  },
});

export const CampaignStatusEnum = builder.enumType('CampaignStatus', {
  description: 'Where a campaign is in its run.',
  values: {
    DRAFT: { description: 'Being prepared; fans cannot see it.' },
    SCHEDULED: { description: 'Will start at startsAt.' },
    RUNNING: { description: 'Open to fans.' },
    ENDED: { description: 'Finished normally.' },
    CANCELLED: { description: 'Called off.' },
  },
});

export const CampaignRef = builder.prismaNode('Campaign', {
  description: 'A campaign run in the private domain. Exactly one of the kind-specific fields is set, matching `kind`.',
  select: { id: true },
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    kind: t.expose('kind', { type: CampaignKindEnum, description: 'What kind of campaign.' }),
    name: t.exposeString('name', { description: 'Campaign name.' }),
    status: t.expose('status', { type: CampaignStatusEnum, description: 'Where the campaign is in its run.' }),
    startsAt: t.expose('startsAt', { type: 'DateTime', nullable: true, description: 'When it opens.' }),
    endsAt: t.expose('endsAt', { type: 'DateTime', nullable: true, description: 'When it closes.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    community: t.relation('community', { nullable: true, description: 'The group it runs in, if limited to one.' }),
    liveSession: t.relation('liveSession', { nullable: true, description: 'The live session it accompanies, if any.' }),
    like: t.relation('like', { nullable: true, description: 'Like-campaign state, for LIKE campaigns.' }),
    fission: t.relation('fission', { nullable: true, description: 'Referral settings, for FISSION campaigns.' }),
    checkIn: t.relation('checkIn', { nullable: true, description: 'Check-in rules, for CHECK_IN campaigns.' }),
    lottery: t.relation('lottery', { nullable: true, description: 'Per-fan caps, for LOTTERY campaigns.' }),
    coupon: t.relation('coupon', { nullable: true, description: 'The coupon, for COUPON campaigns.' }),
    prizes: t.relation('prizes', { description: 'Prizes on the wheel, for LOTTERY campaigns.', query: { orderBy: { name: 'asc' } } }),
  }),
});

builder.prismaObject('LikeCampaign', {
  description: 'Live like count toward a target; every `milestoneEvery` likes unlocks a lottery round.',
  select: { campaignId: true },
  fields: (t) => ({
    targetLikes: t.exposeInt('targetLikes', { description: 'The like count the room is aiming for.' }),
    milestoneEvery: t.exposeInt('milestoneEvery', { description: 'Likes between lottery rounds.' }),
    winnersPerMilestone: t.exposeInt('winnersPerMilestone', { description: 'Winners drawn at each milestone.' }),
    perFanWinCap: t.exposeInt('perFanWinCap', { description: 'Most rounds one fan can win in this campaign.' }),
    totalLikes: t.exposeInt('totalLikes', { description: 'Likes counted so far (durable total).' }),
    milestonesReached: t.exposeInt('milestonesReached', { description: 'Milestones reached so far.' }),
    participantCount: t.relationCount('contributions', { description: 'Fans who liked at least once.' }),
    draws: t.relation('draws', { description: 'Lottery rounds drawn, in milestone order.', query: { orderBy: { milestone: 'asc' } } }),
  }),
});

export const LikeDrawRef = builder.prismaObject('LikeDraw', {
  description: 'One lottery round of a like campaign: reproducible from its seed and the participant list.',
  // The participant snapshot can hold every fan who liked (tens of thousands): read only when asked.
  select: { id: true },
  fields: (t) => ({
    milestone: t.exposeInt('milestone', { description: 'Which milestone this round belongs to (1, 2, …).' }),
    seed: t.exposeString('seed', { description: 'The recorded random seed; re-running the draw with it gives the same winners.' }),
    participantCount: t.exposeInt('participantCount', { description: 'Eligible participants at draw time.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the round was drawn.' }),
    winners: t.field({
      type: [FanRef],
      description: 'Fans who won this round.',
      select: (_a, _c, nested) => ({ winners: { include: { fan: nested() } } }),
      resolve: (d) => d.winners.map((w) => w.fan),
    }),
  }),
});

builder.prismaObject('FissionCampaign', {
  description: 'Referral rules: invite `targetInvites` new fans to claim the prize.',
  fields: (t) => ({
    targetInvites: t.exposeInt('targetInvites', { description: 'Valid invites needed to claim the prize.' }),
    prizeName: t.exposeString('prizeName', { description: 'What the inviter gets.' }),
    burstLimit: t.exposeInt('burstLimit', { description: 'More invites than this within the burst window flags a code.' }),
    burstWindowSecs: t.exposeInt('burstWindowSecs', { description: 'The burst window, in seconds.' }),
    inviteCodes: t.relatedConnection('inviteCodes', {
      cursor: 'id',
      totalCount: true,
      description: 'Personal invite codes, most valid invites first.',
      query: { orderBy: [{ validInvites: 'desc' }, { id: 'asc' }] },
    }),
  }),
});

export const InviteCodeRef = builder.prismaNode('InviteCode', {
  description: "A fan's personal referral code in one fission campaign (a fan who accepts it sees its count, not its owner's profile).",
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    code: t.exposeString('code', { description: 'The code printed on the poster.' }),
    fan: t.relation('fan', { description: 'The inviter.' }),
    validInvites: t.exposeInt('validInvites', { description: 'Invites that still count.' }),
    flagged: t.exposeBoolean('flagged', { description: 'Flagged for a burst of invites; needs review.' }),
    claimedAt: t.expose('claimedAt', { type: 'DateTime', nullable: true, description: 'When the prize was claimed.' }),
  }),
});

builder.prismaObject('CheckInCampaign', {
  description: 'Daily check-in rules.',
  fields: (t) => ({
    pointsPerCheckIn: t.exposeInt('pointsPerCheckIn', { description: 'Points for each check-in.' }),
    streakBonuses: t.expose('streakBonuses', { type: 'JSON', description: 'Bonus points by streak length, e.g. {"7": 50}.' }),
  }),
});

builder.prismaObject('LotteryCampaign', {
  description: 'Member-day lottery caps.',
  fields: (t) => ({
    perFanDailyCap: t.exposeInt('perFanDailyCap', { description: 'Spins one fan may make per day.' }),
    perFanTotalCap: t.exposeInt('perFanTotalCap', { description: 'Spins one fan may make in the whole campaign.' }),
  }),
});

builder.prismaNode('Prize', {
  description: 'A prize on a lottery wheel.',
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Prize name.' }),
    weight: t.exposeInt('weight', { description: 'Relative odds against the other prizes and "no prize".' }),
    stock: t.exposeInt('stock', { description: 'Units left.' }),
  }),
});

builder.prismaObject('Coupon', {
  description: 'A live-room coupon pushed to the private domain, e.g. 3 off 99.',
  fields: (t) => ({
    title: t.exposeString('title', { description: 'Coupon title.' }),
    discountCents: t.exposeInt('discountCents', { description: 'Discount, in cents.' }),
    minSpendCents: t.exposeInt('minSpendCents', { description: 'Minimum order amount, in cents.' }),
    validUntil: t.expose('validUntil', { type: 'DateTime', nullable: true, description: 'Last moment it can be redeemed.' }),
    issuedCount: t.relationCount('grants', { description: 'Coupons issued.' }),
    redeemedCount: t.relationCount('grants', { where: { redeemedAt: { not: null } }, description: 'Coupons redeemed.' }),
  }),
});

export function campaignWhere(orgId: string, args: { kinds?: string[] | null; statuses?: string[] | null }) {
  return { orgId, kind: anyOf(args.kinds as never[]), status: anyOf(args.statuses as never[]) };
}
