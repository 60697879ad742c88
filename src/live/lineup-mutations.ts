// Line-up mutations: add, change, remove items, and put an item on sale during the stream.
import { orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { refusals } from '../core/error-types.js';
import { range, text } from '../core/input-rules.js';
import type { LineupItem } from '../generated/prisma/client.js';
import { addLineupItem, type LineupChange, putItemOnSale, removeLineupItem, updateLineupItem } from './lineup.js';
import { LineupItemRef, LiveSessionRef, WishRef } from './types.js';

const AddLineupItemInput = builder.inputType('AddLineupItemInput', {
  description: 'A product joining the line-up of a SCHEDULED or LIVE session.',
  fields: (t) => ({
    sessionId: t.globalID({ for: LiveSessionRef, required: true, description: 'The session.' }),
    productName: t.string({ required: true, description: 'Product name; open wishes it matches become FULFILLED.', ...text(1, 120) }),
    sku: t.string({ required: false, description: 'Product code on the live platform.', ...text(0, 64) }),
    priceCents: t.int({ required: true, description: 'Live price in cents.', ...range(1, 100_000_000) }),
    slotAt: t.field({
      type: 'DateTime',
      required: false,
      description: "Planned moment it is presented; must fall on the session's day (organization time zone).",
    }),
    position: t.int({ required: false, description: 'Order in the line-up; defaults to the end.', ...range(0, 999) }),
    plannedOnSaleAt: t.field({
      type: 'DateTime',
      required: false,
      description:
        "When a job puts it on sale (reminding its reservers, as putItemOnSale does): in the future, on the session's day; if the session is not LIVE then, nothing happens. Moves with the session when it is rescheduled.",
    }),
  }),
});

const UpdateLineupItemInput = builder.inputType('UpdateLineupItemInput', {
  description: 'Changes to a line-up item; omitted fields stay as they are.',
  fields: (t) => ({
    itemId: t.globalID({ for: LineupItemRef, required: true, description: 'The item.' }),
    productName: t.string({ required: false, description: 'New product name.', ...text(1, 120) }),
    sku: t.string({ required: false, description: 'New product code; empty removes it.', ...text(0, 64) }),
    priceCents: t.int({ required: false, description: 'New price in cents.', ...range(1, 100_000_000) }),
    slotAt: t.field({ type: 'DateTime', required: false, description: "New planned slot, on the session's day." }),
    position: t.int({ required: false, description: 'New position.', ...range(0, 999) }),
    plannedOnSaleAt: t.field({
      type: 'DateTime',
      required: false,
      description:
        "New planned on-sale time (in the future, on the session's day); replaces the earlier plan. Null clears it (the item then goes on sale by hand only). INVALID_STATE once on sale.",
    }),
  }),
});

const LineupChangeRef = builder.objectRef<LineupChange>('LineupChange').implement({
  description: 'A line-up item after a change, with the wishes the change fulfilled.',
  fields: (t) => ({
    item: t.field({ type: LineupItemRef, description: 'The item.', resolve: (r) => r.item }),
    fulfilledWishes: t.field({
      type: [WishRef],
      description: 'Open wishes this item answered; they are now FULFILLED by it.',
      resolve: (r) => r.fulfilledWishes,
    }),
    remindedCount: t.exposeInt('remindedCount', {
      description:
        'Fans who made or voted for the fulfilled wishes (and have not opted out) and got one WISH_FULFILLED reminder each, with a `wish.fulfilled` outbound event.',
    }),
  }),
});

const ItemOnSale = builder.objectRef<{ item: LineupItem; remindedCount: number }>('ItemOnSale').implement({
  description: 'An item just put on sale, and how many fans were reminded.',
  fields: (t) => ({
    item: t.field({ type: LineupItemRef, description: 'The item, with onSaleAt set.', resolve: (r) => r.item }),
    remindedCount: t.exposeInt('remindedCount', {
      description: 'Fans who reserved the item (and have not opted out) and got an ITEM_ON_SALE reminder.',
    }),
  }),
});

builder.mutationFields((t) => ({
  addLineupItem: t.field({
    type: LineupChangeRef,
    errors: refusals('INVALID_STATE', 'NOT_FOUND'),
    description:
      'Add a product to the line-up of a SCHEDULED or LIVE session; matching open wishes are fulfilled in the same step, and the fans who made or voted for them are reminded (WISH_FULFILLED, opted-out fans left out).',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: AddLineupItemInput, required: true, description: 'The item.' }) },
    resolve: (_root, { input: { sessionId, ...item } }, ctx) =>
      addLineupItem(ctx, orgOf(ctx.viewer), sessionId.id, { ...item, sku: item.sku || null }),
  }),
  updateLineupItem: t.field({
    type: LineupChangeRef,
    errors: refusals('INVALID_STATE', 'NOT_FOUND'),
    description:
      'Change a line-up item while its session is SCHEDULED or LIVE; a new name may fulfil open wishes, reminding their makers and voters as addLineupItem does.',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: UpdateLineupItemInput, required: true, description: 'The changes.' }) },
    resolve: (_root, { input }, ctx) => {
      const { itemId, productName, sku, priceCents, slotAt, position, plannedOnSaleAt } = input;
      // Omitted (or null) fields stay as they are; an empty sku removes it; a null plannedOnSaleAt clears the plan.
      const patch = {
        productName: productName ?? undefined,
        sku: sku == null ? undefined : sku || null,
        priceCents: priceCents ?? undefined,
        slotAt: slotAt ?? undefined,
        position: position ?? undefined,
        plannedOnSaleAt,
      };
      return updateLineupItem(ctx, orgOf(ctx.viewer), itemId.id, patch);
    },
  }),
  removeLineupItem: t.field({
    type: LiveSessionRef,
    errors: refusals('INVALID_STATE', 'NOT_FOUND'),
    description: 'Take an item off the line-up (not once it is on sale); wishes it fulfilled open again, its reservations go.',
    authScopes: { operatorWrite: true },
    args: { itemId: t.arg.globalID({ for: LineupItemRef, required: true, description: 'The item.' }) },
    resolve: (_root, { itemId }, ctx) => removeLineupItem(ctx, orgOf(ctx.viewer), itemId.id),
  }),
  putItemOnSale: t.field({
    type: ItemOnSale,
    errors: refusals('INVALID_STATE', 'NOT_FOUND'),
    description: 'Put an item of a LIVE session on sale (once) and remind every fan who reserved it.',
    authScopes: { operatorWrite: true, partner: 'live' },
    args: { itemId: t.arg.globalID({ for: LineupItemRef, required: true, description: 'The item.' }) },
    resolve: (_root, { itemId }, ctx) => putItemOnSale(ctx, orgOf(ctx.viewer), itemId.id),
  }),
}));
