// RFM scores, named segments and the frequency-drop flag, usable without GraphQL (the CLI's
// `refresh-rfm` and the refreshFanScores mutation call refreshFanScores).
//
// Scores are quintiles among the organization's buyers (fans with at least one paid order; refunded
// orders do not count). For each dimension a buyer's score is 1 + floor(5 × below / buyers), where
// `below` is how many buyers are strictly worse: an older last order (recency), fewer paid orders
// (frequency), less paid spend (monetary). Ties share a score, so the answer never depends on row
// order, and the best fifth scores 5. Fans without a paid order get no scores and no segment.
// The inputs are the commerce facts orders keep on Fan (lastOrderAt, orderCount, totalSpendCents —
// all-time, paid orders only), so a refresh reads the fans once, not every order.
//
// Frequency drop: paid orders in the last 30 days (now − 30 d, now] at most half the monthly average
// of the 90 days before them (now − 120 d, now − 30 d], i.e. 6 × last30 ≤ previous90, with at least
// one order in those 90 days. The numbers are stored with the scores, as of the same refresh.
//
// One set-based statement per refresh; rows whose scores did not
// change are not written, so a daily refresh touches only the fans that moved.

import type { Db, Tx } from '../../core/db.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { RfmSegment } from '../../generated/prisma/enums.js';

const DAY = 86_400_000;

