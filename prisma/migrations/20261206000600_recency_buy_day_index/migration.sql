-- KOC reach asks which fans of an organization last bought within a window ("membersWhoOrdered"): an
-- index-only range over their latest buying day, instead of every buyer's row filtered by day.
CREATE INDEX "InsightRecency_scope_scopeId_buyDay_idx" ON "InsightRecency" ("scope", "scopeId", "buyDay") INCLUDE ("fanId");
