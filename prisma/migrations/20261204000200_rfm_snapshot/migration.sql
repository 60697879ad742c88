-- RFM segment counts and the organization's Pareto share are a snapshot of the same refresh as the
-- scores (README "RFM, segments, frequency drop and Pareto"): computed by the refresh and stored with it,
-- so rfmSegmentCounts and the organization's gmvPareto read one row instead of every fan (at a million
-- fans the live counts took seconds). A group's Pareto stays live.
ALTER TABLE "FanScoreRefresh"
  ADD COLUMN "segmentCounts" JSONB NOT NULL DEFAULT '{}',
  ADD COLUMN "unscored" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "paretoBuyers" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "paretoGmvCents" BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN "paretoTopGmvCents" BIGINT NOT NULL DEFAULT 0;

-- Writes the snapshot of one organization's scores (run by the refresh right after it scored the fans).
CREATE FUNCTION rfm_snapshot(org TEXT) RETURNS VOID LANGUAGE sql AS $$
  WITH seg AS (
    SELECT "rfmSegment"::text AS s, count(*)::int AS n, count(*) FILTER (WHERE "frequencyDrop")::int AS drops FROM "Fan" WHERE "orgId" = org GROUP BY 1
  ), spend AS (
    SELECT "totalSpendCents"::bigint AS m, row_number() OVER (ORDER BY "totalSpendCents" DESC) AS rn, count(*) OVER () AS n
    FROM "Fan" WHERE "orgId" = org AND "orderCount" > 0
  ), p AS (
    SELECT count(*)::int AS n, COALESCE(sum(m), 0)::bigint AS total, COALESCE(sum(m) FILTER (WHERE rn <= (n + 4) / 5), 0)::bigint AS top FROM spend
  )
  UPDATE "FanScoreRefresh" r SET
    "segmentCounts" = COALESCE((SELECT jsonb_object_agg(s, n) FROM seg WHERE s IS NOT NULL), '{}'),
    "buyers" = COALESCE((SELECT sum(n) FROM seg WHERE s IS NOT NULL), 0),
    "unscored" = COALESCE((SELECT n FROM seg WHERE s IS NULL), 0),
    "frequencyDrops" = COALESCE((SELECT sum(drops) FROM seg), 0),
    "paretoBuyers" = p.n, "paretoGmvCents" = p.total, "paretoTopGmvCents" = p.top
  FROM p WHERE r."orgId" = org
$$;

SELECT rfm_snapshot("orgId") FROM "FanScoreRefresh";
