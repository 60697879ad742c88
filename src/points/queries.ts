import { builder } from '../core/builder.js';
import { orgIdOf } from '../core/context.js';
import { anyOf } from '../core/filters.js';
import { FanRef } from '../fans/types.js';
import { PointsReasonEnum, RewardShelfEnum } from './types.js';

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
    description: 'The points-mall catalogue, cheapest first.',
    authScopes: { operator: true, partner: 'read', fan: true },
    args: {
      shelf: t.arg({ type: RewardShelfEnum, required: false, description: 'Only this shelf.' }),
      activeOnly: t.arg.boolean({ required: false, defaultValue: true, description: 'Hide rewards taken off the shelves.' }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.reward.findMany({
        ...query,
        where: { orgId: orgIdOf(ctx.viewer), shelf: args.shelf ?? undefined, active: args.activeOnly ? true : undefined },
        orderBy: [{ costPoints: 'asc' }, { id: 'asc' }],
      }),
  }),
}));
