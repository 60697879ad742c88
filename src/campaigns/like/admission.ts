// What a like batch must pass beyond the campaign running, and what it earns besides the count: a
// members-only campaign admits only current members of its group, and likes add intimacy under the
// daily cap (src/fans/intimacy.ts). Both run inside the like group-commit, set-based over the group.
import { DomainError } from '../../core/errors.js';
import type { RawSql } from '../../core/sql-tx.js';

export type MemberGate = { communityId: string | null; like: { membersOnly: boolean } | null };

/** The part of a queued like batch the gate reads and marks. */
export interface GatedBatch {
  campaignId: string;
  fanId: string;
  error?: Error;
}

/** A members-only campaign admits only current members of its group (FORBIDDEN for anyone else). */
export async function refuseNonMembers(tx: RawSql, group: GatedBatch[], campaigns: Map<string, MemberGate>) {
  const gated = group.filter((p) => !p.error && campaigns.get(p.campaignId)?.like?.membersOnly);
  if (!gated.length) return;
  const communityIds = [...new Set(gated.map((p) => campaigns.get(p.campaignId)!.communityId ?? ''))];
  const fanIds = [...new Set(gated.map((p) => p.fanId))];
  const members = await tx.$queryRaw<{ communityId: string; fanId: string }[]>`
    SELECT "communityId", "fanId" FROM "Membership"
     WHERE "communityId" = ANY(${communityIds}::text[]) AND "fanId" = ANY(${fanIds}::text[]) AND "leftAt" IS NULL`;
  const isMember = new Set(members.map((m) => `${m.communityId}\u0000${m.fanId}`));
  for (const p of gated)
    if (!isMember.has(`${campaigns.get(p.campaignId)!.communityId}\u0000${p.fanId}`))
      p.error = new DomainError('FORBIDDEN', "Only members of the campaign's group may like in this campaign", 'input.campaignId');
}

/**
 * Credits the intimacy likes earned under the daily cap (a fan row is written only when it earned some).
 * One statement: the CTE locks the fans in id order (the order every path takes fan rows in), and the
 * UPDATE waits for all of it — its one-time filter reads the CTE to the end before the UPDATE scans a
 * row — so rows are never taken in the UPDATE's join order.
 */
export async function addIntimacy(tx: RawSql, earned: Map<string, number>) {
  const ids = [...earned.entries()]
    .filter(([, n]) => n > 0)
    .map(([id]) => id)
    .sort();
  if (!ids.length) return;
  const deltas = ids.map((id) => earned.get(id)!);
  await tx.$executeRaw`
    WITH locked AS (SELECT "id" FROM "Fan" WHERE "id" = ANY(${ids}::text[]) ORDER BY "id" FOR NO KEY UPDATE)
    UPDATE "Fan" AS f SET "intimacy" = f."intimacy" + v.delta, "updatedAt" = now()
    FROM unnest(${ids}::text[], ${deltas}::int[]) AS v(id, delta)
    WHERE f."id" = v.id AND (SELECT count(*) FROM locked) >= 0`;
}
