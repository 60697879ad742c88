import { builder } from '../core/builder.js';
import { orgIdOf } from '../core/context.js';
import { anyOf } from '../core/filters.js';
import { FanRef } from '../fans/types.js';
import { availableNowWhere } from './availability.js';
import { PointsReasonEnum, RewardOrderEnum, RewardShelfEnum, SHELF_ORDER_RULE } from './types.js';

builder.queryFields((t) => ({
  pointsLedger: t.prismaConnection({
    type: 'PointsEntry',
    cursor: 'id',
    description: 'Points ledger entries, newest first.',
    authScopes: { operator: true, partner: 'read' },
    args: {
      fanId: t.arg.globalID({ for: FanRef, required: false, description: "Only this fan's entries." }),
      reasons: t.arg({ type: [PointsReasonEnum], required: false, description: 'Only these reasons.' }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.pointsEntry.findMany({
        ...query,
        where: { orgId: orgIdOf(ctx.viewer), fanId: args.fanId?.id, reason: anyOf(args.reasons) },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      }),
  }),
  rewards: t.prismaField({
    type: ['Reward'],
    description: `The points-mall catalogue. By default only what a fan can redeem now (active, inside its window, in season). ${SHELF_ORDER_RULE}`,
    authScopes: { operator: true, partner: 'read', fan: true },
    args: {
      shelf: t.arg({ type: RewardShelfEnum, required: false, description: 'Only this shelf.' }),
      activeOnly: t.arg.boolean({
        required: false,
        defaultValue: true,
        description: 'Only rewards redeemable now: active, inside their window and in season (false: every reward, e.g. for the console).',
      }),
      orderBy: t.arg({ type: RewardOrderEnum, required: false, defaultValue: 'SHELF', description: "SHELF (the mall's order, default) or COST." }),
    },
    resolve: async (query, _root, args, ctx) => {
      const orgId = orgIdOf(ctx.viewer);
      const now = args.activeOnly
        ? availableNowWhere(
            new Date(),
            (await ctx.db.organization.findUniqueOrThrow({ where: { id: orgId }, select: { timeZone: true } })).timeZone,
            ctx.db.reward.fields,
          )
        : {};
      return ctx.db.reward.findMany({
        ...query,
        where: { orgId, shelf: args.shelf ?? undefined, ...now },
        orderBy: args.orderBy === 'COST' ? [{ costPoints: 'asc' }, { id: 'asc' }] : [{ shelf: 'asc' }, { costPoints: 'asc' }, { id: 'asc' }],
      });
    },
  }),
}));
