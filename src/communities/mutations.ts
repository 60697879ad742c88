// Community mutations: operators create and run groups (this file); joining, leaving and roles live in
// member-mutations.ts, partner activity batches in activity-mutations.ts.
import { z } from 'zod';
import { operatorIdOf, orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { parseInput } from '../core/validation.js';
import { refusals } from '../core/error-types.js';
import { OperatorRef } from '../organizations/schema.js';
import { createCommunity, setCommunityLifecycle, updateCommunity } from './manage.js';
import { CommunityKindEnum, CommunityLifecycleEnum, CommunityRef } from './schema.js';
import './member-mutations.js';
import './activity-mutations.js';

const settings = {
  name: z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters'),
  category: z.string().trim().min(1, 'must not be empty').max(40, 'must be at most 40 characters').nullish(),
  capacity: z.number().int().min(1, 'must be at least 1').max(500, 'must be at most 500 (the chat platform caps groups at 500)'),
  minOrders: z.number().int().min(0, 'must not be negative').max(1_000, 'must be at most 1,000'),
  minIntimacy: z.number().int().min(0, 'must not be negative').max(1_000_000, 'must be at most 1,000,000'),
  rules: z.string().trim().max(2_000, 'must be at most 2,000 characters').nullish(),
  assistantIds: z.array(z.string()).max(20, 'at most 20 assistants'),
};

const CreateCommunityInput = builder.inputType('CreateCommunityInput', {
  description: 'A new fan group. Its invite code is generated.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Group name, 1–80 characters; rollover groups get " #2", " #3"… appended.' }),
    kind: t.field({ type: CommunityKindEnum, required: true, description: 'How the group is run; fixed for its life.' }),
    category: t.string({ required: false, description: 'Product category (1–40 characters); required for VERTICAL groups.' }),
    capacity: t.int({ required: false, defaultValue: 200, description: 'Member cap, 1–500 (SMALL ≤ 30, LARGE ≥ 200). Default 200.' }),
    minOrders: t.int({ required: false, defaultValue: 0, description: 'Orders a fan needs to join (0–1,000), e.g. 2.' }),
    minIntimacy: t.int({ required: false, defaultValue: 0, description: 'Intimacy score a fan needs to join (0–1,000,000).' }),
    rules: t.string({ required: false, extensions: { maxLength: 2_000 }, description: 'Group rules shown to newcomers, up to 2,000 characters.' }),
    ownerId: t.globalID({ for: OperatorRef, required: false, description: 'Owner operator of your organization; defaults to you.' }),
    assistantIds: t.globalIDList({ for: OperatorRef, required: false, description: 'Assisting operators of your organization (at most 20).' }),
    lifecycle: t.field({ type: CommunityLifecycleEnum, required: false, description: 'Starting lifecycle stage; default ACTIVATING.' }),
  }),
});

const UpdateCommunityInput = builder.inputType('UpdateCommunityInput', {
  description: "Changes to a group's settings; omitted fields stay as they are. Kind and lifecycle change elsewhere.",
  fields: (t) => ({
    communityId: t.globalID({ for: CommunityRef, required: true, description: 'The group to change.' }),
    name: t.string({ required: false, description: 'New name, 1–80 characters.' }),
    category: t.string({ required: false, description: 'New product category; null clears it (not allowed for VERTICAL groups).' }),
    capacity: t.int({ required: false, description: 'New member cap, 1–500, never below the current member count.' }),
    minOrders: t.int({ required: false, description: 'New order threshold for joining.' }),
    minIntimacy: t.int({ required: false, description: 'New intimacy threshold for joining.' }),
    rules: t.string({ required: false, extensions: { maxLength: 2_000 }, description: 'New group rules, up to 2,000 characters; null clears them.' }),
    ownerId: t.globalID({ for: OperatorRef, required: false, description: 'New owner operator; null leaves the group without one.' }),
    assistantIds: t.globalIDList({ for: OperatorRef, required: false, description: 'Replaces the assistants; [] removes them all.' }),
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
const dropNulls = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v != null)) as Partial<T>;

builder.mutationFields((t) => ({
  createCommunity: t.field({
    type: CommunityRef,
    errors: refusals('NOT_FOUND'),
    description: 'Create a fan group with a fresh, unique invite code.',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: CreateCommunityInput, required: true, description: 'The group.' }) },
    resolve: (_root, { input }, ctx) => {
      const v = parseInput(z.object({ ...settings, assistantIds: settings.assistantIds.optional() }), { ...input, assistantIds: input.assistantIds?.map((a) => a.id) });
      return createCommunity(ctx, orgOf(ctx.viewer), {
        ...v,
        kind: input.kind,
        lifecycle: input.lifecycle,
        ownerId: input.ownerId?.id ?? operatorIdOf(ctx.viewer),
      });
    },
  }),
  updateCommunity: t.field({
    type: CommunityRef,
    errors: refusals('NOT_FOUND'),
    description: "Change a group's name, category, capacity, entry thresholds, rules, owner or assistants.",
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: UpdateCommunityInput, required: true, description: 'The changes.' }) },
    resolve: (_root, { input }, ctx) => {
      const { communityId, ownerId, assistantIds, category, rules, ...rest } = input;
      // null clears category, rules and owner; for the other fields null means "leave as is".
      const v = parseInput(z.object(settings).partial(), given({ ...dropNulls(rest), category, rules, assistantIds: assistantIds?.map((a) => a.id) }));
      return updateCommunity(ctx, orgOf(ctx.viewer), communityId.id, given({ ...v, ownerId: ownerId === null ? null : ownerId?.id }));
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
