// Organizations and staff: the platform admin creates organizations; owners and admins invite, re-role
// and deactivate operators; an invitee redeems their invitation (see staff.ts for the rules).
import { encodeGlobalID } from '@pothos/plugin-relay';
import { orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import type { Context } from '../core/context.js';
import { refusals } from '../core/error-types.js';
import { DomainError } from '../core/errors.js';
import { text } from '../core/input-rules.js';
import type { Operator, OperatorInvitation, Organization } from '../generated/prisma/client.js';
import { deactivateOperator, inviteOperator, setOperatorRole } from './staff.js';
import { OperatorInvitationRef, OperatorRef, OperatorRoleEnum } from './types.js';

const TOKEN = 'The one-time invitation token, shown this once: send it (or a console link carrying it) to the invitee.';

const IssuedInvitation = builder.objectRef<{ invitation: OperatorInvitation; token: string }>('IssuedInvitation').implement({
  description: 'A new invitation and its one-time token.',
  fields: (t) => ({
    token: t.exposeString('token', { description: TOKEN }),
    invitation: t.field({ type: OperatorInvitationRef, nullable: false, description: 'The stored invitation.', resolve: (p) => p.invitation }),
  }),
});

const CreatedOrganization = builder
  .objectRef<{ organization: Organization; invitation: OperatorInvitation; token: string }>('CreatedOrganization')
  .implement({
    description: 'A new organization and the invitation of its first owner.',
    fields: (t) => ({
      organizationId: t.id({ description: 'Global id of the organization.', resolve: (p) => encodeGlobalID('Organization', p.organization.id) }),
      slug: t.string({ description: 'Its unique handle.', resolve: (p) => p.organization.slug }),
      name: t.string({ description: 'Its display name.', resolve: (p) => p.organization.name }),
      timeZone: t.string({ description: 'Its IANA time zone.', resolve: (p) => p.organization.timeZone }),
      ownerEmail: t.string({ description: 'Who the owner invitation is for.', resolve: (p) => p.invitation.email }),
      ownerInvitationToken: t.string({ description: `${TOKEN} Redeeming it makes the first OWNER.`, resolve: (p) => p.token }),
      ownerInvitationExpiresAt: t.field({
        type: 'DateTime',
        description: 'When the owner invitation expires.',
        resolve: (p) => p.invitation.expiresAt,
      }),
    }),
  });

const SignedInOperator = builder.objectRef<{ operator: Operator; token: string }>('SignedInOperator').implement({
  description: 'The operator an invitation made, with a sign-in token.',
  fields: (t) => ({
    token: t.exposeString('token', { description: 'A 12-hour operator token, sent as `Authorization: Bearer <token>`.' }),
    operator: t.field({ type: OperatorRef, nullable: false, description: 'The new (or re-activated) operator.', resolve: (p) => p.operator }),
  }),
});

const CreateOrganizationInput = builder.inputType('CreateOrganizationInput', {
  description: 'A new organization (tenant) and the e-mail of its first owner.',
  fields: (t) => ({
    slug: t.string({ required: true, description: 'Unique handle: 2–40 lower-case letters, digits or dashes.', ...text(2, 40) }),
    name: t.string({ required: true, description: 'Display name.', ...text(1, 80) }),
    timeZone: t.string({ required: false, description: 'IANA time zone that defines "today"; default Asia/Shanghai.', ...text(1, 64) }),
    ownerEmail: t.string({ required: true, description: 'The first owner, invited with a one-time token.', ...text(3, 254) }),
  }),
});

const InviteOperatorInput = builder.inputType('InviteOperatorInput', {
  description: 'Invite someone to the staff. A newer invitation to the same e-mail replaces an open one.',
  fields: (t) => ({
    email: t.string({ required: true, description: 'Their e-mail; not an active operator already.', ...text(3, 254) }),
    role: t.field({ type: OperatorRoleEnum, required: true, description: 'The role they get; only an owner may invite an OWNER.' }),
  }),
});

const AcceptOperatorInvitationInput = builder.inputType('AcceptOperatorInvitationInput', {
  description: 'Redeem an invitation (once, within 7 days).',
  fields: (t) => ({
    token: t.string({ required: true, description: 'The invitation token.', ...text(10, 200) }),
    displayName: t.string({ required: true, description: 'Your name in the console.', ...text(1, 80) }),
  }),
});

const SetOperatorRoleInput = builder.inputType('SetOperatorRoleInput', {
  description: "Change an operator's role.",
  fields: (t) => ({
    operatorId: t.globalID({ for: OperatorRef, required: true, description: 'The operator.' }),
    role: t.field({
      type: OperatorRoleEnum,
      required: true,
      description: 'The new role. Only an owner may make an OWNER or change an owner; the last active owner cannot be demoted.',
    }),
  }),
});

const DeactivateOperatorInput = builder.inputType('DeactivateOperatorInput', {
  description: 'Deactivate an operator.',
  fields: (t) => ({
    operatorId: t.globalID({ for: OperatorRef, required: true, description: 'The operator.' }),
  }),
});

function actorOf(ctx: Context) {
  const v = ctx.viewer;
  if (v.kind !== 'operator') throw new DomainError('FORBIDDEN', 'Only operators manage staff');
  return { operatorId: v.operatorId, role: v.role };
}

/** The operator's cached credentials are dropped on this instance at once (others re-check within 5 s). */
function forgetOperator(ctx: Context, operator: Operator) {
  ctx.principals.forget((v) => v.kind === 'operator' && v.operatorId === operator.id);
  return operator;
}

builder.mutationFields((t) => ({
  createOrganization: t.field({
    type: CreatedOrganization,
    errors: refusals('CONFLICT'),
    description:
      'Create an organization (platform admin only: `Authorization: Platform <PLATFORM_ADMIN_TOKEN>`). It starts with no operator: the owner invitation token returned here makes the first OWNER. CONFLICT when the slug is taken.',
    authScopes: { platformAdmin: true },
    args: { input: t.arg({ type: CreateOrganizationInput, required: true, description: 'The organization and its first owner.' }) },
    resolve: (_root, { input }, ctx) => ctx.services.staff.createOrganization(input),
  }),
  inviteOperator: t.field({
    type: IssuedInvitation,
    errors: refusals('CONFLICT', 'FORBIDDEN'),
    description:
      'Invite an operator by e-mail with a role (owners and admins). Returns the one-time token, valid 7 days. CONFLICT when the e-mail is an active operator; FORBIDDEN when an admin invites an OWNER.',
    authScopes: { operatorAdmin: true },
    args: { input: t.arg({ type: InviteOperatorInput, required: true, description: 'E-mail and role.' }) },
    resolve: (_root, { input }, ctx) => inviteOperator(ctx.db, orgOf(ctx.viewer), actorOf(ctx), input),
  }),
  acceptOperatorInvitation: t.field({
    type: SignedInOperator,
    errors: refusals('CONFLICT', 'INVALID_STATE', 'NOT_FOUND'),
    description:
      'Redeem an invitation: no credential needed, the token is the proof. Makes the operator (or re-activates a deactivated one with the invitation role) and returns a sign-in token. ' +
      'NOT_FOUND for an unknown or replaced token, INVALID_STATE when already used or expired.',
    authScopes: { public: true },
    args: { input: t.arg({ type: AcceptOperatorInvitationInput, required: true, description: 'The token and your name.' }) },
    resolve: (_root, { input }, ctx) => ctx.services.staff.acceptInvitation(input),
  }),
  setOperatorRole: t.field({
    type: OperatorRef,
    nullable: false,
    errors: refusals('FORBIDDEN', 'INVALID_STATE', 'NOT_FOUND'),
    description:
      "Change an operator's role (owners and admins); it applies to their next request. FORBIDDEN when an admin makes or changes an OWNER; INVALID_STATE when it would leave no active owner.",
    authScopes: { operatorAdmin: true },
    args: { input: t.arg({ type: SetOperatorRoleInput, required: true, description: 'Operator and role.' }) },
    resolve: async (_root, { input }, ctx) =>
      forgetOperator(ctx, await setOperatorRole(ctx.db, orgOf(ctx.viewer), actorOf(ctx), { operatorId: input.operatorId.id, role: input.role })),
  }),
  deactivateOperator: t.field({
    type: OperatorRef,
    nullable: false,
    errors: refusals('FORBIDDEN', 'INVALID_STATE', 'NOT_FOUND'),
    description:
      'Deactivate an operator (owners and admins): their tokens are refused from their next request on. Deactivating twice is harmless. ' +
      'FORBIDDEN when an admin deactivates an owner; INVALID_STATE for the last active owner.',
    authScopes: { operatorAdmin: true },
    args: { input: t.arg({ type: DeactivateOperatorInput, required: true, description: 'The operator.' }) },
    resolve: async (_root, { input }, ctx) =>
      forgetOperator(ctx, await deactivateOperator(ctx.db, orgOf(ctx.viewer), actorOf(ctx), input.operatorId.id)),
  }),
}));
