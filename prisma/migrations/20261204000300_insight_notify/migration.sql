-- Live dashboards tick when a change lands instead of polling (src/insights/live/hub.ts): every write
-- that moves an organization's metrics sends NOTIFY insight_changed with the organization id. NOTIFY is
-- delivered at commit (after the commit-time rollups of 20261204000100_insight_fast_windows) and only if
-- the transaction commits, once per organization per transaction, to every instance listening.
-- Orders, memberships and a fan's first action of a day all queue keys in InsightPending; group
-- activity (messages, buyer shows, complaints…) can change the counters without a fresh active day.
CREATE FUNCTION insight_notify_trg() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('insight_changed', o) FROM (SELECT DISTINCT "orgId" AS o FROM new_rows) x;
  RETURN NULL;
END $$;
CREATE TRIGGER insight_notify_pending AFTER INSERT ON "InsightPending" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_notify_trg();
CREATE TRIGGER insight_notify_activity AFTER INSERT ON "ActivityEvent" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insight_notify_trg();
