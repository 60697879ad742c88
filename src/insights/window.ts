// Metric windows: a day, an ISO week (Monday to Sunday), a month or a range of days, always whole
// calendar days in the organization's time zone, resolved to an inclusive [from, to] of YYYY-MM-DD.

import { addDays, dayString, daysOfMonth, localDay } from '../checkins/days.js';
import { builder } from '../core/builder.js';
import type { Context } from '../core/context.js';
import { invalid } from '../core/errors.js';
import { parseMonth } from '../core/scalars.js';

/** Longest window, in days (a year and a bit: a daily series over a year fits). */
export const MAX_WINDOW_DAYS = 400;

export interface Window {
  from: string;
  to: string;
}

export interface WindowArgs {
  day?: Date | null;
  week?: Date | null;
  month?: string | null;
  from?: Date | null;
  to?: Date | null;
  lastDays?: number | null;
}

export const MetricWindowInput = builder.inputType('MetricWindowInput', {
  description:
    "Which days to measure, as calendar days in the organization's time zone (`organization { timeZone }`). Give exactly one of `day`, `week`, `month`, `lastDays`, or `from` with `to`; at most 400 days.",
  fields: (t) => ({
    day: t.field({ type: 'Date', required: false, description: 'One day.' }),
    week: t.field({ type: 'Date', required: false, description: 'The ISO week (Monday to Sunday) containing this day.' }),
    month: t.string({ required: false, description: 'A calendar month, "YYYY-MM".', ...textMonth() }),
    from: t.field({ type: 'Date', required: false, description: 'First day of a range (with `to`).' }),
    to: t.field({ type: 'Date', required: false, description: 'Last day of a range, included (with `from`).' }),
    lastDays: t.int({
      required: false,
      description: 'The last n days, today included (today alone is 1).',
      extensions: { min: 1, max: MAX_WINDOW_DAYS },
    }),
  }),
});

function textMonth() {
  return { extensions: { trim: true, minLength: 7, maxLength: 7 } };
}

const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;

/** The window's first and last day; refuses an ambiguous, empty or too long window (VALIDATION on `field`). */
export function resolveWindow(w: WindowArgs, timeZone: string, now = new Date(), field = 'window'): Window {
  const given = [w.day, w.week, w.month, w.lastDays, w.from ?? w.to].filter((x) => x !== null && x !== undefined);
  if (given.length !== 1) throw invalid(field, `${field}: give exactly one of day, week, month, lastDays, or from with to`);
  if (w.day) return { from: dayString(w.day), to: dayString(w.day) };
  if (w.week) {
    const d = dayString(w.week);
    const monday = addDays(d, -((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7));
    return { from: monday, to: addDays(monday, 6) };
  }
  if (w.month) {
    const all = daysOfMonth(parseMonth(w.month, `${field}.month`));
    return { from: all[0], to: all[all.length - 1] };
  }
  if (w.lastDays) {
    const today = localDay(now, timeZone);
    return { from: addDays(today, 1 - w.lastDays), to: today };
  }
  if (!w.from || !w.to) throw invalid(field, `${field}: a range needs both from and to`);
  const r = { from: dayString(w.from), to: dayString(w.to) };
  if (r.from > r.to) throw invalid(`${field}.to`, `${field}.to: must not be before from`);
  if (days(r.from, r.to) > MAX_WINDOW_DAYS) throw invalid(`${field}.to`, `${field}: at most ${MAX_WINDOW_DAYS} days (got ${days(r.from, r.to)})`);
  return r;
}

/** The organization's time zone (days are counted in it). */
export async function timeZoneOf(deps: Pick<Context, 'db'>, orgId: string): Promise<string> {
  const org = await deps.db.organization.findUnique({ where: { id: orgId }, select: { timeZone: true } });
  return org?.timeZone ?? 'UTC';
}

export const WindowRef = builder.objectRef<Window>('MetricWindow').implement({
  description: "The days a metric covers, in the organization's time zone, both included.",
  fields: (t) => ({
    from: t.field({ type: 'Date', description: 'First day.', resolve: (w) => w.from }),
    to: t.field({ type: 'Date', description: 'Last day (included).', resolve: (w) => w.to }),
  }),
});
