// The points ledger: the only way points move. One conditional UPDATE both changes the balance and
// refuses to take it below zero (PostgreSQL row lock, so concurrent spends serialize on the fan row);
// the entry's idempotency key is unique per organization, so a retried credit is refused by the database.
import type { Tx } from '../core/db.js';
import { DomainError } from '../core/errors.js';
import type { PointsEntry } from '../generated/prisma/client.js';
import type { PointsReason } from '../generated/prisma/enums.js';

export interface PointsMove {
  orgId: string;
  fanId: string;
  /** Positive to credit, negative to debit. */
  delta: number;
  reason: PointsReason;
  /** What caused it, e.g. "order:<id>". */
  reference: string;
  /** Unique per organization; the same key never applies twice. */
  idempotencyKey: string;
  note?: string | null;
}

export async function applyPoints(tx: Tx, move: PointsMove): Promise<PointsEntry> {
  if (!Number.isInteger(move.delta) || move.delta === 0)
    throw new DomainError('VALIDATION', 'Points must be a non-zero whole number', 'input.points');
  const rows = await tx.$queryRaw<{ pointsBalance: number }[]>`
    UPDATE "Fan" SET "pointsBalance" = "pointsBalance" + ${move.delta}, "updatedAt" = now()
    WHERE "id" = ${move.fanId} AND "orgId" = ${move.orgId} AND "pointsBalance" + ${move.delta} >= 0
    RETURNING "pointsBalance"`;
  if (!rows.length) {
    const fan = await tx.fan.findFirst({ where: { id: move.fanId, orgId: move.orgId }, select: { pointsBalance: true } });
    if (!fan) throw new DomainError('NOT_FOUND', 'Fan not found', 'input.fanId');
    throw new DomainError('INSUFFICIENT_POINTS', `Needs ${-move.delta} points; the balance is ${fan.pointsBalance}`);
  }
  return tx.pointsEntry.create({
    data: {
      orgId: move.orgId,
      fanId: move.fanId,
      delta: move.delta,
      balanceAfter: Number(rows[0].pointsBalance),
      reason: move.reason,
      reference: move.reference,
      idempotencyKey: move.idempotencyKey,
      note: move.note ?? null,
    },
  });
}
