-- The weeks each fan was active, for cohorts (src/insights/cohorts): one row per fan × scope × week,
-- scope '' meaning anywhere in the organization, otherwise the group. Kept by statement-level triggers
-- with transition tables, in the writing transaction: a batch insert of events or orders adds its weeks
-- in one set-based INSERT … ON CONFLICT DO NOTHING, whichever module wrote it; nothing runs per row, so
-- a group-committed batch (likes) costs one trigger run. Weeks start on Monday in the organization's
-- time zone.
CREATE TABLE "FanActivityWeek" (
    "orgId" TEXT NOT NULL,
    "fanId" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "week" DATE NOT NULL,

    CONSTRAINT "FanActivityWeek_pkey" PRIMARY KEY ("fanId","communityId","week")
);

ALTER TABLE "FanActivityWeek" ADD CONSTRAINT "FanActivityWeek_fanId_fkey" FOREIGN KEY ("fanId") REFERENCES "Fan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every event a fan caused is activity, except leaving a group.
CREATE FUNCTION insight_event_weeks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "FanActivityWeek" ("orgId", "fanId", "communityId", "week")
  SELECT DISTINCT n."orgId", n."fanId", s.scope, date_trunc('week', (n."occurredAt" AT TIME ZONE 'UTC') AT TIME ZONE o."timeZone")::date
  FROM new_rows n
  JOIN "Organization" o ON o."id" = n."orgId"
  CROSS JOIN LATERAL (VALUES (''), (n."communityId")) s(scope)
  WHERE n."fanId" IS NOT NULL AND n."kind" <> 'MEMBER_LEFT' AND s.scope IS NOT NULL
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER "ActivityEvent_activity_weeks" AFTER INSERT ON "ActivityEvent"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_event_weeks();

-- An order is activity in the week it was placed (a refund later does not undo that).
CREATE FUNCTION insight_order_weeks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "FanActivityWeek" ("orgId", "fanId", "communityId", "week")
  SELECT DISTINCT n."orgId", n."fanId", s.scope, date_trunc('week', (n."placedAt" AT TIME ZONE 'UTC') AT TIME ZONE o."timeZone")::date
  FROM new_rows n
  JOIN "Organization" o ON o."id" = n."orgId"
  CROSS JOIN LATERAL (VALUES (''), (n."communityId")) s(scope)
  WHERE s.scope IS NOT NULL
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER "Order_activity_weeks" AFTER INSERT ON "Order"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_order_weeks();

-- What happened before this migration.
INSERT INTO "FanActivityWeek" ("orgId", "fanId", "communityId", "week")
SELECT DISTINCT e."orgId", e."fanId", s.scope, date_trunc('week', (e."occurredAt" AT TIME ZONE 'UTC') AT TIME ZONE o."timeZone")::date
FROM "ActivityEvent" e JOIN "Organization" o ON o."id" = e."orgId"
CROSS JOIN LATERAL (VALUES (''), (e."communityId")) s(scope)
WHERE e."fanId" IS NOT NULL AND e."kind" <> 'MEMBER_LEFT' AND s.scope IS NOT NULL
UNION
SELECT d."orgId", d."fanId", s.scope, date_trunc('week', (d."placedAt" AT TIME ZONE 'UTC') AT TIME ZONE o."timeZone")::date
FROM "Order" d JOIN "Organization" o ON o."id" = d."orgId"
CROSS JOIN LATERAL (VALUES (''), (d."communityId")) s(scope)
WHERE s.scope IS NOT NULL
ON CONFLICT DO NOTHING;
