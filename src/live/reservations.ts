// Reservations: a fan reserves a whole session or one item, once per target (unique fanId + targetId),
// while the session is SCHEDULED or LIVE. Locks are taken session first, then item — the same order as
// putItemOnSale — so the two never deadlock and a reservation never misses its reminder.
import { publishActivity, recordActivity } from '../activity/events.js';
import type { Context } from '../core/context.js';
import type { Tx } from '../core/db.js';
import { DomainError, notFound } from '../core/errors.js';
import type { LiveSession, Reservation } from '../generated/prisma/client.js';
import { lockSession, OPEN_STATUSES, requireFan, requireStatus } from './common.js';
import { publishSessionEvent } from './events.js';

type Deps = Pick<Context, 'db' | 'pubsub'>;

async function reserve(
  deps: Deps,
  orgId: string,
  fanId: string,
  target: (tx: Tx) => Promise<{ sessionId: string; itemId: string | null }>,
): Promise<Reservation> {
  const { reservation, events } = await deps.db.$transaction(async (tx) => {
    await requireFan(tx, orgId, fanId);
    const { sessionId, itemId } = await target(tx);
    const targetId = itemId ?? sessionId;
    // ON CONFLICT DO NOTHING: a second (or parallel) reservation of the same target creates nothing.
    const [reservation] = await tx.reservation.createManyAndReturn({ data: [{ orgId, fanId, sessionId, itemId, targetId }], skipDuplicates: true });
    if (!reservation)
      throw new DomainError(
        'CONFLICT',
        itemId ? 'The fan already reserved this item' : 'The fan already reserved this session',
        itemId ? 'input.itemId' : 'input.sessionId',
      );
    const events = await recordActivity(tx, [{ orgId, fanId, kind: 'RESERVATION_MADE', payload: { sessionId, itemId } }]);
    return { reservation, events };
  });
  publishActivity(deps.pubsub, events);
  await publishReservationCount(deps, orgId, reservation.sessionId);
  return reservation;
}

export function reserveSession(deps: Deps, orgId: string, fanId: string, sessionId: string): Promise<Reservation> {
  return reserve(deps, orgId, fanId, async (tx) => {
    const session = await lockSession(tx, orgId, sessionId);
    requireStatus(session, OPEN_STATUSES, 'reserve');
    return { sessionId, itemId: null };
  });
}

export function reserveItem(deps: Deps, orgId: string, fanId: string, itemId: string): Promise<Reservation> {
  return reserve(deps, orgId, fanId, async (tx) => {
    const found = await tx.lineupItem.findFirst({ where: { id: itemId, orgId }, select: { sessionId: true } });
    if (!found) throw notFound('Line-up item', 'input.itemId');
    const session = await lockSession(tx, orgId, found.sessionId, 'input.itemId');
    requireStatus(session, OPEN_STATUSES, 'reserve', 'input.itemId');
    const locked = await tx.$queryRaw<
      { onSale: boolean }[]
    >`SELECT "onSaleAt" IS NOT NULL AS "onSale" FROM "LineupItem" WHERE "id" = ${itemId} FOR SHARE`;
    if (!locked.length) throw notFound('Line-up item', 'input.itemId');
    // Its reminder has gone out already; reserving now would promise one that never comes.
    if (locked[0].onSale) throw new DomainError('INVALID_STATE', 'The item is already on sale', 'input.itemId');
    return { sessionId: found.sessionId, itemId };
  });
}

/** Cancels a reservation; a fan may cancel only their own (fanId given), an operator any in the org. */
export async function cancelReservation(deps: Deps, orgId: string, reservationId: string, fanId: string | null): Promise<LiveSession> {
  const reservation = await deps.db.reservation.findFirst({ where: { id: reservationId, orgId, ...(fanId ? { fanId } : {}) } });
  if (!reservation) throw notFound('Reservation', 'reservationId');
  const { count } = await deps.db.reservation.deleteMany({ where: { id: reservation.id } });
  if (!count) throw notFound('Reservation', 'reservationId');
  await publishReservationCount(deps, orgId, reservation.sessionId);
  return deps.db.liveSession.findUniqueOrThrow({ where: { id: reservation.sessionId } });
}

async function publishReservationCount(deps: Deps, orgId: string, sessionId: string) {
  const reservationCount = await deps.db.reservation.count({ where: { sessionId } });
  publishSessionEvent(deps.pubsub, { kind: 'RESERVATIONS', orgId, sessionId, reservationCount });
}