/** A JS instant as the UTC wall time our TIMESTAMP(3) columns hold. */
const utc = (d: Date) => Prisma.sql`(${d.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;

export const RFM_SEGMENTS: RfmSegment[] = ['CHAMPIONS', 'LOYAL', 'PROMISING', 'AT_RISK', 'CANT_LOSE', 'HIBERNATING', 'LOST'];

export interface ScoreRefresh {
  refreshedAt: Date;
  buyers: number;
  frequencyDrops: number;
  /** Fans whose scores, segment or order counts changed in this refresh. */
  changed: number;
  tookMs: number;
}

// The segment of a recency score r and fm = ceil((frequency + monetary) / 2); first match wins.
// Kept in SQL so the refresh stays one statement; README "Insight" shows the same table.
const SEGMENT_CASE = Prisma.sql`(CASE
  WHEN s.r >= 4 AND s.fm >= 4 THEN 'CHAMPIONS'
  WHEN s.r >= 4 AND s.fm = 3 THEN 'LOYAL'
  WHEN s.r >= 4 THEN 'PROMISING'
  WHEN s.r = 3 AND s.fm >= 3 THEN 'LOYAL'
  WHEN s.r = 3 THEN 'HIBERNATING'
  WHEN s.fm = 5 THEN 'CANT_LOSE'
  WHEN s.fm >= 3 THEN 'AT_RISK'
  WHEN s.r = 2 THEN 'HIBERNATING'
  ELSE 'LOST'
END)::"RfmSegment"`;

export async function refreshFanScores(db: Db, orgId: string, now = new Date()): Promise<ScoreRefresh> {
  const started = Date.now();
  // No transaction around the two statements: at a million fans the update outlasts any interactive
  // transaction Prisma keeps open, and it needs none — the UPDATE is one atomic statement, and two
  // refreshes running at once compute the same scores from the same rows (the second waits on the
  // first's row locks, then rewrites nothing that changed). The summary row is written after it.
  const changed = await db.$executeRaw`
      WITH buyers AS (
        SELECT f."id",
          rank() OVER (ORDER BY f."lastOrderAt") - 1 AS r_below,
          rank() OVER (ORDER BY f."orderCount") - 1 AS f_below,
          rank() OVER (ORDER BY f."totalSpendCents") - 1 AS m_below,
          count(*) OVER () AS n
        FROM "Fan" f
        WHERE f."orgId" = ${orgId} AND f."orderCount" > 0
      ), scores AS (
        SELECT b."id", (1 + 5 * b.r_below / b.n)::int AS r, (1 + 5 * b.f_below / b.n)::int AS f, (1 + 5 * b.m_below / b.n)::int AS m
        FROM buyers b
      ), recent AS (
        SELECT o."fanId",
          count(*) FILTER (WHERE o."placedAt" > ${utc(new Date(now.getTime() - 30 * DAY))})::int AS last30,
          count(*) FILTER (WHERE o."placedAt" <= ${utc(new Date(now.getTime() - 30 * DAY))})::int AS prev90
        FROM "Order" o
        WHERE o."orgId" = ${orgId} AND o."status" = 'PAID'
          AND o."placedAt" > ${utc(new Date(now.getTime() - 120 * DAY))} AND o."placedAt" <= ${utc(now)}
        GROUP BY o."fanId"
      ), computed AS (
        SELECT f."id", s.r, s.f, s.m,
          CASE WHEN s.r IS NULL THEN NULL ELSE ${SEGMENT_CASE} END AS segment,
          COALESCE(c.last30, 0) AS last30, COALESCE(c.prev90, 0) AS prev90
        FROM "Fan" f
        LEFT JOIN (SELECT x.*, (x.f + x.m + 1) / 2 AS fm FROM scores x) s ON s."id" = f."id"
        LEFT JOIN recent c ON c."fanId" = f."id"
        WHERE f."orgId" = ${orgId}
      )
      UPDATE "Fan" f SET
        "rfmRecency" = c.r, "rfmFrequency" = c.f, "rfmMonetary" = c.m, "rfmSegment" = c.segment,
        "ordersLast30Days" = c.last30, "ordersPrevious90Days" = c.prev90,
        "frequencyDrop" = (c.prev90 > 0 AND 6 * c.last30 <= c.prev90)
      FROM computed c
      WHERE f."id" = c."id"
        AND (f."rfmRecency", f."rfmFrequency", f."rfmMonetary", f."rfmSegment", f."ordersLast30Days", f."ordersPrevious90Days")
          IS DISTINCT FROM (c.r::smallint, c.f::smallint, c.m::smallint, c.segment, c.last30, c.prev90)`;
  const refreshed = await db.$queryRaw<{ buyers: number; frequencyDrops: number }[]>`
      INSERT INTO "FanScoreRefresh" ("orgId", "refreshedAt", "buyers", "frequencyDrops", "tookMs")
      SELECT ${orgId}, ${utc(now)}, count(*) FILTER (WHERE "rfmSegment" IS NOT NULL)::int, count(*) FILTER (WHERE "frequencyDrop")::int,
        ${Date.now() - started}::int
      FROM "Fan" WHERE "orgId" = ${orgId}
      ON CONFLICT ("orgId") DO UPDATE SET "refreshedAt" = EXCLUDED."refreshedAt", "buyers" = EXCLUDED."buyers",
        "frequencyDrops" = EXCLUDED."frequencyDrops", "tookMs" = EXCLUDED."tookMs"
      RETURNING "buyers", "frequencyDrops"`;
  // Segment counts and the organization's Pareto share, as of this refresh (migration 20261204000200_rfm_snapshot).
  await db.$executeRaw`SELECT rfm_snapshot(${orgId})`;
  const [{ buyers, frequencyDrops }] = refreshed;
  return { refreshedAt: now, buyers, frequencyDrops, changed, tookMs: Date.now() - started };
}

export interface SegmentCounts {
  refreshedAt: Date | null;
  buyers: number;
  counts: { segment: RfmSegment; fans: number }[];
  /** Fans of the organization with no segment at the refresh (no paid order then); every fan before any refresh. */
  unscored: number;
  frequencyDrops: number;
}

/**
 * How many fans are in each segment: the snapshot the last refresh stored with the scores (one row,
 * whatever the number of fans). Before any refresh no fan has a segment, so every fan is unscored.
 */
export async function segmentCounts(db: Db | Tx, orgId: string): Promise<SegmentCounts> {
  const refresh = await db.fanScoreRefresh.findUnique({ where: { orgId } });
  if (!refresh) {
    const fans = await db.fan.count({ where: { orgId } });
    return { refreshedAt: null, buyers: 0, counts: RFM_SEGMENTS.map((segment) => ({ segment, fans: 0 })), unscored: fans, frequencyDrops: 0 };
  }
  const by = (refresh.segmentCounts ?? {}) as Record<string, number>;
  return {
    refreshedAt: refresh.refreshedAt,
    buyers: refresh.buyers,
    counts: RFM_SEGMENTS.map((segment) => ({ segment, fans: by[segment] ?? 0 })),
    unscored: refresh.unscored,
    frequencyDrops: refresh.frequencyDrops,
  };
}
