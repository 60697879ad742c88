// Fan mutations: partner/operator import, operator tags, consent, KOC flag, lifecycle refresh, segments.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { actingFanId, orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { refusals } from '../core/error-types.js';
import { items, text } from '../core/input-rules.js';
import { importFans } from './import.js';
import { refreshLifecycles } from './lifecycle.js';
import { createSegment, deleteSegment } from './segments.js';
import { setFanKoc, setFanOptOut, type TagFansResult, tagFans, untagFan } from './tags.js';
import { FanFilterInput, FanRef, FanSourceEnum, SegmentRef, TagRef, toFanFilter } from './types.js';

const FanImportRowInput = builder.inputType('FanImportRow', {
  description: 'One fan as the live platform or CRM knows them.',
  fields: (t) => ({
    externalId: t.string({ required: true, description: "The fan's user id on the platform; the import key.", ...text(1, 64) }),
    displayName: t.string({
      required: true,
      description: 'Display name; "region-skin type[·nickname]" sets region, skin type and self-tags.',
      ...text(1, 64),
    }),
    region: t.string({
      required: false,
      description: 'Region, used when the display name does not carry one; omitted keeps the current one.',
      ...text(1, 32),
    }),
    source: t.field({
      type: FanSourceEnum,
      required: false,
      description: 'How the fan came in; new fans default to IMPORT, omitted keeps the current one.',
    }),
    referredByExternalId: t.string({
      required: false,
      description: 'External id of the referring fan (in your organization or in this batch).',
      ...text(1, 64),
    }),
  }),
});

const ImportFansInput = builder.inputType('ImportFansInput', {
  description: 'A batch of fans to create or update. A bad row refuses the whole batch.',
  fields: (t) => ({
    fans: t.field({ type: [FanImportRowInput], required: true, description: 'The rows; external ids must not repeat.', ...items(1, 1_000) }),
  }),
});

const ImportFansResult = builder.simpleObject('ImportFansResult', {
  description: 'What a fan import did. Re-sending the same batch answers all unchanged.',
  fields: (t) => ({
    created: t.int({ description: 'New fans.' }),
    updated: t.int({ description: 'Existing fans whose profile changed.' }),
    unchanged: t.int({ description: 'Existing fans that already looked like their row.' }),
  }),
});

const TagFansResultRef = builder.objectRef<TagFansResult>('TagFansResult').implement({
  description: 'The tag and how many fans newly carry it.',
  fields: (t) => ({
    tag: t.field({ type: TagRef, description: 'The tag (created if it did not exist).', resolve: (r) => r.tag }),
    tagged: t.exposeInt('tagged', { description: 'Fans that now carry it as an operator tag and did not before.' }),
    alreadyTagged: t.exposeInt('alreadyTagged', { description: 'Fans that already carried it as an operator tag.' }),
  }),
});

const LifecycleCounts = builder.simpleObject('FanLifecycleCounts', {
  description: 'Fans per lifecycle stage after a refresh, and how many moved.',
  fields: (t) => ({
    new: t.int({ description: 'Fans in NEW.' }),
    active: t.int({ description: 'Fans in ACTIVE.' }),
    silent: t.int({ description: 'Fans in SILENT.' }),
    dormant: t.int({ description: 'Fans in DORMANT.' }),
    churned: t.int({ description: 'Fans in CHURNED.' }),
    changed: t.int({ description: 'Fans whose stage changed in this refresh.' }),
  }),
});

const DeletedSegment = builder.simpleObject('DeletedSegment', {
  description: 'A segment that was deleted.',
  fields: (t) => ({ deletedSegmentId: t.id({ description: 'Global id of the deleted segment.' }) }),
});

const TagFansInput = builder.inputType('TagFansInput', {
  description: 'Put an operator tag on fans.',
  fields: (t) => ({
    fanIds: t.globalIDList({ for: FanRef, required: true, description: 'The fans.', ...items(1, 500) }),
    tagName: t.string({ required: true, description: 'The tag name; created if your organization has none of that name.', ...text(1, 32) }),
  }),
});

const UntagFanInput = builder.inputType('UntagFanInput', {
  description: 'Take a tag off a fan.',
  fields: (t) => ({
    fanId: t.globalID({ for: FanRef, required: true, description: 'The fan.' }),
    tagId: t.globalID({ for: TagRef, required: true, description: 'The tag to remove.' }),
  }),
});

const SetFanOptOutInput = builder.inputType('SetFanOptOutInput', {
  description: 'Record consent: opted out of pushes and reminders, or back in.',
  fields: (t) => ({
    fanId: t.globalID({ for: FanRef, required: false, description: 'The fan; omit when the fan calls for themself.' }),
    optedOut: t.boolean({ required: true, description: 'true to opt out; false to opt back in (only the fan can).' }),
  }),
});

