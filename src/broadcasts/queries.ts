import { builder } from '../core/builder.js';
import { orgIdOf } from '../core/context.js';
import { BroadcastStatusEnum } from './types.js';

builder.queryFields((t) => ({
  broadcasts: t.prismaConnection({
    type: 'Broadcast',
    cursor: 'id',
    description: "The organization's group broadcasts, newest first, with their status and reach.",
    authScopes: { operator: true, partner: 'read' },
    args: { statuses: t.arg({ type: [BroadcastStatusEnum], required: false, description: 'Only broadcasts in these statuses.' }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.broadcast.findMany({
        ...query,
        where: { orgId: orgIdOf(ctx.viewer), status: args.statuses?.length ? { in: args.statuses } : undefined },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      }),
    totalCount: (_c, args, ctx) =>
      ctx.db.broadcast.count({ where: { orgId: orgIdOf(ctx.viewer), status: args.statuses?.length ? { in: args.statuses } : undefined } }),
  }),
}));
