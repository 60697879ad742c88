-- A ranking over every group reads each group's running total on two days (the window's last day and the
-- day before its first). At a million fans (14,017 groups) that cost ~870 ms per statement at 4 clients,
-- for two reasons this migration removes:
--
-- 1. Layout. The first fill (insight_prefix_extend with no horizon, and insight_rebuild) inserted rows scope
--    by scope, so one day's rows sat one per heap page: ~28,000 pages per ranking. Rows are now inserted
--    day by day, so a day's rows share a few hundred pages and a ranking reads each end as one range of
--    InsightPrefix_orgId_scope_day_idx; the daily extension (one new day at a time) always laid them out
--    so. Existing rows are rewritten in that order once (CLUSTER). Writers lock rows in key order
--    wherever they sit (insight_prefix_sql), so concurrency is unchanged.
--
-- 2. Groups younger than the window. A scope's running totals start on its first day, so for a window
--    starting before it the reader had no "day before" row and summed the scope's InsightDay rows up to
--    that day, one probe per group (2,397 of 4,213 groups at 300,000 fans; half the statement). That
--    sum is zero unless a write later landed on a day before the scope's first running total (a
--    backdated order or message). Such writes now mark their scope in InsightPrefixBackdated (in the
--    trigger, under the same row locks as the update, so two writers never mark the same scope at once),
--    and the reader sums days only for marked scopes and scopes with no running totals at all.

CREATE TABLE "InsightPrefixBackdated" (
  "orgId" TEXT NOT NULL,
  "scope" CHAR(1) NOT NULL,
  "scopeId" TEXT NOT NULL,
  CONSTRAINT "InsightPrefixBackdated_pkey" PRIMARY KEY ("scope", "scopeId")
);
CREATE INDEX "InsightPrefixBackdated_orgId_scope_idx" ON "InsightPrefixBackdated" ("orgId", "scope");

-- The trigger's statements (20261207000100_insight_prefix) and a fourth: mark the scopes this write reached
-- before their first running total.
CREATE OR REPLACE FUNCTION insight_prefix_sql(source TEXT) RETURNS TEXT[] LANGUAGE sql IMMUTABLE AS $f$
  SELECT ARRAY[
    format($q$SELECT count(pg_advisory_xact_lock_shared(1414, hashtext(o))) FROM (SELECT DISTINCT "orgId" AS o FROM (%s) d ORDER BY 1) x$q$, source),
    format($q$
    SELECT 1 FROM "InsightPrefix" p
    JOIN (SELECT "scope", "scopeId", min("day") AS "day" FROM (%s) d GROUP BY 1, 2) d
      ON p."scope" = d."scope" AND p."scopeId" = d."scopeId" AND p."day" >= d."day"
    ORDER BY p."scope", p."scopeId", p."day" FOR NO KEY UPDATE OF p$q$, source),
    format($q$
    UPDATE "InsightPrefix" p SET
      "orders" = p."orders" + s."orders", "gmvCents" = p."gmvCents" + s."gmvCents", "refunds" = p."refunds" + s."refunds",
      "refundedCents" = p."refundedCents" + s."refundedCents", "messages" = p."messages" + s."messages", "joins" = p."joins" + s."joins",
      "leaves" = p."leaves" + s."leaves", "buyerShows" = p."buyerShows" + s."buyerShows",
      "complaintsRaised" = p."complaintsRaised" + s."complaintsRaised", "complaintsResolved" = p."complaintsResolved" + s."complaintsResolved"
    FROM (
      SELECT q."scope", q."scopeId", q."day", sum(d."orders") AS "orders", sum(d."gmvCents") AS "gmvCents", sum(d."refunds") AS "refunds",
        sum(d."refundedCents") AS "refundedCents", sum(d."messages") AS "messages", sum(d."joins") AS "joins", sum(d."leaves") AS "leaves",
        sum(d."buyerShows") AS "buyerShows", sum(d."complaintsRaised") AS "complaintsRaised", sum(d."complaintsResolved") AS "complaintsResolved"
      FROM (%s) d JOIN "InsightPrefix" q ON q."scope" = d."scope" AND q."scopeId" = d."scopeId" AND q."day" >= d."day"
      GROUP BY 1, 2, 3
    ) s
    WHERE p."scope" = s."scope" AND p."scopeId" = s."scopeId" AND p."day" = s."day"$q$, source),
    format($q$
    INSERT INTO "InsightPrefixBackdated" ("orgId", "scope", "scopeId")
    SELECT d."orgId", d."scope", d."scopeId" FROM (SELECT "orgId", "scope", "scopeId", min("day") AS "day" FROM (%s) d GROUP BY 1, 2, 3) d
    WHERE EXISTS (SELECT 1 FROM "InsightPrefix" p WHERE p."scope" = d."scope" AND p."scopeId" = d."scopeId")
      AND NOT EXISTS (SELECT 1 FROM "InsightPrefix" p WHERE p."scope" = d."scope" AND p."scopeId" = d."scopeId" AND p."day" <= d."day")
    ORDER BY 2, 3
    ON CONFLICT DO NOTHING$q$, source)]