const SetFanKocInput = builder.inputType('SetFanKocInput', {
  description: 'Mark or unmark a fan as a key opinion consumer.',
  fields: (t) => ({
    fanId: t.globalID({ for: FanRef, required: true, description: 'The fan.' }),
    isKoc: t.boolean({ required: true, description: 'Whether the fan is a KOC.' }),
  }),
});

const CreateSegmentInput = builder.inputType('CreateSegmentInput', {
  description: 'Save a fan filter under a name.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Segment name, unique in your organization.', ...text(1, 60) }),
    filter: t.field({ type: FanFilterInput, required: true, description: 'The conditions; tags and community must be yours.' }),
  }),
});

builder.mutationFields((t) => ({
  importFans: t.field({
    type: ImportFansResult,
    errors: refusals('NOT_FOUND'),
    description: 'Create or update fans by external id. Idempotent: the same batch twice changes nothing. A bad row refuses the whole batch.',
    authScopes: { partner: 'import', operatorWrite: true },
    args: { input: t.arg({ type: ImportFansInput, required: true, description: 'The batch.' }) },
    resolve: (_root, { input }, ctx) => importFans(ctx.db, orgOf(ctx.viewer), input.fans),
  }),
  tagFans: t.field({
    type: TagFansResultRef,
    errors: refusals('NOT_FOUND'),
    description: 'Tag fans (operator tag), creating the tag if needed. Re-tagging is harmless.',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: TagFansInput, required: true, description: 'Fans and tag.' }) },
    resolve: (_root, { input }, ctx) =>
      tagFans(
        ctx.db,
        orgOf(ctx.viewer),
        input.fanIds.map((g) => g.id),
        input.tagName,
      ),
  }),
  untagFan: t.field({
    type: FanRef,
    errors: refusals('NOT_FOUND'),
    description: 'Remove a tag from a fan (operator or self-tag). Removing a tag the fan does not carry changes nothing.',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: UntagFanInput, required: true, description: 'Fan and tag.' }) },
    resolve: (_root, { input }, ctx) => untagFan(ctx.db, orgOf(ctx.viewer), input.fanId.id, input.tagId.id),
  }),
  setFanOptOut: t.field({
    type: FanRef,
    errors: refusals('FORBIDDEN', 'NOT_FOUND'),
    description: 'Opt a fan out of pushes and reminders (fan or operator), or back in (the fan only).',
    authScopes: { fan: true, operatorWrite: true },
    args: { input: t.arg({ type: SetFanOptOutInput, required: true, description: 'Fan and choice.' }) },
    resolve: (_root, { input }, ctx) =>
      setFanOptOut(ctx.db, orgOf(ctx.viewer), actingFanId(ctx.viewer, input.fanId?.id), input.optedOut, ctx.viewer.kind === 'fan'),
  }),
  setFanKoc: t.field({
    type: FanRef,
    errors: refusals('NOT_FOUND'),
    description: 'Mark or unmark a fan as a KOC.',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: SetFanKocInput, required: true, description: 'Fan and flag.' }) },
    resolve: (_root, { input }, ctx) => setFanKoc(ctx.db, orgOf(ctx.viewer), input.fanId.id, input.isKoc),
  }),
  refreshFanLifecycles: t.field({
    type: LifecycleCounts,
    errors: refusals(),
    description:
      "Recompute every fan's lifecycle stage: CHURNED if they left every group they were in; NEW in their first 7 days; ACTIVE if last active or ordered < 30 days ago; SILENT 30–89 days (or never active after the first week); DORMANT 90+ days.",
    authScopes: { operatorAdmin: true },
    resolve: async (_root, _args, ctx) => {
      const c = await refreshLifecycles(ctx.db, orgOf(ctx.viewer));
      return { new: c.NEW, active: c.ACTIVE, silent: c.SILENT, dormant: c.DORMANT, churned: c.CHURNED, changed: c.changed };
    },
  }),
  createSegment: t.field({
    type: SegmentRef,
    errors: refusals('CONFLICT', 'NOT_FOUND'),
    description: 'Save a fan filter as a named segment (names are unique in your organization).',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: CreateSegmentInput, required: true, description: 'Name and filter.' }) },
    resolve: (_root, { input }, ctx) => createSegment(ctx.db, orgOf(ctx.viewer), { name: input.name, filter: toFanFilter(input.filter) }),
  }),
  deleteSegment: t.field({
    type: DeletedSegment,
    errors: refusals('NOT_FOUND'),
    description: 'Delete a saved segment.',
    authScopes: { operatorWrite: true },
    args: { segmentId: t.arg.globalID({ for: SegmentRef, required: true, description: 'The segment.' }) },
    resolve: async (_root, { segmentId }, ctx) => {
      await deleteSegment(ctx.db, orgOf(ctx.viewer), segmentId.id);
      return { deletedSegmentId: encodeGlobalID('Segment', segmentId.id) };
    },
  }),
}));
