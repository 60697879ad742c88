// Orders imported from the live platform: the commerce facts behind fan value and group GMV.

import { ownFanRow } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { orgIdOf } from '../core/context.js';
import { within } from '../core/filters.js';

export const OrderStatusEnum = builder.enumType('OrderStatus', {
  description: 'Payment state of an order.',
  values: { PAID: { description: 'Paid and counted.' }, REFUNDED: { description: 'Refunded; its points were reversed.' } },
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
  }),
});

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
