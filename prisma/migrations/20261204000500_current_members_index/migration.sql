-- KOC reach (src/insights/koc/service.ts) unions the current members of a KOC's groups: an index-only
-- scan of (group, fan) over current memberships instead of heap fetches through the newest-first index.
CREATE INDEX "Membership_communityId_fanId_current_idx" ON "Membership"("communityId", "fanId") WHERE "leftAt" IS NULL;

-- The KOC leaderboard lists current KOC members of the organization's groups: a small partial index
-- (≈ 1,000 rows at 100,000 fans) instead of a scan of every membership.
CREATE INDEX "Membership_orgId_fanId_koc_idx" ON "Membership"("orgId", "fanId", "communityId") WHERE "role" = 'KOC' AND "leftAt" IS NULL;
