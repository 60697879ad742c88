// Member-day lottery spins. A fan's spins serialize on their Fan row (SELECT … FOR UPDATE), so the
// daily and total caps are counted with no other spin of theirs in flight; a prize's stock only moves
// through a conditional decrement, and a prize that ran out mid-race turns the spin into "no prize".
import type { Context } from '../../core/context.js';
import { DomainError, notFound } from '../../core/errors.js';
import type { LotterySpin } from '../../generated/prisma/client.js';
import { newSeed } from '../like/prng.js';
import { assertRunning, findCampaign } from '../lookup.js';
import { dayIn } from './day.js';
import { spinWheel } from './wheel.js';

type Deps = Pick<Context, 'db'>;

export async function spinLottery(deps: Deps, orgId: string, input: { campaignId: string; fanId: string }, now = new Date()): Promise<LotterySpin> {
  const { campaignId, fanId } = input;
  return deps.db.$transaction(async (tx) => {
    const campaign = await findCampaign(tx, orgId, campaignId, 'input.campaignId', 'LOTTERY');
    assertRunning(campaign, 'input.campaignId', now);
    const settings = await tx.lotteryCampaign.findUnique({
      where: { campaignId },
      include: { campaign: { select: { org: { select: { timeZone: true } } } } },
    });
    if (!settings) throw new DomainError('INVALID_STATE', `"${campaign.name}" has no lottery settings`, 'input.campaignId');

    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Fan" WHERE "id" = ${fanId} AND "orgId" = ${orgId} FOR UPDATE`;
    if (!locked.length) throw notFound('Fan', 'input.fanId');

    const day = dayIn(settings.campaign.org.timeZone, now);
    const total = await tx.lotterySpin.count({ where: { campaignId, fanId } });
    if (total >= settings.perFanTotalCap) throw new DomainError('CAP_REACHED', `At most ${settings.perFanTotalCap} spins per fan in this campaign`);
    const today = await tx.lotterySpin.count({ where: { campaignId, fanId, day } });
    if (today >= settings.perFanDailyCap) throw new DomainError('CAP_REACHED', `At most ${settings.perFanDailyCap} spins per fan per day`);

    const prizes = await tx.prize.findMany({ where: { campaignId, stock: { gt: 0 }, weight: { gt: 0 } }, select: { id: true, weight: true } });
    // An empty wheel is refused rather than spending the fan's spin on a certain miss.
    if (!prizes.length) throw new DomainError('OUT_OF_STOCK', 'No prizes are left on this wheel', 'input.campaignId');
    const seed = newSeed(16);
    let prizeId = spinWheel(seed, prizes, settings.missWeight);
    if (prizeId) {
      const taken = await tx.prize.updateMany({ where: { id: prizeId, stock: { gte: 1 } }, data: { stock: { decrement: 1 } } });
      if (!taken.count) prizeId = null; // sold out by a concurrent spin: never oversell
    }
    return tx.lotterySpin.create({ data: { orgId, campaignId, fanId, prizeId, day, seed } });
  });
}
