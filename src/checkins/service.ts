// Daily check-in: once per fan per day in the organization's time zone. The unique (fanId, day)
// constraint decides races: the insert skips on conflict (waiting for a concurrent check-in to commit),
// and a skipped insert is ALREADY_CHECKED_IN, so parallel taps credit points once.
import { publishActivity, recordActivity } from '../activity/events.js';
import type { Context } from '../core/context.js';
import type { Tx } from '../core/db.js';
import { DomainError, notFound } from '../core/errors.js';
import type { CheckIn } from '../generated/prisma/client.js';
import { applyPoints } from '../points/ledger.js';
import { addDays, dayValue, localDay } from './days.js';

type Deps = Pick<Context, 'db' | 'pubsub'>;

/** Intimacy a check-in earns (messages and buyer shows earn theirs in recordActivityBatch). */
export const CHECK_IN_INTIMACY = 1;

/** The organization's running CHECK_IN campaign at `now`, newest first if several overlap. */
export async function runningCheckInCampaign(tx: Tx, orgId: string, now: Date) {
  return tx.campaign.findFirst({
    where: {
      orgId,
      kind: 'CHECK_IN',
      status: 'RUNNING',
      checkIn: { isNot: null },
      AND: [{ OR: [{ startsAt: null }, { startsAt: { lte: now } }] }, { OR: [{ endsAt: null }, { endsAt: { gt: now } }] }],
    },
    include: { checkIn: true },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
}

/** Bonus for reaching exactly this streak length, from {"7": 50, "30": 300}; malformed entries pay nothing. */
export function streakBonus(bonuses: unknown, streak: number): number {
  if (!bonuses || typeof bonuses !== 'object' || Array.isArray(bonuses)) return 0;
  const value = (bonuses as Record<string, unknown>)[String(streak)];
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 0;
}

/** `now` is injectable so tests can stand on either side of midnight. */
export async function checkIn(deps: Deps, orgId: string, fanId: string, now = new Date()): Promise<CheckIn> {
  const { row, events } = await deps.db.$transaction(async (tx) => {
    const fan = await tx.fan.findFirst({ where: { id: fanId, orgId }, select: { id: true, org: { select: { timeZone: true } } } });
    if (!fan) throw notFound('Fan', 'fanId');
    const campaign = await runningCheckInCampaign(tx, orgId, now);
    if (!campaign?.checkIn) throw new DomainError('CAMPAIGN_NOT_RUNNING', 'No check-in campaign is running now');

    const day = localDay(now, fan.org.timeZone);
    const yesterday = await tx.checkIn.findUnique({ where: { fanId_day: { fanId, day: dayValue(addDays(day, -1)) } }, select: { streak: true } });
    const streak = yesterday ? yesterday.streak + 1 : 1;
    const bonus = streakBonus(campaign.checkIn.streakBonuses, streak);
    const points = campaign.checkIn.pointsPerCheckIn + bonus;

    const [row] = await tx.checkIn.createManyAndReturn({
      data: [{ orgId, campaignId: campaign.id, fanId, day: dayValue(day), streak, points }],
      skipDuplicates: true,
    });
    if (!row) throw new DomainError('ALREADY_CHECKED_IN', `Already checked in on ${day}; come back tomorrow`);

    if (points > 0) {
      await applyPoints(tx, {
        orgId,
        fanId,
        delta: points,
        reason: 'CHECK_IN',
        reference: `checkin:${row.id}`,
        idempotencyKey: `checkin:${fanId}:${day}`,
        note: bonus ? `Check-in ${day}: day ${streak} of the streak, +${bonus} bonus` : `Check-in ${day}`,
      });
    }
    await tx.fan.update({
      where: { id: fanId },
      data: { checkInStreak: streak, lastCheckInDay: dayValue(day), lastActiveAt: now, intimacy: { increment: CHECK_IN_INTIMACY } },
    });
    const events = await recordActivity(tx, [
      { orgId, fanId, kind: 'CHECK_IN', occurredAt: now, payload: { day, streak, points, bonus, campaignId: campaign.id } },
    ]);
    return { row, events };
  });
  publishActivity(deps.pubsub, events);
  return row;
}
