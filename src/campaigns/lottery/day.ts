// The calendar day an instant falls on in an organization's time zone, as a UTC-midnight Date
// (how Prisma carries a @db.Date column). Caps "per day" mean the organization's day, not UTC's.
export function dayIn(timeZone: string, at: Date): Date {
  const ymd = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  return new Date(`${ymd}T00:00:00.000Z`);
}

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** ISO weekday (1 Monday … 7 Sunday) of a day as dayIn gives it. */
export const isoWeekday = (day: Date) => ((day.getUTCDay() + 6) % 7) + 1;

/** The first day on or after `from` (a dayIn day) that falls on ISO weekday `weekday`. */
export function nextWeekday(from: Date, weekday: number): Date {
  const ahead = (weekday - isoWeekday(from) + 7) % 7;
  return new Date(from.getTime() + ahead * 86_400_000);
}
