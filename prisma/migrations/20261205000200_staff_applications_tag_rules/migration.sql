-- Staff (operator invitations, deactivation, personas' avatars), the append-only audit log of operator
-- mutations, join-by-application groups and rule-based tags (issue 15, parts 5, 9 and 10).
-- CreateEnum
CREATE TYPE "ApplicationStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED');

-- AlterEnum
ALTER TYPE "TagSource" ADD VALUE 'RULE';

-- AlterTable
ALTER TABLE "Operator" ADD COLUMN     "avatarUrl" TEXT,
ADD COLUMN     "deactivatedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Community" ADD COLUMN     "joinQuestion" TEXT,
ADD COLUMN     "requiresApplication" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "OperatorInvitation" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "role" "OperatorRole" NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "invitedById" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "acceptedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "operatorId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OperatorInvitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "operatorId" TEXT NOT NULL,
    "role" "OperatorRole" NOT NULL,
    "mutation" TEXT NOT NULL,
    "operationName" TEXT,
    "input" JSONB NOT NULL,
    "outcome" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TagRule" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tagId" TEXT NOT NULL,
    "boughtCategory" TEXT,
    "minSpendCents" INTEGER,
    "minOrders" INTEGER,
    "skinType" TEXT,
    "region" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TagRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CommunityApplication" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "fanId" TEXT NOT NULL,
    "answer" TEXT NOT NULL,
    "rulesAcceptedAt" TIMESTAMP(3) NOT NULL,
    "status" "ApplicationStatus" NOT NULL DEFAULT 'PENDING',
    "reason" TEXT,
    "decidedById" TEXT,
    "decidedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CommunityApplication_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "OperatorInvitation_tokenHash_key" ON "OperatorInvitation"("tokenHash");

-- CreateIndex
CREATE INDEX "OperatorInvitation_orgId_createdAt_idx" ON "OperatorInvitation"("orgId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEntry_orgId_createdAt_id_idx" ON "AuditEntry"("orgId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "AuditEntry_orgId_operatorId_createdAt_idx" ON "AuditEntry"("orgId", "operatorId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "TagRule_tagId_idx" ON "TagRule"("tagId");

-- CreateIndex
CREATE UNIQUE INDEX "TagRule_orgId_name_key" ON "TagRule"("orgId", "name");

-- CreateIndex
CREATE INDEX "CommunityApplication_orgId_status_createdAt_id_idx" ON "CommunityApplication"("orgId", "status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "CommunityApplication_communityId_status_createdAt_id_idx" ON "CommunityApplication"("communityId", "status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "CommunityApplication_fanId_createdAt_id_idx" ON "CommunityApplication"("fanId", "createdAt", "id");

-- AddForeignKey
ALTER TABLE "OperatorInvitation" ADD CONSTRAINT "OperatorInvitation_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OperatorInvitation" ADD CONSTRAINT "OperatorInvitation_invitedById_fkey" FOREIGN KEY ("invitedById") REFERENCES "Operator"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEntry" ADD CONSTRAINT "AuditEntry_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEntry" ADD CONSTRAINT "AuditEntry_operatorId_fkey" FOREIGN KEY ("operatorId") REFERENCES "Operator"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TagRule" ADD CONSTRAINT "TagRule_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TagRule" ADD CONSTRAINT "TagRule_tagId_fkey" FOREIGN KEY ("tagId") REFERENCES "Tag"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommunityApplication" ADD CONSTRAINT "CommunityApplication_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommunityApplication" ADD CONSTRAINT "CommunityApplication_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommunityApplication" ADD CONSTRAINT "CommunityApplication_fanId_fkey" FOREIGN KEY ("fanId") REFERENCES "Fan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommunityApplication" ADD CONSTRAINT "CommunityApplication_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "Operator"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- At most one open application per fan and group; decided ones stay as history.
CREATE UNIQUE INDEX "CommunityApplication_one_pending" ON "CommunityApplication"("communityId", "fanId") WHERE "status" = 'PENDING';

-- The audit log is append-only in the database itself: no UPDATE, DELETE or TRUNCATE, whoever asks.
CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'AuditEntry is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON "AuditEntry" FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON "AuditEntry" FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();
