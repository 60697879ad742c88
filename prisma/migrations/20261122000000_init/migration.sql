-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "OperatorRole" AS ENUM ('OWNER', 'ADMIN', 'OPERATOR', 'ANALYST');

-- CreateEnum
CREATE TYPE "FanLifecycle" AS ENUM ('NEW', 'ACTIVE', 'SILENT', 'DORMANT', 'CHURNED');

-- CreateEnum
CREATE TYPE "FanSource" AS ENUM ('LIVE_ROOM', 'POSTER', 'REFERRAL', 'GROUP_QR', 'IMPORT');

-- CreateEnum
CREATE TYPE "TagSource" AS ENUM ('OPERATOR', 'SELF');

-- CreateEnum
CREATE TYPE "CommunityKind" AS ENUM ('VERTICAL', 'LIKE', 'FISSION', 'VIP', 'KOC', 'SMALL', 'LARGE');

-- CreateEnum
CREATE TYPE "CommunityLifecycle" AS ENUM ('ACTIVATING', 'ACTIVE', 'DECLINING', 'DORMANT');

-- CreateEnum
CREATE TYPE "MemberRole" AS ENUM ('MEMBER', 'KOC', 'ASSISTANT', 'OWNER');

-- CreateEnum
CREATE TYPE "ActivityKind" AS ENUM ('MEMBER_JOINED', 'MEMBER_LEFT', 'MESSAGE_POSTED', 'BUYER_SHOW_POSTED', 'CHECK_IN', 'LIKE_BURST', 'RESERVATION_MADE', 'REWARD_REDEEMED', 'KOC_ACTION', 'COMPLAINT_RAISED', 'COMPLAINT_RESOLVED');

-- CreateEnum
CREATE TYPE "CampaignKind" AS ENUM ('LIKE', 'FISSION', 'CHECK_IN', 'LOTTERY', 'COUPON');

