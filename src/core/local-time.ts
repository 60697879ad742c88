// Wall-clock times ("HH:MM") in an organization's time zone and the instants they name, DST included,
// with Intl only: session reminder times ("10:00 on the session day") and quiet hours use them.

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after local midnight of "HH:MM", or null when it is not a 24-hour time. */
export function minutesOfDay(time: string): number | null {
  const m = HHMM.exec(time);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

function parts(at: Date, timeZone: string) {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return { y: Number(p.year), mo: Number(p.month), d: Number(p.day), h: Number(p.hour), mi: Number(p.minute), s: Number(p.second) };
}

/** The calendar day (YYYY-MM-DD) of an instant in a time zone. */
export function zonedDay(at: Date, timeZone: string): string {
  const { y, mo, d } = parts(at, timeZone);
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Local minutes after midnight of an instant in a time zone. */
export function zonedMinutes(at: Date, timeZone: string): number {
  const { h, mi } = parts(at, timeZone);
  return h * 60 + mi;
}

const offsetMs = (t: number, timeZone: string) => {
  const { y, mo, d, h, mi, s } = parts(new Date(t), timeZone);
  return Date.UTC(y, mo - 1, d, h, mi, s) - Math.floor(t / 1000) * 1000;
};

/** The instant at which the clocks of `timeZone` show `time` ("HH:MM") on `day` (YYYY-MM-DD). */
export function zonedInstant(day: string, time: string, timeZone: string): Date {
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  const minutes = minutesOfDay(time);
  if (minutes == null) throw new Error(`zonedInstant: not a time "${time}"`);
  const wall = Date.UTC(y, mo - 1, d, Math.floor(minutes / 60), minutes % 60);
  // Twice: the offset at the first guess may differ from the offset at the answer across a DST change.
  const guess = wall - offsetMs(wall, timeZone);
  return new Date(wall - offsetMs(guess, timeZone));
}

/** The day after `day` (YYYY-MM-DD). */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * When quiet hours [start, end) that contain `at` end (the next local `end` after it), or null when
 * `at` is outside them. start > end crosses midnight (22:00–08:00); start = end means none.
 */
export function quietHoursEnd(at: Date, quiet: { start: string; end: string } | null, timeZone: string): Date | null {
  if (!quiet) return null;
  const s = minutesOfDay(quiet.start);
  const e = minutesOfDay(quiet.end);
  if (s == null || e == null || s === e) return null;
  const m = zonedMinutes(at, timeZone);
  const inside = s < e ? m >= s && m < e : m >= s || m < e;
  if (!inside) return null;
  const day = zonedDay(at, timeZone);
  const sameDay = zonedInstant(day, quiet.end, timeZone);
  return sameDay > at ? sameDay : zonedInstant(nextDay(day), quiet.end, timeZone);
}
