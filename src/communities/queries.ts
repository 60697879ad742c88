import { builder } from '../core/builder.js';
import { orgIdOf } from '../core/context.js';
import { anyOf, within } from '../core/filters.js';
import { ActivityKindEnum, CommunityKindEnum, CommunityLifecycleEnum, CommunityRef, communityWhere } from './types.js';

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
}));
