// Member-day lottery spins. A fan's spins serialize on their Fan row (SELECT … FOR UPDATE), so the
// daily and total caps are counted with no other spin of theirs in flight; a prize's stock only moves
// through a conditional decrement, and a prize that ran out mid-race turns the spin into "no prize".
// A recurring wheel is open on one weekday of the organization's time zone; each such date is an
// occurrence whose spin cap is taken by a conditional increment of its LotteryOccurrence row.
// A goods prize owes a fulfilment; a points prize is credited at once.
import type { Context } from '../../core/context.js';
import type { Tx } from '../../core/db.js';
import { DomainError, notFound } from '../../core/errors.js';
import { oweGoods } from '../../fulfilment/owe.js';
import type { Fulfilment, LotterySpin } from '../../generated/prisma/client.js';
import { applyPoints } from '../../points/ledger.js';
import { newSeed } from '../like/prng.js';
import { assertRunning, findCampaign } from '../lookup.js';
import { dayIn, isoWeekday, WEEKDAYS } from './day.js';
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
    const timeZone = settings.campaign.org.timeZone;
    const day = dayIn(timeZone, now);
    if (settings.recurWeekday && isoWeekday(day) !== settings.recurWeekday)
      throw new DomainError(
        'CAMPAIGN_NOT_RUNNING',
        `"${campaign.name}" opens on ${WEEKDAYS[settings.recurWeekday - 1]}s (${timeZone}); today is a ${WEEKDAYS[isoWeekday(day) - 1]}`,
        'input.campaignId',
      );

    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Fan" WHERE "id" = ${fanId} AND "orgId" = ${orgId} FOR UPDATE`;
    if (!locked.length) throw notFound('Fan', 'input.fanId');

    const total = await tx.lotterySpin.count({ where: { campaignId, fanId } });
    if (total >= settings.perFanTotalCap) throw new DomainError('CAP_REACHED', `At most ${settings.perFanTotalCap} spins per fan in this campaign`);
    const today = await tx.lotterySpin.count({ where: { campaignId, fanId, day } });
    if (today >= settings.perFanDailyCap) throw new DomainError('CAP_REACHED', `At most ${settings.perFanDailyCap} spins per fan per day`);

    const prizes = await prizesLeft(tx, campaignId, day);
    // An empty wheel is refused rather than spending the fan's spin on a certain miss.
    if (!prizes.length) throw new DomainError('OUT_OF_STOCK', 'No prizes are left on this wheel today', 'input.campaignId');
    if (settings.perOccurrenceSpinCap !== null) await takeOccurrenceSpin(tx, orgId, campaignId, day, settings.perOccurrenceSpinCap);

    const seed = newSeed(16);
    let prizeId = spinWheel(seed, prizes, settings.missWeight);
    const rolled = prizes.find((p) => p.id === prizeId);
    // This occurrence's share of the prize first, then its stock: a race lost on either is a miss.
    if (rolled?.perOccurrence && !(await takeOccurrenceUnit(tx, orgId, rolled.id, day, rolled.perOccurrence))) prizeId = null;
    if (prizeId) {
      const taken = await tx.prize.updateMany({ where: { id: prizeId, stock: { gte: 1 } }, data: { stock: { decrement: 1 } } });
      if (!taken.count) prizeId = null; // sold out by a concurrent spin: never oversell, and give the share back
      if (!taken.count && rolled?.perOccurrence)
        await tx.lotteryOccurrencePrize.update({ where: { prizeId_day: { prizeId: rolled.id, day } }, data: { given: { decrement: 1 } } });
    }
    const spin = await tx.lotterySpin.create({ data: { orgId, campaignId, fanId, prizeId, day, seed } });
    const prize = prizes.find((p) => p.id === prizeId);
    if (prize?.kind === 'POINTS')
      await applyPoints(tx, {
        orgId,
        fanId,
        delta: prize.points,
        reason: 'CAMPAIGN',
        reference: `lottery-spin:${spin.id}`,
        idempotencyKey: `lottery-spin:${spin.id}`,
        note: prize.name,
      });
    else if (prize) await oweGoods(tx, { orgId, fanId, sourceKind: 'LOTTERY_SPIN', sourceId: spin.id, campaignId, item: prize.name });
    return spin;
  });
}

/** One spin of the occurrence's cap, or CAP_REACHED: the row lock makes parallel spins count one by one. */
async function takeOccurrenceSpin(tx: Tx, orgId: string, campaignId: string, day: Date, cap: number) {
  await tx.$executeRaw`INSERT INTO "LotteryOccurrence" ("campaignId", "orgId", "day") VALUES (${campaignId}, ${orgId}, ${day.toISOString().slice(0, 10)}::date) ON CONFLICT DO NOTHING`;
  const { count } = await tx.lotteryOccurrence.updateMany({ where: { campaignId, day, spins: { lt: cap } }, data: { spins: { increment: 1 } } });
  if (!count)
    throw new DomainError('CAP_REACHED', `All ${cap} spins of this occurrence (${day.toISOString().slice(0, 10)}) are taken`, 'input.campaignId');
}

/** Prizes still in stock and, for a prize capped per occurrence, not yet all given out today. */
async function prizesLeft(tx: Tx, campaignId: string, day: Date) {
  const prizes = await tx.prize.findMany({
    where: { campaignId, stock: { gt: 0 }, weight: { gt: 0 } },
    select: { id: true, weight: true, name: true, kind: true, points: true, perOccurrence: true },
  });
  const capped = prizes.filter((p) => p.perOccurrence !== null).map((p) => p.id);
  if (!capped.length) return prizes;
  const given = new Map((await tx.lotteryOccurrencePrize.findMany({ where: { prizeId: { in: capped }, day } })).map((o) => [o.prizeId, o.given]));
  return prizes.filter((p) => p.perOccurrence === null || (given.get(p.id) ?? 0) < p.perOccurrence);
}

/** One unit of a prize's share for this occurrence, or false when the share is gone (conditional increment). */
async function takeOccurrenceUnit(tx: Tx, orgId: string, prizeId: string, day: Date, cap: number): Promise<boolean> {
  await tx.$executeRaw`INSERT INTO "LotteryOccurrencePrize" ("prizeId", "day", "orgId") VALUES (${prizeId}, ${day.toISOString().slice(0, 10)}::date, ${orgId}) ON CONFLICT DO NOTHING`;
  const { count } = await tx.lotteryOccurrencePrize.updateMany({ where: { prizeId, day, given: { lt: cap } }, data: { given: { increment: 1 } } });
  return count > 0;
}

/** A cancelled wheel-prize fulfilment puts the prize back on the wheel. */
export async function returnSpinPrize(tx: Tx, fulfilment: Fulfilment): Promise<void> {
  const spin = await tx.lotterySpin.findFirst({ where: { id: fulfilment.sourceId, orgId: fulfilment.orgId }, select: { prizeId: true } });
  if (spin?.prizeId) await tx.prize.update({ where: { id: spin.prizeId }, data: { stock: { increment: 1 } } });
}
