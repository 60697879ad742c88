-- Issue 15 loops: fission prize tiers (claimed once per fan, with stock), reward availability windows and yearly
-- seasons, order points on claim (organization setting, per-order claim deadline), live-room link and passphrase.
-- CreateEnum
CREATE TYPE "OrderPointsMode" AS ENUM ('AUTOMATIC', 'ON_CLAIM');

-- AlterEnum
ALTER TYPE "FulfilmentSource" ADD VALUE 'FISSION_TIER';

-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "orderPointsClaimDays" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "orderPointsMode" "OrderPointsMode" NOT NULL DEFAULT 'AUTOMATIC';

-- AlterTable
ALTER TABLE "LiveSession" ADD COLUMN     "liveRoomPassphrase" TEXT,
ADD COLUMN     "liveRoomUrl" TEXT;

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "pointsClaimDeadline" TIMESTAMP(3),
ADD COLUMN     "pointsClaimedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Reward" ADD COLUMN     "availableFrom" TIMESTAMP(3),
ADD COLUMN     "availableUntil" TIMESTAMP(3),
ADD COLUMN     "seasonEndMmdd" SMALLINT,
ADD COLUMN     "seasonStartMmdd" SMALLINT;

-- CreateTable
CREATE TABLE "FissionTier" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "invites" INTEGER NOT NULL,
    "prizeName" TEXT NOT NULL,
    "kind" "PrizeKind" NOT NULL DEFAULT 'GOODS',
    "points" INTEGER NOT NULL DEFAULT 0,
    "stock" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FissionTier_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FissionTierClaim" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "tierId" TEXT NOT NULL,
    "fanId" TEXT NOT NULL,
    "inviteCodeId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "returnedAt" TIMESTAMP(3),

    CONSTRAINT "FissionTierClaim_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "FissionTier_campaignId_invites_key" ON "FissionTier"("campaignId", "invites");

-- CreateIndex
CREATE INDEX "FissionTierClaim_fanId_createdAt_id_idx" ON "FissionTierClaim"("fanId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "FissionTierClaim_inviteCodeId_idx" ON "FissionTierClaim"("inviteCodeId");

-- CreateIndex
CREATE UNIQUE INDEX "FissionTierClaim_tierId_fanId_key" ON "FissionTierClaim"("tierId", "fanId");

-- AddForeignKey
ALTER TABLE "FissionTier" ADD CONSTRAINT "FissionTier_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "FissionCampaign"("campaignId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FissionTierClaim" ADD CONSTRAINT "FissionTierClaim_tierId_fkey" FOREIGN KEY ("tierId") REFERENCES "FissionTier"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FissionTierClaim" ADD CONSTRAINT "FissionTierClaim_fanId_fkey" FOREIGN KEY ("fanId") REFERENCES "Fan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FissionTierClaim" ADD CONSTRAINT "FissionTierClaim_inviteCodeId_fkey" FOREIGN KEY ("inviteCodeId") REFERENCES "InviteCode"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- The rules the services rely on, stated where no path can skip them.
ALTER TABLE "FissionTier" ADD CONSTRAINT "FissionTier_stock_check" CHECK ("stock" >= 0),
ADD CONSTRAINT "FissionTier_invites_check" CHECK ("invites" > 0);
ALTER TABLE "Reward" ADD CONSTRAINT "Reward_season_check" CHECK (("seasonStartMmdd" IS NULL) = ("seasonEndMmdd" IS NULL)),
ADD CONSTRAINT "Reward_window_check" CHECK ("availableFrom" IS NULL OR "availableUntil" IS NULL OR "availableFrom" < "availableUntil");
ALTER TABLE "Organization" ADD CONSTRAINT "Organization_orderPointsClaimDays_check" CHECK ("orderPointsClaimDays" BETWEEN 1 AND 365);
