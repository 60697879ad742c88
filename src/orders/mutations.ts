// Order mutations: the live platform (partner scope "import") or an operator imports and refunds orders.

import { CommunityRef } from '../communities/types.js';
import { orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { refusals } from '../core/error-types.js';
import { items, range, text } from '../core/input-rules.js';
import { FanRef } from '../fans/types.js';
import type { Prisma } from '../generated/prisma/client.js';
import { LiveSessionRef } from '../live/types.js';
import { PointsEntryRef } from '../points/types.js';
import { claimOrderPoints, setOrderPointsPolicy } from './claim.js';
import { importOrders } from './import.js';
import { type RefundOutcome, refundOrder } from './refund.js';
import { OrderPointsModeEnum, OrderRef } from './types.js';

const OrderImportRowInput = builder.inputType('OrderImportRow', {
  description: 'One paid order as the live platform reports it.',
  fields: (t) => ({
    externalId: t.string({ required: true, description: 'Order id on the platform; the import key.', ...text(1, 64) }),
    fanExternalId: t.string({
      required: true,
      description: "The buyer's user id on the platform; the fan must already exist (import fans first).",
      ...text(1, 64),
    }),
    amountCents: t.int({ required: true, description: 'Amount paid in cents; earns floor(amount / 100) points.', ...range(1, 100_000_000) }),
    itemCount: t.int({ required: false, description: 'Number of items (default 1).', ...range(1, 999) }),
    items: t.field({ type: 'JSON', required: false, description: 'Line items as the platform sends them.' }),
    placedAt: t.field({ type: 'DateTime', required: true, description: 'When the order was placed; not in the future.' }),
    liveSessionId: t.globalID({ for: LiveSessionRef, required: false, description: 'The live session it was placed in.' }),
    communityId: t.globalID({ for: CommunityRef, required: false, description: 'The group it is attributed to.' }),
    kocFanId: t.globalID({ for: FanRef, required: false, description: 'The KOC it is attributed to (not the buyer).' }),
  }),
});

const ImportOrdersInput = builder.inputType('ImportOrdersInput', {
  description: 'A batch of orders. A bad row refuses the whole batch.',
  fields: (t) => ({
    orders: t.field({ type: [OrderImportRowInput], required: true, description: 'The rows; external ids must not repeat.', ...items(1, 500) }),
  }),
});

const ImportOrdersResult = builder.simpleObject('ImportOrdersResult', {
  description: 'What an order import did. Re-sending the same batch creates nothing and awards nothing.',
  fields: (t) => ({
    created: t.int({ description: 'Orders imported now (each counted on the fan and converted to points once).' }),
    unchanged: t.int({ description: 'Orders that were already imported.' }),
    pointsAwarded: t.int({ description: 'Points credited for the new orders (0 when the organization converts ON_CLAIM).' }),
    pointsToClaim: t.int({ description: 'Points of the new orders now waiting for their buyers to claim them (ON_CLAIM organizations).' }),
  }),
});

const ClaimOrderPointsInput = builder.inputType('ClaimOrderPointsInput', {
  description: "Claim an order's points (organizations converting ON_CLAIM).",
  fields: (t) => ({
    orderId: t.globalID({ for: OrderRef, required: true, description: 'The order; a fan claims only their own.' }),
  }),
});

const ClaimedOrderPoints = builder.objectRef<{ order: object; entry: object }>('ClaimedOrderPoints').implement({
  description: 'An order whose points were just claimed, and the ledger entry that credited them.',
  fields: (t) => ({
    order: t.field({ type: OrderRef, description: 'The order, now CLAIMED.', resolve: (r) => r.order as never }),
    entry: t.field({ type: PointsEntryRef, description: 'The ORDER entry with the balance after it.', resolve: (r) => r.entry as never }),
  }),
});

const SetOrderPointsPolicyInput = builder.inputType('SetOrderPointsPolicyInput', {
  description: 'How imported orders turn into points, for orders imported from now on.',
  fields: (t) => ({
    mode: t.field({ type: OrderPointsModeEnum, required: true, description: 'AUTOMATIC (at import) or ON_CLAIM (when the fan claims them).' }),
    claimDays: t.int({
      required: false,
      description: 'Days a fan has to claim, from the import (ON_CLAIM); omit to keep the current value.',
      ...range(1, 365),
    }),
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
    pointsNotReversed: t.exposeInt('pointsNotReversed', {
      description: 'Points of this order the fan had already spent; the balance never goes negative.',
    }),
  }),
});

builder.mutationFields((t) => ({
  importOrders: t.field({
    type: ImportOrdersResult,
    errors: refusals('CONFLICT', 'NOT_FOUND'),
    description:
      "Import orders by external id. Idempotent: each order counts, and converts to points, exactly once — at import, or when its buyer claims it if the organization's orderPointsMode is ON_CLAIM.",
    authScopes: { partner: 'import', operatorWrite: true },
    args: { input: t.arg({ type: ImportOrdersInput, required: true, description: 'The batch.' }) },
    resolve: (_root, { input }, ctx) => {
      const rows = input.orders.map((r) => ({
        ...r,
        items: (r.items ?? null) as Prisma.InputJsonValue | null,
        liveSessionId: r.liveSessionId?.id,
        communityId: r.communityId?.id,
        kocFanId: r.kocFanId?.id,
      }));
      return importOrders(ctx, orgOf(ctx.viewer), rows);
    },
  }),
  claimOrderPoints: t.field({
    type: ClaimedOrderPoints,
    errors: refusals('CONFLICT', 'FORBIDDEN', 'INVALID_STATE', 'NOT_AVAILABLE', 'NOT_FOUND'),
    description:
      "The buyer claims an order's points (organizations converting ON_CLAIM), once: a second claim, even in parallel, is CONFLICT and credits nothing. " +
      "After pointsClaimDeadline the conversion has lapsed (NOT_AVAILABLE); a refunded order, or one converted at import, has nothing to claim (INVALID_STATE); another fan's order is FORBIDDEN. Operators may claim for the buyer.",
    authScopes: { fan: true, operatorWrite: true },
    args: { input: t.arg({ type: ClaimOrderPointsInput, required: true, description: 'The order.' }) },
    resolve: (_root, { input }, ctx) =>
      claimOrderPoints(ctx, orgOf(ctx.viewer), { orderId: input.orderId.id, fanId: ctx.viewer.kind === 'fan' ? ctx.viewer.fanId : null }),
  }),
  setOrderPointsPolicy: t.prismaField({
    type: 'Organization',
    errors: refusals(),
    description:
      'Choose how imported orders turn into points (owners and admins): AUTOMATIC at import, or ON_CLAIM within claimDays. Applies to orders imported afterwards.',
    authScopes: { operatorAdmin: true },
    args: { input: t.arg({ type: SetOrderPointsPolicyInput, required: true, description: 'The policy.' }) },
    resolve: async (query, _root, { input }, ctx) => {
      const org = await setOrderPointsPolicy(ctx, orgOf(ctx.viewer), input);
      return ctx.db.organization.findUniqueOrThrow({ ...query, where: { id: org.id } });
    },
  }),
  refundOrder: t.field({
    type: RefundResult,
    errors: refusals('INVALID_STATE', 'NOT_FOUND'),
    description: 'Refund an order once: reverses its order count, spend and points (never below a zero balance).',
    authScopes: { partner: 'import', operatorWrite: true },
    args: { input: t.arg({ type: RefundOrderInput, required: true, description: 'The order.' }) },
    resolve: (_root, { input }, ctx) => refundOrder(ctx, orgOf(ctx.viewer), input.orderId.id),
  }),
}));
