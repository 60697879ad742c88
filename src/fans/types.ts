// Fans, their tags and saved segments: the people the private domain is built around.
import { getRefFromModel, PrismaObjectRef } from '@pothos/plugin-prisma';
import { builder } from '../core/builder.js';
import { orgIdOf } from '../core/context.js';
import { range, text } from '../core/input-rules.js';
import { ViewerRef } from '../organizations/types.js';
import { type FanFilter, fanOrderBy } from './filters.js';
import { FanIntRangeInput, FanTimeRangeInput, RfmSegmentEnum } from './insight-types.js';
import { segmentFanWhere } from './segments.js';

export const FanLifecycleEnum = builder.enumType('FanLifecycle', {
  description: 'Where a fan is in their life with the brand.',
  values: {
    NEW: { description: 'Joined recently, no sustained activity yet.' },
    ACTIVE: { description: 'Active in groups or buying within the last 30 days.' },
    SILENT: { description: 'No activity for 30–89 days.' },
    DORMANT: { description: 'No activity for 90 days or more.' },
    CHURNED: { description: 'Left every group.' },
  },
});

export const FanSourceEnum = builder.enumType('FanSource', {
  description: 'How the fan entered the private domain.',
  values: {
    LIVE_ROOM: { description: 'Invited from the live room after a purchase.' },
    POSTER: { description: 'Scanned a campaign poster.' },
    REFERRAL: { description: 'Referred by another fan.' },
    GROUP_QR: { description: "Scanned a group's QR code." },
    IMPORT: { description: 'Imported from the live platform or CRM.' },
  },
});

export const TagSourceEnum = builder.enumType('TagSource', {
  description: 'Who attached a tag to a fan.',
  values: {
    OPERATOR: { description: 'An operator tagged the fan.' },
    SELF: { description: 'The fan described themself, e.g. by renaming to "region-skin type".' },
    RULE: { description: 'A tag rule matched the fan (on import or `applyTagRules`); removed again when a later run no longer matches.' },
  },
});

const FanSortFieldEnum = builder.enumType('FanSortField', {
  description: 'What to sort fans by.',
  values: {
    CREATED_AT: { description: 'When the fan joined the private domain.' },
    ORDER_COUNT: { description: 'Number of orders.' },
    TOTAL_SPEND: { description: 'Total spend.' },
    LAST_ORDER_AT: { description: 'Most recent order (fans without orders last).' },
    INTIMACY: { description: 'Intimacy score.' },
    DISPLAY_NAME: { description: 'Display name.' },
    POINTS_BALANCE: { description: 'Points balance.' },
  },
});

export const SortDirection = builder.enumType('SortDirection', {
  description: 'Sort order.',
  values: { ASC: { description: 'Smallest first.' }, DESC: { description: 'Largest first.' } },
});

// Communities sit above fans (they import FanRef), so the filter names the Community type through its
// Prisma model — the same ref communities/schema.ts implements — rather than importing that module.
const communityModel = getRefFromModel('Community', builder, 'object');
if (!(communityModel instanceof PrismaObjectRef)) throw new Error('Community must be an object type');
const CommunityRef = communityModel;

export const FanFilterInput = builder.inputType('FanFilter', {
  description: 'Conditions a fan must all meet.',
  fields: (t) => ({
    search: t.string({
      required: false,
      description: 'Part of the display name, case-insensitive, matched literally (`%` and `_` are ordinary characters).',
      ...text(0, 64),
    }),
    tagIds: t.globalIDList({ required: false, for: TagRef, description: 'Fans carrying every one of these tags.', extensions: { maxItems: 20 } }),
    lifecycles: t.field({ type: [FanLifecycleEnum], required: false, description: 'Fans in any of these lifecycle stages.' }),
    communityId: t.globalID({ required: false, for: CommunityRef, description: 'Current members of this community.' }),
    minOrders: t.int({ required: false, description: 'At least this many orders (e.g. 2 for the invite threshold).', ...range(0, undefined) }),
    maxOrders: t.int({ required: false, description: 'At most this many orders.', ...range(0, undefined) }),
    minSpendCents: t.int({ required: false, description: 'Total spend at least this much, in cents.', ...range(0, undefined) }),
    maxSpendCents: t.int({ required: false, description: 'Total spend at most this much, in cents.', ...range(0, undefined) }),
    isKoc: t.boolean({ required: false, description: 'Only KOCs (true) or only non-KOCs (false).' }),
    rfmSegment: t.field({
      type: RfmSegmentEnum,
      required: false,
      description: 'Fans in this RFM segment as of the last score refresh (`rfmSegmentCounts.refreshedAt`).',
    }),
    lastOrderAt: t.field({
      type: FanTimeRangeInput,
      required: false,
      description: 'Latest paid order within this range (fans without orders never match).',
    }),
    lastActiveAt: t.field({
      type: FanTimeRangeInput,
      required: false,
      description: 'Last activity within this range (fans never active never match).',
    }),
    intimacy: t.field({ type: FanIntRangeInput, required: false, description: 'Intimacy score within this range.' }),
    frequencyDrop: t.boolean({
      required: false,
      description:
        'Fans whose paid orders in the last 30 days fell to half or less of their monthly average over the 90 days before (true), or not (false), as of the last score refresh.',
    }),
  }),
});

