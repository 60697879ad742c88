import { encodeGlobalID } from '@pothos/plugin-relay';
import { orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { orgIdOf } from '../core/context.js';
import { within } from '../core/filters.js';
import { OperatorRef, signedInOperator, ViewerRef } from './types.js';

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

builder.queryFields((t) => ({
  operatorInvitations: t.prismaField({
    type: ['OperatorInvitation'],
    description: "The organization's staff invitations, newest first (redeemed, replaced and expired ones included). Owners and admins.",
    authScopes: { operatorAdmin: true },
    resolve: (query, _root, _args, ctx) =>
      ctx.db.operatorInvitation.findMany({
        ...query,
        where: { orgId: orgOf(ctx.viewer) },
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        take: 200,
      }),
  }),
  auditLog: t.prismaConnection({
    type: 'AuditEntry',
    cursor: 'id',
    description:
      'Every operator mutation of the organization, newest first: who, which mutation, its redacted arguments and outcome. Append-only. Owners and admins.',
    authScopes: { operatorAdmin: true },
    args: {
      operatorId: t.arg.globalID({ for: OperatorRef, required: false, description: 'Only this operator.' }),
      mutation: t.arg.string({ required: false, description: 'Only this mutation, e.g. "deactivateOperator".' }),
      since: t.arg({ type: 'DateTime', required: false, description: 'At or after this instant.' }),
      until: t.arg({ type: 'DateTime', required: false, description: 'Before this instant.' }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.auditEntry.findMany({ ...query, where: auditWhere(orgOf(ctx.viewer), args), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    totalCount: (_c, args, ctx) => ctx.db.auditEntry.count({ where: auditWhere(orgOf(ctx.viewer), args) }),
  }),
}));

function auditWhere(orgId: string, args: { operatorId?: { id: string } | null; mutation?: string | null; since?: Date | null; until?: Date | null }) {
  return { orgId, operatorId: args.operatorId?.id, mutation: args.mutation ?? undefined, createdAt: within(args.since, args.until) };
}
