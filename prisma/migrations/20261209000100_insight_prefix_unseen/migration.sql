-- Scopes with days but no running totals yet (a group or KOC that appeared since the last hourly extension,
-- or one first written on a day more than a week back) are now marked in InsightPrefixBackdated as well,
-- not only scopes written before their first running total. Then, for an organization with running
-- totals, every scope with days either has a row on each day through the horizon or is marked, and a
-- reader can list every scope with something in a window from two days' rows and the marks: the KOC
-- leaderboard (src/insights/koc/ranked.ts) sorts on running totals instead of summing every KOC's blocks.
--
-- The trigger's fourth statement marks a written scope with no running total on or before the written day
-- whenever the organization has running totals (InsightPrefixSpan), instead of only when the scope has
-- some. The extension starts marked scopes too (a scope first written more than a week back was never
-- started before) and drops the marks that no longer say anything: the scope now has running totals and
-- no day before the first. Marks are inserted under the organization's lock held shared and deleted under
-- it held exclusively, so the two never race.

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
    WHERE EXISTS (SELECT 1 FROM "InsightPrefixSpan" h WHERE h."orgId" = d."orgId")
      AND NOT EXISTS (SELECT 1 FROM "InsightPrefix" p WHERE p."scope" = d."scope" AND p."scopeId" = d."scopeId" AND p."day" <= d."day")
    ORDER BY 2, 3
    ON CONFLICT DO NOTHING$q$, source)]
$f$;

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
    FROM (SELECT "scope", "scopeId" FROM "InsightDay"
          WHERE "orgId" = org AND "day" <= upto AND (old IS NULL OR "day" > old - 7)
          UNION SELECT "scope", "scopeId" FROM "InsightPrefixBackdated" WHERE "orgId" = org) n
    WHERE NOT EXISTS (SELECT 1 FROM "InsightPrefix" p WHERE p."scope" = n."scope" AND p."scopeId" = n."scopeId" AND p."day" = old)
  ) s
  CROSS JOIN LATERAL (SELECT x::date AS "day" FROM generate_series(s."start", upto, interval '1 day') x) g
  LEFT JOIN "InsightDay" d ON d."scope" = s."scope" AND d."scopeId" = s."scopeId" AND d."day" = g."day"
  WINDOW w AS (PARTITION BY s."scope", s."scopeId" ORDER BY g."day")
  ORDER BY 4, 2, 3;
  -- A mark is kept only while its scope has days before its first running total (or none yet).
  DELETE FROM "InsightPrefixBackdated" b WHERE b."orgId" = org
    AND EXISTS (SELECT 1 FROM "InsightPrefix" p WHERE p."scope" = b."scope" AND p."scopeId" = b."scopeId" AND p."day" = upto)
    AND NOT EXISTS (SELECT 1 FROM "InsightDay" x WHERE x."scope" = b."scope" AND x."scopeId" = b."scopeId"
      AND x."day" < (SELECT min(p."day") FROM "InsightPrefix" p WHERE p."scope" = b."scope" AND p."scopeId" = b."scopeId"));
  INSERT INTO "InsightPrefixSpan" ("orgId", "horizon") VALUES (org, upto)
  ON CONFLICT ("orgId") DO UPDATE SET "horizon" = EXCLUDED."horizon";
  RETURN true;
END $$;


-- Scopes of organizations with running totals that have days but none yet.
INSERT INTO "InsightPrefixBackdated" ("orgId", "scope", "scopeId")
SELECT DISTINCT x."orgId", x."scope", x."scopeId" FROM "InsightDay" x
JOIN "InsightPrefixSpan" h ON h."orgId" = x."orgId"
WHERE NOT EXISTS (SELECT 1 FROM "InsightPrefix" p WHERE p."scope" = x."scope" AND p."scopeId" = x."scopeId")
ON CONFLICT DO NOTHING;