export const FanOrderInput = builder.inputType('FanOrder', {
  description: 'Sort order for fans.',
  fields: (t) => ({
    field: t.field({ type: FanSortFieldEnum, required: true, description: 'What to sort by.' }),
    direction: t.field({ type: SortDirection, required: false, defaultValue: 'DESC', description: 'Which way.' }),
  }),
});

export const FanRef = builder.prismaNode('Fan', {
  description: 'A consumer who bought in the live room and joined the private domain. A fan sees only themself.',
  select: { id: true },
  // A fan reaches other fans' rows through shared groups, wishes and referrals: their profile stays closed.
  authScopes: (fan, ctx) => ctx.viewer.kind !== 'fan' || fan.id === ctx.viewer.fanId,
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    externalId: t.exposeString('externalId', { description: "The fan's user id on the live platform." }),
    displayName: t.exposeString('displayName', { description: 'Name shown in groups.' }),
    region: t.exposeString('region', { nullable: true, description: 'Self-reported region.' }),
    skinType: t.exposeString('skinType', { nullable: true, description: 'Self-reported skin type.' }),
    source: t.expose('source', { type: FanSourceEnum, description: 'How the fan entered the private domain.' }),
    referredBy: t.relation('referredBy', { nullable: true, description: 'The fan who referred this one, if any.' }),
    isKoc: t.exposeBoolean('isKoc', { description: 'Whether the fan is a key opinion consumer.' }),
    optedOut: t.exposeBoolean('optedOut', { description: 'The fan opted out of pushes and reminders.' }),
    lifecycle: t.expose('lifecycle', { type: FanLifecycleEnum, description: 'Lifecycle stage.' }),
    intimacy: t.exposeInt('intimacy', { description: 'Intimacy score; grows with check-ins, messages, likes and buyer shows.' }),
    pointsBalance: t.exposeInt('pointsBalance', { description: 'Current points balance; never negative.' }),
    checkInStreak: t.exposeInt('checkInStreak', { description: 'Consecutive days checked in, up to the last check-in.' }),
    lastCheckInDay: t.expose('lastCheckInDay', { type: 'Date', nullable: true, description: 'Day of the last check-in.' }),
    orderCount: t.exposeInt('orderCount', { description: 'Paid orders imported from the live platform.' }),
    totalSpendCents: t.exposeInt('totalSpendCents', { description: 'Total spend over paid orders, in cents.' }),
    averageOrderValueCents: t.int({
      description: 'Average order value in cents (0 without orders).',
      select: { orderCount: true, totalSpendCents: true },
      resolve: (fan) => (fan.orderCount ? Math.round(fan.totalSpendCents / fan.orderCount) : 0),
    }),
    lastOrderAt: t.expose('lastOrderAt', { type: 'DateTime', nullable: true, description: 'Time of the latest order.' }),
    lastActiveAt: t.expose('lastActiveAt', { type: 'DateTime', nullable: true, description: 'Last time the fan did anything we saw.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the fan joined the private domain.' }),
    tags: t.relation('tags', { description: "The fan's tags, operator and self-reported.", query: { orderBy: { createdAt: 'asc' } } }),
    memberships: t.relatedConnection('memberships', {
      cursor: 'id',
      totalCount: true,
      description: 'Groups the fan is or was in, newest first.',
      query: { orderBy: [{ joinedAt: 'desc' }, { id: 'desc' }] },
    }),
    orders: t.relatedConnection('orders', {
      cursor: 'id',
      totalCount: true,
      description: "The fan's orders, newest first.",
      query: { orderBy: [{ placedAt: 'desc' }, { id: 'desc' }] },
    }),
    pointsEntries: t.relatedConnection('pointsEntries', {
      cursor: 'id',
      totalCount: true,
      description: "The fan's points ledger, newest first.",
      query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
    }),
    reservations: t.relation('reservations', { description: 'Live sessions and items the fan reserved.' }),
  }),
});

