// Which groups fit a fan, for routing: groups of the organization the fan is not in, not DORMANT, with a
// free seat, whose entry thresholds (minOrders, minIntimacy) the fan meets; a VERTICAL group only when the
// fan bought its category (an order line {"category": …} of a paid order, case-insensitive) and a KOC
// group only for KOCs. Groups of a bought category come first, then by free seats, then by name.
import type { Db } from '../core/db.js';
import { notFound } from '../core/errors.js';

export const MAX_FITS = 20;

/** Ids of the fitting groups, best first. */
export async function fittingGroupIds(db: Db, orgId: string, fanId: string): Promise<string[]> {
  const fan = await db.fan.findFirst({ where: { id: fanId, orgId }, select: { id: true, orderCount: true, intimacy: true, isKoc: true } });
  if (!fan) throw notFound('Fan', 'fanId');
  const rows = await db.$queryRaw<{ id: string }[]>`
    WITH bought AS (
      SELECT DISTINCT lower(line->>'category') AS category
      FROM "Order" o, jsonb_array_elements(CASE WHEN jsonb_typeof(o."items") = 'array' THEN o."items" ELSE '[]'::jsonb END) line
      WHERE o."fanId" = ${fan.id} AND o."orgId" = ${orgId} AND o."status" = 'PAID' AND line->>'category' IS NOT NULL
    )
    SELECT c."id" FROM "Community" c
    WHERE c."orgId" = ${orgId} AND c."lifecycle" <> 'DORMANT' AND c."memberCount" < c."capacity"
      AND c."minOrders" <= ${fan.orderCount} AND c."minIntimacy" <= ${fan.intimacy}
      AND (c."kind" <> 'KOC' OR ${fan.isKoc})
      AND (c."kind" <> 'VERTICAL' OR lower(c."category") IN (SELECT category FROM bought))
      AND NOT EXISTS (SELECT 1 FROM "Membership" m WHERE m."communityId" = c."id" AND m."fanId" = ${fan.id} AND m."leftAt" IS NULL)
    ORDER BY (lower(c."category") IN (SELECT category FROM bought)) IS TRUE DESC, c."capacity" - c."memberCount" DESC, c."name", c."id"
    LIMIT ${MAX_FITS}`;
  return rows.map((r) => r.id);
}