$f$;

-- Day by day (see 1.). A first fill (no horizon: a new organization, or insight_rebuild, which drops the
-- running totals first) starts every scope at its first day, so no scope of the organization stays marked.
CREATE OR REPLACE FUNCTION insight_prefix_extend(org TEXT, upto DATE) RETURNS BOOLEAN LANGUAGE plpgsql AS $$
DECLARE old DATE;
BEGIN
  IF NOT pg_try_advisory_xact_lock(1414, hashtext(org)) THEN RETURN false; END IF;
  SELECT "horizon" INTO old FROM "InsightPrefixSpan" WHERE "orgId" = org;
  IF old >= upto THEN RETURN true; END IF;
  IF old IS NULL THEN DELETE FROM "InsightPrefixBackdated" WHERE "orgId" = org; END IF;
  INSERT INTO "InsightPrefix" ("orgId", "scope", "scopeId", "day", "orders", "gmvCents", "refunds", "refundedCents", "messages", "joins",
    "leaves", "buyerShows", "complaintsRaised", "complaintsResolved")
  SELECT org, s."scope", s."scopeId", g."day",
    s."orders" + sum(COALESCE(d."orders", 0)) OVER w, s."gmvCents" + sum(COALESCE(d."gmvCents", 0)) OVER w,
    s."refunds" + sum(COALESCE(d."refunds", 0)) OVER w, s."refundedCents" + sum(COALESCE(d."refundedCents", 0)) OVER w,
    s."messages" + sum(COALESCE(d."messages", 0)) OVER w, s."joins" + sum(COALESCE(d."joins", 0)) OVER w,
    s."leaves" + sum(COALESCE(d."leaves", 0)) OVER w, s."buyerShows" + sum(COALESCE(d."buyerShows", 0)) OVER w,
    s."complaintsRaised" + sum(COALESCE(d."complaintsRaised", 0)) OVER w, s."complaintsResolved" + sum(COALESCE(d."complaintsResolved", 0)) OVER w
  FROM (
    SELECT p."scope", p."scopeId", old + 1 AS "start", p."orders", p."gmvCents", p."refunds", p."refundedCents", p."messages", p."joins",
      p."leaves", p."buyerShows", p."complaintsRaised", p."complaintsResolved"
    FROM "InsightPrefix" p WHERE p."orgId" = org AND p."day" = old
    UNION ALL
    SELECT n."scope", n."scopeId", (SELECT min(f."day") FROM "InsightDay" f WHERE f."scope" = n."scope" AND f."scopeId" = n."scopeId"),
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    FROM (SELECT DISTINCT "scope", "scopeId" FROM "InsightDay"
          WHERE "orgId" = org AND "day" <= upto AND (old IS NULL OR "day" > old - 7)) n
    WHERE NOT EXISTS (SELECT 1 FROM "InsightPrefix" p WHERE p."scope" = n."scope" AND p."scopeId" = n."scopeId" AND p."day" = old)
  ) s
  CROSS JOIN LATERAL (SELECT x::date AS "day" FROM generate_series(s."start", upto, interval '1 day') x) g
  LEFT JOIN "InsightDay" d ON d."scope" = s."scope" AND d."scopeId" = s."scopeId" AND d."day" = g."day"
  WINDOW w AS (PARTITION BY s."scope", s."scopeId" ORDER BY g."day")
  ORDER BY 4, 2, 3;
  INSERT INTO "InsightPrefixSpan" ("orgId", "horizon") VALUES (org, upto)
  ON CONFLICT ("orgId") DO UPDATE SET "horizon" = EXCLUDED."horizon";
  RETURN true;
END $$;

-- Scopes already holding days before their first running total.
INSERT INTO "InsightPrefixBackdated" ("orgId", "scope", "scopeId")
SELECT s."orgId", s."scope", s."scopeId"
FROM (SELECT "orgId", "scope", "scopeId", min("day") AS "first" FROM "InsightPrefix" GROUP BY 1, 2, 3) s
WHERE EXISTS (SELECT 1 FROM "InsightDay" x WHERE x."scope" = s."scope" AND x."scopeId" = s."scopeId" AND x."day" < s."first");

CLUSTER "InsightPrefix" USING "InsightPrefix_orgId_scope_day_idx";
ANALYZE "InsightPrefix";
