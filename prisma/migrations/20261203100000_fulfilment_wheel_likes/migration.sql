-- Fulfilment of goods prizes (addresses, one row per prize owed), recurring wheels with per-occurrence caps and
-- points or goods prizes, like campaigns for members only with a prize, and daily intimacy caps per fan.
-- CreateEnum
CREATE TYPE "PrizeKind" AS ENUM ('GOODS', 'POINTS');

-- CreateEnum
CREATE TYPE "FulfilmentStatus" AS ENUM ('PENDING_ADDRESS', 'READY', 'SHIPPED', 'DELIVERED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "FulfilmentSource" AS ENUM ('REDEMPTION', 'FISSION_CLAIM', 'LIKE_DRAW', 'LOTTERY_SPIN');

-- AlterTable
ALTER TABLE "LikeCampaign" ADD COLUMN     "membersOnly" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "prizeName" TEXT;

-- AlterTable
ALTER TABLE "LotteryCampaign" ADD COLUMN     "perOccurrenceSpinCap" INTEGER,
ADD COLUMN     "recurWeekday" SMALLINT;

-- AlterTable
ALTER TABLE "Prize" ADD COLUMN     "kind" "PrizeKind" NOT NULL DEFAULT 'GOODS',
ADD COLUMN     "perOccurrence" INTEGER,
ADD COLUMN     "points" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "LotteryOccurrence" (
    "campaignId" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "spins" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "LotteryOccurrence_pkey" PRIMARY KEY ("campaignId","day")
);

-- CreateTable
CREATE TABLE "LotteryOccurrencePrize" (
    "prizeId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "orgId" TEXT NOT NULL,
    "given" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "LotteryOccurrencePrize_pkey" PRIMARY KEY ("prizeId","day")
);

-- CreateTable
CREATE TABLE "FanAddress" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "fanId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "province" TEXT NOT NULL,
    "city" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "isDefault" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FanAddress_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Fulfilment" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "fanId" TEXT NOT NULL,
    "sourceKind" "FulfilmentSource" NOT NULL,
    "sourceId" TEXT NOT NULL,
    "campaignId" TEXT,
    "item" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL DEFAULT 1,
    "status" "FulfilmentStatus" NOT NULL,
    "address" JSONB,
    "addressId" TEXT,
    "carrier" TEXT,
    "trackingNumber" TEXT,
    "shippedAt" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Fulfilment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FanIntimacyDay" (
    "fanId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "orgId" TEXT NOT NULL,
    "messages" INTEGER NOT NULL DEFAULT 0,
    "likes" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "FanIntimacyDay_pkey" PRIMARY KEY ("fanId","day")
);

-- CreateIndex
CREATE INDEX "FanAddress_fanId_createdAt_id_idx" ON "FanAddress"("fanId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Fulfilment_orgId_createdAt_id_idx" ON "Fulfilment"("orgId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Fulfilment_orgId_status_createdAt_id_idx" ON "Fulfilment"("orgId", "status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Fulfilment_orgId_campaignId_createdAt_id_idx" ON "Fulfilment"("orgId", "campaignId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Fulfilment_fanId_createdAt_id_idx" ON "Fulfilment"("fanId", "createdAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Fulfilment_sourceKind_sourceId_key" ON "Fulfilment"("sourceKind", "sourceId");

-- AddForeignKey
ALTER TABLE "LotteryOccurrence" ADD CONSTRAINT "LotteryOccurrence_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "LotteryCampaign"("campaignId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LotteryOccurrencePrize" ADD CONSTRAINT "LotteryOccurrencePrize_prizeId_fkey" FOREIGN KEY ("prizeId") REFERENCES "Prize"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FanAddress" ADD CONSTRAINT "FanAddress_fanId_fkey" FOREIGN KEY ("fanId") REFERENCES "Fan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Fulfilment" ADD CONSTRAINT "Fulfilment_fanId_fkey" FOREIGN KEY ("fanId") REFERENCES "Fan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Fulfilment" ADD CONSTRAINT "Fulfilment_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FanIntimacyDay" ADD CONSTRAINT "FanIntimacyDay_fanId_fkey" FOREIGN KEY ("fanId") REFERENCES "Fan"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- At most one default address per fan (Prisma's schema cannot state a partial unique index).
CREATE UNIQUE INDEX "FanAddress_fanId_default_key" ON "FanAddress"("fanId") WHERE "isDefault";