-- CreateEnum
CREATE TYPE "CampaignStatus" AS ENUM ('DRAFT', 'SCHEDULED', 'RUNNING', 'ENDED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "InviteStatus" AS ENUM ('COUNTED', 'VOIDED');

-- CreateEnum
CREATE TYPE "LiveSessionStatus" AS ENUM ('SCHEDULED', 'LIVE', 'ENDED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "WishStatus" AS ENUM ('OPEN', 'FULFILLED');

-- CreateEnum
CREATE TYPE "OrderStatus" AS ENUM ('PAID', 'REFUNDED');

-- CreateEnum
CREATE TYPE "PointsReason" AS ENUM ('ORDER', 'CHECK_IN', 'CAMPAIGN', 'REDEMPTION', 'REFUND', 'EXPIRY', 'GIFT');

-- CreateEnum
CREATE TYPE "RewardShelf" AS ENUM ('ASPIRATIONAL', 'ESSENTIALS', 'SEASONAL');

-- CreateEnum
CREATE TYPE "RedemptionStatus" AS ENUM ('COMPLETED', 'CANCELLED');

-- CreateTable
CREATE TABLE "Organization" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Operator" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "persona" TEXT,
    "role" "OperatorRole" NOT NULL DEFAULT 'OPERATOR',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Operator_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "scopes" TEXT[],
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Fan" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "region" TEXT,
    "skinType" TEXT,
    "source" "FanSource" NOT NULL DEFAULT 'LIVE_ROOM',
    "referredById" TEXT,
    "isKoc" BOOLEAN NOT NULL DEFAULT false,
    "optedOut" BOOLEAN NOT NULL DEFAULT false,
    "lifecycle" "FanLifecycle" NOT NULL DEFAULT 'NEW',
    "intimacy" INTEGER NOT NULL DEFAULT 0,
    "pointsBalance" INTEGER NOT NULL DEFAULT 0,
    "checkInStreak" INTEGER NOT NULL DEFAULT 0,
    "lastCheckInDay" DATE,
    "orderCount" INTEGER NOT NULL DEFAULT 0,
    "totalSpendCents" INTEGER NOT NULL DEFAULT 0,
    "lastOrderAt" TIMESTAMP(3),
    "lastActiveAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Fan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Tag" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Tag_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FanTag" (
    "orgId" TEXT NOT NULL,
    "fanId" TEXT NOT NULL,
    "tagId" TEXT NOT NULL,
    "source" "TagSource" NOT NULL DEFAULT 'OPERATOR',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FanTag_pkey" PRIMARY KEY ("fanId","tagId")
);

-- CreateTable
CREATE TABLE "Segment" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "filter" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Segment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Community" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "CommunityKind" NOT NULL,
    "category" TEXT,
    "capacity" INTEGER NOT NULL DEFAULT 200,
    "minOrders" INTEGER NOT NULL DEFAULT 0,
    "minIntimacy" INTEGER NOT NULL DEFAULT 0,
    "rules" TEXT,
    "lifecycle" "CommunityLifecycle" NOT NULL DEFAULT 'ACTIVATING',
    "ownerId" TEXT,
    "inviteCode" TEXT NOT NULL,
    "memberCount" INTEGER NOT NULL DEFAULT 0,
    "rolledOverFromId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Community_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CommunityAssistant" (
    "communityId" TEXT NOT NULL,
    "operatorId" TEXT NOT NULL,

    CONSTRAINT "CommunityAssistant_pkey" PRIMARY KEY ("communityId","operatorId")
);

-- CreateTable
CREATE TABLE "Membership" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "fanId" TEXT NOT NULL,
    "role" "MemberRole" NOT NULL DEFAULT 'MEMBER',
    "joinedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leftAt" TIMESTAMP(3),

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ActivityEvent" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "communityId" TEXT,
    "fanId" TEXT,
    "kind" "ActivityKind" NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "payload" JSONB,
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ActivityEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Campaign" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "kind" "CampaignKind" NOT NULL,
    "name" TEXT NOT NULL,
    "status" "CampaignStatus" NOT NULL DEFAULT 'DRAFT',
    "communityId" TEXT,
    "liveSessionId" TEXT,
    "startsAt" TIMESTAMP(3),
    "endsAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LikeCampaign" (
    "campaignId" TEXT NOT NULL,
    "targetLikes" INTEGER NOT NULL,
    "milestoneEvery" INTEGER NOT NULL,
    "winnersPerMilestone" INTEGER NOT NULL DEFAULT 1,
    "perFanWinCap" INTEGER NOT NULL DEFAULT 1,
    "totalLikes" INTEGER NOT NULL DEFAULT 0,
    "milestonesReached" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "LikeCampaign_pkey" PRIMARY KEY ("campaignId")
);

-- CreateTable
CREATE TABLE "LikeContribution" (
    "campaignId" TEXT NOT NULL,
    "fanId" TEXT NOT NULL,
    "likes" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LikeContribution_pkey" PRIMARY KEY ("campaignId","fanId")
);

-- CreateTable
CREATE TABLE "LikeDraw" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "milestone" INTEGER NOT NULL,
    "seed" TEXT NOT NULL,
    "participantCount" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LikeDraw_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LikeWinner" (
    "drawId" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "fanId" TEXT NOT NULL,

    CONSTRAINT "LikeWinner_pkey" PRIMARY KEY ("drawId","fanId")
);

-- CreateTable
CREATE TABLE "FissionCampaign" (
    "campaignId" TEXT NOT NULL,
    "targetInvites" INTEGER NOT NULL,
    "prizeName" TEXT NOT NULL,
    "burstLimit" INTEGER NOT NULL DEFAULT 100,
    "burstWindowSecs" INTEGER NOT NULL DEFAULT 60,

    CONSTRAINT "FissionCampaign_pkey" PRIMARY KEY ("campaignId")
);

