-- Window sums over many groups read fewer rows: InsightDay's additive counters are also kept per block
-- of 8 days and of 64 days (aligned on 1970-01-01, block = days since then >> 3 or >> 6), so a window
-- is read as its edge days, whole 8-day blocks and whole 64-day blocks (≈ 20 rows for 90 days instead
-- of 90, ≈ 25 for a year instead of 365; src/insights/groups/blocks.ts splits the window). A ranking
-- of 4,000 groups over 90 days then aggregates ≈ 80,000 rows instead of 360,000.
-- Kept by a statement trigger on InsightDay in the same transaction: pure additive upserts of each
-- statement's deltas, so concurrent writers never depend on each other's rows (as InsightDay itself).

CREATE TABLE "InsightBlock" (
  "orgId" TEXT NOT NULL,
  "scope" CHAR(1) NOT NULL,
  "scopeId" TEXT NOT NULL,
  "level" SMALLINT NOT NULL,
  "block" INTEGER NOT NULL,
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
  CONSTRAINT "InsightBlock_pkey" PRIMARY KEY ("scope", "scopeId", "level", "block")
);
CREATE INDEX "InsightBlock_orgId_scope_level_block_idx" ON "InsightBlock"("orgId", "scope", "level", "block");

-- Upserts the deltas of `source` (orgId, scope, scopeId, day and the ten counters, signed) into both levels.
CREATE FUNCTION insight_block_sql(source TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $f$
  SELECT format($q$
  INSERT INTO "InsightBlock" ("orgId", "scope", "scopeId", "level", "block", "orders", "gmvCents", "refunds", "refundedCents",
    "messages", "joins", "leaves", "buyerShows", "complaintsRaised", "complaintsResolved")
  SELECT d."orgId", d."scope", d."scopeId", l.level, (d."day" - DATE '1970-01-01') >> l.level,
    sum(d."orders"), sum(d."gmvCents"), sum(d."refunds"), sum(d."refundedCents"), sum(d."messages"), sum(d."joins"), sum(d."leaves"),
    sum(d."buyerShows"), sum(d."complaintsRaised"), sum(d."complaintsResolved")
  FROM (%s) d CROSS JOIN (VALUES (3::smallint), (6::smallint)) l(level)
  GROUP BY 1, 2, 3, 4, 5 ORDER BY 2, 3, 4, 5
  ON CONFLICT ("scope", "scopeId", "level", "block") DO UPDATE SET
    "orders" = "InsightBlock"."orders" + EXCLUDED."orders", "gmvCents" = "InsightBlock"."gmvCents" + EXCLUDED."gmvCents",
    "refunds" = "InsightBlock"."refunds" + EXCLUDED."refunds", "refundedCents" = "InsightBlock"."refundedCents" + EXCLUDED."refundedCents",
    "messages" = "InsightBlock"."messages" + EXCLUDED."messages", "joins" = "InsightBlock"."joins" + EXCLUDED."joins",
    "leaves" = "InsightBlock"."leaves" + EXCLUDED."leaves", "buyerShows" = "InsightBlock"."buyerShows" + EXCLUDED."buyerShows",
    "complaintsRaised" = "InsightBlock"."complaintsRaised" + EXCLUDED."complaintsRaised",
    "complaintsResolved" = "InsightBlock"."complaintsResolved" + EXCLUDED."complaintsResolved"
  $q$, source)
$f$;

CREATE FUNCTION insight_block_trg() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    EXECUTE insight_block_sql('SELECT * FROM new_rows');
  ELSIF TG_OP = 'UPDATE' THEN
    EXECUTE insight_block_sql($s$SELECT n."orgId", n."scope", n."scopeId", n."day",
      n."orders" - o."orders" AS "orders", n."gmvCents" - o."gmvCents" AS "gmvCents", n."refunds" - o."refunds" AS "refunds",
      n."refundedCents" - o."refundedCents" AS "refundedCents", n."messages" - o."messages" AS "messages", n."joins" - o."joins" AS "joins",
      n."leaves" - o."leaves" AS "leaves", n."buyerShows" - o."buyerShows" AS "buyerShows",
      n."complaintsRaised" - o."complaintsRaised" AS "complaintsRaised", n."complaintsResolved" - o."complaintsResolved" AS "complaintsResolved"
      FROM new_rows n JOIN old_rows o USING ("scope", "scopeId", "day")$s$);
  ELSE
    EXECUTE insight_block_sql($s$SELECT o."orgId", o."scope", o."scopeId", o."day", -o."orders" AS "orders", -o."gmvCents" AS "gmvCents",
      -o."refunds" AS "refunds", -o."refundedCents" AS "refundedCents", -o."messages" AS "messages", -o."joins" AS "joins", -o."leaves" AS "leaves",
      -o."buyerShows" AS "buyerShows", -o."complaintsRaised" AS "complaintsRaised", -o."complaintsResolved" AS "complaintsResolved"
      FROM old_rows o$s$);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER insight_block_ins AFTER INSERT ON "InsightDay" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_block_trg();
CREATE TRIGGER insight_block_upd AFTER UPDATE ON "InsightDay" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_block_trg();
CREATE TRIGGER insight_block_del AFTER DELETE ON "InsightDay" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_block_trg();

-- Deleting an organization's days (insight_rebuild starts so) zeroes its blocks; rebuilding refills them.
-- The organizations' existing days:
DO $$ BEGIN EXECUTE insight_block_sql('SELECT * FROM "InsightDay"'); END $$;
