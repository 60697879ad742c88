// Points mutations: operators gift points and manage the catalogue; fans (or operators for them) redeem.
import { z } from 'zod';
import { actingFanId, orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { parseInput } from '../core/validation.js';
import { FanRef } from '../fans/schema.js';
import { PointsEntryRef, RedemptionRef, RewardRef, RewardShelfEnum } from './schema.js';
import { cancelRedemption, createReward, giftPoints, redeemReward, updateReward } from './service.js';

const idempotencyKey = z.string().trim().min(8, 'must be at least 8 characters').max(100, 'must be at most 100 characters');

const GiftPointsInput = builder.inputType('GiftPointsInput', {
  description: 'Points an operator gives a fan, with the reason the fan will see.',
  fields: (t) => ({
    fanId: t.globalID({ for: FanRef, required: true, description: 'The fan receiving the points.' }),
    points: t.int({ required: true, description: 'How many points, 1 to 100,000.' }),
    note: t.string({ required: true, description: 'Why, e.g. "Thanks for defending us in the after-sales thread".' }),
    idempotencyKey: t.string({ required: true, description: 'Unique per gift; retrying with the same key gives the points once.' }),
  }),
});

const RewardFields = {
  name: z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters'),
  description: z.string().trim().max(500, 'must be at most 500 characters').nullish(),
  costPoints: z.number().int().min(1, 'must be at least 1').max(1_000_000, 'must be at most 1,000,000'),
  stock: z.number().int().min(0, 'must not be negative').max(1_000_000, 'must be at most 1,000,000'),
};

const CreateRewardInput = builder.inputType('CreateRewardInput', {
  description: 'A new points-mall reward.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Reward name, 1–80 characters.' }),
    description: t.string({ required: false, extensions: { maxLength: 500 }, description: 'What the fan gets, up to 500 characters.' }),
    shelf: t.field({ type: RewardShelfEnum, required: true, description: 'Shelf it sits on.' }),
    costPoints: t.int({ required: true, description: 'Points it costs (1–1,000,000).' }),
    stock: t.int({ required: true, description: 'Units available (0–1,000,000).' }),
  }),
});

const UpdateRewardInput = builder.inputType('UpdateRewardInput', {
  description: 'Changes to a reward; omitted fields stay as they are.',
  fields: (t) => ({
    rewardId: t.globalID({ for: RewardRef, required: true, description: 'The reward to change.' }),
    name: t.string({ required: false, description: 'New name.' }),
    description: t.string({ required: false, extensions: { maxLength: 500 }, description: 'New description, up to 500 characters.' }),
    shelf: t.field({ type: RewardShelfEnum, required: false, description: 'New shelf.' }),
    costPoints: t.int({ required: false, description: 'New price in points.' }),
    stock: t.int({ required: false, description: 'New stock level.' }),
    active: t.boolean({ required: false, description: 'Put on (true) or take off (false) the shelves.' }),
  }),
});

const RedeemRewardInput = builder.inputType('RedeemRewardInput', {
  description: 'Spend points on a reward.',
  fields: (t) => ({
    rewardId: t.globalID({ for: RewardRef, required: true, description: 'The reward.' }),
    fanId: t.globalID({ for: FanRef, required: false, description: 'The fan; omit when the fan calls for themself.' }),
    idempotencyKey: t.string({ required: true, description: 'Unique per redemption attempt (8–100 chars); a retry with the same key never spends twice.' }),
  }),
});

builder.mutationFields((t) => ({
  giftPoints: t.field({
    type: PointsEntryRef,
    errors: {},
    description: 'Give a fan points (reason GIFT).',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: GiftPointsInput, required: true, description: 'The gift.' }) },
    resolve: (_root, { input }, ctx) => {
      const v = parseInput(
        z.object({ points: z.number().int().min(1, 'must be at least 1').max(100_000, 'must be at most 100,000'), note: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'), idempotencyKey }),
        input,
      );
      return giftPoints(ctx, orgOf(ctx.viewer), { fanId: input.fanId.id, ...v });
    },
  }),
  createReward: t.field({
    type: RewardRef,
    errors: {},
    description: 'Add a reward to the points mall.',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: CreateRewardInput, required: true, description: 'The reward.' }) },
    resolve: (_root, { input }, ctx) => createReward(ctx, orgOf(ctx.viewer), { ...parseInput(z.object(RewardFields), input), shelf: input.shelf }),
  }),
  updateReward: t.field({
    type: RewardRef,
    errors: {},
    description: 'Change a reward: price, stock, shelf, or take it off the shelves.',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: UpdateRewardInput, required: true, description: 'The changes.' }) },
    resolve: (_root, { input }, ctx) => {
      const { rewardId, shelf, active, ...rest } = input;
      const v = parseInput(z.object(RewardFields).partial(), Object.fromEntries(Object.entries(rest).filter(([, x]) => x != null)));
      return updateReward(ctx, orgOf(ctx.viewer), rewardId.id, { ...v, shelf: shelf ?? undefined, active: active ?? undefined });
    },
  }),
  redeemReward: t.field({
    type: RedemptionRef,
    errors: {},
    description: 'Redeem a reward with points: never oversells, never spends twice for one idempotency key.',
    authScopes: { fan: true, operatorWrite: true },
    args: { input: t.arg({ type: RedeemRewardInput, required: true, description: 'What to redeem, for whom.' }) },
    resolve: (_root, { input }, ctx) => {
      const v = parseInput(z.object({ idempotencyKey }), input);
      return redeemReward(ctx, orgOf(ctx.viewer), { fanId: actingFanId(ctx.viewer, input.fanId?.id), rewardId: input.rewardId.id, idempotencyKey: v.idempotencyKey });
    },
  }),
  cancelRedemption: t.field({
    type: RedemptionRef,
    errors: {},
    description: 'Cancel a redemption: the stock and the points go back.',
    authScopes: { operatorWrite: true },
    args: { redemptionId: t.arg.globalID({ for: RedemptionRef, required: true, description: 'The redemption to cancel.' }) },
    resolve: (_root, { redemptionId }, ctx) => cancelRedemption(ctx, orgOf(ctx.viewer), redemptionId.id),
  }),
}));
