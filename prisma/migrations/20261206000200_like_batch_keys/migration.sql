-- Like batches may carry a key: a client that saw a connection error retries with the same key and
-- gets the first receipt back instead of counting its taps twice (issue 17: an instance killed mid-stream).
-- CreateTable
CREATE TABLE "LikeBatch" (
    "orgId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "fanId" TEXT NOT NULL,
    "taps" INTEGER NOT NULL,
    "totalLikes" INTEGER NOT NULL,
    "milestonesReached" INTEGER NOT NULL,
    "newlyReached" INTEGER[],
    "fanLikes" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LikeBatch_pkey" PRIMARY KEY ("orgId","key")
);

-- CreateIndex
CREATE INDEX "LikeBatch_createdAt_idx" ON "LikeBatch"("createdAt");

-- AddForeignKey
ALTER TABLE "LikeBatch" ADD CONSTRAINT "LikeBatch_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
