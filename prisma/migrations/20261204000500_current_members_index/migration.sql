-- KOC reach (src/insights/koc/service.ts) unions the current members of a KOC's groups: an index-only
-- scan of (group, fan) over current memberships instead of heap fetches through the newest-first index.
CREATE INDEX "Membership_communityId_fanId_current_idx" ON "Membership"("communityId", "fanId") WHERE "leftAt" IS NULL;
