// When a points-mall reward can be redeemed. Three rules, all of which must hold:
// - the manual override `active` is on (an operator can take any reward off the shelves at once);
// - the absolute window: availableFrom ≤ now < availableUntil (either end may be open);
// - the yearly season, in month-days of the organization's time zone: seasonStart ≤ today ≤ seasonEnd,
//   wrapping the new year when the start is later than the end (Nov 1 – Feb 28 for winter slippers).
// The same rules are a Prisma filter (the catalogue) and a check (redemption), so they cannot disagree.
import { DomainError } from '../core/errors.js';
import type { Prisma, Reward } from '../generated/prisma/client.js';

export type Availability = Pick<Reward, 'active' | 'availableFrom' | 'availableUntil' | 'seasonStartMmdd' | 'seasonEndMmdd'>;

/** Today's month-day (MMDD, e.g. 1225) in the time zone. (checkins/days.ts has the full day, but checkins depends on points.) */
export function monthDayIn(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, month: 'numeric', day: 'numeric' }).formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return part('month') * 100 + part('day');
}

/** "MM-DD" → MMDD; refuses what is not a day of the year (Feb 29 is allowed: it exists in leap years). */
export function parseMonthDay(given: string, field: string): number {
  const m = /^(\d{2})-(\d{2})$/.exec(given);
  const month = Number(m?.[1]);
  const day = Number(m?.[2]);
  const days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (!m || !days || day < 1 || day > days) throw new DomainError('VALIDATION', `${field}: must be a day of the year as MM-DD, e.g. "11-01"`, field);
  return month * 100 + day;
}

export const formatMonthDay = (mmdd: number) => `${String(Math.floor(mmdd / 100)).padStart(2, '0')}-${String(mmdd % 100).padStart(2, '0')}`;

export function inSeason(start: number | null, end: number | null, today: number): boolean {
  if (start == null || end == null) return true;
  return start <= end ? start <= today && today <= end : today >= start || today <= end;
}

/** Why the reward cannot be redeemed now, or null when it can. */
export function unavailability(r: Availability & { name: string }, now: Date, timeZone: string): string | null {
  if (!r.active) return `"${r.name}" is off the shelves`;
  if (r.availableFrom && now < r.availableFrom) return `"${r.name}" is available from ${r.availableFrom.toISOString()}`;
  if (r.availableUntil && now >= r.availableUntil) return `"${r.name}" was available until ${r.availableUntil.toISOString()}`;
  if (!inSeason(r.seasonStartMmdd, r.seasonEndMmdd, monthDayIn(now, timeZone)))
    return `"${r.name}" is in season from ${formatMonthDay(r.seasonStartMmdd!)} to ${formatMonthDay(r.seasonEndMmdd!)} (${timeZone})`;
  return null;
}

/** The rewards redeemable now, as a filter. `fields` are the model's column references (the season's wrap compares two columns). */
export function availableNowWhere(now: Date, timeZone: string, fields: { seasonEndMmdd: Prisma.FieldRef<'Reward', 'Int'> }): Prisma.RewardWhereInput {
  const today = monthDayIn(now, timeZone);
  return {
    active: true,
    AND: [
      { OR: [{ availableFrom: null }, { availableFrom: { lte: now } }] },
      { OR: [{ availableUntil: null }, { availableUntil: { gt: now } }] },
      {
        OR: [
          { seasonStartMmdd: null },
          { seasonStartMmdd: { lte: fields.seasonEndMmdd }, AND: [{ seasonStartMmdd: { lte: today } }, { seasonEndMmdd: { gte: today } }] },
          { seasonStartMmdd: { gt: fields.seasonEndMmdd }, OR: [{ seasonStartMmdd: { lte: today } }, { seasonEndMmdd: { gte: today } }] },
        ],
      },
    ],
  };
}
