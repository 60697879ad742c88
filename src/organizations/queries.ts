import { encodeGlobalID } from '@pothos/plugin-relay';
import { orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { orgIdOf } from '../core/context.js';
import { signedInOperator, ViewerRef } from './types.js';

builder.queryFields((t) => ({
  viewer: t.field({
    type: ViewerRef,
    description: 'Who you are, with your own profile (`fan` or `operator`). Open to every caller, so a client can check its credential.',
    authScopes: { public: true },
    resolve: (_root, _args, ctx) => ({
      kind: ctx.viewer.kind.toUpperCase() as 'ANONYMOUS',
      organizationId: ctx.viewer.orgId && encodeGlobalID('Organization', ctx.viewer.orgId),
    }),
  }),
  organization: t.prismaField({
    type: 'Organization',
    nullable: true,
    description: "The caller's organization.",
    authScopes: { operator: true, partner: 'read' },
    resolve: (query, _root, _args, ctx) => ctx.db.organization.findUnique({ ...query, where: { id: orgIdOf(ctx.viewer) } }),
  }),
  me: t.prismaField({
    type: 'Operator',
    nullable: true,
    description: 'The signed-in operator (operators only; `viewer` answers every caller, fans included).',
    authScopes: { operator: true },
    resolve: (query, _root, _args, ctx) => signedInOperator(query, ctx),
  }),
}));
builder.queryFields((t) => ({
  apiKeys: t.prismaField({
    type: ['ApiKey'],
    description: "The organization's partner API keys, newest first (revoked ones included).",
    authScopes: { operatorAdmin: true },
    resolve: (query, _root, _args, ctx) =>
      ctx.db.apiKey.findMany({ ...query, where: { orgId: orgOf(ctx.viewer) }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] }),
  }),
}));
