-- Like draws keep the participant snapshot and the rules they ran under, so a draw can be re-run from
-- its recorded seed by an auditor; the member-day wheel gets an explicit "no prize" weight.
ALTER TABLE "LikeDraw" ADD COLUMN "participants" JSONB NOT NULL DEFAULT '[]',
    ADD COLUMN "winnersPerMilestone" INTEGER NOT NULL DEFAULT 1,
    ADD COLUMN "perFanWinCap" INTEGER NOT NULL DEFAULT 1;

ALTER TABLE "LotteryCampaign" ADD COLUMN "missWeight" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "LotteryCampaign" ADD CONSTRAINT "LotteryCampaign_missWeight_nonnegative" CHECK ("missWeight" >= 0);
