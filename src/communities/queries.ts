import { builder } from '../core/builder.js';
import { type Context, orgIdOf } from '../core/context.js';
import { anyOf, within } from '../core/filters.js';
import { FanRef } from '../fans/types.js';
import { fittingGroupIds } from './fit.js';
import {
  ActivityKindEnum,
  ApplicationStatusEnum,
  CommunityApplicationRef,
  CommunityKindEnum,
  CommunityLifecycleEnum,
  CommunityRef,
  communityWhere,
} from './types.js';

builder.queryFields((t) => ({
  communities: t.prismaConnection({
    type: 'Community',
    cursor: 'id',
    description: 'Groups of your organization, by name.',
    authScopes: { operator: true, partner: 'read' },
    args: {
      kinds: t.arg({ type: [CommunityKindEnum], required: false, description: 'Only these kinds.' }),
      lifecycles: t.arg({ type: [CommunityLifecycleEnum], required: false, description: 'Only these lifecycle stages.' }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.community.findMany({ ...query, where: communityWhere(orgIdOf(ctx.viewer), args), orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
    totalCount: (_c, args, ctx) => ctx.db.community.count({ where: communityWhere(orgIdOf(ctx.viewer), args) }),
  }),
  activity: t.prismaConnection({
    type: 'ActivityEvent',
    cursor: 'id',
    description: 'The activity feed across your groups, newest first.',
    authScopes: { operator: true, partner: 'read' },
    args: {
      communityId: t.arg.globalID({ for: CommunityRef, required: false, description: 'Only this group.' }),
      kinds: t.arg({ type: [ActivityKindEnum], required: false, description: 'Only these kinds of event.' }),
      since: t.arg({ type: 'DateTime', required: false, description: 'At or after this instant.' }),
      until: t.arg({ type: 'DateTime', required: false, description: 'Before this instant.' }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.activityEvent.findMany({
        ...query,
        where: {
          orgId: orgIdOf(ctx.viewer),
          communityId: args.communityId?.id,
          kind: anyOf(args.kinds),
          occurredAt: within(args.since, args.until),
        },
        orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      }),
  }),
  groupsForFan: t.prismaField({
    type: ['Community'],
    description:
      'Which groups fit this fan, for routing (at most 20): groups the fan is not in, not DORMANT, with a free seat, whose minOrders and minIntimacy the fan meets; ' +
      'a VERTICAL group only when the fan bought its category (an order line {"category": …} of a paid order), a KOC group only for KOCs. ' +
      'Groups of a category the fan bought first, then the most free seats. NOT_FOUND for a fan not in your organization.',
    authScopes: { operator: true },
    args: { fanId: t.arg.globalID({ for: FanRef, required: true, description: 'The fan to route.' }) },
    resolve: async (query, _root, args, ctx) => {
      const ids = await fittingGroupIds(ctx.db, orgIdOf(ctx.viewer), args.fanId.id);
      const groups = await ctx.db.community.findMany({ ...query, where: { id: { in: ids } } });
      return ids.map((id) => groups.find((g) => g.id === id)!).filter(Boolean);
    },
  }),
  communityApplications: t.prismaConnection({
    type: 'CommunityApplication',
    cursor: 'id',
    description: "Applications to join groups, oldest first: an operator sees the organization's, a fan only their own (and so their status).",
    authScopes: { operator: true, fan: true },
    args: {
      communityId: t.arg.globalID({ for: CommunityRef, required: false, description: 'Only this group.' }),
      statuses: t.arg({ type: [ApplicationStatusEnum], required: false, description: 'Only these statuses, e.g. [PENDING].' }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.communityApplication.findMany({ ...query, where: applicationWhere(ctx, args), orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    totalCount: (_c, args, ctx) => ctx.db.communityApplication.count({ where: applicationWhere(ctx, args) }),
  }),
}));

function applicationWhere(ctx: Context, args: { communityId?: { id: string } | null; statuses?: ('PENDING' | 'APPROVED' | 'REJECTED')[] | null }) {
  const v = ctx.viewer;
  return {
    orgId: orgIdOf(v),
    fanId: v.kind === 'fan' ? v.fanId : undefined,
    communityId: args.communityId?.id,
    status: anyOf(args.statuses),
  };
}
