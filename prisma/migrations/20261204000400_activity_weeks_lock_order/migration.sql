-- FanActivityWeek (20261203000200_fan_activity_weeks) inserted a batch's (fan, scope, week) keys in no
-- particular order, so two imports or activity batches for the same fans and weeks could each wait on
-- a key the other had just inserted: a deadlock, seen with parallel imports in
-- test/insights/concurrency.test.ts. Keys now go in primary-key order, like every other rollup insert.
CREATE OR REPLACE FUNCTION insight_event_weeks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "FanActivityWeek" ("orgId", "fanId", "communityId", "week")
  SELECT DISTINCT n."orgId", n."fanId", s.scope, date_trunc('week', (n."occurredAt" AT TIME ZONE 'UTC') AT TIME ZONE o."timeZone")::date
  FROM new_rows n
  JOIN "Organization" o ON o."id" = n."orgId"
  CROSS JOIN LATERAL (VALUES (''), (n."communityId")) s(scope)
  WHERE n."fanId" IS NOT NULL AND n."kind" <> 'MEMBER_LEFT' AND s.scope IS NOT NULL
  ORDER BY 2, 3, 4
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION insight_order_weeks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "FanActivityWeek" ("orgId", "fanId", "communityId", "week")
  SELECT DISTINCT n."orgId", n."fanId", s.scope, date_trunc('week', (n."placedAt" AT TIME ZONE 'UTC') AT TIME ZONE o."timeZone")::date
  FROM new_rows n
  JOIN "Organization" o ON o."id" = n."orgId"
  CROSS JOIN LATERAL (VALUES (''), (n."communityId")) s(scope)
  WHERE s.scope IS NOT NULL
  ORDER BY 2, 3, 4
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