export const TagRef = builder.prismaNode('Tag', {
  description: 'A label on fans, e.g. "Shanghai", "oily skin", "big spender".',
  select: { id: true },
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The label, unique within the organization.' }),
    fanCount: t.relationCount('fans', { description: 'How many fans carry this tag.' }),
  }),
});

builder.prismaObject('FanTag', {
  description: 'A tag on one fan, and who put it there.',
  fields: (t) => ({
    tag: t.relation('tag', { description: 'The tag.' }),
    source: t.expose('source', { type: TagSourceEnum, description: 'Operator-assigned, self-reported or by a tag rule.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the tag was attached.' }),
  }),
});

export const SegmentRef = builder.prismaNode('Segment', {
  description: 'A saved fan filter used to target reminders and reactivation.',
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Segment name.' }),
    filter: t.expose('filter', { type: 'JSON', description: 'The saved filter, in the shape of FanFilter.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the segment was saved.' }),
    fans: t.prismaConnection({
      type: 'Fan',
      cursor: 'id',
      description: 'Fans matching the saved filter now, newest first.',
      resolve: (query, segment, _args, ctx) => ctx.db.fan.findMany({ ...query, where: segmentFanWhere(segment), orderBy: fanOrderBy() }),
      totalCount: (segment, _args, ctx) => ctx.db.fan.count({ where: segmentFanWhere(segment) }),
    }),
  }),
});

// A fan's first screen: `{ viewer { fan { displayName pointsBalance checkInStreak memberships … } } }`.
builder.objectField(ViewerRef, 'fan', (t) =>
  t.prismaField({
    type: 'Fan',
    nullable: true,
    description: "The signed-in fan's own profile (points, streak, groups, reservations, coupons); null for every other caller.",
    resolve: (query, _viewer, _args, ctx) => {
      const selection = { ...query }; // spread even when unused: Pothos refuses a resolver that ignores its query
      return ctx.viewer.kind === 'fan' ? ctx.db.fan.findUnique({ ...selection, where: { id: ctx.viewer.fanId } }) : null;
    },
  }),
);

type FilterArg = {
  tagIds?: { id: string }[] | null;
  communityId?: { id: string } | null;
} & Record<string, unknown>;

export function toFanFilter(f: FilterArg | null | undefined): FanFilter {
  if (!f) return {};
  return { ...f, tagIds: f.tagIds?.map((g) => g.id), communityId: f.communityId?.id } as FanFilter;
}

export const TagRuleRef = builder.prismaNode('TagRule', {
  description:
    'A rule that tags fans (source RULE) who meet all of its conditions; applied on fan and order imports and by `applyTagRules`, which also takes the tag off fans who no longer match.',
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Unique name of the rule in the organization.' }),
    tag: t.relation('tag', { description: 'The tag it gives.' }),
    boughtCategory: t.exposeString('boughtCategory', {
      nullable: true,
      description: 'Bought this product category: an order line {"category": …} of a paid order (case-insensitive).',
    }),
    minSpendCents: t.exposeInt('minSpendCents', { nullable: true, description: 'Total spend of at least this many cents.' }),
    minOrders: t.exposeInt('minOrders', { nullable: true, description: 'At least this many orders.' }),
    skinType: t.exposeString('skinType', { nullable: true, description: 'This skin type (lower-case, as self-descriptions set it).' }),
    region: t.exposeString('region', { nullable: true, description: 'This region.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the rule was made.' }),
  }),
});
