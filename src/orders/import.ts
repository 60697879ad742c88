// Order import from the live platform, keyed by the platform's order id (externalId, unique per
// organization). Rules:
// - Every row is checked first; a bad row refuses the whole batch and nothing is written.
// - The buyer is named by fanExternalId and must already be a fan of the organization (unknown →
//   NOT_FOUND): orders never create fans, so a typo cannot invent a customer. Import fans first.
// - Attribution (live session, community, KOC fan) must name rows of the same organization; a KOC is
//   never the buyer.
// - An order already imported is left as it is (counted unchanged); if the row disagrees on buyer or
//   amount the batch is refused with CONFLICT — a changed amount is a refund plus a new order.
// - Each new order, exactly once: fan's orderCount +1, totalSpendCents + amount, lastOrderAt and
//   lastActiveAt move forward to placedAt, the session's order count and GMV grow, and the fan earns
//   floor(amountCents / 100) points (1 per whole yuan) with reason ORDER and key "order:<orderId>" —
//   at once when the organization converts AUTOMATIC, or, ON_CLAIM, when the fan claims them before the
//   order's pointsClaimDeadline (import time + orderPointsClaimDays; see claim.ts).
// Concurrency: the INSERT … ON CONFLICT DO NOTHING decides which import owns a new order — a parallel
// import of the same order waits for it and inserts nothing, so the facts and points move once (the
// ledger's unique idempotency key is a second guard). Rows are inserted in externalId order and fans
// then sessions are updated in id order, so concurrent batches queue instead of deadlocking.
import type { Context } from '../core/context.js';
import type { Tx } from '../core/db.js';
import { batchError, duplicateKeys } from '../fans/batch.js';
import { applyLifecycleRule, utc } from '../fans/lifecycle.js';
import { applyTagRules } from '../fans/tag-rules.js';
import type { Prisma } from '../generated/prisma/client.js';
import { applyPoints } from '../points/ledger.js';

type Deps = Pick<Context, 'db'>;

export interface OrderImportRow {
  externalId: string;
  fanExternalId: string;
  amountCents: number;
  itemCount?: number | null;
  items?: Prisma.InputJsonValue | null;
  placedAt: Date;
  liveSessionId?: string | null;
  communityId?: string | null;
  kocFanId?: string | null;
}

export interface OrderImportCounts {
  created: number;
  unchanged: number;
  pointsAwarded: number;
  /** Points of the new orders waiting for their fans to claim them (organizations converting ON_CLAIM). */
  pointsToClaim: number;
}

const EARLIEST_ORDER = Date.UTC(2000, 0, 1);

