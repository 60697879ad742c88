-- Every ordering and filter the API offers has an index that returns rows in page order, so a page
-- reads its page: each sort index ends with the id tiebreak the cursors use, nested connections index
-- their parent key first, and a fan-name search uses trigrams instead of scanning every fan.
-- test/core/read-plans.test.ts runs EXPLAIN on every connection over a generated dataset to keep it so.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Fans: one index per sort field (ascending scans forward, descending backward), id last.
DROP INDEX "Fan_orgId_displayName_idx";
DROP INDEX "Fan_orgId_orderCount_idx";
DROP INDEX "Fan_orgId_totalSpendCents_idx";
DROP INDEX "Fan_orgId_lastOrderAt_idx";
DROP INDEX "Fan_orgId_createdAt_idx";
DROP INDEX "Fan_orgId_lifecycle_idx";
CREATE INDEX "Fan_orgId_displayName_id_idx" ON "Fan"("orgId", "displayName", "id");
CREATE INDEX "Fan_orgId_orderCount_id_idx" ON "Fan"("orgId", "orderCount", "id");
CREATE INDEX "Fan_orgId_totalSpendCents_id_idx" ON "Fan"("orgId", "totalSpendCents", "id");
CREATE INDEX "Fan_orgId_createdAt_id_idx" ON "Fan"("orgId", "createdAt", "id");
CREATE INDEX "Fan_orgId_intimacy_id_idx" ON "Fan"("orgId", "intimacy", "id");
CREATE INDEX "Fan_orgId_pointsBalance_id_idx" ON "Fan"("orgId", "pointsBalance", "id");
-- Fans without orders sort last both ways, so each direction needs its own null placement.
CREATE INDEX "Fan_orgId_lastOrderAt_id_idx" ON "Fan"("orgId", "lastOrderAt", "id");
CREATE INDEX "Fan_orgId_lastOrderAt_desc_id_idx" ON "Fan"("orgId", "lastOrderAt" DESC NULLS LAST, "id" DESC);
-- Lifecycle lists and their counts ("silent or dormant with ≥ 2 orders") are answered from the index alone.
CREATE INDEX "Fan_orgId_lifecycle_orderCount_idx" ON "Fan"("orgId", "lifecycle", "orderCount");
CREATE INDEX "Fan_displayName_trgm_idx" ON "Fan" USING gin ("displayName" gin_trgm_ops);

-- Current members of a group, newest first (the dashboard's members(first: n)).
CREATE INDEX "Membership_communityId_current_joinedAt_id_idx" ON "Membership"("communityId", "joinedAt" DESC, "id" DESC) WHERE "leftAt" IS NULL;
DROP INDEX "Membership_fanId_idx";
CREATE INDEX "Membership_fanId_joinedAt_id_idx" ON "Membership"("fanId", "joinedAt", "id");

DROP INDEX "ActivityEvent_orgId_occurredAt_idx";
DROP INDEX "ActivityEvent_orgId_kind_occurredAt_idx";
DROP INDEX "ActivityEvent_communityId_occurredAt_idx";
CREATE INDEX "ActivityEvent_orgId_occurredAt_id_idx" ON "ActivityEvent"("orgId", "occurredAt", "id");
CREATE INDEX "ActivityEvent_orgId_kind_occurredAt_id_idx" ON "ActivityEvent"("orgId", "kind", "occurredAt", "id");
CREATE INDEX "ActivityEvent_communityId_occurredAt_id_idx" ON "ActivityEvent"("communityId", "occurredAt", "id");

DROP INDEX "Order_orgId_placedAt_idx";
DROP INDEX "Order_fanId_placedAt_idx";
DROP INDEX "Order_liveSessionId_idx";
DROP INDEX "Order_communityId_idx";
CREATE INDEX "Order_orgId_placedAt_id_idx" ON "Order"("orgId", "placedAt", "id");
CREATE INDEX "Order_fanId_placedAt_id_idx" ON "Order"("fanId", "placedAt", "id");
CREATE INDEX "Order_liveSessionId_placedAt_id_idx" ON "Order"("liveSessionId", "placedAt", "id");
CREATE INDEX "Order_communityId_placedAt_id_idx" ON "Order"("communityId", "placedAt", "id");

DROP INDEX "PointsEntry_orgId_createdAt_idx";
DROP INDEX "PointsEntry_fanId_createdAt_idx";
DROP INDEX "PointsEntry_orgId_reason_createdAt_idx";
CREATE INDEX "PointsEntry_orgId_createdAt_id_idx" ON "PointsEntry"("orgId", "createdAt", "id");
CREATE INDEX "PointsEntry_fanId_createdAt_id_idx" ON "PointsEntry"("fanId", "createdAt", "id");
CREATE INDEX "PointsEntry_orgId_reason_createdAt_id_idx" ON "PointsEntry"("orgId", "reason", "createdAt", "id");

CREATE INDEX "Community_orgId_name_id_idx" ON "Community"("orgId", "name", "id");
CREATE INDEX "Campaign_orgId_createdAt_id_idx" ON "Campaign"("orgId", "createdAt", "id");
DROP INDEX "LiveSession_orgId_scheduledAt_idx";
CREATE INDEX "LiveSession_orgId_scheduledAt_id_idx" ON "LiveSession"("orgId", "scheduledAt", "id");
DROP INDEX "Reservation_sessionId_idx";
CREATE INDEX "Reservation_sessionId_createdAt_id_idx" ON "Reservation"("sessionId", "createdAt", "id");
DROP INDEX "Wish_orgId_status_voteCount_idx";
CREATE INDEX "Wish_orgId_voteCount_id_idx" ON "Wish"("orgId", "voteCount" DESC, "id");
CREATE INDEX "Wish_orgId_status_voteCount_id_idx" ON "Wish"("orgId", "status", "voteCount" DESC, "id");
CREATE INDEX "InviteCode_campaignId_validInvites_id_idx" ON "InviteCode"("campaignId", "validInvites" DESC, "id");
CREATE INDEX "LikeContribution_campaignId_likes_fanId_idx" ON "LikeContribution"("campaignId", "likes" DESC, "fanId");
DROP INDEX "LotterySpin_fanId_idx";
CREATE INDEX "LotterySpin_fanId_createdAt_id_idx" ON "LotterySpin"("fanId", "createdAt", "id");
-- KOCs are about 1 % of fans: "KOCs, newest first" would otherwise walk a hundred fans per KOC.
CREATE INDEX "Fan_orgId_koc_createdAt_id_idx" ON "Fan"("orgId", "createdAt", "id") WHERE "isKoc";
