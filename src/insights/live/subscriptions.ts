// Live dashboard subscriptions: today's numbers, pushed when they change, at most once a second.

import { CommunityRef } from '../../communities/types.js';
import { orgOf } from '../../core/acting.js';
import { builder } from '../../core/builder.js';
import { notFound } from '../../core/errors.js';
import type { GroupMetrics } from '../groups/service.js';
import { GroupMetricsRef } from '../groups/types.js';

builder.subscriptionFields((t) => ({
  organizationMetrics: t.field({
    type: GroupMetricsRef,
    description:
      "Today's numbers for the whole organization (its time zone's day): the current numbers first, then whenever they change, at most once a second.",
    authScopes: { operator: true, partner: 'read' },
    extensions: { broadcast: true },
    subscribe: (_root, _args, ctx) => ctx.services.insightMetrics.watch(orgOf(ctx.viewer), null),
    resolve: (m) => m as GroupMetrics,
  }),
  communityMetrics: t.field({
    type: GroupMetricsRef,
    description: "Today's numbers for one group: the current numbers first, then whenever they change, at most once a second.",
    authScopes: { operator: true, partner: 'read' },
    extensions: { broadcast: true },
    args: { communityId: t.arg.globalID({ for: CommunityRef, required: true, description: 'The group to watch.' }) },
    subscribe: async (_root, args, ctx) => {
      const orgId = orgOf(ctx.viewer);
      if (!(await ctx.db.community.count({ where: { id: args.communityId.id, orgId } }))) throw notFound('Community', 'communityId');
      return ctx.services.insightMetrics.watch(orgId, args.communityId.id);
    },
    resolve: (m) => m as GroupMetrics,
  }),
}));
