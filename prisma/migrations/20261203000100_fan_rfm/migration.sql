-- RFM scores, named segments and the frequency-drop flag on Fan, written by refreshFanScores
-- (`npm run cli -- refresh-rfm <slug>` or the mutation); src/insights/rfm/service.ts says how they are
-- computed. They sit on Fan, not in a table of their own, so `fans(filter: { rfmSegment })` is one
-- indexed scan of Fan: a segment's first page reads its page, and segment counts read one index.
-- CreateEnum
CREATE TYPE "RfmSegment" AS ENUM ('CHAMPIONS', 'LOYAL', 'PROMISING', 'AT_RISK', 'CANT_LOSE', 'HIBERNATING', 'LOST');

-- AlterTable
ALTER TABLE "Fan" ADD COLUMN     "frequencyDrop" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "ordersLast30Days" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "ordersPrevious90Days" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "rfmFrequency" SMALLINT,
ADD COLUMN     "rfmMonetary" SMALLINT,
ADD COLUMN     "rfmRecency" SMALLINT,
ADD COLUMN     "rfmSegment" "RfmSegment";

-- CreateTable
CREATE TABLE "FanScoreRefresh" (
    "orgId" TEXT NOT NULL,
    "refreshedAt" TIMESTAMP(3) NOT NULL,
    "buyers" INTEGER NOT NULL,
    "frequencyDrops" INTEGER NOT NULL,
    "tookMs" INTEGER NOT NULL,

    CONSTRAINT "FanScoreRefresh_pkey" PRIMARY KEY ("orgId")
);

-- CreateIndex
CREATE INDEX "Fan_orgId_rfmSegment_createdAt_id_idx" ON "Fan"("orgId", "rfmSegment", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Fan_orgId_lastActiveAt_id_idx" ON "Fan"("orgId", "lastActiveAt", "id");

-- AddForeignKey
ALTER TABLE "FanScoreRefresh" ADD CONSTRAINT "FanScoreRefresh_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Frequency-drop lists ("fans whose purchase frequency fell"), newest first, read only the flagged fans.
CREATE INDEX "Fan_orgId_frequencyDrop_createdAt_id_idx" ON "Fan"("orgId", "createdAt" DESC, "id" DESC) WHERE "frequencyDrop";
