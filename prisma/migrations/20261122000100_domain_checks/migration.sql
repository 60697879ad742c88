-- Defence in depth for rules the services already enforce: the database itself refuses a negative
-- balance or stock, whatever code path writes it.
ALTER TABLE "Fan" ADD CONSTRAINT "Fan_pointsBalance_nonnegative" CHECK ("pointsBalance" >= 0);
ALTER TABLE "Fan" ADD CONSTRAINT "Fan_counters_nonnegative" CHECK ("orderCount" >= 0 AND "totalSpendCents" >= 0 AND "intimacy" >= 0);
ALTER TABLE "Reward" ADD CONSTRAINT "Reward_stock_nonnegative" CHECK ("stock" >= 0);
ALTER TABLE "Prize" ADD CONSTRAINT "Prize_stock_nonnegative" CHECK ("stock" >= 0);
ALTER TABLE "Community" ADD CONSTRAINT "Community_memberCount_nonnegative" CHECK ("memberCount" >= 0);
ALTER TABLE "LikeCampaign" ADD CONSTRAINT "LikeCampaign_totals_nonnegative" CHECK ("totalLikes" >= 0 AND "milestonesReached" >= 0);
