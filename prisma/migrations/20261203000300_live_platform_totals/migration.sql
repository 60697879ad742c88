-- A live session's GMV and order count were one pair of columns written two ways: order import added each
-- imported order, and the platform's reports (reportLiveStats) overwrote them with its own totals. They are
-- now apart: orderCount/gmvCents are the private domain's (paid orders imported for the session) and the
-- platform's totals have columns of their own.
-- AlterTable
ALTER TABLE "LiveSession" ADD COLUMN     "platformGmvCents" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "platformOrderCount" INTEGER NOT NULL DEFAULT 0;


-- Until now the columns showed whichever came last; keep that as the platform's figure and recount the
-- private domain's from the orders.
UPDATE "LiveSession" s SET "platformOrderCount" = s."orderCount", "platformGmvCents" = s."gmvCents",
  "orderCount" = COALESCE(o.n, 0), "gmvCents" = COALESCE(o.cents, 0)
FROM "LiveSession" s2
LEFT JOIN (SELECT "liveSessionId", count(*)::int AS n, sum("amountCents")::int AS cents FROM "Order" WHERE "status" = 'PAID' AND "liveSessionId" IS NOT NULL GROUP BY "liveSessionId") o
  ON o."liveSessionId" = s2."id"
WHERE s2."id" = s."id";
