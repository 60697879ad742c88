// Moving a fulfilment along PENDING_ADDRESS → READY → SHIPPED → DELIVERED, or to CANCELLED. Every move
// is a conditional UPDATE on the current status, so two operators (or an operator and a warehouse) acting
// at once cannot both win; a cancel gives stock and points back only when its own UPDATE flipped the row.
import type { Context } from '../core/context.js';
import { DomainError, notFound } from '../core/errors.js';
import { type Fulfilment, Prisma } from '../generated/prisma/client.js';
import type { FulfilmentStatus } from '../generated/prisma/enums.js';

type Deps = Pick<Context, 'db' | 'services'>;

export interface Shipment {
  fulfilmentId: string;
  carrier: string;
  trackingNumber: string;
}

const notFoundFulfilment = (field: string) => notFound('Fulfilment', field);

export async function cancelFulfilment(deps: Deps, orgId: string, id: string, now = new Date()): Promise<Fulfilment> {
  return deps.db.$transaction(async (tx) => {
    const { count } = await tx.fulfilment.updateMany({
      where: { id, orgId, status: { in: ['PENDING_ADDRESS', 'READY'] } },
      data: { status: 'CANCELLED', cancelledAt: now },
    });
    const f = await tx.fulfilment.findFirst({ where: { id, orgId } });
    if (!f) throw notFoundFulfilment('fulfilmentId');
    if (!count)
      throw new DomainError('INVALID_STATE', `The fulfilment is ${f.status}; only PENDING_ADDRESS or READY ones can be cancelled`, 'fulfilmentId');
    await deps.services.fulfilmentReturns.run(tx, f);
    return f;
  });
}

export async function markDelivered(deps: Pick<Context, 'db'>, orgId: string, id: string, now = new Date()): Promise<Fulfilment> {
  return deps.db.$transaction(async (tx) => {
    const { count } = await tx.fulfilment.updateMany({ where: { id, orgId, status: 'SHIPPED' }, data: { status: 'DELIVERED', deliveredAt: now } });
    const f = await tx.fulfilment.findFirst({ where: { id, orgId } });
    if (!f) throw notFoundFulfilment('fulfilmentId');
    if (!count) throw new DomainError('INVALID_STATE', `The fulfilment is ${f.status}; only SHIPPED ones can be marked delivered`, 'fulfilmentId');
    return f;
  });
}

const refusalFor: Partial<Record<FulfilmentStatus, string>> = {
  PENDING_ADDRESS: 'has no shipping address yet',
  SHIPPED: 'was already shipped',
  DELIVERED: 'was already delivered',
  CANCELLED: 'was cancelled',
};

/**
 * Ships every item or none: the rows are locked in id order (two overlapping batches cannot deadlock),
 * every item is checked, and one refusal names the first bad item's path and lists every bad item.
 */
export async function markShipped(deps: Pick<Context, 'db'>, orgId: string, shipments: Shipment[], now = new Date()): Promise<Fulfilment[]> {
  return deps.db.$transaction(async (tx) => {
    const ids = shipments.map((s) => s.fulfilmentId);
    const rows = await tx.$queryRaw<{ id: string; status: FulfilmentStatus }[]>`
      SELECT "id", "status"::text AS "status" FROM "Fulfilment" WHERE "id" = ANY(${ids}::text[]) AND "orgId" = ${orgId} ORDER BY "id" FOR UPDATE`;
    const statusOf = new Map(rows.map((r) => [r.id, r.status]));
    const problems: DomainError[] = [];
    const seen = new Set<string>();
    shipments.forEach((s, i) => {
      const field = `input.items.${i}.fulfilmentId`;
      const status = statusOf.get(s.fulfilmentId);
      if (seen.has(s.fulfilmentId)) problems.push(new DomainError('VALIDATION', `${field}: listed twice`, field));
      else if (!status) problems.push(notFoundFulfilment(field));
      else if (status !== 'READY') problems.push(new DomainError('INVALID_STATE', `${field}: ${refusalFor[status]}`, field));
      seen.add(s.fulfilmentId);
    });
    if (problems.length) {
      const first = problems[0];
      const all =
        problems.length === 1 ? first.message : `${problems.length} items refused, nothing shipped: ${problems.map((p) => p.message).join('; ')}`;
      throw new DomainError(first.code, all, first.field);
    }
    const at = now.toISOString();
    const values = shipments.map((s) => Prisma.sql`(${s.fulfilmentId}, ${s.carrier}, ${s.trackingNumber})`);
    await tx.$executeRaw`
      UPDATE "Fulfilment" AS f SET "status" = 'SHIPPED', "carrier" = v.carrier, "trackingNumber" = v.tracking, "shippedAt" = ${at}::timestamptz AT TIME ZONE 'UTC', "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC'
      FROM (VALUES ${Prisma.join(values)}) AS v(id, carrier, tracking)
      WHERE f."id" = v.id AND f."orgId" = ${orgId}`;
    const shipped = await tx.fulfilment.findMany({ where: { orgId, id: { in: ids } } });
    const byId = new Map(shipped.map((f) => [f.id, f]));
    return ids.map((id) => byId.get(id)!);
  });
}
