-- Automation (issue 14): operator-set session reminder times, planned on-sale times, coupon expiry,
-- organization quiet hours and group broadcasts.
ALTER TABLE "Organization" ADD COLUMN "quietHoursStart" TEXT, ADD COLUMN "quietHoursEnd" TEXT;
ALTER TABLE "LiveSession" ADD COLUMN "reminderTimes" JSONB, ADD COLUMN "remindedThrough" TIMESTAMP(3);
ALTER TABLE "LineupItem" ADD COLUMN "plannedOnSaleAt" TIMESTAMP(3);
ALTER TABLE "CouponGrant" ADD COLUMN "expiredAt" TIMESTAMP(3);

CREATE TYPE "BroadcastStatus" AS ENUM ('SCHEDULED', 'SENT', 'CANCELLED');

CREATE TABLE "Broadcast" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "linkUrl" TEXT,
    "imageUrl" TEXT,
    "crisis" BOOLEAN NOT NULL DEFAULT false,
    "target" JSONB NOT NULL,
    "communityIds" TEXT[],
    "status" "BroadcastStatus" NOT NULL DEFAULT 'SCHEDULED',
    "requestedAt" TIMESTAMP(3),
    "sendAt" TIMESTAMP(3) NOT NULL,
    "heldByQuietHours" BOOLEAN NOT NULL DEFAULT false,
    "reach" INTEGER NOT NULL DEFAULT 0,
    "sentAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Broadcast_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "Broadcast_orgId_createdAt_id_idx" ON "Broadcast"("orgId", "createdAt" DESC, "id");
CREATE INDEX "Broadcast_orgId_status_sendAt_idx" ON "Broadcast"("orgId", "status", "sendAt");
ALTER TABLE "Broadcast" ADD CONSTRAINT "Broadcast_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