-- CreateTable
CREATE TABLE "InviteCode" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "fanId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "validInvites" INTEGER NOT NULL DEFAULT 0,
    "flagged" BOOLEAN NOT NULL DEFAULT false,
    "claimedAt" TIMESTAMP(3),
    "shippingAddress" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InviteCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Invite" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "inviteCodeId" TEXT NOT NULL,
    "inviteeId" TEXT NOT NULL,
    "status" "InviteStatus" NOT NULL DEFAULT 'COUNTED',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "voidedAt" TIMESTAMP(3),

    CONSTRAINT "Invite_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CheckInCampaign" (
    "campaignId" TEXT NOT NULL,
    "pointsPerCheckIn" INTEGER NOT NULL DEFAULT 10,
    "streakBonuses" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "CheckInCampaign_pkey" PRIMARY KEY ("campaignId")
);

-- CreateTable
CREATE TABLE "CheckIn" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "campaignId" TEXT,
    "fanId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "streak" INTEGER NOT NULL,
    "points" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CheckIn_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LotteryCampaign" (
    "campaignId" TEXT NOT NULL,
    "perFanDailyCap" INTEGER NOT NULL DEFAULT 1,
    "perFanTotalCap" INTEGER NOT NULL DEFAULT 3,

    CONSTRAINT "LotteryCampaign_pkey" PRIMARY KEY ("campaignId")
);

-- CreateTable
CREATE TABLE "Prize" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "weight" INTEGER NOT NULL,
    "stock" INTEGER NOT NULL,

    CONSTRAINT "Prize_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LotterySpin" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "fanId" TEXT NOT NULL,
    "prizeId" TEXT,
    "day" DATE NOT NULL,
    "seed" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LotterySpin_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Coupon" (
    "campaignId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "discountCents" INTEGER NOT NULL,
    "minSpendCents" INTEGER NOT NULL DEFAULT 0,
    "validUntil" TIMESTAMP(3),

    CONSTRAINT "Coupon_pkey" PRIMARY KEY ("campaignId")
);

-- CreateTable
CREATE TABLE "CouponGrant" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "fanId" TEXT NOT NULL,
    "issuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "redeemedAt" TIMESTAMP(3),
    "orderId" TEXT,

    CONSTRAINT "CouponGrant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LiveSession" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "theme" TEXT,
    "status" "LiveSessionStatus" NOT NULL DEFAULT 'SCHEDULED',
    "scheduledAt" TIMESTAMP(3) NOT NULL,
    "startedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "viewers" INTEGER NOT NULL DEFAULT 0,
    "likes" INTEGER NOT NULL DEFAULT 0,
    "orderCount" INTEGER NOT NULL DEFAULT 0,
    "gmvCents" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LiveSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LineupItem" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "productName" TEXT NOT NULL,
    "sku" TEXT,
    "priceCents" INTEGER NOT NULL,
    "slotAt" TIMESTAMP(3),
    "position" INTEGER NOT NULL DEFAULT 0,
    "onSaleAt" TIMESTAMP(3),

    CONSTRAINT "LineupItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Reservation" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "fanId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "itemId" TEXT,
    "targetId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Reservation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Wish" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "fanId" TEXT NOT NULL,
    "productName" TEXT NOT NULL,
    "normalizedName" TEXT NOT NULL,
    "status" "WishStatus" NOT NULL DEFAULT 'OPEN',
    "voteCount" INTEGER NOT NULL DEFAULT 0,
    "fulfilledByItemId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Wish_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WishVote" (
    "wishId" TEXT NOT NULL,
    "fanId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WishVote_pkey" PRIMARY KEY ("wishId","fanId")
);

-- CreateTable
CREATE TABLE "Order" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "fanId" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "itemCount" INTEGER NOT NULL DEFAULT 1,
    "items" JSONB,
    "status" "OrderStatus" NOT NULL DEFAULT 'PAID',
    "placedAt" TIMESTAMP(3) NOT NULL,
    "refundedAt" TIMESTAMP(3),
    "liveSessionId" TEXT,
    "communityId" TEXT,
    "kocId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PointsEntry" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "fanId" TEXT NOT NULL,
    "delta" INTEGER NOT NULL,
    "balanceAfter" INTEGER NOT NULL,
    "reason" "PointsReason" NOT NULL,
    "reference" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "note" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PointsEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Reward" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "shelf" "RewardShelf" NOT NULL,
    "costPoints" INTEGER NOT NULL,
    "stock" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Reward_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Redemption" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "fanId" TEXT NOT NULL,
    "rewardId" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "status" "RedemptionStatus" NOT NULL DEFAULT 'COMPLETED',
    "idempotencyKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Redemption_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Organization_slug_key" ON "Organization"("slug");

