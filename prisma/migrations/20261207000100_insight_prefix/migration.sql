-- A window's additive counters in O(1) rows per scope: InsightPrefix holds, for every day of a scope from
-- its first row through the organization's horizon (InsightPrefixSpan), the running total of InsightDay
-- up to and including that day, so a window [from, to] is P(to) − P(from − 1): two index probes per group
-- instead of ≈ 12–20 block and edge-day rows (20261206000500_insight_day_blocks), which a ranking of
-- 14,000 groups summed at every request (issue 13's bench at a million fans).
--
-- Concurrency: writers only ever add deltas to rows that exist (every row on or after the written day),
-- like the blocks, so they never read each other's values. Rows appear only in insight_prefix_extend,
-- which holds an organization's advisory lock exclusively while writers hold it shared from just before
-- their update until they commit; a new row therefore starts from totals that include every committed
-- writer, and a writer that comes later finds the new row and adds to it. The extension only tries the
-- lock (it never queues ahead of writers) and is retried; a reader uses the prefix only for windows that
-- end on or before the horizon and falls back to the blocks otherwise, so a late extension costs speed,
-- never exactness. Days before a scope's first row (a backdated write, or a scope the extension has not
-- seen yet) are summed from InsightDay by the reader.

CREATE TABLE "InsightPrefix" (
  "orgId" TEXT NOT NULL,
  "scope" CHAR(1) NOT NULL,
  "scopeId" TEXT NOT NULL,
  "day" DATE NOT NULL,
  "orders" INTEGER NOT NULL DEFAULT 0,
  "gmvCents" BIGINT NOT NULL DEFAULT 0,
  "refunds" INTEGER NOT NULL DEFAULT 0,
  "refundedCents" BIGINT NOT NULL DEFAULT 0,
  "messages" INTEGER NOT NULL DEFAULT 0,
  "joins" INTEGER NOT NULL DEFAULT 0,
  "leaves" INTEGER NOT NULL DEFAULT 0,
  "buyerShows" INTEGER NOT NULL DEFAULT 0,
  "complaintsRaised" INTEGER NOT NULL DEFAULT 0,
  "complaintsResolved" INTEGER NOT NULL DEFAULT 0,
  CONSTRAINT "InsightPrefix_pkey" PRIMARY KEY ("scope", "scopeId", "day")
);
-- A ranking reads every group's row of one day: one range of this index per end of the window.
CREATE INDEX "InsightPrefix_orgId_scope_day_idx" ON "InsightPrefix" ("orgId", "scope", "day");

-- The last day every prefixed scope of the organization has a row for.
CREATE TABLE "InsightPrefixSpan" (
  "orgId" TEXT NOT NULL,
  "horizon" DATE NOT NULL,
  CONSTRAINT "InsightPrefixSpan_pkey" PRIMARY KEY ("orgId")
);

-- The statements that add the deltas of `source` (orgId, scope, scopeId, day and the ten counters, signed)
-- to every existing prefix row on or after each delta's day: the organization's lock, shared; the rows,
-- locked in key order first, so two writers never wait on each other's rows in opposite orders; the sums.
-- Returned as text for the trigger to run itself: transition tables exist only in the trigger function.
CREATE FUNCTION insight_prefix_sql(source TEXT) RETURNS TEXT[] LANGUAGE sql IMMUTABLE AS $f$
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
    WHERE p."scope" = s."scope" AND p."scopeId" = s."scopeId" AND p."day" = s."day"$q$, source)]
$f$;

CREATE FUNCTION insight_prefix_trg() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE src TEXT; stmt TEXT;
BEGIN
  IF TG_OP = 'INSERT' THEN
    src := 'SELECT * FROM new_rows';
  ELSIF TG_OP = 'UPDATE' THEN
    src := $s$SELECT n."orgId", n."scope", n."scopeId", n."day",
      n."orders" - o."orders" AS "orders", n."gmvCents" - o."gmvCents" AS "gmvCents", n."refunds" - o."refunds" AS "refunds",
      n."refundedCents" - o."refundedCents" AS "refundedCents", n."messages" - o."messages" AS "messages", n."joins" - o."joins" AS "joins",
      n."leaves" - o."leaves" AS "leaves", n."buyerShows" - o."buyerShows" AS "buyerShows",
      n."complaintsRaised" - o."complaintsRaised" AS "complaintsRaised", n."complaintsResolved" - o."complaintsResolved" AS "complaintsResolved"
      FROM new_rows n JOIN old_rows o USING ("scope", "scopeId", "day")$s$;
  ELSE
    src := $s$SELECT o."orgId", o."scope", o."scopeId", o."day", -o."orders" AS "orders", -o."gmvCents" AS "gmvCents",
      -o."refunds" AS "refunds", -o."refundedCents" AS "refundedCents", -o."messages" AS "messages", -o."joins" AS "joins", -o."leaves" AS "leaves",
      -o."buyerShows" AS "buyerShows", -o."complaintsRaised" AS "complaintsRaised", -o."complaintsResolved" AS "complaintsResolved"
      FROM old_rows o$s$;
  END IF;
  FOREACH stmt IN ARRAY insight_prefix_sql(src) LOOP
    EXECUTE stmt;
  END LOOP;
  RETURN NULL;
