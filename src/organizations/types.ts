import { builder } from '../core/builder.js';
import { type Context, orgIdOf } from '../core/context.js';
import type { PARTNER_SCOPES } from './api-keys.js';

export const OperatorRoleEnum = builder.enumType('OperatorRole', {
  description: 'What an operator may do in the console.',
  values: {
    OWNER: { description: 'Runs the organization; everything, including keys and operators.' },
    ADMIN: { description: 'Manages communities, campaigns and operators.' },
    OPERATOR: { description: 'Day-to-day community and campaign work.' },
    ANALYST: { description: 'Reads everything, changes nothing.' },
  },
});

const QuietHoursRef = builder.simpleObject('QuietHours', {
  description: "A daily window in the organization's time zone; it crosses midnight when end is earlier than start.",
  fields: (t) => ({
    start: t.string({ description: 'When they begin, "HH:MM".' }),
    end: t.string({ description: 'When they end, "HH:MM" (exclusive).' }),
  }),
});

export const OrganizationRef = builder.prismaNode('Organization', {
  description: "A streamer's or brand's operating team: the tenant every other object belongs to.",
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: { id: orgIdOf(ctx.viewer) } }),
  fields: (t) => ({
    slug: t.exposeString('slug', { description: 'Short unique handle, used by the development credential.' }),
    name: t.exposeString('name', { description: 'Display name of the organization.' }),
    timeZone: t.exposeString('timeZone', { description: 'IANA time zone that defines "today" for check-ins and schedules.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the organization was created.' }),
    quietHours: t.field({
      type: QuietHoursRef,
      nullable: true,
      select: { quietHoursStart: true, quietHoursEnd: true },
      description: 'Daily quiet hours in its time zone, during which non-crisis broadcasts are held; null: none.',
      resolve: (o) => (o.quietHoursStart && o.quietHoursEnd ? { start: o.quietHoursStart, end: o.quietHoursEnd } : null),
    }),
    operators: t.relation('operators', {
      description: 'Staff of the organization, by display name. Not for fans.',
      authScopes: { operator: true, partner: 'read' },
      query: { orderBy: { displayName: 'asc' } },
    }),
  }),
});

export const OperatorRef = builder.prismaNode('Operator', {
  description: 'A staff member of the organization: community assistant, group admin, campaign manager or analyst. Hidden from fans.',
  id: { field: 'id' },
  nullable: true,
  // Wherever an operator is reachable from (a community's owner, a mutation's result), fans are refused.
  authScopes: (_operator, ctx) => ctx.viewer.kind !== 'fan',
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    email: t.exposeString('email', { description: 'Sign-in e-mail, unique within the organization.' }),
    displayName: t.exposeString('displayName', { description: 'Name shown in the console.' }),
    persona: t.exposeString('persona', { nullable: true, description: 'The persona fans see in groups, e.g. "Assistant Jujube".' }),
    avatarUrl: t.exposeString('avatarUrl', { nullable: true, description: "The persona's picture in groups (an https URL)." }),
    role: t.expose('role', { type: OperatorRoleEnum, description: 'What this operator may do.' }),
    active: t.boolean({
      description: 'False once deactivated: a deactivated operator cannot sign in, and their tokens are refused on the next request.',
      resolve: (o) => !o.deactivatedAt,
    }),
    deactivatedAt: t.expose('deactivatedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the operator was deactivated; null while active.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the operator was added.' }),
    ownedCommunities: t.relation('ownedCommunities', { description: 'Communities this operator owns.' }),
  }),
});

const ViewerKind = builder.enumType('ViewerKind', {
  description: 'The kind of caller.',
  values: {
    ANONYMOUS: { description: 'No credential was presented.' },
    OPERATOR: { description: 'A staff member of an organization.' },
    FAN: { description: 'A fan using the mini-program or H5 page.' },
    PARTNER: { description: 'An external system with an API key.' },
    PLATFORM: { description: 'The platform admin (PLATFORM_ADMIN_TOKEN), who creates organizations and belongs to none.' },
  },
});

export const ViewerRef = builder.simpleObject('Viewer', {
  description:
    "The caller of this request and the organization it acts in: a client's first query. A fan gets their own profile in `fan`, an operator their record in `operator`.",
  fields: (t) => ({
    kind: t.field({ type: ViewerKind, description: 'What kind of caller this is.' }),
    organizationId: t.id({ nullable: true, description: 'Global id of the organization, when the caller has one.' }),
  }),
});

/** The caller's own Operator row (with the fields the query selects), or null for any other caller. */
export function signedInOperator(query: object, ctx: Context) {
  const selection = { ...query }; // spread even when unused: Pothos refuses a resolver that ignores its query
  return ctx.viewer.kind === 'operator' ? ctx.db.operator.findUnique({ ...selection, where: { id: ctx.viewer.operatorId } }) : null;
}