-- CreateIndex
CREATE INDEX "Operator_orgId_role_idx" ON "Operator"("orgId", "role");

-- CreateIndex
CREATE UNIQUE INDEX "Operator_orgId_email_key" ON "Operator"("orgId", "email");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_prefix_key" ON "ApiKey"("prefix");

-- CreateIndex
CREATE INDEX "ApiKey_orgId_idx" ON "ApiKey"("orgId");

-- CreateIndex
CREATE INDEX "Fan_orgId_lifecycle_idx" ON "Fan"("orgId", "lifecycle");

-- CreateIndex
CREATE INDEX "Fan_orgId_displayName_idx" ON "Fan"("orgId", "displayName");

-- CreateIndex
CREATE INDEX "Fan_orgId_orderCount_idx" ON "Fan"("orgId", "orderCount");

-- CreateIndex
CREATE INDEX "Fan_orgId_totalSpendCents_idx" ON "Fan"("orgId", "totalSpendCents");

-- CreateIndex
CREATE INDEX "Fan_orgId_lastOrderAt_idx" ON "Fan"("orgId", "lastOrderAt");

-- CreateIndex
CREATE INDEX "Fan_orgId_createdAt_idx" ON "Fan"("orgId", "createdAt");

-- CreateIndex
CREATE INDEX "Fan_referredById_idx" ON "Fan"("referredById");