END $$;
CREATE TRIGGER insight_prefix_ins AFTER INSERT ON "InsightDay" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_prefix_trg();
CREATE TRIGGER insight_prefix_upd AFTER UPDATE ON "InsightDay" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_prefix_trg();
CREATE TRIGGER insight_prefix_del AFTER DELETE ON "InsightDay" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_prefix_trg();

-- Gives every scope of the organization rows through `upto`: scopes already prefixed continue from their
-- row at the old horizon; scopes with InsightDay rows and no prefix yet (all of them the first time, else
-- those with days in the last week: new groups and KOCs) start at their first day, from zero. False when a writer
-- holds the organization's lock (try again later); true when the horizon reaches `upto`.
CREATE FUNCTION insight_prefix_extend(org TEXT, upto DATE) RETURNS BOOLEAN LANGUAGE plpgsql AS $$
DECLARE old DATE;
BEGIN
  IF NOT pg_try_advisory_xact_lock(1414, hashtext(org)) THEN RETURN false; END IF;
  SELECT "horizon" INTO old FROM "InsightPrefixSpan" WHERE "orgId" = org;
  IF old >= upto THEN RETURN true; END IF;
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
  ORDER BY 2, 3, 4;
  INSERT INTO "InsightPrefixSpan" ("orgId", "horizon") VALUES (org, upto)
  ON CONFLICT ("orgId") DO UPDATE SET "horizon" = EXCLUDED."horizon";
  RETURN true;
END $$;

-- insight_rebuild (20261204000100_insight_fast_windows) also rebuilds the prefix: dropped first (so the
-- rebuild's deletes and inserts do not move it row by row), then filled through tomorrow in one pass.
CREATE OR REPLACE FUNCTION insight_rebuild(org TEXT) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "InsightPrefixSpan" WHERE "orgId" = org;
  DELETE FROM "InsightPrefix" WHERE "orgId" = org;
  DELETE FROM "InsightDay" WHERE "orgId" = org;
  DELETE FROM "InsightBuyerDay" WHERE "orgId" = org;
  DELETE FROM "InsightActiveDay" WHERE "orgId" = org;
  EXECUTE insight_orders_sql(format('SELECT 1 AS sign, o.* FROM "Order" o WHERE o."orgId" = %L', org));
  EXECUTE insight_activity_sql(format('SELECT * FROM "ActivityEvent" WHERE "orgId" = %L', org));
  INSERT INTO "InsightActiveDay" ("orgId", "fanId", "day")
  SELECT DISTINCT org, a."fanId", ((a.at AT TIME ZONE 'UTC') AT TIME ZONE tz."timeZone")::date
  FROM (
    SELECT "fanId", "placedAt" AS at FROM "Order" WHERE "orgId" = org
    UNION ALL SELECT "fanId", "occurredAt" FROM "ActivityEvent" WHERE "orgId" = org AND "fanId" IS NOT NULL AND "kind" <> 'MEMBER_LEFT'
    UNION ALL SELECT c."fanId", c."updatedAt" FROM "LikeContribution" c JOIN "Fan" f ON f."id" = c."fanId" WHERE f."orgId" = org
    UNION ALL SELECT "fanId", "createdAt" FROM "Redemption" WHERE "orgId" = org
    UNION ALL SELECT "fanId", "createdAt" FROM "Reservation" WHERE "orgId" = org
    UNION ALL SELECT "fanId", "createdAt" FROM "Wish" WHERE "orgId" = org
    UNION ALL SELECT v."fanId", v."createdAt" FROM "WishVote" v JOIN "Fan" f ON f."id" = v."fanId" WHERE f."orgId" = org
    UNION ALL SELECT "fanId", "createdAt" FROM "LotterySpin" WHERE "orgId" = org
    UNION ALL SELECT "fanId", "createdAt" FROM "CheckIn" WHERE "orgId" = org
  ) a CROSS JOIN (SELECT "timeZone" FROM "Organization" WHERE "id" = org) tz
  ORDER BY 2, 3
  ON CONFLICT DO NOTHING;
  PERFORM insight_rebuild_distinct(org);
  PERFORM insight_prefix_extend(org, ((now() AT TIME ZONE "timeZone")::date + 1)) FROM "Organization" WHERE "id" = org;
END $$;

-- The organizations' existing days, through tomorrow in each one's time zone.
SELECT insight_prefix_extend("id", ((now() AT TIME ZONE "timeZone")::date + 1)) FROM "Organization" ORDER BY "id";
-- Planned from real counts at once (a ranking probes it per group), not after autovacuum gets to it.
ANALYZE "InsightPrefix";
