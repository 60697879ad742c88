import { builder } from '../core/builder.js';
import { orgIdOf } from '../core/context.js';
import { LiveSessionStatusEnum, sessionWhere, WishStatusEnum } from './types.js';

builder.queryFields((t) => ({
  liveSessions: t.prismaConnection({
    type: 'LiveSession',
    cursor: 'id',
    description: 'The live schedule, earliest first.',
    authScopes: { operator: true, partner: 'read' },
    args: {
      statuses: t.arg({ type: [LiveSessionStatusEnum], required: false, description: 'Only these statuses.' }),
      from: t.arg({ type: 'DateTime', required: false, description: 'Scheduled at or after this instant.' }),
      to: t.arg({ type: 'DateTime', required: false, description: 'Scheduled before this instant.' }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.liveSession.findMany({ ...query, where: sessionWhere(orgIdOf(ctx.viewer), args), orderBy: [{ scheduledAt: 'asc' }, { id: 'asc' }] }),
    totalCount: (_c, args, ctx) => ctx.db.liveSession.count({ where: sessionWhere(orgIdOf(ctx.viewer), args) }),
  }),
  wishes: t.prismaConnection({
    type: 'Wish',
    cursor: 'id',
    description: 'The wish list, most voted first.',
    authScopes: { operator: true, partner: 'read' },
    args: { status: t.arg({ type: WishStatusEnum, required: false, description: 'Only wishes in this status.' }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.wish.findMany({
        ...query,
        where: { orgId: orgIdOf(ctx.viewer), status: args.status ?? undefined },
        orderBy: [{ voteCount: 'desc' }, { id: 'asc' }],
      }),
  }),
}));
