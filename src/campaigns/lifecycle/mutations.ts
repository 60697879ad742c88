// Campaign creation (one input, one settings block per kind) and status transitions, for operators.
import { orgOf } from '../../core/acting.js';
import { builder } from '../../core/builder.js';
import { parseInput } from '../../core/validation.js';
import { refusals } from '../../core/error-types.js';
import { CommunityRef } from '../../communities/schema.js';
import { LiveSessionRef } from '../../live/schema.js';
import { CampaignKindEnum, CampaignRef } from '../schema.js';
import { createCampaign, transitionCampaign, type Transition } from './service.js';
import { createCampaignSchema } from './validation.js';

const LikeSettingsInput = builder.inputType('LikeCampaignSettingsInput', {
  description: 'Settings of a LIKE campaign.',
  fields: (t) => ({
    targetLikes: t.int({ required: true, description: 'The like count the room aims for (1–100,000,000).' }),
    milestoneEvery: t.int({ required: true, description: 'Likes between lottery rounds; at most targetLikes.' }),
    winnersPerMilestone: t.int({ required: false, description: 'Winners drawn per milestone (1–1,000; default 1).' }),
    perFanWinCap: t.int({ required: false, description: 'Most rounds one fan can win (1–1,000; default 1).' }),
  }),
});

const FissionSettingsInput = builder.inputType('FissionCampaignSettingsInput', {
  description: 'Settings of a FISSION (referral) campaign.',
  fields: (t) => ({
    targetInvites: t.int({ required: true, description: 'Valid invites needed to claim the prize (1–1,000).' }),
    prizeName: t.string({ required: true, description: 'What the inviter gets, 1–80 characters.' }),
    burstLimit: t.int({ required: false, description: 'More invites than this within the burst window flag a code (default 100).' }),
    burstWindowSecs: t.int({ required: false, description: 'The burst window in seconds, 1–86,400 (default 60).' }),
  }),
});

const StreakBonusInput = builder.inputType('StreakBonusInput', {
  description: 'Bonus points for reaching a check-in streak.',
  fields: (t) => ({
    days: t.int({ required: true, description: 'Streak length in days (2–366), each listed once.' }),
    points: t.int({ required: true, description: 'Bonus points at that streak (1–100,000).' }),
  }),
});

const CheckInSettingsInput = builder.inputType('CheckInCampaignSettingsInput', {
  description: 'Settings of a CHECK_IN campaign.',
  fields: (t) => ({
    pointsPerCheckIn: t.int({ required: true, description: 'Points for each check-in (0–10,000).' }),
    streakBonuses: t.field({ type: [StreakBonusInput], required: false, description: 'Bonuses by streak length (at most 20).' }),
  }),
});

const PrizeInput = builder.inputType('LotteryPrizeInput', {
  description: 'A prize on the lottery wheel.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Prize name, 1–80 characters, unique in the campaign.' }),
    weight: t.int({ required: true, description: 'Relative odds (1–1,000,000).' }),
    stock: t.int({ required: true, description: 'Units available (0–1,000,000).' }),
  }),
});

const LotterySettingsInput = builder.inputType('LotteryCampaignSettingsInput', {
  description: 'Settings of a LOTTERY (member-day wheel) campaign.',
  fields: (t) => ({
    perFanDailyCap: t.int({ required: true, description: 'Spins per fan per day (1–100); at most perFanTotalCap.' }),
    perFanTotalCap: t.int({ required: true, description: 'Spins per fan in the whole campaign (1–1,000).' }),
    prizes: t.field({ type: [PrizeInput], required: true, description: 'The wheel: 1–20 prizes.' }),
  }),
});

const CouponSettingsInput = builder.inputType('CouponCampaignSettingsInput', {
  description: 'Settings of a COUPON campaign.',
  fields: (t) => ({
    title: t.string({ required: true, description: 'Coupon title, 1–80 characters, e.g. "¥3 off orders over ¥99".' }),
    discountCents: t.int({ required: true, description: 'Discount in cents; less than minSpendCents when that is set.' }),
    minSpendCents: t.int({ required: false, description: 'Minimum order amount in cents (default 0: no minimum).' }),
    validUntil: t.field({ type: 'DateTime', required: false, description: 'Last moment it can be redeemed; in the future.' }),
  }),
});

const CreateCampaignInput = builder.inputType('CreateCampaignInput', {
  description: 'A new campaign, created as DRAFT. Give exactly the settings block that matches `kind`.',
  fields: (t) => ({
    kind: t.field({ type: CampaignKindEnum, required: true, description: 'What kind of campaign.' }),
    name: t.string({ required: true, description: 'Campaign name, 1–80 characters.' }),
    communityId: t.globalID({ for: CommunityRef, required: false, description: 'The group it runs in (a referral campaign voids invitees who leave this group).' }),
    liveSessionId: t.globalID({ for: LiveSessionRef, required: false, description: 'The live session it accompanies.' }),
    startsAt: t.field({ type: 'DateTime', required: false, description: 'When it opens; required for FISSION (only fans created since then count).' }),
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
      const v = parseInput(createCampaignSchema, input);
      const created = await createCampaign(ctx, orgOf(ctx.viewer), { ...v, communityId: input.communityId?.id, liveSessionId: input.liveSessionId?.id });
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
