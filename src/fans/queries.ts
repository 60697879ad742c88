import { builder } from '../core/builder.js';
import { orgIdOf } from '../core/context.js';
import { type FanSortField, fanOrderBy, fanWhere } from './filters.js';
import { FanFilterInput, FanOrderInput, toFanFilter } from './types.js';

builder.queryFields((t) => ({
  fans: t.prismaConnection({
    type: 'Fan',
    cursor: 'id',
    description: 'Fans of your organization, filtered and sorted.',
    authScopes: { operator: true, partner: 'read' },
    args: {
      filter: t.arg({ type: FanFilterInput, required: false, description: 'Conditions every returned fan meets.' }),
      orderBy: t.arg({ type: FanOrderInput, required: false, description: 'Sort order; newest first by default.' }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.fan.findMany({
        ...query,
        where: fanWhere(orgIdOf(ctx.viewer), toFanFilter(args.filter)),
        orderBy: fanOrderBy(args.orderBy?.field as FanSortField | undefined, args.orderBy?.direction ?? 'DESC'),
      }),
    totalCount: (_conn, args, ctx) => ctx.db.fan.count({ where: fanWhere(orgIdOf(ctx.viewer), toFanFilter(args.filter)) }),
  }),
  tags: t.prismaField({
    type: ['Tag'],
    description: 'Every tag in your organization, by name.',
    authScopes: { operator: true, partner: 'read' },
    resolve: (query, _root, _args, ctx) => ctx.db.tag.findMany({ ...query, where: { orgId: orgIdOf(ctx.viewer) }, orderBy: { name: 'asc' } }),
  }),
  segments: t.prismaField({
    type: ['Segment'],
    description: 'Saved segments, by name.',
    authScopes: { operator: true },
    resolve: (query, _root, _args, ctx) => ctx.db.segment.findMany({ ...query, where: { orgId: orgIdOf(ctx.viewer) }, orderBy: { name: 'asc' } }),
  }),
}));

builder.queryFields((t) => ({
  tagRules: t.prismaField({
    type: ['TagRule'],
    description: "The organization's tag rules, by name.",
    authScopes: { operator: true },
    resolve: (query, _root, _args, ctx) =>
      ctx.db.tagRule.findMany({ ...query, where: { orgId: orgIdOf(ctx.viewer) }, orderBy: [{ name: 'asc' }, { id: 'asc' }], take: 500 }),
  }),
}));
