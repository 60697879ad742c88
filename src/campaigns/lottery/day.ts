// The calendar day an instant falls on in an organization's time zone, as a UTC-midnight Date
// (how Prisma carries a @db.Date column). Caps "per day" mean the organization's day, not UTC's.
export function dayIn(timeZone: string, at: Date): Date {
  const ymd = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  return new Date(`${ymd}T00:00:00.000Z`);
}
