// Campaign creation (one input, one settings block per kind) and status transitions, for operators.

import { CommunityRef } from '../../communities/types.js';
import { orgOf } from '../../core/acting.js';
import { builder } from '../../core/builder.js';
import { refusals } from '../../core/error-types.js';
import { items, range, text } from '../../core/input-rules.js';
import { LiveSessionRef } from '../../live/types.js';
import { PrizeKindEnum, WeekdayEnum } from '../lottery/types.js';
import { CampaignKindEnum, CampaignRef } from '../types.js';
import { createCampaign, type Transition, transitionCampaign } from './service.js';

const LikeSettingsInput = builder.inputType('LikeCampaignSettingsInput', {
  description: 'Settings of a LIKE campaign.',
  fields: (t) => ({
    targetLikes: t.int({ required: true, description: 'The like count the room aims for.', ...range(1, 100_000_000) }),
    milestoneEvery: t.int({ required: true, description: 'Likes between lottery rounds; at most targetLikes.', ...range(1, 100_000_000) }),
    winnersPerMilestone: t.int({ required: false, description: 'Winners drawn per milestone (default 1).', ...range(1, 1_000) }),
    perFanWinCap: t.int({ required: false, description: 'Most rounds one fan can win (default 1).', ...range(1, 1_000) }),
    membersOnly: t.boolean({
      required: false,
      description:
        "Admit only current members of the campaign's group (communityId required): others' likes are refused with FORBIDDEN (default false).",
    }),
    prizeName: t.string({
      required: false,
      description: 'What each draw winner is owed (goods: one fulfilment per winner); omit when winners get nothing to ship.',
      ...text(1, 80),
    }),
  }),
});

const FissionTierInput = builder.inputType('FissionTierInput', {
  description: 'A prize tier: a fan whose code reaches `invites` valid invites may claim it once, while stock lasts.',
  fields: (t) => ({
    invites: t.int({ required: true, description: 'Valid invites needed; each tier of a campaign has its own count.', ...range(1, 10_000) }),
    prizeName: t.string({ required: true, description: 'What the fan gets at this tier, e.g. "Cola (6-pack)".', ...text(1, 80) }),
    stock: t.int({
      required: true,
      description: 'Units available; a claim takes one, a cancelled fulfilment gives it back.',
      ...range(0, 1_000_000),
    }),
    kind: t.field({
      type: PrizeKindEnum,
      required: false,
      description: 'GOODS (default: a claim owes a fulfilment) or POINTS (a claim credits `points` at once).',
    }),
    points: t.int({
      required: false,
      description: 'Points a POINTS tier credits; required for POINTS, not allowed for GOODS.',
      ...range(1, 1_000_000),
    }),
  }),
});

const FissionSettingsInput = builder.inputType('FissionCampaignSettingsInput', {
  description:
    'Settings of a FISSION (referral) campaign: either one prize (targetInvites and prizeName, claimed with claimFissionPrize) or prize tiers (claimed one by one with claimFissionTier), not both.',
  fields: (t) => ({
    targetInvites: t.int({
      required: false,
      description: 'Valid invites needed to claim the single prize; with prizeName, instead of tiers.',
      ...range(1, 1_000),
    }),
    prizeName: t.string({ required: false, description: 'The single prize; with targetInvites, instead of tiers.', ...text(1, 80) }),
    tiers: t.field({
      type: [FissionTierInput],
      required: false,
      description: 'Prize tiers (e.g. 3 invites → cola, 10 → tissues, 30 → shampoo), instead of the single prize; invite counts unique.',
      ...items(1, 10),
    }),
    burstLimit: t.int({
      required: false,
      description: 'More invites than this within the burst window flag a code (default 100).',
      ...range(1, 100_000),
    }),
    burstWindowSecs: t.int({ required: false, description: 'The burst window in seconds (default 60).', ...range(1, 86_400) }),
  }),
});

const StreakBonusInput = builder.inputType('StreakBonusInput', {
  description: 'Bonus points for reaching a check-in streak.',
  fields: (t) => ({
    days: t.int({ required: true, description: 'Streak length in days, each listed once.', ...range(2, 366) }),
    points: t.int({ required: true, description: 'Bonus points at that streak.', ...range(1, 100_000) }),
  }),
});

const CheckInSettingsInput = builder.inputType('CheckInCampaignSettingsInput', {
  description: 'Settings of a CHECK_IN campaign.',
  fields: (t) => ({
    pointsPerCheckIn: t.int({ required: true, description: 'Points for each check-in.', ...range(0, 10_000) }),
    streakBonuses: t.field({ type: [StreakBonusInput], required: false, description: 'Bonuses by streak length.', extensions: { maxItems: 20 } }),
  }),
});

const PrizeInput = builder.inputType('LotteryPrizeInput', {
  description: 'A prize on the lottery wheel.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Prize name, unique in the campaign.', ...text(1, 80) }),
    weight: t.int({ required: true, description: 'Relative odds.', ...range(1, 1_000_000) }),
    stock: t.int({ required: true, description: 'Units available.', ...range(0, 1_000_000) }),
    kind: t.field({
      type: PrizeKindEnum,
      required: false,
      description: 'GOODS (default: a win owes a fulfilment) or POINTS (a win credits `points` at once).',
    }),
    points: t.int({
      required: false,
      description: 'Points a POINTS prize credits; required for POINTS, not allowed for GOODS.',
      ...range(1, 1_000_000),
    }),
    perOccurrence: t.int({
      required: false,
      description: 'Most units given out on one occurrence (open day) of the wheel, e.g. 50 towels each Friday; omit for stock alone.',
      ...range(1, 1_000_000),
    }),
  }),
});

