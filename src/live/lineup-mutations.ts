// Line-up mutations: add, change, remove items, and put an item on sale during the stream.
import { z } from 'zod';
import { orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { parseInput } from '../core/validation.js';
import type { LineupItem } from '../generated/prisma/client.js';
import { addLineupItem, putItemOnSale, removeLineupItem, updateLineupItem, type LineupChange } from './lineup.js';
import { LineupItemRef, LiveSessionRef, WishRef } from './schema.js';

const ItemFields = {
  productName: z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters'),
  sku: z.string().trim().max(64, 'must be at most 64 characters').nullish().transform((s) => s || null),
  priceCents: z.number().int().min(1, 'must be greater than 0').max(100_000_000, 'must be at most 100,000,000'),
  slotAt: z.date().nullish(),
  position: z.number().int().min(0, 'must not be negative').max(999, 'must be at most 999').nullish(),
};

const AddLineupItemInput = builder.inputType('AddLineupItemInput', {
  description: 'A product joining the line-up of a SCHEDULED or LIVE session.',
  fields: (t) => ({
    sessionId: t.globalID({ for: LiveSessionRef, required: true, description: 'The session.' }),
    productName: t.string({ required: true, description: 'Product name, 1–120 characters; open wishes it matches become FULFILLED.' }),
    sku: t.string({ required: false, description: 'Product code on the live platform, up to 64 characters.' }),
    priceCents: t.int({ required: true, description: 'Live price in cents, greater than 0.' }),
    slotAt: t.field({ type: 'DateTime', required: false, description: "Planned moment it is presented; must fall on the session's day (organization time zone)." }),
    position: t.int({ required: false, description: 'Order in the line-up (0–999); defaults to the end.' }),
  }),
});

const UpdateLineupItemInput = builder.inputType('UpdateLineupItemInput', {
  description: 'Changes to a line-up item; omitted fields stay as they are.',
  fields: (t) => ({
    itemId: t.globalID({ for: LineupItemRef, required: true, description: 'The item.' }),
    productName: t.string({ required: false, description: 'New product name.' }),
    sku: t.string({ required: false, description: 'New product code.' }),
    priceCents: t.int({ required: false, description: 'New price in cents, greater than 0.' }),
    slotAt: t.field({ type: 'DateTime', required: false, description: "New planned slot, on the session's day." }),
    position: t.int({ required: false, description: 'New position (0–999).' }),
  }),
});

const LineupChangeRef = builder.objectRef<LineupChange>('LineupChange').implement({
  description: 'A line-up item after a change, with the wishes the change fulfilled.',
  fields: (t) => ({
    item: t.field({ type: LineupItemRef, description: 'The item.', resolve: (r) => r.item }),
    fulfilledWishes: t.field({ type: [WishRef], description: 'Open wishes this item answered; they are now FULFILLED by it.', resolve: (r) => r.fulfilledWishes }),
  }),
});

const ItemOnSale = builder.objectRef<{ item: LineupItem; remindedCount: number }>('ItemOnSale').implement({
  description: 'An item just put on sale, and how many fans were reminded.',
  fields: (t) => ({
    item: t.field({ type: LineupItemRef, description: 'The item, with onSaleAt set.', resolve: (r) => r.item }),
    remindedCount: t.exposeInt('remindedCount', { description: 'Fans who reserved the item (and have not opted out) and got an ITEM_ON_SALE reminder.' }),
  }),
});

const present = (o: object) => Object.fromEntries(Object.entries(o).filter(([, x]) => x != null));

builder.mutationFields((t) => ({
  addLineupItem: t.field({
    type: LineupChangeRef,
    errors: {},
    description: 'Add a product to the line-up of a SCHEDULED or LIVE session; matching open wishes are fulfilled in the same step.',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: AddLineupItemInput, required: true, description: 'The item.' }) },
    resolve: (_root, { input }, ctx) => addLineupItem(ctx, orgOf(ctx.viewer), input.sessionId.id, parseInput(z.object(ItemFields), input)),
  }),
  updateLineupItem: t.field({
    type: LineupChangeRef,
    errors: {},
    description: 'Change a line-up item while its session is SCHEDULED or LIVE; a new name may fulfil open wishes.',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: UpdateLineupItemInput, required: true, description: 'The changes.' }) },
    resolve: (_root, { input }, ctx) => {
      const { itemId, ...rest } = input;
      const v = parseInput(z.object(ItemFields).partial(), present(rest));
      return updateLineupItem(ctx, orgOf(ctx.viewer), itemId.id, present(v));
    },
  }),
  removeLineupItem: t.field({
    type: LiveSessionRef,
    errors: {},
    description: 'Take an item off the line-up (not once it is on sale); wishes it fulfilled open again, its reservations go.',
    authScopes: { operatorWrite: true },
    args: { itemId: t.arg.globalID({ for: LineupItemRef, required: true, description: 'The item.' }) },
    resolve: (_root, { itemId }, ctx) => removeLineupItem(ctx, orgOf(ctx.viewer), itemId.id),
  }),
  putItemOnSale: t.field({
    type: ItemOnSale,
    errors: {},
    description: 'Put an item of a LIVE session on sale (once) and remind every fan who reserved it.',
    authScopes: { operatorWrite: true, partner: 'live' },
    args: { itemId: t.arg.globalID({ for: LineupItemRef, required: true, description: 'The item.' }) },
    resolve: (_root, { itemId }, ctx) => putItemOnSale(ctx, orgOf(ctx.viewer), itemId.id),
  }),
}));
