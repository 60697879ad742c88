-- Exact distinct counts that windows read without a per-membership or per-buyer probe (README "Insight",
-- "How the numbers are kept"). Kept at the commit of every writing transaction, from what the existing
-- rollup triggers (20261203000000_insight_rollups) and a membership trigger queue:
--
-- InsightMemberDay   (group, fan, day): the fan did something on a day they were a member of the group
--                    (from the join day through the leave day, as the membership row records it).
-- InsightBuyerMark   (scope, scopeId, fan, day): how the buyer-day counts, 1 = a buyer that day, 2 = also
--                    a repeat buyer (two or more net paid orders); the state the day counters were moved by.
-- InsightRecency     (scope, scopeId, fan): the fan's latest active(-member) day, latest buying day and the
--                    day of their second-latest paid order (counting several orders on a day).
-- InsightDistinctDay (scope, scopeId, day): activeMembers / buyers / repeatBuyers that day (exact per day),
--                    and lastActive / lastBuyers / lastRepeat: how many fans have their latest such day on
--                    this day. For a window [a, b] with no lastX after b (every window ending today, unless
--                    rows are dated in the future) the distinct count is sum(lastX over [a, b]) — a fan has
--                    activity in the window iff their latest activity falls in it. Other windows fall back to
--                    the exact GROUP BY over the per-fan rows. Exact by construction: per day always; for a
--                    range whenever nothing later is recorded, which the reader checks in the same query.
--
-- Concurrency: the statement triggers only append keys to InsightPending (no read-modify-write mid-
-- transaction); a deferred constraint trigger applies them once at COMMIT (insight_apply), after taking
-- advisory locks on the keys' fan buckets in sorted order, and recomputes each key from the committed rows
-- plus its own. Two writers for the same fan serialize there; writers for different fans do not. The
-- commit phase only reads the rollups other transactions write mid-transaction, so it never waits on them.

CREATE TABLE "InsightDistinctDay" (
  "orgId" TEXT NOT NULL,
  "scope" CHAR(1) NOT NULL,
  "scopeId" TEXT NOT NULL,
  "day" DATE NOT NULL,
  "activeMembers" INTEGER NOT NULL DEFAULT 0,
  "buyers" INTEGER NOT NULL DEFAULT 0,
  "repeatBuyers" INTEGER NOT NULL DEFAULT 0,
  "lastActive" INTEGER NOT NULL DEFAULT 0,
  "lastBuyers" INTEGER NOT NULL DEFAULT 0,
  "lastRepeat" INTEGER NOT NULL DEFAULT 0,
  CONSTRAINT "InsightDistinctDay_pkey" PRIMARY KEY ("scope", "scopeId", "day")
);
CREATE INDEX "InsightDistinctDay_orgId_idx" ON "InsightDistinctDay"("orgId");

CREATE TABLE "InsightMemberDay" (
  "orgId" TEXT NOT NULL,
  "communityId" TEXT NOT NULL,
  "fanId" TEXT NOT NULL,
  "day" DATE NOT NULL,
  CONSTRAINT "InsightMemberDay_pkey" PRIMARY KEY ("communityId", "fanId", "day")
);
CREATE INDEX "InsightMemberDay_orgId_idx" ON "InsightMemberDay"("orgId");

CREATE TABLE "InsightBuyerMark" (
  "orgId" TEXT NOT NULL,
  "scope" CHAR(1) NOT NULL,
  "scopeId" TEXT NOT NULL,
  "fanId" TEXT NOT NULL,
  "day" DATE NOT NULL,
  "level" SMALLINT NOT NULL,
  CONSTRAINT "InsightBuyerMark_pkey" PRIMARY KEY ("scope", "scopeId", "fanId", "day")
);
CREATE INDEX "InsightBuyerMark_orgId_idx" ON "InsightBuyerMark"("orgId");

CREATE TABLE "InsightRecency" (
  "orgId" TEXT NOT NULL,
  "scope" CHAR(1) NOT NULL,
  "scopeId" TEXT NOT NULL,
  "fanId" TEXT NOT NULL,
  "activeDay" DATE,
  "buyDay" DATE,
  "repeatDay" DATE,
  CONSTRAINT "InsightRecency_pkey" PRIMARY KEY ("scope", "scopeId", "fanId")
);
CREATE INDEX "InsightRecency_orgId_idx" ON "InsightRecency"("orgId");