const LotterySettingsInput = builder.inputType('LotteryCampaignSettingsInput', {
  description: 'Settings of a LOTTERY (member-day wheel) campaign.',
  fields: (t) => ({
    perFanDailyCap: t.int({ required: true, description: 'Spins per fan per day; at most perFanTotalCap.', ...range(1, 100) }),
    perFanTotalCap: t.int({ required: true, description: 'Spins per fan in the whole campaign.', ...range(1, 1_000) }),
    prizes: t.field({ type: [PrizeInput], required: true, description: 'The wheel.', ...items(1, 20) }),
    missWeight: t.int({
      required: false,
      description:
        'Relative weight of "no prize" against the prizes\' weights (0: every spin wins while stock lasts). Default: the sum of the prizes\' weights, so half the spins miss.',
      ...range(0, 100_000_000),
    }),
    recurOn: t.field({
      type: WeekdayEnum,
      required: false,
      description:
        "A recurring wheel (e.g. member day every FRIDAY): open only on this weekday in the organization's time zone; omit to open every day.",
    }),
    perOccurrenceSpinCap: t.int({
      required: false,
      description:
        'Most spins, all fans together, on one occurrence (one open day); omit for no cap. Per-fan caps per occurrence are perFanDailyCap.',
      ...range(1, 10_000_000),
    }),
  }),
});

const CouponSettingsInput = builder.inputType('CouponCampaignSettingsInput', {
  description: 'Settings of a COUPON campaign.',
  fields: (t) => ({
    title: t.string({ required: true, description: 'Coupon title, e.g. "¥3 off orders over ¥99".', ...text(1, 80) }),
    discountCents: t.int({ required: true, description: 'Discount in cents; less than minSpendCents when that is set.', ...range(1, 10_000_000) }),
    minSpendCents: t.int({ required: false, description: 'Minimum order amount in cents (default 0: no minimum).', ...range(0, 100_000_000) }),
    validUntil: t.field({ type: 'DateTime', required: false, description: 'Last moment it can be redeemed; in the future.' }),
  }),
});

const CreateCampaignInput = builder.inputType('CreateCampaignInput', {
  description: 'A new campaign, created as DRAFT. Give exactly the settings block that matches `kind`.',
  fields: (t) => ({
    kind: t.field({ type: CampaignKindEnum, required: true, description: 'What kind of campaign.' }),
    name: t.string({ required: true, description: 'Campaign name.', ...text(1, 80) }),
    communityId: t.globalID({
      for: CommunityRef,
      required: false,
      description: 'The group it runs in (a referral campaign voids invitees who leave this group).',
    }),
    liveSessionId: t.globalID({ for: LiveSessionRef, required: false, description: 'The live session it accompanies.' }),
    startsAt: t.field({
      type: 'DateTime',
      required: false,
      description: 'When it opens; required for FISSION (only fans created since then count).',
    }),
    endsAt: t.field({ type: 'DateTime', required: false, description: 'When it closes; after startsAt.' }),
    like: t.field({ type: LikeSettingsInput, required: false, description: 'For kind LIKE only.' }),
    fission: t.field({ type: FissionSettingsInput, required: false, description: 'For kind FISSION only.' }),
    checkIn: t.field({ type: CheckInSettingsInput, required: false, description: 'For kind CHECK_IN only.' }),
    lottery: t.field({ type: LotterySettingsInput, required: false, description: 'For kind LOTTERY only.' }),
    coupon: t.field({ type: CouponSettingsInput, required: false, description: 'For kind COUPON only.' }),
  }),
});

const transitionDocs: Record<Transition, string> = {
  schedule: 'Schedule a DRAFT campaign (→ SCHEDULED).',
  start: 'Open a SCHEDULED campaign to fans (→ RUNNING). Only one CHECK_IN campaign may run at a time (CONFLICT).',
  end: 'End a RUNNING campaign (→ ENDED).',
  cancel: 'Call off a DRAFT, SCHEDULED or RUNNING campaign (→ CANCELLED).',
};

builder.mutationFields((t) => ({
  createCampaign: t.prismaField({
    type: 'Campaign',
    errors: refusals('NOT_FOUND'),
    description: 'Create a campaign of any kind as DRAFT, with its kind-specific settings.',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: CreateCampaignInput, required: true, description: 'The campaign.' }) },
    resolve: async (query, _root, { input }, ctx) => {
      const created = await createCampaign(ctx, orgOf(ctx.viewer), {
        ...input,
        communityId: input.communityId?.id,
        liveSessionId: input.liveSessionId?.id,
      });
      return ctx.db.campaign.findUniqueOrThrow({ ...query, where: { id: created.id } });
    },
  }),
  scheduleCampaign: transitionField(t, 'schedule'),
  startCampaign: transitionField(t, 'start'),
  endCampaign: transitionField(t, 'end'),
  cancelCampaign: transitionField(t, 'cancel'),
}));

type MutationFieldBuilder = Parameters<Parameters<typeof builder.mutationFields>[0]>[0];

function transitionField(t: MutationFieldBuilder, action: Transition) {
  return t.prismaField({
    type: 'Campaign',
    errors: refusals('CONFLICT', 'INVALID_STATE', 'NOT_FOUND'),
    description: `${transitionDocs[action]} Any other starting status is refused with INVALID_STATE.`,
    authScopes: { operatorWrite: true },
    args: { campaignId: t.arg.globalID({ for: CampaignRef, required: true, description: 'The campaign.' }) },
    resolve: async (query, _root, { campaignId }, ctx) => {
      const moved = await transitionCampaign(ctx, orgOf(ctx.viewer), campaignId.id, action);
      return ctx.db.campaign.findUniqueOrThrow({ ...query, where: { id: moved.id } });
    },
  });
}
