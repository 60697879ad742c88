-- KOC reach counts the current members of a KOC's groups who bought in the window ("membersWhoOrdered").
-- Joining the groups' ~50,000 memberships with the organization's buyers (InsightRecency, ~100,000 fans
-- in a 90-day window at 300k fans) cost 80–110 ms a leaderboard page. InsightMemberBuy keeps, per current
-- membership of a fan who ever bought, that fan's latest net buying day in the organization — the buyers
-- of a window among a group's members are then an index range over (communityId, buyDay).
--
-- Kept at commit beside the other distinct rollups (20261204000100_insight_fast_windows): insight_apply
-- now also resyncs every fan whose memberships or organization-scope orders the transaction touched,
-- after the rollups, under the same fan-bucket locks — so a join and an order of the same fan committed
-- at once serialize there and the second sees the first. Only the commit phase writes this table.
CREATE TABLE "InsightMemberBuy" (
  "orgId" TEXT NOT NULL,
  "communityId" TEXT NOT NULL,
  "fanId" TEXT NOT NULL,
  "buyDay" DATE NOT NULL,
  CONSTRAINT "InsightMemberBuy_pkey" PRIMARY KEY ("communityId", "fanId")
);
CREATE INDEX "InsightMemberBuy_communityId_buyDay_idx" ON "InsightMemberBuy" ("communityId", "buyDay") INCLUDE ("fanId");
CREATE INDEX "InsightMemberBuy_fanId_idx" ON "InsightMemberBuy" ("fanId");
CREATE INDEX "InsightMemberBuy_orgId_idx" ON "InsightMemberBuy" ("orgId");

-- The rows the given fans should have (current memberships × latest organization buying day), against
-- those they have: only differences are written.
CREATE FUNCTION insight_member_buys(fans TEXT[]) RETURNS VOID LANGUAGE sql AS $$
  WITH f AS (SELECT DISTINCT fan FROM unnest(fans) fan),
  want AS MATERIALIZED (
    SELECT m."orgId", m."communityId", m."fanId", r."buyDay"
    FROM f JOIN "Membership" m ON m."fanId" = f.fan AND m."leftAt" IS NULL
    JOIN "InsightRecency" r ON r."scope" = 'O' AND r."scopeId" = m."orgId" AND r."fanId" = m."fanId" AND r."buyDay" IS NOT NULL
  ), up AS (
    INSERT INTO "InsightMemberBuy" ("orgId", "communityId", "fanId", "buyDay")
    SELECT * FROM want ORDER BY 2, 3
    ON CONFLICT ("communityId", "fanId") DO UPDATE SET "buyDay" = EXCLUDED."buyDay", "orgId" = EXCLUDED."orgId"
    WHERE ("InsightMemberBuy"."buyDay", "InsightMemberBuy"."orgId") IS DISTINCT FROM (EXCLUDED."buyDay", EXCLUDED."orgId")
  )
  DELETE FROM "InsightMemberBuy" x USING f WHERE x."fanId" = f.fan
    AND NOT EXISTS (SELECT 1 FROM want w WHERE w."communityId" = x."communityId" AND w."fanId" = x."fanId")
$$;

-- insight_apply keeps its body (renamed); the fans to resync are read from the queue before it empties
-- it: membership changes (scope 'G' without a day) and organization-scope order keys (scope 'O').
-- Activity-only commits (likes, check-ins: scope 'F') touch neither and pay one indexed read.
ALTER FUNCTION insight_apply(BIGINT) RENAME TO insight_apply_rollups;
CREATE FUNCTION insight_apply(x BIGINT) RETURNS VOID LANGUAGE plpgsql AS $$
DECLARE
  fans TEXT[];
BEGIN
  SELECT array_agg(DISTINCT "fanId") INTO fans FROM "InsightPending"
  WHERE "xid" = x AND ("scope" = 'O' OR ("scope" = 'G' AND "day" IS NULL));
  PERFORM insight_apply_rollups(x);
  IF fans IS NOT NULL THEN PERFORM insight_member_buys(fans); END IF;
END $$;

-- The one-pass rebuild ends with the same rows, from the rebuilt InsightRecency.
ALTER FUNCTION insight_rebuild_distinct(TEXT) RENAME TO insight_rebuild_distinct_rollups;
CREATE FUNCTION insight_rebuild_distinct(org TEXT) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  PERFORM insight_rebuild_distinct_rollups(org);
  DELETE FROM "InsightMemberBuy" WHERE "orgId" = org;
  INSERT INTO "InsightMemberBuy" ("orgId", "communityId", "fanId", "buyDay")
  SELECT m."orgId", m."communityId", m."fanId", r."buyDay"
  FROM "Membership" m JOIN "InsightRecency" r ON r."scope" = 'O' AND r."scopeId" = m."orgId" AND r."fanId" = m."fanId" AND r."buyDay" IS NOT NULL
  WHERE m."orgId" = org AND m."leftAt" IS NULL ORDER BY 2, 3;
END $$;

INSERT INTO "InsightMemberBuy" ("orgId", "communityId", "fanId", "buyDay")
SELECT m."orgId", m."communityId", m."fanId", r."buyDay"
FROM "Membership" m JOIN "InsightRecency" r ON r."scope" = 'O' AND r."scopeId" = m."orgId" AND r."fanId" = m."fanId" AND r."buyDay" IS NOT NULL
WHERE m."leftAt" IS NULL ORDER BY 2, 3;