-- Keys touched by this transaction (scope 'F': a fan's fresh active day, expanded at commit to the
-- organization and every group the fan belongs to). Emptied by insight_apply at the same commit.
CREATE TABLE "InsightPending" (
  "xid" BIGINT NOT NULL,
  "scope" CHAR(1) NOT NULL,
  "scopeId" TEXT,
  "fanId" TEXT NOT NULL,
  "orgId" TEXT NOT NULL,
  "day" DATE
);
CREATE INDEX "InsightPending_xid_idx" ON "InsightPending"("xid");
CREATE TABLE "InsightPendingTx" ("xid" BIGINT NOT NULL, CONSTRAINT "InsightPendingTx_pkey" PRIMARY KEY ("xid"));

CREATE FUNCTION insight_queued() RETURNS VOID LANGUAGE sql AS $$
  INSERT INTO "InsightPendingTx" ("xid") VALUES (txid_current()) ON CONFLICT DO NOTHING
$$;

-- Applies this transaction's keys (called once, at commit). Statement by statement, each reading the
-- rows committed before it took its locks plus its own; the day counters move in one last statement,
-- in key order, so two commits never wait on each other's counter rows in opposite orders.
CREATE FUNCTION insight_apply(x BIGINT) RETURNS VOID LANGUAGE plpgsql AS $$
DECLARE
  q_scope TEXT[]; q_sid TEXT[]; q_fan TEXT[]; q_org TEXT[]; q_day DATE[];
  k_scope TEXT[]; k_sid TEXT[]; k_fan TEXT[]; k_org TEXT[];
  g_org TEXT[]; g_sid TEXT[]; g_day DATE[]; g_n INT[];
  b_org TEXT[]; b_scope TEXT[]; b_sid TEXT[]; b_day DATE[]; b_b INT[]; b_r INT[];
  r_org TEXT[]; r_scope TEXT[]; r_sid TEXT[]; r_day DATE[]; r_a INT[]; r_b INT[]; r_r INT[];