builder.objectFields(ViewerRef, (t) => ({
  organization: t.prismaField({
    type: 'Organization',
    nullable: true,
    description:
      "The caller's organization (its name, and the time zone that decides a check-in's day); null for anonymous callers and partner keys without `read`.",
    resolve: (query, _viewer, _args, ctx) => {
      const v = ctx.viewer;
      const selection = { ...query }; // spread even when unused: Pothos refuses a resolver that ignores its query
      return !v.orgId || (v.kind === 'partner' && !v.scopes.includes('read'))
        ? null
        : ctx.db.organization.findUnique({ ...selection, where: { id: v.orgId } });
    },
  }),
  operator: t.prismaField({
    type: 'Operator',
    nullable: true,
    description: 'The signed-in operator; null for every other caller.',
    resolve: (query, _viewer, _args, ctx) => signedInOperator(query, ctx),
  }),
}));

export const PartnerScopeEnum = builder.enumType('PartnerScope', {
  description: 'What a partner API key may do.',
  values: {
    READ: { value: 'read', description: 'Read the organization: fans, communities, orders, sessions, campaigns, activity.' },
    IMPORT: { value: 'import', description: 'Import fans and orders, refund orders, redeem coupons.' },
    EVENTS: { value: 'events', description: 'Report community activity and invite acceptances.' },
    LIKES: { value: 'likes', description: 'Forward like batches from the live room.' },
    LIVE: { value: 'live', description: 'Report live statistics, put items on sale, follow live-session events.' },
    FULFILMENT: {
      value: 'fulfilment',
      description: 'A warehouse: list prizes owed to fans (with their shipping addresses), mark them shipped or delivered.',
    },
    WEBHOOKS: { value: 'webhooks', description: "Register and list the organization's webhook endpoints (outbound events)." },
  } satisfies Record<Uppercase<(typeof PARTNER_SCOPES)[number]>, { value: (typeof PARTNER_SCOPES)[number]; description: string }>,
});

// Type-level scopes: even through node(id) only admins see keys, never partners or analysts.
export const ApiKeyRef = builder.prismaNode('ApiKey', {
  description: "A partner system's credential. Only its prefix is shown after creation; the secret is stored hashed.",
  id: { field: 'id' },
  nullable: true,
  authScopes: { operatorAdmin: true },
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'What the key is for, e.g. "Douyin live bridge".' }),
    prefix: t.exposeString('prefix', { description: 'The public part of the key ("fo_<prefix>_…"), to recognise it in logs.' }),
    scopes: t.field({ type: [PartnerScopeEnum], description: 'What the key may do.', resolve: (k) => k.scopes as (typeof PARTNER_SCOPES)[number][] }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true, description: 'When the key stops working; null for never.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'When the key was revoked; null while it is not.' }),
    lastUsedAt: t.expose('lastUsedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the key last authenticated a request, to the minute (updated at most once a minute); null if never used.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the key was created.' }),
    active: t.boolean({
      description: 'Neither revoked nor expired.',
      resolve: (k) => !k.revokedAt && (!k.expiresAt || k.expiresAt > new Date()),
    }),
  }),
});

// Type-level scopes: invitations and the audit log are for owners and admins only, wherever reached from.
export const OperatorInvitationRef = builder.prismaNode('OperatorInvitation', {
  description:
    'An invitation to join the staff: a one-time token, valid for 7 days, that the invitee redeems with `acceptOperatorInvitation`. Only its hash is stored.',
  id: { field: 'id' },
  nullable: true,
  authScopes: { operatorAdmin: true },
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    email: t.exposeString('email', { description: 'Who is invited (lower-cased).' }),
    role: t.expose('role', { type: OperatorRoleEnum, description: 'The role the invitee gets on redeeming it.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'After this it can no longer be redeemed.' }),
    acceptedAt: t.expose('acceptedAt', { type: 'DateTime', nullable: true, description: 'When it was redeemed; null while open.' }),
    revokedAt: t.expose('revokedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When a newer invitation for the same e-mail replaced it; null otherwise.',
    }),
    invitedBy: t.relation('invitedBy', { nullable: true, description: 'Who sent it; null for the owner invitation of a new organization.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was sent.' }),
  }),
});

export const AuditEntryRef = builder.prismaNode('AuditEntry', {
  description:
    'One operator mutation as it was asked and how it ended. Append-only: the database refuses to change or delete an entry. Readable by owners and admins.',
  id: { field: 'id' },
  nullable: true,
  authScopes: { operatorAdmin: true },
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    operator: t.relation('operator', { description: 'Who did it.' }),
    role: t.expose('role', { type: OperatorRoleEnum, description: 'Their role at the time.' }),
    mutation: t.exposeString('mutation', { description: 'The mutation field, e.g. "createCommunity".' }),
    operationName: t.exposeString('operationName', { nullable: true, description: "The client's operation name, when it sent one." }),
    input: t.expose('input', {
      type: 'JSON',
      description: 'The arguments, with tokens, secrets and passwords replaced by "[redacted]", strings cut at 200 characters and lists at 20 items.',
    }),
    outcome: t.exposeString('outcome', { description: 'OK, or the code it was refused with (e.g. FORBIDDEN, INVALID_STATE).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it happened.' }),
  }),
});
