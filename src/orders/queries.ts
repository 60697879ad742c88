import { CommunityRef } from '../communities/types.js';
import { builder } from '../core/builder.js';
import { orgIdOf } from '../core/context.js';
import { FanRef } from '../fans/types.js';
import { LiveSessionRef } from '../live/types.js';
import { orderWhere } from './types.js';

builder.queryFields((t) => ({
  orders: t.prismaConnection({
    type: 'Order',
    cursor: 'id',
    description: 'Orders, newest first.',
    authScopes: { operator: true, partner: 'read' },
    args: {
      fanId: t.arg.globalID({ for: FanRef, required: false, description: "Only this fan's orders." }),
      communityId: t.arg.globalID({ for: CommunityRef, required: false, description: 'Only orders attributed to this group.' }),
      liveSessionId: t.arg.globalID({ for: LiveSessionRef, required: false, description: 'Only orders from this session.' }),
      kocId: t.arg.globalID({ for: FanRef, required: false, description: 'Only orders attributed to this KOC.' }),
      from: t.arg({ type: 'DateTime', required: false, description: 'Placed at or after this instant.' }),
      to: t.arg({ type: 'DateTime', required: false, description: 'Placed before this instant.' }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.order.findMany({ ...query, where: orderWhere(orgIdOf(ctx.viewer), args), orderBy: [{ placedAt: 'desc' }, { id: 'desc' }] }),
    totalCount: (_c, args, ctx) => ctx.db.order.count({ where: orderWhere(orgIdOf(ctx.viewer), args) }),
  }),
}));