BEGIN
  DELETE FROM "InsightPendingTx" WHERE "xid" = x;
  WITH d AS (DELETE FROM "InsightPending" WHERE "xid" = x RETURNING *)
  SELECT array_agg("scope"), array_agg("scopeId"), array_agg("fanId"), array_agg("orgId"), array_agg("day")
    INTO q_scope, q_sid, q_fan, q_org, q_day FROM d;
  IF q_fan IS NULL THEN RETURN; END IF;
  -- One writer per fan bucket at a time, taken in one sorted pass (no lock-order cycles between commits).
  PERFORM pg_advisory_xact_lock(1313, b) FROM (SELECT DISTINCT hashtext(f) & 127 AS b FROM unnest(q_fan) f ORDER BY 1) l;

  -- The keys to recompute: a fresh active day concerns the organization and each of the fan's groups.
  WITH q AS (SELECT * FROM unnest(q_scope, q_sid, q_fan, q_org) AS q(scope, sid, fan, org))
  SELECT array_agg(scope), array_agg(sid), array_agg(fan), array_agg(org) INTO k_scope, k_sid, k_fan, k_org FROM (
    SELECT scope, sid, fan, org FROM q WHERE scope <> 'F'
    UNION SELECT 'O', org, fan, org FROM q WHERE scope = 'F'
    UNION SELECT 'G', m."communityId", m."fanId", m."orgId" FROM q JOIN "Membership" m ON m."fanId" = q.fan WHERE q.scope = 'F'
  ) k;

  -- Groups: the member-active days each (group, fan) should have, against those it has.
  WITH k AS (SELECT DISTINCT sid, fan FROM unnest(k_scope, k_sid, k_fan) AS k(scope, sid, fan) WHERE scope = 'G'),
  want AS MATERIALIZED (
    SELECT m."orgId", m."communityId", m."fanId", a."day"
    FROM k JOIN "Membership" m ON m."communityId" = k.sid AND m."fanId" = k.fan
    JOIN "Organization" o ON o."id" = m."orgId"
    JOIN "InsightActiveDay" a ON a."fanId" = m."fanId" AND a."day" >= ((m."joinedAt" AT TIME ZONE 'UTC') AT TIME ZONE o."timeZone")::date
      AND (m."leftAt" IS NULL OR a."day" <= ((m."leftAt" AT TIME ZONE 'UTC') AT TIME ZONE o."timeZone")::date)
  ), ins AS (
    INSERT INTO "InsightMemberDay" ("orgId", "communityId", "fanId", "day")
    SELECT w.* FROM want w
    WHERE NOT EXISTS (SELECT 1 FROM "InsightMemberDay" x WHERE x."communityId" = w."communityId" AND x."fanId" = w."fanId" AND x."day" = w."day")
    ORDER BY 2, 3, 4 ON CONFLICT DO NOTHING
    RETURNING "orgId", "communityId", "day"
  ), del AS (
    DELETE FROM "InsightMemberDay" x USING k WHERE x."communityId" = k.sid AND x."fanId" = k.fan
      AND NOT EXISTS (SELECT 1 FROM want w WHERE w."communityId" = x."communityId" AND w."fanId" = x."fanId" AND w."day" = x."day")
    RETURNING x."orgId", x."communityId", x."day"
  )
  SELECT array_agg("orgId"), array_agg("communityId"), array_agg("day"), array_agg(n) INTO g_org, g_sid, g_day, g_n FROM (
    SELECT "orgId", "communityId", "day", sum(n)::int AS n FROM (SELECT *, 1 AS n FROM ins UNION ALL SELECT *, -1 FROM del) c GROUP BY 1, 2, 3
  ) z;

  -- Buyer days an order touched: counted as buyer (net paid ≥ 1) and repeat buyer (≥ 2) that day.
  -- (scope as CHAR(1), the rollups' type: a TEXT comparison would cast the column and miss every index)
  WITH q AS (SELECT DISTINCT * FROM unnest(q_scope::char(1)[], q_sid, q_fan, q_org, q_day) AS q(scope, sid, fan, org, day) WHERE scope IN ('O', 'G', 'K') AND day IS NOT NULL),
  cur AS MATERIALIZED (
    SELECT q.*, LEAST(GREATEST(COALESCE(b."orders", 0), 0), 2) AS lvl, COALESCE(m."level", 0) AS old
    FROM q
    LEFT JOIN "InsightBuyerDay" b ON b."scope" = q.scope AND b."scopeId" = q.sid AND b."day" = q.day AND b."fanId" = q.fan
    LEFT JOIN "InsightBuyerMark" m ON m."scope" = q.scope AND m."scopeId" = q.sid AND m."fanId" = q.fan AND m."day" = q.day
  ), ch AS MATERIALIZED (SELECT * FROM cur WHERE lvl <> old),
  up AS (
    INSERT INTO "InsightBuyerMark" ("orgId", "scope", "scopeId", "fanId", "day", "level")
    SELECT org, scope, sid, fan, day, lvl FROM ch WHERE lvl > 0 ORDER BY 2, 3, 4, 5
    ON CONFLICT ("scope", "scopeId", "fanId", "day") DO UPDATE SET "level" = EXCLUDED."level"
  ), dl AS (
    DELETE FROM "InsightBuyerMark" m USING ch
    WHERE ch.lvl = 0 AND m."scope" = ch.scope AND m."scopeId" = ch.sid AND m."fanId" = ch.fan AND m."day" = ch.day
  )
  SELECT array_agg(org), array_agg(scope), array_agg(sid), array_agg(day), array_agg(nb), array_agg(nr) INTO b_org, b_scope, b_sid, b_day, b_b, b_r FROM (
    SELECT org, scope, sid, day, sum((lvl >= 1)::int - (old >= 1)::int)::int AS nb, sum((lvl >= 2)::int - (old >= 2)::int)::int AS nr
    FROM ch GROUP BY 1, 2, 3, 4
  ) z;

  -- Latest days per key, and the lastX histograms they move.
  WITH k AS (SELECT DISTINCT * FROM unnest(k_scope::char(1)[], k_sid, k_fan, k_org) AS k(scope, sid, fan, org)),
  n AS (
    SELECT k.*,
      CASE k.scope
        WHEN 'O' THEN (SELECT max(a."day") FROM "InsightActiveDay" a WHERE a."fanId" = k.fan)
        WHEN 'G' THEN (SELECT max(x."day") FROM "InsightMemberDay" x WHERE x."communityId" = k.sid AND x."fanId" = k.fan)
      END AS act,
      (SELECT max(b."day") FROM "InsightBuyerMark" b WHERE b."scope" = k.scope AND b."scopeId" = k.sid AND b."fanId" = k.fan) AS buy,
      (SELECT y."day" FROM (SELECT b."day", sum(b."level") OVER (ORDER BY b."day" DESC) AS c FROM "InsightBuyerMark" b
                            WHERE b."scope" = k.scope AND b."scopeId" = k.sid AND b."fanId" = k.fan) y
       WHERE y.c >= 2 ORDER BY y."day" DESC LIMIT 1) AS rep
    FROM k
  ), cmp AS MATERIALIZED (
    SELECT n.*, r."activeDay" AS oa, r."buyDay" AS ob, r."repeatDay" AS orp
    FROM n LEFT JOIN "InsightRecency" r ON r."scope" = n.scope AND r."scopeId" = n.sid AND r."fanId" = n.fan
    WHERE (n.act, n.buy, n.rep) IS DISTINCT FROM (r."activeDay", r."buyDay", r."repeatDay")
  ), up AS (
    INSERT INTO "InsightRecency" ("orgId", "scope", "scopeId", "fanId", "activeDay", "buyDay", "repeatDay")
    SELECT org, scope, sid, fan, act, buy, rep FROM cmp WHERE COALESCE(act, buy, rep) IS NOT NULL ORDER BY 2, 3, 4
    ON CONFLICT ("scope", "scopeId", "fanId") DO UPDATE SET
      "activeDay" = EXCLUDED."activeDay", "buyDay" = EXCLUDED."buyDay", "repeatDay" = EXCLUDED."repeatDay"
  ), gone AS (
    DELETE FROM "InsightRecency" r USING cmp
    WHERE COALESCE(cmp.act, cmp.buy, cmp.rep) IS NULL AND r."scope" = cmp.scope AND r."scopeId" = cmp.sid AND r."fanId" = cmp.fan
  ), moves AS (
    SELECT org, scope, sid, act AS day, 1 AS a, 0 AS b, 0 AS r FROM cmp WHERE act IS DISTINCT FROM oa AND act IS NOT NULL
    UNION ALL SELECT org, scope, sid, oa, -1, 0, 0 FROM cmp WHERE act IS DISTINCT FROM oa AND oa IS NOT NULL
    UNION ALL SELECT org, scope, sid, buy, 0, 1, 0 FROM cmp WHERE buy IS DISTINCT FROM ob AND buy IS NOT NULL
    UNION ALL SELECT org, scope, sid, ob, 0, -1, 0 FROM cmp WHERE buy IS DISTINCT FROM ob AND ob IS NOT NULL
    UNION ALL SELECT org, scope, sid, rep, 0, 0, 1 FROM cmp WHERE rep IS DISTINCT FROM orp AND rep IS NOT NULL
    UNION ALL SELECT org, scope, sid, orp, 0, 0, -1 FROM cmp WHERE rep IS DISTINCT FROM orp AND orp IS NOT NULL
  )
  SELECT array_agg(org), array_agg(scope), array_agg(sid), array_agg(day), array_agg(a), array_agg(b), array_agg(r)
    INTO r_org, r_scope, r_sid, r_day, r_a, r_b, r_r
  FROM (SELECT org, scope, sid, day, sum(a)::int AS a, sum(b)::int AS b, sum(r)::int AS r FROM moves GROUP BY 1, 2, 3, 4) z;

  -- Every counter move of this commit, in key order.
  INSERT INTO "InsightDistinctDay" ("orgId", "scope", "scopeId", "day", "activeMembers", "buyers", "repeatBuyers", "lastActive", "lastBuyers", "lastRepeat")
  SELECT org, scope, sid, day, sum(am), sum(nb), sum(nr), sum(la), sum(lb), sum(lr) FROM (
    -- Organization: one more active fan on each fresh (fan, day) (inserted once, ever, by ON CONFLICT DO NOTHING).
    SELECT org, 'O' AS scope, org AS sid, day, count(DISTINCT fan)::int AS am, 0 AS nb, 0 AS nr, 0 AS la, 0 AS lb, 0 AS lr
    FROM unnest(q_scope, q_fan, q_org, q_day) AS q(scope, fan, org, day) WHERE scope = 'F' AND day IS NOT NULL GROUP BY org, day
    UNION ALL SELECT org, 'G', sid, day, n, 0, 0, 0, 0, 0 FROM unnest(g_org, g_sid, g_day, g_n) AS g(org, sid, day, n)
    UNION ALL SELECT org, scope, sid, day, 0, nb, nr, 0, 0, 0 FROM unnest(b_org, b_scope, b_sid, b_day, b_b, b_r) AS b(org, scope, sid, day, nb, nr)
    UNION ALL SELECT org, scope, sid, day, 0, 0, 0, a, b, r FROM unnest(r_org, r_scope, r_sid, r_day, r_a, r_b, r_r) AS r(org, scope, sid, day, a, b, r)
  ) d GROUP BY org, scope, sid, day
  HAVING (sum(am), sum(nb), sum(nr), sum(la), sum(lb), sum(lr)) <> (0, 0, 0, 0, 0, 0)
  ORDER BY scope, sid, day
  ON CONFLICT ("scope", "scopeId", "day") DO UPDATE SET
    "activeMembers" = "InsightDistinctDay"."activeMembers" + EXCLUDED."activeMembers",
    "buyers" = "InsightDistinctDay"."buyers" + EXCLUDED."buyers",
    "repeatBuyers" = "InsightDistinctDay"."repeatBuyers" + EXCLUDED."repeatBuyers",
    "lastActive" = "InsightDistinctDay"."lastActive" + EXCLUDED."lastActive",
    "lastBuyers" = "InsightDistinctDay"."lastBuyers" + EXCLUDED."lastBuyers",
    "lastRepeat" = "InsightDistinctDay"."lastRepeat" + EXCLUDED."lastRepeat";
END $$;

CREATE FUNCTION insight_apply_trg() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  PERFORM insight_apply(NEW."xid");
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER insight_apply_at_commit AFTER INSERT ON "InsightPendingTx"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION insight_apply_trg();

-- Orders: queue (scope, scopeId, fan, day) for every buyer day a statement touched (old and new rows).
CREATE FUNCTION insight_orders_queue_trg() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    EXECUTE insight_orders_queue_sql('SELECT * FROM new_rows');
  ELSIF TG_OP = 'UPDATE' THEN
    EXECUTE insight_orders_queue_sql('SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows');
  ELSE
    EXECUTE insight_orders_queue_sql('SELECT * FROM old_rows');
  END IF;
  PERFORM insight_queued();
  RETURN NULL;
END $$;
CREATE FUNCTION insight_orders_queue_sql(source TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $f$
  SELECT format($q$
  INSERT INTO "InsightPending" ("xid", "scope", "scopeId", "fanId", "orgId", "day")
  SELECT DISTINCT txid_current(), s.scope, s.sid, x."fanId", x."orgId", ((x."placedAt" AT TIME ZONE 'UTC') AT TIME ZONE org."timeZone")::date
  FROM (%s) AS x JOIN "Organization" org ON org."id" = x."orgId"
  CROSS JOIN LATERAL (VALUES ('O', x."orgId"), ('G', x."communityId"), ('K', x."kocId")) s(scope, sid)
  WHERE s.sid IS NOT NULL
  $q$, source)
$f$;
CREATE TRIGGER insight_orders_queue_ins AFTER INSERT ON "Order" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_orders_queue_trg();
CREATE TRIGGER insight_orders_queue_upd AFTER UPDATE ON "Order" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_orders_queue_trg();
CREATE TRIGGER insight_orders_queue_del AFTER DELETE ON "Order" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_orders_queue_trg();

-- Memberships: a join, leave, rejoin or removal changes which active days count for the group.
CREATE FUNCTION insight_members_queue_trg() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "InsightPending" ("xid", "scope", "scopeId", "fanId", "orgId") SELECT txid_current(), 'G', n."communityId", n."fanId", n."orgId" FROM new_rows n;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO "InsightPending" ("xid", "scope", "scopeId", "fanId", "orgId")
    SELECT txid_current(), 'G', c.cid, c.fid, c.oid FROM (
      SELECT n."communityId" AS cid, n."fanId" AS fid, n."orgId" AS oid FROM new_rows n JOIN old_rows o ON o."id" = n."id"
      WHERE (o."communityId", o."fanId", o."joinedAt", o."leftAt") IS DISTINCT FROM (n."communityId", n."fanId", n."joinedAt", n."leftAt")
      UNION SELECT o."communityId", o."fanId", o."orgId" FROM new_rows n JOIN old_rows o ON o."id" = n."id"
      WHERE (o."communityId", o."fanId") IS DISTINCT FROM (n."communityId", n."fanId")
    ) c;
  ELSE
    INSERT INTO "InsightPending" ("xid", "scope", "scopeId", "fanId", "orgId") SELECT txid_current(), 'G', o."communityId", o."fanId", o."orgId" FROM old_rows o;
  END IF;
  IF FOUND THEN PERFORM insight_queued(); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER insight_members_queue_ins AFTER INSERT ON "Membership" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_members_queue_trg();
CREATE TRIGGER insight_members_queue_upd AFTER UPDATE ON "Membership" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_members_queue_trg();
CREATE TRIGGER insight_members_queue_del AFTER DELETE ON "Membership" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_members_queue_trg();

-- Active days: as before (20261203000000_insight_rollups), and a fresh (fan, day) is queued.
CREATE OR REPLACE FUNCTION insight_mark_active(fans TEXT[], ats TIMESTAMP(3)[], touch TEXT) RETURNS VOID LANGUAGE plpgsql AS $$
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
    RETURNING "orgId", "fanId", "day"
  ), latest AS (
    SELECT v.fan, max(v.at) AS at FROM v
    WHERE touch = 'always' OR (touch = 'first' AND EXISTS (SELECT 1 FROM fresh WHERE fresh."fanId" = v.fan AND fresh."day" = v.day))
    GROUP BY v.fan
  ), locked AS (
    SELECT f."id", l.at FROM "Fan" f JOIN latest l ON l.fan = f."id"
    WHERE f."lastActiveAt" IS NULL OR f."lastActiveAt" < l.at
    ORDER BY f."id" FOR NO KEY UPDATE OF f
  ), touched AS (
    UPDATE "Fan" f SET "lastActiveAt" = GREATEST(f."lastActiveAt", locked.at) FROM locked WHERE f."id" = locked."id"
  )
  INSERT INTO "InsightPending" ("xid", "scope", "fanId", "orgId", "day")
  SELECT txid_current(), 'F', "fanId", "orgId", "day" FROM fresh;
  IF FOUND THEN PERFORM insight_queued(); END IF;
END $$;

-- One organization's distinct rollups from its rows (after the base rollups; for bulk loads with
-- triggers off and for the rows written before this migration). The same rules as insight_apply.
CREATE FUNCTION insight_rebuild_distinct(org TEXT) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "InsightDistinctDay" WHERE "orgId" = org;
  DELETE FROM "InsightMemberDay" WHERE "orgId" = org;
  DELETE FROM "InsightBuyerMark" WHERE "orgId" = org;
  DELETE FROM "InsightRecency" WHERE "orgId" = org;
  INSERT INTO "InsightMemberDay" ("orgId", "communityId", "fanId", "day")
  SELECT org, m."communityId", m."fanId", a."day"
  FROM "Membership" m CROSS JOIN (SELECT "timeZone" FROM "Organization" WHERE "id" = org) o
  JOIN "InsightActiveDay" a ON a."fanId" = m."fanId" AND a."day" >= ((m."joinedAt" AT TIME ZONE 'UTC') AT TIME ZONE o."timeZone")::date
    AND (m."leftAt" IS NULL OR a."day" <= ((m."leftAt" AT TIME ZONE 'UTC') AT TIME ZONE o."timeZone")::date)
  WHERE m."orgId" = org ORDER BY 2, 3, 4;
  INSERT INTO "InsightBuyerMark" ("orgId", "scope", "scopeId", "fanId", "day", "level")
  SELECT org, "scope", "scopeId", "fanId", "day", LEAST("orders", 2) FROM "InsightBuyerDay" WHERE "orgId" = org AND "orders" > 0 ORDER BY 2, 3, 4, 5;
  INSERT INTO "InsightRecency" ("orgId", "scope", "scopeId", "fanId", "activeDay", "buyDay", "repeatDay")
  SELECT org, scope, sid, fan, max(act), max(buy), max(rep) FROM (
    SELECT 'O' AS scope, org AS sid, "fanId" AS fan, max("day") AS act, NULL::date AS buy, NULL::date AS rep FROM "InsightActiveDay" WHERE "orgId" = org GROUP BY "fanId"
    UNION ALL SELECT 'G', "communityId", "fanId", max("day"), NULL, NULL FROM "InsightMemberDay" WHERE "orgId" = org GROUP BY "communityId", "fanId"
    UNION ALL SELECT "scope", "scopeId", "fanId", NULL, max("day"), max("day") FILTER (WHERE c >= 2) FROM (
      SELECT *, sum("level") OVER (PARTITION BY "scope", "scopeId", "fanId" ORDER BY "day" DESC) AS c FROM "InsightBuyerMark" WHERE "orgId" = org
    ) b GROUP BY "scope", "scopeId", "fanId"
  ) r GROUP BY scope, sid, fan ORDER BY 2, 3, 4;
  INSERT INTO "InsightDistinctDay" ("orgId", "scope", "scopeId", "day", "activeMembers", "buyers", "repeatBuyers", "lastActive", "lastBuyers", "lastRepeat")
  SELECT org, scope, sid, day, sum(am), sum(b), sum(rb), sum(la), sum(lb), sum(lr) FROM (
    SELECT 'O' AS scope, org AS sid, "day", count(*) AS am, 0 AS b, 0 AS rb, 0 AS la, 0 AS lb, 0 AS lr FROM "InsightActiveDay" WHERE "orgId" = org GROUP BY "day"
    UNION ALL SELECT 'G', "communityId", "day", count(*), 0, 0, 0, 0, 0 FROM "InsightMemberDay" WHERE "orgId" = org GROUP BY "communityId", "day"
    UNION ALL SELECT "scope", "scopeId", "day", 0, count(*), count(*) FILTER (WHERE "level" >= 2), 0, 0, 0 FROM "InsightBuyerMark" WHERE "orgId" = org GROUP BY 1, 2, 3
    UNION ALL SELECT "scope", "scopeId", "activeDay", 0, 0, 0, count(*), 0, 0 FROM "InsightRecency" WHERE "orgId" = org AND "activeDay" IS NOT NULL GROUP BY 1, 2, 3
    UNION ALL SELECT "scope", "scopeId", "buyDay", 0, 0, 0, 0, count(*), 0 FROM "InsightRecency" WHERE "orgId" = org AND "buyDay" IS NOT NULL GROUP BY 1, 2, 3
    UNION ALL SELECT "scope", "scopeId", "repeatDay", 0, 0, 0, 0, 0, count(*) FROM "InsightRecency" WHERE "orgId" = org AND "repeatDay" IS NOT NULL GROUP BY 1, 2, 3
  ) d GROUP BY scope, sid, day ORDER BY 2, 3, 4;
END $$;

-- insight_rebuild (20261203000000_insight_rollups) now ends with the distinct rollups.
CREATE OR REPLACE FUNCTION insight_rebuild(org TEXT) RETURNS VOID LANGUAGE plpgsql AS $$
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
  PERFORM insight_rebuild_distinct(org);
END $$;

SELECT insight_rebuild_distinct("id") FROM "Organization" ORDER BY "id";
