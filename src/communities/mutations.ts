// Community mutations: operators create and run groups (this file); joining, leaving and roles live in
// member-mutations.ts, partner activity batches in activity-mutations.ts.
import { operatorIdOf, orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { refusals } from '../core/error-types.js';
import { range, text } from '../core/input-rules.js';
import { OperatorRef } from '../organizations/types.js';
import { createCommunity, setCommunityLifecycle, updateCommunity } from './service.js';
import { CommunityKindEnum, CommunityLifecycleEnum, CommunityRef } from './types.js';

// The chat platform caps a group at 500 members (the declared range); SMALL and LARGE are defined by their size.
const CAPACITY = 'SMALL groups hold ≤ 30, LARGE ones ≥ 200 (the chat platform caps every group at 500).';

// Omitted or null, these take their default.
const DEFAULTS = { capacity: 200, minOrders: 0, minIntimacy: 0 } as const;

const CreateCommunityInput = builder.inputType('CreateCommunityInput', {
  description: 'A new fan group. Its invite code is generated.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Group name; rollover groups get " #2", " #3"… appended.', ...text(1, 80) }),
    kind: t.field({ type: CommunityKindEnum, required: true, description: 'How the group is run; fixed for its life.' }),
    category: t.string({ required: false, description: 'Product category; required for VERTICAL groups.', ...text(1, 40) }),
    capacity: t.int({ required: false, defaultValue: DEFAULTS.capacity, description: `Member cap; ${CAPACITY} Default 200.`, ...range(1, 500) }),
    minOrders: t.int({ required: false, defaultValue: DEFAULTS.minOrders, description: 'Orders a fan needs to join, e.g. 2.', ...range(0, 1_000) }),
    minIntimacy: t.int({
      required: false,
      defaultValue: DEFAULTS.minIntimacy,
      description: 'Intimacy score a fan needs to join.',
      ...range(0, 1_000_000),
    }),
    rules: t.string({ required: false, description: 'Group rules shown to newcomers.', ...text(0, 2_000) }),
    requiresApplication: t.boolean({
      required: false,
      description:
        'Admit by application only: fans call `applyToCommunity` (answering joinQuestion, accepting the rules) and an assistant of the group or an admin decides; `joinCommunity` is refused. Needs joinQuestion. Default false.',
    }),
    joinQuestion: t.string({ required: false, description: 'The question applicants answer; required when requiresApplication.', ...text(1, 200) }),
    ownerId: t.globalID({ for: OperatorRef, required: false, description: 'Owner operator of your organization; defaults to you.' }),
    assistantIds: t.globalIDList({
      for: OperatorRef,
      required: false,
      description: 'Assisting operators of your organization.',
      extensions: { maxItems: 20 },
    }),
    lifecycle: t.field({ type: CommunityLifecycleEnum, required: false, description: 'Starting lifecycle stage; default ACTIVATING.' }),
  }),
});

const UpdateCommunityInput = builder.inputType('UpdateCommunityInput', {
  description: "Changes to a group's settings; omitted fields stay as they are. Kind and lifecycle change elsewhere.",
  fields: (t) => ({
    communityId: t.globalID({ for: CommunityRef, required: true, description: 'The group to change.' }),
    name: t.string({ required: false, description: 'New name.', ...text(1, 80) }),
    category: t.string({ required: false, description: 'New product category; null clears it (not allowed for VERTICAL groups).', ...text(1, 40) }),
    capacity: t.int({ required: false, description: `New member cap, never below the current member count; ${CAPACITY}`, ...range(1, 500) }),
    minOrders: t.int({ required: false, description: 'New order threshold for joining.', ...range(0, 1_000) }),
    minIntimacy: t.int({ required: false, description: 'New intimacy threshold for joining.', ...range(0, 1_000_000) }),
    rules: t.string({ required: false, description: 'New group rules; null clears them.', ...text(0, 2_000) }),
    requiresApplication: t.boolean({
      required: false,
      description: 'Admit by application only (needs a joinQuestion); false opens joining by invite code again.',
    }),
    joinQuestion: t.string({
      required: false,
      description: 'New question for applicants; null clears it (not while requiresApplication).',
      ...text(1, 200),
    }),
    ownerId: t.globalID({ for: OperatorRef, required: false, description: 'New owner operator; null leaves the group without one.' }),
    assistantIds: t.globalIDList({
      for: OperatorRef,
      required: false,
      description: 'Replaces the assistants; [] removes them all.',
      extensions: { maxItems: 20 },
    }),
  }),
});

const SetCommunityLifecycleInput = builder.inputType('SetCommunityLifecycleInput', {
  description: 'Move a group along its lifecycle: ACTIVATING → ACTIVE → DECLINING → DORMANT, and back to ACTIVE from DECLINING or DORMANT.',
  fields: (t) => ({
    communityId: t.globalID({ for: CommunityRef, required: true, description: 'The group.' }),
    lifecycle: t.field({ type: CommunityLifecycleEnum, required: true, description: 'The stage to move to.' }),
  }),
});

/** Keeps explicit nulls (they clear a value) but drops omitted fields. */
const given = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

builder.mutationFields((t) => ({
  createCommunity: t.field({
    type: CommunityRef,
    errors: refusals('NOT_FOUND'),
    description: 'Create a fan group with a fresh, unique invite code.',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: CreateCommunityInput, required: true, description: 'The group.' }) },
    resolve: (_root, { input }, ctx) =>
      createCommunity(ctx, orgOf(ctx.viewer), {
        ...input,
        capacity: input.capacity ?? DEFAULTS.capacity,
        minOrders: input.minOrders ?? DEFAULTS.minOrders,
        minIntimacy: input.minIntimacy ?? DEFAULTS.minIntimacy,
        assistantIds: input.assistantIds?.map((a) => a.id),
        ownerId: input.ownerId?.id ?? operatorIdOf(ctx.viewer),
      }),
  }),
  updateCommunity: t.field({
    type: CommunityRef,
    errors: refusals('NOT_FOUND'),
    description: "Change a group's name, category, capacity, entry thresholds, rules, owner or assistants.",
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: UpdateCommunityInput, required: true, description: 'The changes.' }) },
    resolve: (_root, { input }, ctx) => {
      const { communityId, ownerId, assistantIds, category, rules, name, capacity, minOrders, minIntimacy, requiresApplication, joinQuestion } =
        input;
      // null clears category, rules and owner; for the other fields null means "leave as is".
      const patch = {
        name: name ?? undefined,
        capacity: capacity ?? undefined,
        minOrders: minOrders ?? undefined,
        minIntimacy: minIntimacy ?? undefined,
        requiresApplication: requiresApplication ?? undefined,
        category,
        rules,
        joinQuestion,
      };
      return updateCommunity(
        ctx,
        orgOf(ctx.viewer),
        communityId.id,
        given({ ...patch, assistantIds: assistantIds?.map((a) => a.id), ownerId: ownerId === null ? null : ownerId?.id }),
      );
    },
  }),
  setCommunityLifecycle: t.field({
    type: CommunityRef,
    errors: refusals('INVALID_STATE', 'NOT_FOUND'),
    description: 'Move a group to another lifecycle stage; a move the lifecycle does not allow is INVALID_STATE.',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: SetCommunityLifecycleInput, required: true, description: 'The group and its new stage.' }) },
    resolve: (_root, { input }, ctx) => setCommunityLifecycle(ctx, orgOf(ctx.viewer), input.communityId.id, input.lifecycle),
  }),
}));