export const pointsForOrder = (amountCents: number) => Math.floor(amountCents / 100);
const rowField = (i: number, f: string) => `input.orders.${i}.${f}`;
const byKey =
  <T>(key: (x: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

export async function importOrders(deps: Deps, orgId: string, rows: OrderImportRow[], now = new Date()): Promise<OrderImportCounts> {
  // A clock up to 10 minutes ahead of ours is tolerated; orders before 2000 are typos.
  const latest = now.getTime() + 10 * 60_000;
  const badTimes = rows.flatMap((r, i) =>
    r.placedAt.getTime() > latest
      ? [{ field: rowField(i, 'placedAt'), message: 'must not be in the future' }]
      : r.placedAt.getTime() < EARLIEST_ORDER
        ? [{ field: rowField(i, 'placedAt'), message: 'is too far in the past' }]
        : [],
  );
  if (badTimes.length) throw batchError(badTimes);
  const dups = duplicateKeys(
    rows.map((r) => r.externalId),
    (i) => rowField(i, 'externalId'),
  );
  if (dups.length) throw batchError(dups);

  return deps.db.$transaction(async (tx) => {
    const fanIdOf = await resolveReferences(tx, orgId, rows);
    const keys = rows.map((r) => r.externalId);
    const before = new Set(
      (await tx.order.findMany({ where: { orgId, externalId: { in: keys } }, select: { externalId: true } })).map((o) => o.externalId),
    );
    const fresh = rows.filter((r) => !before.has(r.externalId)).sort(byKey((r) => r.externalId));
    const policy = await tx.organization.findUniqueOrThrow({ where: { id: orgId }, select: { orderPointsMode: true, orderPointsClaimDays: true } });
    const onClaim = policy.orderPointsMode === 'ON_CLAIM';
    const claimDeadline = new Date(now.getTime() + policy.orderPointsClaimDays * 86_400_000);
    const inserted = await tx.order.createManyAndReturn({
      data: fresh.map((r) => ({
        orgId,
        externalId: r.externalId,
        fanId: fanIdOf.get(r.fanExternalId)!,
        amountCents: r.amountCents,
        itemCount: r.itemCount ?? 1,
        items: r.items ?? undefined,
        placedAt: r.placedAt,
        liveSessionId: r.liveSessionId ?? null,
        communityId: r.communityId ?? null,
        kocId: r.kocFanId ?? null,
        // Only orders that earn points have something to claim.
        pointsClaimDeadline: onClaim && pointsForOrder(r.amountCents) > 0 ? claimDeadline : null,
      })),
      skipDuplicates: true,
      select: { id: true, externalId: true, fanId: true, amountCents: true, placedAt: true, liveSessionId: true },
    });

    // Orders that already existed (before, or inserted meanwhile by a parallel import) must agree.
    const mine = new Set(inserted.map((o) => o.externalId));
    const others = keys.filter((k) => !mine.has(k));
    const existing = new Map((await tx.order.findMany({ where: { orgId, externalId: { in: others } } })).map((o) => [o.externalId, o]));
    const conflicts = rows.flatMap((r, i) => {
      const o = existing.get(r.externalId);
      if (!o) return [];
      if (o.fanId !== fanIdOf.get(r.fanExternalId))
        return [{ field: rowField(i, 'fanExternalId'), message: `order "${r.externalId}" was imported for another fan` }];
      if (o.amountCents !== r.amountCents)
        return [{ field: rowField(i, 'amountCents'), message: `order "${r.externalId}" was imported with amount ${o.amountCents}` }];
      return [];
    });
    if (conflicts.length) throw batchError(conflicts, 'CONFLICT');

    await addCommerceFacts(tx, inserted);
    let pointsAwarded = 0;
    const pointsToClaim = onClaim ? inserted.reduce((sum, o) => sum + pointsForOrder(o.amountCents), 0) : 0;
    for (const o of onClaim ? [] : [...inserted].sort(byKey((o) => `${o.fanId}:${o.externalId}`))) {
      const points = pointsForOrder(o.amountCents);
      if (!points) continue;
      await applyPoints(tx, {
        orgId,
        fanId: o.fanId,
        delta: points,
        reason: 'ORDER',
        reference: `order:${o.id}`,
        idempotencyKey: `order:${o.id}`,
        note: `Order ${o.externalId}`,
      });
      pointsAwarded += points;
    }
    await applyLifecycleRule(tx, orgId, now, [...new Set(inserted.map((o) => o.fanId))]);
    // Spend, order counts and bought categories moved: the tag rules follow (fans/tag-rules.ts).
    await applyTagRules(tx, orgId, [...new Set(inserted.map((o) => o.fanId))].sort());
    return { created: inserted.length, unchanged: rows.length - inserted.length, pointsAwarded, pointsToClaim };
  });
}

/** Buyer ids by external id; refuses the batch on any unknown buyer or foreign attribution. */
async function resolveReferences(tx: Tx, orgId: string, rows: OrderImportRow[]): Promise<Map<string, string>> {
  const ids = (pick: (r: OrderImportRow) => string | null | undefined) => [...new Set(rows.map(pick).filter((x): x is string => !!x))];
  const [fans, sessions, communities, kocs] = await Promise.all([
    tx.fan.findMany({ where: { orgId, externalId: { in: ids((r) => r.fanExternalId) } }, select: { id: true, externalId: true } }),
    tx.liveSession.findMany({ where: { orgId, id: { in: ids((r) => r.liveSessionId) } }, select: { id: true } }),
    tx.community.findMany({ where: { orgId, id: { in: ids((r) => r.communityId) } }, select: { id: true } }),
    tx.fan.findMany({ where: { orgId, id: { in: ids((r) => r.kocFanId) } }, select: { id: true } }),
  ]);
  const fanIdOf = new Map(fans.map((f) => [f.externalId, f.id]));
  const has = (list: { id: string }[]) => new Set(list.map((x) => x.id));
  const [sessionIds, communityIds, kocIds] = [has(sessions), has(communities), has(kocs)];
  const missing: { field: string; message: string }[] = [];
  const invalid: { field: string; message: string }[] = [];
  rows.forEach((r, i) => {
    if (!fanIdOf.has(r.fanExternalId))
      missing.push({ field: rowField(i, 'fanExternalId'), message: `no fan "${r.fanExternalId}" in your organization; import the fan first` });
    if (r.liveSessionId && !sessionIds.has(r.liveSessionId)) missing.push({ field: rowField(i, 'liveSessionId'), message: 'live session not found' });
    if (r.communityId && !communityIds.has(r.communityId)) missing.push({ field: rowField(i, 'communityId'), message: 'community not found' });
    if (r.kocFanId && !kocIds.has(r.kocFanId)) missing.push({ field: rowField(i, 'kocFanId'), message: 'KOC fan not found' });
    else if (r.kocFanId && r.kocFanId === fanIdOf.get(r.fanExternalId))
      invalid.push({ field: rowField(i, 'kocFanId'), message: 'the buyer cannot be their own KOC' });
  });
  if (missing.length) throw batchError(missing, 'NOT_FOUND');
  if (invalid.length) throw batchError(invalid);
  return fanIdOf;
}

type NewOrder = { fanId: string; amountCents: number; placedAt: Date; liveSessionId: string | null };

async function addCommerceFacts(tx: Tx, orders: NewOrder[]): Promise<void> {
  const perFan = aggregate(orders, (o) => o.fanId);
  for (const [fanId, a] of perFan) {
    await tx.$executeRaw`
      UPDATE "Fan" SET "orderCount" = "orderCount" + ${a.count}, "totalSpendCents" = "totalSpendCents" + ${a.cents},
        "lastOrderAt" = GREATEST("lastOrderAt", ${utc(a.latest)}), "lastActiveAt" = GREATEST("lastActiveAt", ${utc(a.latest)}), "updatedAt" = now()
      WHERE "id" = ${fanId}`;
  }
  for (const [sessionId, a] of aggregate(orders, (o) => o.liveSessionId)) {
    await tx.liveSession.update({ where: { id: sessionId }, data: { orderCount: { increment: a.count }, gmvCents: { increment: a.cents } } });
  }
}

/** Count, sum and latest order per key, in key order (the lock order). */
function aggregate(orders: NewOrder[], key: (o: NewOrder) => string | null) {
  const m = new Map<string, { count: number; cents: number; latest: Date }>();
  for (const o of orders) {
    const k = key(o);
    if (!k) continue;
    const a = m.get(k) ?? { count: 0, cents: 0, latest: o.placedAt };
    m.set(k, { count: a.count + 1, cents: a.cents + o.amountCents, latest: o.placedAt > a.latest ? o.placedAt : a.latest });
  }
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}
