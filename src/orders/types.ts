// Orders imported from the live platform: the commerce facts behind fan value and group GMV.

import { ownFanRow } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { orgIdOf } from '../core/context.js';
import { within } from '../core/filters.js';
import { type PointsClaimStatus, pointsClaimStatus } from './claim.js';
import { pointsForOrder } from './import.js';

export const OrderStatusEnum = builder.enumType('OrderStatus', {
  description: 'Payment state of an order.',
  values: { PAID: { description: 'Paid and counted.' }, REFUNDED: { description: 'Refunded; its points were reversed.' } },
});

export const PointsClaimStatusEnum = builder.enumType('PointsClaimStatus', {
  description: "Where an order's points stand.",
  values: {
    AT_IMPORT: { description: 'Credited when the order was imported (AUTOMATIC organizations).' },
    CLAIMABLE: { description: 'Waiting for the buyer to claim them, before pointsClaimDeadline.' },
    CLAIMED: { description: 'Claimed by the buyer and credited.' },
    EXPIRED: { description: 'Not claimed before pointsClaimDeadline: never credited.' },
    NONE: { description: 'Nothing to credit: under ¥1, or refunded before it was claimed.' },
  } satisfies Record<PointsClaimStatus, unknown>,
});

export const OrderRef = builder.prismaNode('Order', {
  description: 'An order placed on the live platform, attributed to a session, group and KOC when known. A fan sees only their own.',
  select: { id: true, fanId: true },
  authScopes: ownFanRow,
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    externalId: t.exposeString('externalId', { description: 'Order id on the live platform, unique per organization.' }),
    amountCents: t.exposeInt('amountCents', { description: 'Amount paid, in cents.' }),
    itemCount: t.exposeInt('itemCount', { description: 'Number of items.' }),
    items: t.expose('items', { type: 'JSON', nullable: true, description: 'Line items as sent by the platform.' }),
    status: t.expose('status', { type: OrderStatusEnum, description: 'Paid or refunded.' }),
    placedAt: t.expose('placedAt', { type: 'DateTime', description: 'When the order was placed.' }),
    refundedAt: t.expose('refundedAt', { type: 'DateTime', nullable: true, description: 'When it was refunded.' }),
    fan: t.relation('fan', { description: 'The buyer.' }),
    liveSession: t.relation('liveSession', { nullable: true, description: 'The live session it was placed in.' }),
    community: t.relation('community', { nullable: true, description: 'The group it is attributed to.' }),
    koc: t.relation('koc', { nullable: true, description: 'The KOC it is attributed to.' }),
    points: t.int({
      description: 'Points the order converts to: floor(amount / 100), 1 per whole yuan.',
      select: { amountCents: true },
      resolve: (o) => pointsForOrder(o.amountCents),
    }),
    pointsClaim: t.field({
      type: PointsClaimStatusEnum,
      description: "Where the order's points stand (ON_CLAIM organizations: claimable until pointsClaimDeadline, then EXPIRED).",
      select: { amountCents: true, status: true, pointsClaimDeadline: true, pointsClaimedAt: true },
      resolve: (o) => pointsClaimStatus(o),
    }),
    pointsClaimDeadline: t.expose('pointsClaimDeadline', {
      type: 'DateTime',
      nullable: true,
      description: 'Last moment the buyer may claim the points (null: converted at import, or nothing to claim).',
    }),
    pointsClaimedAt: t.expose('pointsClaimedAt', { type: 'DateTime', nullable: true, description: 'When the buyer claimed the points.' }),
  }),
});

export const OrderPointsModeEnum = builder.enumType('OrderPointsMode', {
  description: "How the organization's imported orders turn into points.",
  values: {
    AUTOMATIC: { description: 'At import: every new order credits its points at once.' },
    ON_CLAIM: {
      description:
        'When the buyer claims them (claimOrderPoints) within orderPointsClaimDays of the import; unclaimed conversions lapse at the deadline (checked when claiming, no job).',
    },
  },
});

builder.prismaObjectFields('Organization', (t) => ({
  orderPointsMode: t.expose('orderPointsMode', {
    type: OrderPointsModeEnum,
    description: 'How imported orders turn into points; a change applies to orders imported afterwards.',
  }),
  orderPointsClaimDays: t.exposeInt('orderPointsClaimDays', {
    description: "Days a fan has, from the import, to claim an order's points when the mode is ON_CLAIM (1–365).",
  }),
}));

type Gid = { id: string } | null | undefined;
export function orderWhere(
  orgId: string,
  a: { fanId?: Gid; communityId?: Gid; liveSessionId?: Gid; kocId?: Gid; from?: Date | null; to?: Date | null },
) {
  return {
    orgId,
    fanId: a.fanId?.id,
    communityId: a.communityId?.id,
    liveSessionId: a.liveSessionId?.id,
    kocId: a.kocId?.id,
    placedAt: within(a.from, a.to),
  };
}