-- CreateIndex
CREATE UNIQUE INDEX "Fan_orgId_externalId_key" ON "Fan"("orgId", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "Tag_orgId_name_key" ON "Tag"("orgId", "name");

-- CreateIndex
CREATE INDEX "FanTag_tagId_idx" ON "FanTag"("tagId");

-- CreateIndex
CREATE INDEX "FanTag_orgId_idx" ON "FanTag"("orgId");

-- CreateIndex
CREATE UNIQUE INDEX "Segment_orgId_name_key" ON "Segment"("orgId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Community_inviteCode_key" ON "Community"("inviteCode");

-- CreateIndex
CREATE UNIQUE INDEX "Community_rolledOverFromId_key" ON "Community"("rolledOverFromId");

-- CreateIndex
CREATE INDEX "Community_orgId_kind_idx" ON "Community"("orgId", "kind");

-- CreateIndex
CREATE INDEX "Community_orgId_lifecycle_idx" ON "Community"("orgId", "lifecycle");

-- CreateIndex
CREATE INDEX "Community_ownerId_idx" ON "Community"("ownerId");

-- CreateIndex
CREATE INDEX "CommunityAssistant_operatorId_idx" ON "CommunityAssistant"("operatorId");

-- CreateIndex
CREATE INDEX "Membership_fanId_idx" ON "Membership"("fanId");

-- CreateIndex
CREATE INDEX "Membership_orgId_joinedAt_idx" ON "Membership"("orgId", "joinedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Membership_communityId_fanId_key" ON "Membership"("communityId", "fanId");

-- CreateIndex
CREATE INDEX "ActivityEvent_orgId_occurredAt_idx" ON "ActivityEvent"("orgId", "occurredAt");

-- CreateIndex
CREATE INDEX "ActivityEvent_orgId_kind_occurredAt_idx" ON "ActivityEvent"("orgId", "kind", "occurredAt");

-- CreateIndex
CREATE INDEX "ActivityEvent_communityId_occurredAt_idx" ON "ActivityEvent"("communityId", "occurredAt");

-- CreateIndex
CREATE INDEX "ActivityEvent_fanId_occurredAt_idx" ON "ActivityEvent"("fanId", "occurredAt");

-- CreateIndex
CREATE INDEX "Campaign_orgId_kind_status_idx" ON "Campaign"("orgId", "kind", "status");

-- CreateIndex
CREATE INDEX "Campaign_orgId_status_idx" ON "Campaign"("orgId", "status");

-- CreateIndex
CREATE INDEX "Campaign_communityId_idx" ON "Campaign"("communityId");

-- CreateIndex
CREATE INDEX "Campaign_liveSessionId_idx" ON "Campaign"("liveSessionId");

-- CreateIndex
CREATE INDEX "LikeContribution_fanId_idx" ON "LikeContribution"("fanId");

-- CreateIndex
CREATE UNIQUE INDEX "LikeDraw_campaignId_milestone_key" ON "LikeDraw"("campaignId", "milestone");

-- CreateIndex
CREATE INDEX "LikeWinner_campaignId_fanId_idx" ON "LikeWinner"("campaignId", "fanId");

-- CreateIndex
CREATE INDEX "LikeWinner_fanId_idx" ON "LikeWinner"("fanId");

-- CreateIndex
CREATE UNIQUE INDEX "InviteCode_code_key" ON "InviteCode"("code");

-- CreateIndex
CREATE INDEX "InviteCode_fanId_idx" ON "InviteCode"("fanId");

-- CreateIndex
CREATE UNIQUE INDEX "InviteCode_campaignId_fanId_key" ON "InviteCode"("campaignId", "fanId");

-- CreateIndex
CREATE INDEX "Invite_inviteCodeId_createdAt_idx" ON "Invite"("inviteCodeId", "createdAt");

-- CreateIndex
CREATE INDEX "Invite_inviteeId_idx" ON "Invite"("inviteeId");

-- CreateIndex
CREATE UNIQUE INDEX "Invite_campaignId_inviteeId_key" ON "Invite"("campaignId", "inviteeId");

-- CreateIndex
CREATE INDEX "CheckIn_orgId_day_idx" ON "CheckIn"("orgId", "day");

-- CreateIndex
CREATE UNIQUE INDEX "CheckIn_fanId_day_key" ON "CheckIn"("fanId", "day");

-- CreateIndex
CREATE INDEX "Prize_campaignId_idx" ON "Prize"("campaignId");

-- CreateIndex
CREATE INDEX "LotterySpin_campaignId_fanId_day_idx" ON "LotterySpin"("campaignId", "fanId", "day");

-- CreateIndex
CREATE INDEX "LotterySpin_fanId_idx" ON "LotterySpin"("fanId");

-- CreateIndex
CREATE INDEX "LotterySpin_prizeId_idx" ON "LotterySpin"("prizeId");

-- CreateIndex
CREATE INDEX "CouponGrant_fanId_idx" ON "CouponGrant"("fanId");

-- CreateIndex
CREATE UNIQUE INDEX "CouponGrant_campaignId_fanId_key" ON "CouponGrant"("campaignId", "fanId");

-- CreateIndex
CREATE INDEX "LiveSession_orgId_status_scheduledAt_idx" ON "LiveSession"("orgId", "status", "scheduledAt");

-- CreateIndex
CREATE INDEX "LiveSession_orgId_scheduledAt_idx" ON "LiveSession"("orgId", "scheduledAt");

-- CreateIndex
CREATE INDEX "LineupItem_sessionId_position_idx" ON "LineupItem"("sessionId", "position");

-- CreateIndex
CREATE INDEX "Reservation_sessionId_idx" ON "Reservation"("sessionId");

-- CreateIndex
CREATE INDEX "Reservation_itemId_idx" ON "Reservation"("itemId");

-- CreateIndex
CREATE UNIQUE INDEX "Reservation_fanId_targetId_key" ON "Reservation"("fanId", "targetId");

-- CreateIndex
CREATE INDEX "Wish_orgId_status_voteCount_idx" ON "Wish"("orgId", "status", "voteCount");

-- CreateIndex
CREATE INDEX "Wish_orgId_normalizedName_idx" ON "Wish"("orgId", "normalizedName");

-- CreateIndex
CREATE INDEX "Wish_fanId_idx" ON "Wish"("fanId");

-- CreateIndex
CREATE INDEX "Wish_fulfilledByItemId_idx" ON "Wish"("fulfilledByItemId");

-- CreateIndex
CREATE INDEX "WishVote_fanId_idx" ON "WishVote"("fanId");

-- CreateIndex
CREATE INDEX "Order_orgId_placedAt_idx" ON "Order"("orgId", "placedAt");

-- CreateIndex
CREATE INDEX "Order_fanId_placedAt_idx" ON "Order"("fanId", "placedAt");

-- CreateIndex
CREATE INDEX "Order_liveSessionId_idx" ON "Order"("liveSessionId");

-- CreateIndex
CREATE INDEX "Order_communityId_idx" ON "Order"("communityId");

-- CreateIndex
CREATE INDEX "Order_kocId_idx" ON "Order"("kocId");

-- CreateIndex
CREATE UNIQUE INDEX "Order_orgId_externalId_key" ON "Order"("orgId", "externalId");

-- CreateIndex
CREATE INDEX "PointsEntry_orgId_createdAt_idx" ON "PointsEntry"("orgId", "createdAt");

-- CreateIndex
CREATE INDEX "PointsEntry_fanId_createdAt_idx" ON "PointsEntry"("fanId", "createdAt");

-- CreateIndex
CREATE INDEX "PointsEntry_orgId_reason_createdAt_idx" ON "PointsEntry"("orgId", "reason", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "PointsEntry_orgId_idempotencyKey_key" ON "PointsEntry"("orgId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "Reward_orgId_shelf_active_idx" ON "Reward"("orgId", "shelf", "active");

-- CreateIndex
CREATE INDEX "Redemption_rewardId_idx" ON "Redemption"("rewardId");

-- CreateIndex
CREATE INDEX "Redemption_orgId_createdAt_idx" ON "Redemption"("orgId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Redemption_fanId_idempotencyKey_key" ON "Redemption"("fanId", "idempotencyKey");

-- AddForeignKey
ALTER TABLE "Operator" ADD CONSTRAINT "Operator_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Fan" ADD CONSTRAINT "Fan_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Fan" ADD CONSTRAINT "Fan_referredById_fkey" FOREIGN KEY ("referredById") REFERENCES "Fan"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Tag" ADD CONSTRAINT "Tag_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FanTag" ADD CONSTRAINT "FanTag_fanId_fkey" FOREIGN KEY ("fanId") REFERENCES "Fan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FanTag" ADD CONSTRAINT "FanTag_tagId_fkey" FOREIGN KEY ("tagId") REFERENCES "Tag"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Segment" ADD CONSTRAINT "Segment_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Community" ADD CONSTRAINT "Community_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Community" ADD CONSTRAINT "Community_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Operator"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Community" ADD CONSTRAINT "Community_rolledOverFromId_fkey" FOREIGN KEY ("rolledOverFromId") REFERENCES "Community"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommunityAssistant" ADD CONSTRAINT "CommunityAssistant_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommunityAssistant" ADD CONSTRAINT "CommunityAssistant_operatorId_fkey" FOREIGN KEY ("operatorId") REFERENCES "Operator"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_fanId_fkey" FOREIGN KEY ("fanId") REFERENCES "Fan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActivityEvent" ADD CONSTRAINT "ActivityEvent_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActivityEvent" ADD CONSTRAINT "ActivityEvent_fanId_fkey" FOREIGN KEY ("fanId") REFERENCES "Fan"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Campaign" ADD CONSTRAINT "Campaign_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Campaign" ADD CONSTRAINT "Campaign_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Campaign" ADD CONSTRAINT "Campaign_liveSessionId_fkey" FOREIGN KEY ("liveSessionId") REFERENCES "LiveSession"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LikeCampaign" ADD CONSTRAINT "LikeCampaign_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LikeContribution" ADD CONSTRAINT "LikeContribution_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "LikeCampaign"("campaignId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LikeContribution" ADD CONSTRAINT "LikeContribution_fanId_fkey" FOREIGN KEY ("fanId") REFERENCES "Fan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LikeDraw" ADD CONSTRAINT "LikeDraw_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "LikeCampaign"("campaignId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LikeWinner" ADD CONSTRAINT "LikeWinner_drawId_fkey" FOREIGN KEY ("drawId") REFERENCES "LikeDraw"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LikeWinner" ADD CONSTRAINT "LikeWinner_fanId_fkey" FOREIGN KEY ("fanId") REFERENCES "Fan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FissionCampaign" ADD CONSTRAINT "FissionCampaign_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InviteCode" ADD CONSTRAINT "InviteCode_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "FissionCampaign"("campaignId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InviteCode" ADD CONSTRAINT "InviteCode_fanId_fkey" FOREIGN KEY ("fanId") REFERENCES "Fan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invite" ADD CONSTRAINT "Invite_inviteCodeId_fkey" FOREIGN KEY ("inviteCodeId") REFERENCES "InviteCode"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invite" ADD CONSTRAINT "Invite_inviteeId_fkey" FOREIGN KEY ("inviteeId") REFERENCES "Fan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CheckInCampaign" ADD CONSTRAINT "CheckInCampaign_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CheckIn" ADD CONSTRAINT "CheckIn_fanId_fkey" FOREIGN KEY ("fanId") REFERENCES "Fan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LotteryCampaign" ADD CONSTRAINT "LotteryCampaign_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Prize" ADD CONSTRAINT "Prize_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LotterySpin" ADD CONSTRAINT "LotterySpin_fanId_fkey" FOREIGN KEY ("fanId") REFERENCES "Fan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LotterySpin" ADD CONSTRAINT "LotterySpin_prizeId_fkey" FOREIGN KEY ("prizeId") REFERENCES "Prize"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Coupon" ADD CONSTRAINT "Coupon_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CouponGrant" ADD CONSTRAINT "CouponGrant_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Coupon"("campaignId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CouponGrant" ADD CONSTRAINT "CouponGrant_fanId_fkey" FOREIGN KEY ("fanId") REFERENCES "Fan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LiveSession" ADD CONSTRAINT "LiveSession_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LineupItem" ADD CONSTRAINT "LineupItem_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "LiveSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Reservation" ADD CONSTRAINT "Reservation_fanId_fkey" FOREIGN KEY ("fanId") REFERENCES "Fan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Reservation" ADD CONSTRAINT "Reservation_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "LiveSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Reservation" ADD CONSTRAINT "Reservation_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "LineupItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Wish" ADD CONSTRAINT "Wish_fanId_fkey" FOREIGN KEY ("fanId") REFERENCES "Fan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Wish" ADD CONSTRAINT "Wish_fulfilledByItemId_fkey" FOREIGN KEY ("fulfilledByItemId") REFERENCES "LineupItem"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WishVote" ADD CONSTRAINT "WishVote_wishId_fkey" FOREIGN KEY ("wishId") REFERENCES "Wish"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WishVote" ADD CONSTRAINT "WishVote_fanId_fkey" FOREIGN KEY ("fanId") REFERENCES "Fan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_fanId_fkey" FOREIGN KEY ("fanId") REFERENCES "Fan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_liveSessionId_fkey" FOREIGN KEY ("liveSessionId") REFERENCES "LiveSession"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_kocId_fkey" FOREIGN KEY ("kocId") REFERENCES "Fan"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PointsEntry" ADD CONSTRAINT "PointsEntry_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PointsEntry" ADD CONSTRAINT "PointsEntry_fanId_fkey" FOREIGN KEY ("fanId") REFERENCES "Fan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Reward" ADD CONSTRAINT "Reward_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Redemption" ADD CONSTRAINT "Redemption_fanId_fkey" FOREIGN KEY ("fanId") REFERENCES "Fan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Redemption" ADD CONSTRAINT "Redemption_rewardId_fkey" FOREIGN KEY ("rewardId") REFERENCES "Reward"("id") ON DELETE CASCADE ON UPDATE CASCADE;

