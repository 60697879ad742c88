// Refunds: an order is refunded once. The refund reverses what the order added — order count, spend,
// the session's numbers, and its points (reason REFUND, key "order-refund:<orderId>"). The balance
// never goes negative: if the fan already spent some of the order's points, only what is left is taken
// back, and the ledger note says how much could not be. lastOrderAt falls back to the latest order still
// paid; lastActiveAt stays (the fan was active then).
// Concurrency: the PAID → REFUNDED flip is one conditional UPDATE, so of parallel refunds exactly one
// proceeds and the others answer INVALID_STATE; the fan row stays locked from the facts update to the
// ledger entry, so a concurrent redemption cannot spend the points being reversed in between.
import type { Context } from '../core/context.js';
import { DomainError, notFound } from '../core/errors.js';
import { applyLifecycleRule } from '../fans/lifecycle.js';
import type { Order } from '../generated/prisma/client.js';
import { applyPoints } from '../points/ledger.js';

type Deps = Pick<Context, 'db'>;

export interface RefundOutcome {
  order: Order;
  /** Points taken back from the fan. */
  pointsReversed: number;
  /** Points of the order the fan had already spent, which could not be taken back. */
  pointsNotReversed: number;
}

export async function refundOrder(deps: Deps, orgId: string, orderId: string, now = new Date()): Promise<RefundOutcome> {
  return deps.db.$transaction(async (tx) => {
    const flipped = await tx.order.updateMany({ where: { id: orderId, orgId, status: 'PAID' }, data: { status: 'REFUNDED', refundedAt: now } });
    const order = await tx.order.findFirst({ where: { id: orderId, orgId } });
    if (!order) throw notFound('Order', 'input.orderId');
    if (!flipped.count) throw new DomainError('INVALID_STATE', `Order ${order.externalId} is already refunded`, 'input.orderId');

    const [fan] = await tx.$queryRaw<{ pointsBalance: number }[]>`
      UPDATE "Fan" SET "orderCount" = GREATEST("orderCount" - 1, 0), "totalSpendCents" = GREATEST("totalSpendCents" - ${order.amountCents}, 0),
        "lastOrderAt" = (SELECT max(o."placedAt") FROM "Order" o WHERE o."fanId" = ${order.fanId} AND o."status" = 'PAID'), "updatedAt" = now()
      WHERE "id" = ${order.fanId}
      RETURNING "pointsBalance"`;
    if (order.liveSessionId) {
      await tx.$executeRaw`
        UPDATE "LiveSession" SET "orderCount" = GREATEST("orderCount" - 1, 0), "gmvCents" = GREATEST("gmvCents" - ${order.amountCents}, 0)
        WHERE "id" = ${order.liveSessionId}`;
    }

    const earned = await tx.pointsEntry.findUnique({ where: { orgId_idempotencyKey: { orgId, idempotencyKey: `order:${order.id}` } } });
    const owed = Math.max(earned?.delta ?? 0, 0);
    const reversed = Math.min(owed, Number(fan.pointsBalance));
    const move = { orgId, fanId: order.fanId, reason: 'REFUND' as const, reference: `order:${order.id}`, idempotencyKey: `order-refund:${order.id}` };
    if (reversed > 0) {
      const note =
        reversed < owed
          ? `Refund of order ${order.externalId}: reversed ${reversed} of ${owed} points; the fan had already spent ${owed - reversed}`
          : `Refund of order ${order.externalId}`;
      await applyPoints(tx, { ...move, delta: -reversed, note });
    } else if (owed > 0) {
      // Nothing left to take back; the entry still records that the refund happened and why no points moved.
      await tx.pointsEntry.create({
        data: {
          ...move,
          delta: 0,
          balanceAfter: Number(fan.pointsBalance),
          note: `Refund of order ${order.externalId}: reversed 0 of ${owed} points; the fan had already spent them`,
        },
      });
    }
    await applyLifecycleRule(tx, orgId, now, [order.fanId]);
    return { order, pointsReversed: reversed, pointsNotReversed: owed - reversed };
  });
}
