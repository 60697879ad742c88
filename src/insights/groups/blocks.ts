// A window of days read as few rollup rows as possible: its whole 64-day blocks and 8-day blocks from
// InsightBlock (migration 20261206000500_insight_day_blocks, blocks aligned on 1970-01-01) and its edge
// days from InsightDay. 90 days are at most 1 + 14 + 14 rows per scope, usually about 20; a year ≈ 25.

const EPOCH = Date.UTC(1970, 0, 1);
const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a YYYY-MM-DD day. */
export const dayNumber = (day: string) => Math.round((Date.parse(`${day}T00:00:00Z`) - EPOCH) / DAY_MS);
/** The YYYY-MM-DD day of a day number. */
export const dayOfNumber = (n: number) => new Date(EPOCH + n * DAY_MS).toISOString().slice(0, 10);

/** Inclusive range of days (level 0) or of blocks of 2^level days. */
export interface Piece {
  level: 0 | 3 | 6;
  from: number;
  to: number;
}

/** Splits the inclusive day range [from, to] into whole blocks of the largest level first, then smaller, then days. */
export function splitWindow(from: number, to: number, levels: (3 | 6)[] = [6, 3]): Piece[] {
  if (from > to) return [];
  const [level, ...smaller] = levels;
  if (level === undefined) return [{ level: 0, from, to }];
  const size = 2 ** level;
  const first = Math.ceil(from / size);
  const last = Math.floor((to + 1) / size) - 1;
  if (first > last) return splitWindow(from, to, smaller);
  return [...splitWindow(from, first * size - 1, smaller), { level, from: first, to: last }, ...splitWindow((last + 1) * size, to, smaller)];
}
