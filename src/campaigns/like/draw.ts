// Drawing a like milestone's lottery round. Draws of one campaign serialize on the LikeCampaign row
// (SELECT … FOR UPDATE), so each draw sees every earlier draw's winners and per-fan win caps hold even
// when an operator fires several milestones at once. The seed and the participant snapshot are stored
// with the draw; drawWinners() re-run on them gives the same winners.
import type { Context } from '../../core/context.js';
import type { Tx } from '../../core/db.js';
import { DomainError } from '../../core/errors.js';
import { emitOutbound, emitOutboundMany } from '../../core/outbound.js';
import { isUniqueViolation } from '../../core/prisma-errors.js';
import { oweGoods } from '../../fulfilment/owe.js';
import type { LikeDraw } from '../../generated/prisma/client.js';
import { assertStatus, findCampaign } from '../lookup.js';
import { byCodeUnits, newSeed } from './prng.js';
import { type DrawEntry, drawWinners, eligibleFans } from './winners.js';

type Deps = Pick<Context, 'db'>;

export async function drawLikeMilestone(deps: Deps, orgId: string, input: { campaignId: string; milestone: number }): Promise<LikeDraw> {
  const { campaignId, milestone } = input;
  try {
    return await deps.db.$transaction(async (tx) => {
      const campaign = await findCampaign(tx, orgId, campaignId, 'input.campaignId', 'LIKE');
      // Rounds can still be drawn after the live session ends, for milestones reached while running.
      assertStatus(campaign, ['RUNNING', 'ENDED'], 'input.campaignId');
      const [lc] = await tx.$queryRaw<{ milestonesReached: number; winnersPerMilestone: number; perFanWinCap: number; prizeName: string | null }[]>`
        SELECT "milestonesReached", "winnersPerMilestone", "perFanWinCap", "prizeName" FROM "LikeCampaign" WHERE "campaignId" = ${campaignId} FOR UPDATE`;
      if (!lc) throw new DomainError('INVALID_STATE', `"${campaign.name}" has no like settings`, 'input.campaignId');
      const rules = { winners: Number(lc.winnersPerMilestone), perFanWinCap: Number(lc.perFanWinCap) };
      if (milestone > Number(lc.milestonesReached)) {
        throw new DomainError('INVALID_STATE', `Milestone ${milestone} is not reached yet (${lc.milestonesReached} so far)`, 'input.milestone');
      }
      const existing = await tx.likeDraw.findUnique({ where: { campaignId_milestone: { campaignId, milestone } }, select: { id: true } });
      if (existing) throw new DomainError('CONFLICT', `Milestone ${milestone} was already drawn`, 'input.milestone');

      const participants = await snapshot(tx, campaignId);
      const eligible = eligibleFans(participants, rules).length;
      if (!eligible)
        throw new DomainError('INVALID_STATE', 'No participant is eligible: nobody liked yet, or everyone holds the win cap', 'input.milestone');
      const seed = newSeed();
      const winners = drawWinners(seed, participants, rules);
      await emitOutbound(tx, orgId, 'draw.made', { campaignId, milestone, winnerFanIds: winners, participantCount: eligible });
      await emitOutboundMany(
        tx,
        orgId,
        'prize.to_fulfil',
        winners.map((fanId) => ({ fanId, campaignId, milestone, source: 'LIKE_MILESTONE_DRAW' })),
      );
      const draw = await tx.likeDraw.create({
        data: {
          orgId,
          campaignId,
          milestone,
          seed,
          participantCount: eligible,
          participants,
          winnersPerMilestone: rules.winners,
          perFanWinCap: rules.perFanWinCap,
          winners: { create: winners.map((fanId) => ({ campaignId, fanId })) },
        },
      });
      // Each winner is owed the campaign's prize; the source is the winner row, "<drawId>:<fanId>".
      if (lc.prizeName)
        for (const fanId of winners)
          await oweGoods(tx, { orgId, fanId, sourceKind: 'LIKE_DRAW', sourceId: `${draw.id}:${fanId}`, campaignId, item: lc.prizeName });
      return draw;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new DomainError('CONFLICT', `Milestone ${milestone} was already drawn`, 'input.milestone');
    throw e;
  }
}

/** Every fan who liked, with their wins so far in this campaign, sorted by fan id. */
async function snapshot(tx: Tx, campaignId: string): Promise<DrawEntry[]> {
  const contributions = await tx.likeContribution.findMany({ where: { campaignId, likes: { gt: 0 } }, select: { fanId: true } });
  const wins = await tx.likeWinner.groupBy({ by: ['fanId'], where: { campaignId }, _count: { _all: true } });
  const winsOf = new Map(wins.map((w) => [w.fanId, w._count._all]));
  return contributions.map((c): DrawEntry => [c.fanId, winsOf.get(c.fanId) ?? 0]).sort((a, b) => byCodeUnits(a[0], b[0]));
}
