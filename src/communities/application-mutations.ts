// Joining by application (see applications.ts for the rules): fans apply, assistants and admins decide.
import { actingFanId, orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import type { Context } from '../core/context.js';
import { refusals } from '../core/error-types.js';
import { DomainError } from '../core/errors.js';
import { text } from '../core/input-rules.js';
import { applyToCommunity, approveApplication, rejectApplication } from './applications.js';
import { CommunityApplicationRef } from './types.js';

const ApplyToCommunityInput = builder.inputType('ApplyToCommunityInput', {
  description: 'Apply to join a group that admits by application.',
  fields: (t) => ({
    inviteCode: t.string({
      required: true,
      description: "The group's invite code (its newest group, as joining does), case-insensitive.",
      ...text(4, 32),
    }),
    answer: t.string({ required: true, description: "The answer to the group's joinQuestion.", ...text(1, 1_000) }),
    acceptRules: t.boolean({ required: true, description: 'Must be true: the fan accepts the group rules (the time is recorded).' }),
  }),
});

const DecideApplicationInput = builder.inputType('ApproveApplicationInput', {
  description: 'Approve an application.',
  fields: (t) => ({
    applicationId: t.globalID({ for: CommunityApplicationRef, required: true, description: 'The pending application.' }),
  }),
});

const RejectApplicationInput = builder.inputType('RejectApplicationInput', {
  description: 'Reject an application, saying why.',
  fields: (t) => ({
    applicationId: t.globalID({ for: CommunityApplicationRef, required: true, description: 'The pending application.' }),
    reason: t.string({ required: true, description: 'Why, shown to the fan.', ...text(1, 500) }),
  }),
});

function deciderOf(ctx: Context) {
  const v = ctx.viewer;
  if (v.kind !== 'operator') throw new DomainError('FORBIDDEN', 'Only operators decide applications');
  return { operatorId: v.operatorId, role: v.role };
}

const WHO = 'An operator who assists or owns the group, or an OWNER/ADMIN (others: FORBIDDEN).';

builder.mutationFields((t) => ({
  applyToCommunity: t.field({
    type: CommunityApplicationRef,
    nullable: false,
    errors: refusals('CONFLICT', 'FORBIDDEN', 'INVALID_STATE', 'NOT_FOUND', 'THRESHOLD_NOT_MET'),
    description:
      'A fan applies to a group that admits by application, answering its question and accepting its rules (acceptRules must be true). ' +
      'THRESHOLD_NOT_MET below its entry thresholds; CONFLICT for a current member or an open application; INVALID_STATE for a group joined by invite code.',
    authScopes: { fan: true },
    args: { input: t.arg({ type: ApplyToCommunityInput, required: true, description: 'Code, answer and acceptance.' }) },
    resolve: (_root, { input }, ctx) => applyToCommunity(ctx, orgOf(ctx.viewer), { ...input, fanId: actingFanId(ctx.viewer, null) }),
  }),
  approveApplication: t.field({
    type: CommunityApplicationRef,
    nullable: false,
    errors: refusals('COMMUNITY_FULL', 'CONFLICT', 'FORBIDDEN', 'INVALID_STATE', 'NOT_FOUND'),
    description: `Approve a pending application: the fan becomes a member, taking a seat. ${WHO} COMMUNITY_FULL at capacity (it stays pending); INVALID_STATE once decided.`,
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: DecideApplicationInput, required: true, description: 'The application.' }) },
    resolve: (_root, { input }, ctx) => approveApplication(ctx, orgOf(ctx.viewer), deciderOf(ctx), input.applicationId.id),
  }),
  rejectApplication: t.field({
    type: CommunityApplicationRef,
    nullable: false,
    errors: refusals('FORBIDDEN', 'INVALID_STATE', 'NOT_FOUND'),
    description: `Reject a pending application with a reason the fan sees. ${WHO} INVALID_STATE once decided.`,
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: RejectApplicationInput, required: true, description: 'The application and why.' }) },
    resolve: (_root, { input }, ctx) =>
      rejectApplication(ctx, orgOf(ctx.viewer), deciderOf(ctx), { applicationId: input.applicationId.id, reason: input.reason }),
  }),
}));
