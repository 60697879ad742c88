// Order mutations: the live platform (partner scope "import") or an operator imports and refunds orders.
import { z } from 'zod';
import { orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { CommunityRef } from '../communities/schema.js';
import { parseBatch } from '../fans/batch.js';
import { FanRef } from '../fans/schema.js';
import { LiveSessionRef } from '../live/schema.js';
import type { Prisma } from '../generated/prisma/client.js';
import { importOrders } from './import.js';
import { refundOrder, type RefundOutcome } from './refund.js';
import { OrderRef } from './schema.js';

const OrderImportRowInput = builder.inputType('OrderImportRow', {
  description: 'One paid order as the live platform reports it.',
  fields: (t) => ({
    externalId: t.string({ required: true, description: 'Order id on the platform (1–64 characters); the import key.' }),
    fanExternalId: t.string({ required: true, description: "The buyer's user id on the platform; the fan must already exist (import fans first)." }),
    amountCents: t.int({ required: true, description: 'Amount paid in cents, 1 to 100,000,000. Earns floor(amount / 100) points.' }),
    itemCount: t.int({ required: false, description: 'Number of items, 1–999 (default 1).' }),
    items: t.field({ type: 'JSON', required: false, description: 'Line items as the platform sends them (up to 10,000 characters of JSON).' }),
    placedAt: t.field({ type: 'DateTime', required: true, description: 'When the order was placed; not in the future.' }),
    liveSessionId: t.globalID({ for: LiveSessionRef, required: false, description: 'The live session it was placed in.' }),
    communityId: t.globalID({ for: CommunityRef, required: false, description: 'The group it is attributed to.' }),
    kocFanId: t.globalID({ for: FanRef, required: false, description: 'The KOC it is attributed to (not the buyer).' }),
  }),
});

const ImportOrdersInput = builder.inputType('ImportOrdersInput', {
  description: 'A batch of orders, 1–500 rows. A bad row refuses the whole batch.',
  fields: (t) => ({ orders: t.field({ type: [OrderImportRowInput], required: true, description: 'The rows; external ids must not repeat.' }) }),
});

const ImportOrdersResult = builder.simpleObject('ImportOrdersResult', {
  description: 'What an order import did. Re-sending the same batch creates nothing and awards nothing.',
  fields: (t) => ({
    created: t.int({ description: 'Orders imported now (each counted on the fan and converted to points once).' }),
    unchanged: t.int({ description: 'Orders that were already imported.' }),
    pointsAwarded: t.int({ description: 'Points credited for the new orders.' }),
  }),
});

const RefundOrderInput = builder.inputType('RefundOrderInput', {
  description: 'Refund an order.',
  fields: (t) => ({ orderId: t.globalID({ for: OrderRef, required: true, description: 'The order to refund.' }) }),
});

const RefundResult = builder.objectRef<RefundOutcome>('RefundOrderResult').implement({
  description: 'A refunded order and what happened to its points.',
  fields: (t) => ({
    order: t.field({ type: OrderRef, description: 'The order, now REFUNDED.', resolve: (r) => r.order }),
    pointsReversed: t.exposeInt('pointsReversed', { description: 'Points taken back from the fan.' }),
    pointsNotReversed: t.exposeInt('pointsNotReversed', { description: 'Points of this order the fan had already spent; the balance never goes negative.' }),
  }),
});

const key = z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters');

builder.mutationFields((t) => ({
  importOrders: t.field({
    type: ImportOrdersResult,
    errors: {},
    description: 'Import orders by external id. Idempotent: each order counts, and converts to points, exactly once.',
    authScopes: { partner: 'import', operatorWrite: true },
    args: { input: t.arg({ type: ImportOrdersInput, required: true, description: 'The batch.' }) },
    resolve: (_root, { input }, ctx) => {
      const latest = new Date(Date.now() + 10 * 60_000);
      const row = z.object({
        externalId: key,
        fanExternalId: key,
        amountCents: z.number().int().min(1, 'must be at least 1').max(100_000_000, 'must be at most 100,000,000'),
        itemCount: z.number().int().min(1, 'must be at least 1').max(999, 'must be at most 999').nullish(),
        items: z.unknown().optional().refine((x) => x == null || JSON.stringify(x).length <= 10_000, 'must be at most 10,000 characters of JSON'),
        placedAt: z.date().min(new Date('2000-01-01'), 'is too far in the past').max(latest, 'must not be in the future'),
      });
      const v = parseBatch(z.object({ orders: z.array(row).min(1, 'must have at least one row').max(500, 'must have at most 500 rows') }), input);
      const rows = v.orders.map((r, i) => {
        const raw = input.orders[i];
        return { ...r, items: (r.items ?? null) as Prisma.InputJsonValue | null, liveSessionId: raw.liveSessionId?.id, communityId: raw.communityId?.id, kocFanId: raw.kocFanId?.id };
      });
      return importOrders(ctx, orgOf(ctx.viewer), rows);
    },
  }),
  refundOrder: t.field({
    type: RefundResult,
    errors: {},
    description: 'Refund an order once: reverses its order count, spend and points (never below a zero balance).',
    authScopes: { partner: 'import', operatorWrite: true },
    args: { input: t.arg({ type: RefundOrderInput, required: true, description: 'The order.' }) },
    resolve: (_root, { input }, ctx) => refundOrder(ctx, orgOf(ctx.viewer), input.orderId.id),
  }),
}));
