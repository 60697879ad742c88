// Calendar days in an organization's time zone. "Today" for a check-in is the organization's day,
// not the server's: 23:30 UTC is already the next morning in Asia/Shanghai.

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (YYYY-MM-DD) an instant falls on in the time zone. */
export function localDay(at: Date, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** A day as the value of a DATE column (midnight UTC). */
export const dayValue = (day: string) => new Date(`${day}T00:00:00.000Z`);

/** YYYY-MM-DD of a DATE column value. */
export const dayString = (value: Date) => value.toISOString().slice(0, 10);

export function addDays(day: string, n: number): string {
  return dayString(new Date(dayValue(day).getTime() + n * 86_400_000));
}

/** Every day of a month "YYYY-MM". */
export function daysOfMonth(month: string): string[] {
  const [y, m] = month.split('-').map(Number);
  const count = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return Array.from({ length: count }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`);
}
