-- Insight rollups, kept by the database in the transaction of every write (statement-level triggers
-- with transition tables: a batch of 500 orders or a like group-commit updates them with one set-based
-- statement per table, and no module's service changes). Days are the organization's calendar days
-- (Organization.timeZone). See README "Insight" for the design and its trade-offs.
--
-- InsightDay       additive counters per (scope, scopeId, day): scope 'O' organization, 'G' group
--                  (Order.communityId / ActivityEvent.communityId), 'K' KOC (Order.kocId).
-- InsightBuyerDay  per (scope, scopeId, day, buyer): net paid orders and cents, so distinct buyers and
--                  repeat buyers over any window are exact (a buyer counts once however many days).
-- InsightActiveDay per (fan, day): the fan did something we record that day (any action: orders,
--                  group activity, likes, redemptions, reservations, wishes, votes, spins, check-ins).

CREATE TABLE "InsightDay" (
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
  CONSTRAINT "InsightDay_pkey" PRIMARY KEY ("scope", "scopeId", "day")
);
CREATE INDEX "InsightDay_orgId_scope_day_idx" ON "InsightDay"("orgId", "scope", "day");

CREATE TABLE "InsightBuyerDay" (
  "orgId" TEXT NOT NULL,
  "scope" CHAR(1) NOT NULL,
  "scopeId" TEXT NOT NULL,
  "day" DATE NOT NULL,
  "fanId" TEXT NOT NULL,
  "orders" INTEGER NOT NULL DEFAULT 0,
  "gmvCents" BIGINT NOT NULL DEFAULT 0,
  CONSTRAINT "InsightBuyerDay_pkey" PRIMARY KEY ("scope", "scopeId", "day", "fanId")
);

CREATE TABLE "InsightActiveDay" (
  "orgId" TEXT NOT NULL,
  "fanId" TEXT NOT NULL,
  "day" DATE NOT NULL,
  CONSTRAINT "InsightActiveDay_pkey" PRIMARY KEY ("fanId", "day")
);
CREATE INDEX "InsightActiveDay_orgId_day_idx" ON "InsightActiveDay"("orgId", "day");

-- orders(kocId:) pages newest first like the other order filters.
DROP INDEX "Order_kocId_idx";
CREATE INDEX "Order_kocId_placedAt_id_idx" ON "Order"("kocId", "placedAt", "id");

-- Orders: every row counts at its placement day, PAID as orders/GMV, REFUNDED as refunds; an update
-- (a refund) takes the old row out (sign -1) and puts the new one in (+1), so "refunds subtracted"
-- holds exactly. The statement is built once here and run by the trigger over its transition tables
-- (EXECUTE sees them), and once by the backfill below over the whole table.
CREATE FUNCTION insight_orders_sql(source TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $f$
  SELECT format($q$
  WITH r AS (
    SELECT x.sign, x."orgId", x."fanId", x."communityId", x."kocId", x."status" = 'PAID' AS paid, x."amountCents"::bigint AS cents,
           ((x."placedAt" AT TIME ZONE 'UTC') AT TIME ZONE org."timeZone")::date AS day
    FROM (%s) AS x JOIN "Organization" org ON org."id" = x."orgId"
  ), s AS (
    SELECT sign, "orgId", 'O' AS scope, "orgId" AS sid, "fanId", day, paid, cents FROM r
    UNION ALL SELECT sign, "orgId", 'G', "communityId", "fanId", day, paid, cents FROM r WHERE "communityId" IS NOT NULL
    UNION ALL SELECT sign, "orgId", 'K', "kocId", "fanId", day, paid, cents FROM r WHERE "kocId" IS NOT NULL
  ), days AS (
    INSERT INTO "InsightDay" ("orgId", "scope", "scopeId", "day", "orders", "gmvCents", "refunds", "refundedCents")
    SELECT "orgId", scope, sid, day,
           COALESCE(sum(sign) FILTER (WHERE paid), 0), COALESCE(sum(sign * cents) FILTER (WHERE paid), 0),
           COALESCE(sum(sign) FILTER (WHERE NOT paid), 0), COALESCE(sum(sign * cents) FILTER (WHERE NOT paid), 0)
    FROM s GROUP BY "orgId", scope, sid, day ORDER BY scope, sid, day
    ON CONFLICT ("scope", "scopeId", "day") DO UPDATE SET
      "orders" = "InsightDay"."orders" + EXCLUDED."orders", "gmvCents" = "InsightDay"."gmvCents" + EXCLUDED."gmvCents",
      "refunds" = "InsightDay"."refunds" + EXCLUDED."refunds", "refundedCents" = "InsightDay"."refundedCents" + EXCLUDED."refundedCents"
    RETURNING 1
  )
  INSERT INTO "InsightBuyerDay" ("orgId", "scope", "scopeId", "day", "fanId", "orders", "gmvCents")
  SELECT "orgId", scope, sid, day, "fanId", sum(sign), sum(sign * cents)
  FROM s WHERE paid GROUP BY "orgId", scope, sid, day, "fanId" ORDER BY scope, sid, day, "fanId"
  ON CONFLICT ("scope", "scopeId", "day", "fanId") DO UPDATE SET
    "orders" = "InsightBuyerDay"."orders" + EXCLUDED."orders", "gmvCents" = "InsightBuyerDay"."gmvCents" + EXCLUDED."gmvCents"
  $q$, source)
$f$;

-- Fans active on a day. `touch`: also move Fan.lastActiveAt forward (every action counts for the
-- lifecycle); 'first' moves it only on the fan's first action of the day (the like path: a fan's
-- row is written at most once a day however fast they tap).
CREATE FUNCTION insight_mark_active(fans TEXT[], ats TIMESTAMP(3)[], touch TEXT) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  WITH v AS (
    SELECT f."orgId", v.fan, v.at, ((v.at AT TIME ZONE 'UTC') AT TIME ZONE org."timeZone")::date AS day
    FROM unnest(fans, ats) AS v(fan, at)
    JOIN "Fan" f ON f."id" = v.fan JOIN "Organization" org ON org."id" = f."orgId"
    WHERE v.fan IS NOT NULL AND v.at IS NOT NULL
  ), fresh AS (
    INSERT INTO "InsightActiveDay" ("orgId", "fanId", "day")
    SELECT DISTINCT "orgId", fan, day FROM v ORDER BY fan, day
    ON CONFLICT DO NOTHING
    RETURNING "fanId", "day"
  ), latest AS (
    SELECT v.fan, max(v.at) AS at FROM v
    WHERE touch = 'always' OR (touch = 'first' AND EXISTS (SELECT 1 FROM fresh WHERE fresh."fanId" = v.fan AND fresh."day" = v.day))
    GROUP BY v.fan
  ), locked AS (
    SELECT f."id", l.at FROM "Fan" f JOIN latest l ON l.fan = f."id"
    WHERE f."lastActiveAt" IS NULL OR f."lastActiveAt" < l.at
    ORDER BY f."id" FOR NO KEY UPDATE OF f
  )
  UPDATE "Fan" f SET "lastActiveAt" = GREATEST(f."lastActiveAt", locked.at) FROM locked WHERE f."id" = locked."id";
END $$;

CREATE FUNCTION insight_orders_trg() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE changed TEXT := $c$(o."orgId", o."fanId", o."status", o."amountCents", o."placedAt", o."communityId", o."kocId")
                          IS DISTINCT FROM (n."orgId", n."fanId", n."status", n."amountCents", n."placedAt", n."communityId", n."kocId")$c$;
BEGIN
  IF TG_OP = 'INSERT' THEN
    EXECUTE insight_orders_sql('SELECT 1 AS sign, n.* FROM new_rows n');
    PERFORM insight_mark_active(ARRAY(SELECT n."fanId" FROM new_rows n), ARRAY(SELECT n."placedAt" FROM new_rows n), 'never');
  ELSIF TG_OP = 'UPDATE' THEN
    EXECUTE insight_orders_sql('SELECT -1 AS sign, o.* FROM old_rows o JOIN new_rows n ON n."id" = o."id" WHERE ' || changed ||
                               ' UNION ALL SELECT 1, n.* FROM new_rows n JOIN old_rows o ON o."id" = n."id" WHERE ' || changed);
  ELSE
    EXECUTE insight_orders_sql('SELECT -1 AS sign, o.* FROM old_rows o');
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER insight_orders_ins AFTER INSERT ON "Order" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_orders_trg();
CREATE TRIGGER insight_orders_upd AFTER UPDATE ON "Order" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_orders_trg();
CREATE TRIGGER insight_orders_del AFTER DELETE ON "Order" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_orders_trg();

-- Group activity: counters per group and organization, and the fan's active day (leaving is not
-- engagement, so MEMBER_LEFT does not make a fan active). Feed rows are append-only.
CREATE FUNCTION insight_activity_sql(source TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $f$
  SELECT format($q$
  WITH r AS (
    SELECT x."orgId", x."communityId", x."kind"::text AS kind, x."count",
           ((x."occurredAt" AT TIME ZONE 'UTC') AT TIME ZONE org."timeZone")::date AS day
    FROM (%s) AS x JOIN "Organization" org ON org."id" = x."orgId"
    WHERE x."kind" IN ('MESSAGE_POSTED', 'MEMBER_JOINED', 'MEMBER_LEFT', 'BUYER_SHOW_POSTED', 'COMPLAINT_RAISED', 'COMPLAINT_RESOLVED')
  ), s AS (
    SELECT "orgId", 'O' AS scope, "orgId" AS sid, day, kind, "count" FROM r
    UNION ALL SELECT "orgId", 'G', "communityId", day, kind, "count" FROM r WHERE "communityId" IS NOT NULL
  )
  INSERT INTO "InsightDay" ("orgId", "scope", "scopeId", "day", "messages", "joins", "leaves", "buyerShows", "complaintsRaised", "complaintsResolved")
  SELECT "orgId", scope, sid, day,
    COALESCE(sum("count") FILTER (WHERE kind = 'MESSAGE_POSTED'), 0), COALESCE(sum("count") FILTER (WHERE kind = 'MEMBER_JOINED'), 0),
    COALESCE(sum("count") FILTER (WHERE kind = 'MEMBER_LEFT'), 0), COALESCE(sum("count") FILTER (WHERE kind = 'BUYER_SHOW_POSTED'), 0),
    COALESCE(sum("count") FILTER (WHERE kind = 'COMPLAINT_RAISED'), 0), COALESCE(sum("count") FILTER (WHERE kind = 'COMPLAINT_RESOLVED'), 0)
  FROM s GROUP BY "orgId", scope, sid, day ORDER BY scope, sid, day
  ON CONFLICT ("scope", "scopeId", "day") DO UPDATE SET
    "messages" = "InsightDay"."messages" + EXCLUDED."messages", "joins" = "InsightDay"."joins" + EXCLUDED."joins",
    "leaves" = "InsightDay"."leaves" + EXCLUDED."leaves", "buyerShows" = "InsightDay"."buyerShows" + EXCLUDED."buyerShows",
    "complaintsRaised" = "InsightDay"."complaintsRaised" + EXCLUDED."complaintsRaised",
    "complaintsResolved" = "InsightDay"."complaintsResolved" + EXCLUDED."complaintsResolved"
  $q$, source)
$f$;

CREATE FUNCTION insight_activity_trg() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE insight_activity_sql('SELECT * FROM new_rows');
  PERFORM insight_mark_active(ARRAY(SELECT n."fanId" FROM new_rows n WHERE n."kind" <> 'MEMBER_LEFT'),
                              ARRAY(SELECT n."occurredAt" FROM new_rows n WHERE n."kind" <> 'MEMBER_LEFT'), 'always');
  RETURN NULL;
END $$;
CREATE TRIGGER insight_activity_ins AFTER INSERT ON "ActivityEvent" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_activity_trg();

-- Other fan actions: an active day for each, and the fan's last-active time (likes: first of the day).
CREATE FUNCTION insight_action_trg() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'LikeContribution' THEN
    PERFORM insight_mark_active(ARRAY(SELECT n."fanId" FROM new_rows n), ARRAY(SELECT n."updatedAt" FROM new_rows n), 'first');
  ELSE
    PERFORM insight_mark_active(ARRAY(SELECT n."fanId" FROM new_rows n), ARRAY(SELECT n."createdAt" FROM new_rows n), 'always');
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER insight_likes_ins AFTER INSERT ON "LikeContribution" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_action_trg();
CREATE TRIGGER insight_likes_upd AFTER UPDATE ON "LikeContribution" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_action_trg();
CREATE TRIGGER insight_redemptions_ins AFTER INSERT ON "Redemption" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_action_trg();
CREATE TRIGGER insight_reservations_ins AFTER INSERT ON "Reservation" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_action_trg();
CREATE TRIGGER insight_wishes_ins AFTER INSERT ON "Wish" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_action_trg();
CREATE TRIGGER insight_wish_votes_ins AFTER INSERT ON "WishVote" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_action_trg();
CREATE TRIGGER insight_spins_ins AFTER INSERT ON "LotterySpin" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_action_trg();
CREATE TRIGGER insight_checkins_ins AFTER INSERT ON "CheckIn" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_action_trg();

-- Rebuilds one organization's rollups from its rows: for rows written with triggers off (the scale
-- generator inserts in replica mode, which skips every trigger) and for the rows that existed before
-- this migration. Deterministic: the same rules as the triggers, set-based over the whole organization.
CREATE FUNCTION insight_rebuild(org TEXT) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
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
END $$;

SELECT insight_rebuild("id") FROM "Organization" ORDER BY "id";
