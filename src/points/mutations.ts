// Points mutations: operators gift points and manage the catalogue; fans (or operators for them) redeem.
import { actingFanId, orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { refusals } from '../core/error-types.js';
import { range, text } from '../core/input-rules.js';
import { FanRef } from '../fans/types.js';
import { cancelRedemption, createReward, giftPoints, redeemReward, updateReward } from './service.js';
import { PointsEntryRef, RedemptionRef, RewardRef, RewardShelfEnum } from './types.js';

const GiftPointsInput = builder.inputType('GiftPointsInput', {
  description: 'Points an operator gives a fan, with the reason the fan will see.',
  fields: (t) => ({
    fanId: t.globalID({ for: FanRef, required: true, description: 'The fan receiving the points.' }),
    points: t.int({ required: true, description: 'How many points.', ...range(1, 100_000) }),
    note: t.string({ required: true, description: 'Why, e.g. "Thanks for defending us in the after-sales thread".', ...text(1, 200) }),
    idempotencyKey: t.string({ required: true, description: 'Unique per gift; retrying with the same key gives the points once.', ...text(8, 100) }),
  }),
});

const RewardAvailabilityInput = builder.inputType('RewardAvailabilityInput', {
  description:
    "When a reward can be redeemed: an absolute window and/or a yearly season in the organization's time zone (omit all for always). " +
    'A redemption outside it is refused with NOT_AVAILABLE; the catalogue hides it; `active: false` still overrides it all.',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', required: false, description: 'Redeemable from this instant; omit for no start.' }),
    until: t.field({ type: 'DateTime', required: false, description: 'Redeemable until this instant (excluded), after `from`; omit for no end.' }),
    seasonStart: t.string({
      required: false,
      description: 'First day of the yearly season, MM-DD (e.g. "11-01" for winter slippers); with seasonEnd.',
      ...text(5, 5),
    }),
    seasonEnd: t.string({
      required: false,
      description: 'Last day of the yearly season, MM-DD, included (e.g. "02-28"); earlier than seasonStart wraps the new year.',
      ...text(5, 5),
    }),
  }),
});

const CreateRewardInput = builder.inputType('CreateRewardInput', {
  description: 'A new points-mall reward.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Reward name.', ...text(1, 80) }),
    description: t.string({ required: false, description: 'What the fan gets.', ...text(0, 500) }),
    shelf: t.field({ type: RewardShelfEnum, required: true, description: 'Shelf it sits on.' }),
    costPoints: t.int({ required: true, description: 'Points it costs.', ...range(1, 1_000_000) }),
    stock: t.int({ required: true, description: 'Units available.', ...range(0, 1_000_000) }),
    availability: t.field({ type: RewardAvailabilityInput, required: false, description: 'When it can be redeemed; omit for always.' }),
  }),
});

const UpdateRewardInput = builder.inputType('UpdateRewardInput', {
  description: 'Changes to a reward; omitted fields stay as they are.',
  fields: (t) => ({
    rewardId: t.globalID({ for: RewardRef, required: true, description: 'The reward to change.' }),
    name: t.string({ required: false, description: 'New name.', ...text(1, 80) }),
    description: t.string({ required: false, description: 'New description.', ...text(0, 500) }),
    shelf: t.field({ type: RewardShelfEnum, required: false, description: 'New shelf.' }),
    costPoints: t.int({ required: false, description: 'New price in points.', ...range(1, 1_000_000) }),
    stock: t.int({ required: false, description: 'New stock level.', ...range(0, 1_000_000) }),
    active: t.boolean({
      required: false,
      description: 'The manual override: put on (true) or take off (false) the shelves, whatever the window says.',
    }),
    availability: t.field({
      type: RewardAvailabilityInput,
      required: false,
      description: 'Replaces the whole availability (window and season) when given; `{}` makes it always available; omit to keep it.',
    }),
  }),
});

const RedeemRewardInput = builder.inputType('RedeemRewardInput', {
  description: 'Spend points on a reward.',
  fields: (t) => ({
    rewardId: t.globalID({ for: RewardRef, required: true, description: 'The reward.' }),
    fanId: t.globalID({ for: FanRef, required: false, description: 'The fan; omit when the fan calls for themself.' }),
    idempotencyKey: t.string({
      required: true,
      description: 'Unique per redemption attempt; a retry with the same key never spends twice.',
      ...text(8, 100),
    }),
  }),
});

builder.mutationFields((t) => ({
  giftPoints: t.field({
    type: PointsEntryRef,
    errors: refusals('CONFLICT', 'NOT_FOUND'),
    description: 'Give a fan points (reason GIFT).',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: GiftPointsInput, required: true, description: 'The gift.' }) },
    resolve: (_root, { input }, ctx) => giftPoints(ctx, orgOf(ctx.viewer), { ...input, fanId: input.fanId.id }),
  }),
  createReward: t.field({
    type: RewardRef,
    errors: refusals(),
    description: 'Add a reward to the points mall, optionally with an availability window and/or a yearly season.',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: CreateRewardInput, required: true, description: 'The reward.' }) },
    resolve: (_root, { input }, ctx) => createReward(ctx, orgOf(ctx.viewer), input),
  }),
  updateReward: t.field({
    type: RewardRef,
    errors: refusals('NOT_FOUND'),
    description: 'Change a reward: price, stock, shelf, availability window and season, or take it off the shelves.',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: UpdateRewardInput, required: true, description: 'The changes.' }) },
    resolve: (_root, { input }, ctx) => {
      const { rewardId, name, description, shelf, costPoints, stock, active, availability } = input;
      return updateReward(ctx, orgOf(ctx.viewer), rewardId.id, {
        name: name ?? undefined,
        description: description ?? undefined,
        shelf: shelf ?? undefined,
        costPoints: costPoints ?? undefined,
        stock: stock ?? undefined,
        active: active ?? undefined,
        availability: availability ?? undefined,
      });
    },
  }),
  redeemReward: t.field({
    type: RedemptionRef,
    errors: refusals('CONFLICT', 'FORBIDDEN', 'INSUFFICIENT_POINTS', 'INVALID_STATE', 'NOT_AVAILABLE', 'NOT_FOUND', 'OUT_OF_STOCK'),
    description:
      'Redeem a reward with points: never oversells, never spends twice for one idempotency key. Refused with INVALID_STATE when taken off the shelves (active false), ' +
      "NOT_AVAILABLE outside its availability window or yearly season (in the organization's time zone).",
    authScopes: { fan: true, operatorWrite: true },
    args: { input: t.arg({ type: RedeemRewardInput, required: true, description: 'What to redeem, for whom.' }) },
    resolve: (_root, { input }, ctx) =>
      redeemReward(ctx, orgOf(ctx.viewer), {
        fanId: actingFanId(ctx.viewer, input.fanId?.id),
        rewardId: input.rewardId.id,
        idempotencyKey: input.idempotencyKey,
      }),
  }),
  cancelRedemption: t.field({
    type: RedemptionRef,
    errors: refusals('INVALID_STATE', 'NOT_FOUND'),
    description: 'Cancel a redemption: the stock and the points go back.',
    authScopes: { operatorWrite: true },
    args: { redemptionId: t.arg.globalID({ for: RedemptionRef, required: true, description: 'The redemption to cancel.' }) },
    resolve: (_root, { redemptionId }, ctx) => cancelRedemption(ctx, orgOf(ctx.viewer), redemptionId.id),
  }),
}));
