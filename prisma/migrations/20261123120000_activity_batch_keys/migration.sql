-- Reported-activity batches may carry a key: a retried batch replays its first receipt instead of
-- counting twice (partners retry on timeouts).
-- CreateTable
CREATE TABLE "ActivityBatch" (
    "orgId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "eventsHash" TEXT NOT NULL,
    "accepted" INTEGER NOT NULL,
    "fansUpdated" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ActivityBatch_pkey" PRIMARY KEY ("orgId","key")
);

-- CreateIndex
CREATE INDEX "ActivityBatch_createdAt_idx" ON "ActivityBatch"("createdAt");

-- AddForeignKey
ALTER TABLE "ActivityBatch" ADD CONSTRAINT "ActivityBatch_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

