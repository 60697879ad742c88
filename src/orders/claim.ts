// Points on claim. An organization that converts orders ON_CLAIM (to keep its fan pool precise: only fans
// who open the mini-program and claim are counted as engaged) imports orders without crediting points;
// each order that earns points gets a claim deadline (import time + orderPointsClaimDays). The buyer
// claims them once before it; afterwards the conversion has lapsed.
// Expiry is lazy: nothing runs at the deadline — a claim after it is refused, and Order.pointsClaim
// answers EXPIRED from the clock. Unclaimed points were never credited, so no EXPIRY ledger entry is
// needed and a balance never drops because of it.
// Concurrency: one conditional UPDATE (pointsClaimedAt IS NULL AND deadline > now AND PAID) decides
// between parallel claims (and a racing refund, which flips the status on the same row); the ledger's
// unique key "order:<id>" is a second guard.
import type { Context } from '../core/context.js';
import { DomainError, notFound } from '../core/errors.js';
import type { Order, PointsEntry } from '../generated/prisma/client.js';
import { applyPoints } from '../points/ledger.js';
import { pointsForOrder } from './import.js';

type Deps = Pick<Context, 'db'>;

export type PointsClaimStatus = 'AT_IMPORT' | 'CLAIMABLE' | 'CLAIMED' | 'EXPIRED' | 'NONE';

/** Where an order's points stand, read from its columns and the clock. */
export function pointsClaimStatus(
  o: Pick<Order, 'status' | 'pointsClaimDeadline' | 'pointsClaimedAt' | 'amountCents'>,
  now = new Date(),
): PointsClaimStatus {
  if (o.pointsClaimedAt) return 'CLAIMED';
  if (!pointsForOrder(o.amountCents)) return 'NONE';
  if (!o.pointsClaimDeadline) return 'AT_IMPORT';
  if (o.status !== 'PAID') return 'NONE';
  return o.pointsClaimDeadline > now ? 'CLAIMABLE' : 'EXPIRED';
}

export async function claimOrderPoints(
  deps: Deps,
  orgId: string,
  input: { orderId: string; fanId: string | null },
  now = new Date(),
): Promise<{ order: Order; entry: PointsEntry }> {
  return deps.db.$transaction(async (tx) => {
    const order = await tx.order.findFirst({ where: { id: input.orderId, orgId } });
    if (!order) throw notFound('Order', 'input.orderId');
    if (input.fanId && order.fanId !== input.fanId) throw new DomainError('FORBIDDEN', "An order's points go to its buyer only", 'input.orderId');
    const { count } = await tx.order.updateMany({
      where: { id: order.id, status: 'PAID', pointsClaimedAt: null, pointsClaimDeadline: { gt: now } },
      data: { pointsClaimedAt: now },
    });
    if (!count) {
      const current = await tx.order.findUniqueOrThrow({ where: { id: order.id } });
      const status = pointsClaimStatus(current, now);
      if (status === 'CLAIMED')
        throw new DomainError('CONFLICT', `The points were already claimed at ${current.pointsClaimedAt!.toISOString()}`, 'input.orderId');
      if (status === 'EXPIRED')
        throw new DomainError('NOT_AVAILABLE', `The claim window closed at ${current.pointsClaimDeadline!.toISOString()}`, 'input.orderId');
      if (current.status !== 'PAID') throw new DomainError('INVALID_STATE', `Order ${current.externalId} was refunded`, 'input.orderId');
      throw new DomainError(
        'INVALID_STATE',
        `Order ${current.externalId} has no points to claim (converted at import, or under ¥1)`,
        'input.orderId',
      );
    }
    const entry = await applyPoints(tx, {
      orgId,
      fanId: order.fanId,
      delta: pointsForOrder(order.amountCents),
      reason: 'ORDER',
      reference: `order:${order.id}`,
      idempotencyKey: `order:${order.id}`,
      note: `Order ${order.externalId} (claimed)`,
    });
    return { order: { ...order, pointsClaimedAt: now }, entry };
  });
}

export async function setOrderPointsPolicy(deps: Deps, orgId: string, input: { mode: 'AUTOMATIC' | 'ON_CLAIM'; claimDays?: number | null }) {
  return deps.db.organization.update({
    where: { id: orgId },
    data: { orderPointsMode: input.mode, orderPointsClaimDays: input.claimDays ?? undefined },
  });
}
