-- The instant an operator's reminder plan starts from (scheduling, setting the times, rescheduling) and
-- what had been sent by then: a time already past when planned is never sent and reads SKIPPED.
ALTER TABLE "LiveSession" ADD COLUMN "remindersPlannedFrom" TIMESTAMP(3), ADD COLUMN "remindedBeforePlan" TIMESTAMP(3);
