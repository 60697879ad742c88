// Result types of campaigns and live sessions (src/insights/results/service.ts computes them).
import { builder } from '../../core/builder.js';
import type { CheckInResults, CouponResults, FissionResults, LikeResults, SessionFunnel } from './service.js';

export const LikeResultsRef = builder.objectRef<LikeResults>('LikeCampaignResults').implement({
  description: 'How a like campaign went. GMV counts paid orders of its participants (refunds excluded).',
  fields: (t) => ({
    participants: t.exposeInt('participants', { description: 'Fans who sent at least one like.' }),
    likes: t.exposeInt('likes', { description: 'Likes received.' }),
    milestonesReached: t.exposeInt('milestonesReached', { description: 'Milestones reached (each unlocks a draw).' }),
    winners: t.exposeInt('winners', { description: 'Winners drawn over all milestones.' }),
    participantGmvDuringCents: t.field({
      type: 'Float',
      description: 'GMV of participants from the start to the end (or now, while it runs), in cents.',
      resolve: (r) => r.participantGmvDuringCents,
    }),
    participantGmvAfterCents: t.field({
      type: 'Float',
      description: 'GMV of participants in the 7 days after the end (so far), in cents; 0 before the end.',
      resolve: (r) => r.participantGmvAfterCents,
    }),
  }),
});

export const FissionResultsRef = builder.objectRef<FissionResults>('FissionCampaignResults').implement({
  description: 'How a referral campaign went.',
  fields: (t) => ({
    codes: t.exposeInt('codes', { description: 'Invite codes handed out.' }),
    validInvites: t.exposeInt('validInvites', { description: 'Invites that count (not voided).' }),
    voidedInvites: t.exposeInt('voidedInvites', { description: 'Invites voided (the invitee left within the window).' }),
    flaggedCodes: t.exposeInt('flaggedCodes', { description: 'Codes flagged for a burst of invites.' }),
    prizesClaimed: t.exposeInt('prizesClaimed', { description: 'Codes whose owner claimed the prize.' }),
    inviteesWhoOrdered: t.exposeInt('inviteesWhoOrdered', { description: 'Validly invited fans with a paid order placed after their invite.' }),
    inviteeFirstOrderGmvCents: t.field({
      type: 'Float',
      description: "GMV of those fans' first paid order after the invite, in cents.",
      resolve: (r) => r.inviteeFirstOrderGmvCents,
    }),
  }),
});

const CheckInDayRef = builder.objectRef<CheckInResults['days'][number]>('CheckInDayCount').implement({
  description: 'Check-ins on one day.',
  fields: (t) => ({
    day: t.exposeString('day', { description: "The day (YYYY-MM-DD, the organization's calendar)." }),
    checkIns: t.exposeInt('checkIns', { description: 'Check-ins that day.' }),
  }),
});

const StreakCountRef = builder.objectRef<CheckInResults['streaks'][number]>('CheckInStreakCount').implement({
  description: 'How many fans reached a given longest streak.',
  fields: (t) => ({
    streak: t.exposeInt('streak', { description: 'Longest streak reached in the campaign, in days.' }),
    fans: t.exposeInt('fans', { description: 'Fans whose longest streak is this.' }),
  }),
});

export const CheckInResultsRef = builder.objectRef<CheckInResults>('CheckInCampaignResults').implement({
  description: 'How a check-in campaign went.',
  fields: (t) => ({
    checkIns: t.exposeInt('checkIns', { description: 'Check-ins under this campaign.' }),
    fans: t.exposeInt('fans', { description: 'Fans who checked in at least once.' }),
    days: t.field({ type: [CheckInDayRef], description: 'Check-ins per day, oldest first (days without any left out).', resolve: (r) => r.days }),
    streaks: t.field({
      type: [StreakCountRef],
      description: 'Fans by their longest streak in the campaign, shortest first.',
      resolve: (r) => r.streaks,
    }),
  }),
});

export const CouponResultsRef = builder.objectRef<CouponResults>('CouponCampaignResults').implement({
  description: 'How a coupon went, and whether it lifted spending: fans who redeemed against fans who were issued it and did not.',
  fields: (t) => ({
    issued: t.exposeInt('issued', { description: 'Fans issued the coupon.' }),
    redeemed: t.exposeInt('redeemed', { description: 'Fans who redeemed it.' }),
    redeemingGmvCents: t.field({
      type: 'Float',
      description: 'GMV of the paid orders it was redeemed on, in cents.',
      resolve: (r) => r.redeemingGmvCents,
    }),
    gmvPerRedeemerCents: t.exposeFloat('gmvPerRedeemerCents', {
      description: 'Average paid GMV per redeeming fan from the first issue to the end of validity (or now), in cents.',
    }),
    gmvPerNonRedeemerCents: t.exposeFloat('gmvPerNonRedeemerCents', { description: 'The same for fans issued the coupon who did not redeem it.' }),
    lift: t.exposeFloat('lift', {
      nullable: true,
      description: 'gmvPerRedeemerCents / gmvPerNonRedeemerCents − 1 (0.8 = 80% more); null when the others bought nothing.',
    }),
  }),
});

export const SessionResultsRef = builder
  .objectRef<SessionFunnel & { platformOrderCount: number; platformGmvCents: number }>('LiveSessionResults')
  .implement({
    description:
      "A live session's funnel (reserved → reminded → ordered) and its GMV, the private domain's (orders imported for it) apart from the total the live platform reported.",
    fields: (t) => ({
      reservedFans: t.exposeInt('reservedFans', { description: 'Fans who reserved the session or one of its items.' }),
      remindedFans: t.exposeInt('remindedFans', {
        description: 'Of them, fans the reminders reached: not opted out, once the session went live (0 before).',
      }),
      orderedFans: t.exposeInt('orderedFans', { description: 'Of the reserved fans, those with a paid order in the session.' }),
      privateDomainOrders: t.exposeInt('privateDomainOrders', { description: 'Paid orders imported for the session.' }),
      privateDomainGmvCents: t.field({ type: 'Float', description: 'GMV of those orders, in cents.', resolve: (r) => r.privateDomainGmvCents }),
      platformOrderCount: t.exposeInt('platformOrderCount', { description: 'Orders the live platform last reported for the whole session.' }),
      platformGmvCents: t.field({
        type: 'Float',
        description: 'GMV the live platform last reported for the whole session, in cents.',
        resolve: (r) => r.platformGmvCents,
      }),
    }),
  });
