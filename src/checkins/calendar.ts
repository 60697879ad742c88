// The check-in calendar of one month: the fan's check-ins and the live sessions of each day, so the
// mini-program can show "Snack Festival" on the 6th next to the check-in stamps.
import type { Context } from '../core/context.js';
import { notFound } from '../core/errors.js';
import type { LiveSession } from '../generated/prisma/client.js';
import { dayString, daysOfMonth, dayValue, localDay } from './days.js';

type Deps = Pick<Context, 'db'>;

export interface CalendarDay {
  date: string;
  checkedIn: boolean;
  points: number;
  streak: number | null;
  liveSessions: LiveSession[];
}

export interface Calendar {
  month: string;
  timeZone: string;
  days: CalendarDay[];
}

export async function checkInCalendar(deps: Deps, orgId: string, fanId: string, month: string): Promise<Calendar> {
  const fan = await deps.db.fan.findFirst({ where: { id: fanId, orgId }, select: { id: true, org: { select: { timeZone: true } } } });
  if (!fan) throw notFound('Fan', 'fanId');
  const timeZone = fan.org.timeZone;
  const days = daysOfMonth(month);
  const first = dayValue(days[0]);
  const last = dayValue(days[days.length - 1]);
  // Sessions are stored in UTC; a day either side covers every time zone, then each is bucketed locally.
  const [checkIns, sessions] = await Promise.all([
    deps.db.checkIn.findMany({ where: { fanId, day: { gte: first, lte: last } }, select: { day: true, points: true, streak: true } }),
    deps.db.liveSession.findMany({
      where: {
        orgId,
        status: { not: 'CANCELLED' },
        scheduledAt: { gte: new Date(first.getTime() - 86_400_000), lt: new Date(last.getTime() + 2 * 86_400_000) },
      },
      orderBy: [{ scheduledAt: 'asc' }, { id: 'asc' }],
    }),
  ]);
  const byDay = new Map(checkIns.map((c) => [dayString(c.day), c]));
  const sessionsByDay = new Map<string, LiveSession[]>();
  for (const s of sessions) {
    const d = localDay(s.scheduledAt, timeZone);
    sessionsByDay.set(d, [...(sessionsByDay.get(d) ?? []), s]);
  }
  return {
    month,
    timeZone,
    days: days.map((date) => {
      const c = byDay.get(date);
      return { date, checkedIn: Boolean(c), points: c?.points ?? 0, streak: c?.streak ?? null, liveSessions: sessionsByDay.get(date) ?? [] };
    }),
  };
}
