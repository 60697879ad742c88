// Accepting like batches: a client sends how many taps it saw since its last send. The campaign total
// is one row, so each batch is one atomic increment on it; milestones are claimed while that row is
// locked by the increment, so concurrent batches can neither lose likes nor claim a milestone twice.
import { publishActivity, recordActivity, type ActivityMessage } from '../../communities/events.js';
import type { Context } from '../../core/context.js';
import { DomainError, notFound } from '../../core/errors.js';
import { campaignOfKind, requireStatus } from './campaign.js';
import './events.js';

type Deps = Pick<Context, 'db' | 'pubsub'>;

export interface LikeBatchResult {
  totalLikes: number;
  milestonesReached: number;
  /** Milestones this batch crossed, e.g. [3] when the total passed 3 × milestoneEvery. */
  newlyReached: number[];
  /** The fan's own likes in this campaign so far. */
  fanLikes: number;
}

export async function sendLikes(deps: Deps, orgId: string, input: { campaignId: string; fanId: string; taps: number }): Promise<LikeBatchResult> {
  const { campaignId, fanId, taps } = input;
  if (!Number.isInteger(taps) || taps < 1 || taps > 1000) throw new DomainError('VALIDATION', 'input.taps: must be a whole number from 1 to 1,000', 'input.taps');
  const { result, events } = await deps.db.$transaction(async (tx) => {
    const campaign = await campaignOfKind(tx, orgId, campaignId, 'LIKE');
    requireStatus(campaign);
    const fan = await tx.fan.findFirst({ where: { id: fanId, orgId }, select: { id: true } });
    if (!fan) throw notFound('Fan', 'input.fanId');

    // The fan's own row first, the shared campaign row last: the hot lock is held as briefly as possible.
    const [mine] = await tx.$queryRaw<{ likes: number }[]>`
      INSERT INTO "LikeContribution" ("campaignId", "fanId", "likes", "updatedAt") VALUES (${campaignId}, ${fanId}, ${taps}, now())
      ON CONFLICT ("campaignId", "fanId") DO UPDATE SET "likes" = "LikeContribution"."likes" + EXCLUDED."likes", "updatedAt" = now()
      RETURNING "likes"`;
    // Re-checks RUNNING in the same statement, so a batch racing the campaign's end is refused whole.
    const rows = await tx.$queryRaw<{ totalLikes: number; milestonesReached: number; milestoneEvery: number; targetLikes: number }[]>`
      UPDATE "LikeCampaign" AS lc SET "totalLikes" = lc."totalLikes" + ${taps}
      FROM "Campaign" AS c
      WHERE c."id" = lc."campaignId" AND c."id" = ${campaignId} AND c."orgId" = ${orgId} AND c."status" = 'RUNNING'
      RETURNING lc."totalLikes", lc."milestonesReached", lc."milestoneEvery", lc."targetLikes"`;
    if (!rows.length) throw new DomainError('CAMPAIGN_NOT_RUNNING', `"${campaign.name}" is not running`);
    const row = { totalLikes: Number(rows[0].totalLikes), before: Number(rows[0].milestonesReached), every: Number(rows[0].milestoneEvery), target: Number(rows[0].targetLikes) };

    // Milestones stop at the target: rounds beyond it were never budgeted.
    const reached = Math.min(Math.floor(row.totalLikes / row.every), Math.floor(row.target / row.every));
    let newlyReached: number[] = [];
    if (reached > row.before) {
      // Conditional on the value we read: exactly one batch advances the counter past each milestone.
      const claimed = await tx.likeCampaign.updateMany({ where: { campaignId, milestonesReached: row.before }, data: { milestonesReached: reached } });
      if (claimed.count) newlyReached = Array.from({ length: reached - row.before }, (_, i) => row.before + i + 1);
    }
    const milestonesReached = newlyReached.length ? reached : row.before;
    // The feed gets an entry per milestone crossed, not per batch: batches arrive thousands a second.
    const events: ActivityMessage[] = newlyReached.length
      ? await recordActivity(tx, [{ orgId, communityId: campaign.communityId, fanId, kind: 'LIKE_BURST', count: taps, payload: { campaignId, totalLikes: row.totalLikes, milestones: newlyReached } }])
      : [];
    return { result: { totalLikes: row.totalLikes, milestonesReached, newlyReached, fanLikes: Number(mine.likes) }, events };
  });
  publishActivity(deps.pubsub, events);
  deps.pubsub.publish('likeCampaign', campaignId, { total: result.totalLikes, delta: taps, milestonesReached: result.milestonesReached, newlyReached: result.newlyReached, at: new Date().toISOString() });
  return result;
}
