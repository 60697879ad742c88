// Intimacy from sources that are capped per fan per day (the organization's calendar day): messages
// (1 point each, at most 20 a day) and likes (1 point per 10 likes, at most 10 a day). The day's counts
// live in FanIntimacyDay; adding to them is one upsert whose RETURNING gives each row's new counts, so
// the points a batch earns are "capped(after) − capped(before)" — however the day's messages or likes are
// split into batches, and whichever batch commits first (the upsert's row lock orders concurrent ones).
import type { RawSql } from '../core/sql-tx.js';
import { Prisma } from '../generated/prisma/client.js';

export const DAILY_INTIMACY = { MESSAGE_POINTS_CAP: 20, LIKES_PER_POINT: 10, LIKE_POINTS_CAP: 10 } as const;

export interface DailyCount {
  orgId: string;
  fanId: string;
  /** The organization's calendar day, as a UTC-midnight Date. */
  day: Date;
  messages: number;
  likes: number;
}

const ymd = (day: Date) => day.toISOString().slice(0, 10);
const messagePoints = (n: number) => Math.min(n, DAILY_INTIMACY.MESSAGE_POINTS_CAP);
const likePoints = (n: number) => Math.min(Math.floor(n / DAILY_INTIMACY.LIKES_PER_POINT), DAILY_INTIMACY.LIKE_POINTS_CAP);

// Building an Intl.DateTimeFormat costs tens of microseconds and the like path asks for every batch:
// one per time zone, kept (an organization's zone is one of a few hundred IANA names).
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day an instant falls on in a time zone, as a UTC-midnight Date. */
export function dayOf(timeZone: string, at: Date): Date {
  let format = dayFormats.get(timeZone);
  if (!format) dayFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const ymd = format.format(at);
  return new Date(`${ymd}T00:00:00.000Z`);
}

/** Records the counts and answers the intimacy each fan earns by them now, under the day caps. */
export async function earnCappedIntimacy(tx: RawSql, counts: DailyCount[]): Promise<Map<string, number>> {
  // One row per fan and day (an upsert may not touch a row twice), in key order (lock order).
  const merged = new Map<string, DailyCount>();
  for (const c of counts) {
    const key = `${c.fanId}\u0000${c.day.toISOString()}`;
    const m = merged.get(key);
    if (m) {
      m.messages += c.messages;
      m.likes += c.likes;
    } else merged.set(key, { ...c });
  }
  const earned = new Map<string, number>();
  if (!merged.size) return earned;
  const rows = [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, c]) => c);
  const values = rows.map((c) => Prisma.sql`(${c.fanId}, ${ymd(c.day)}::date, ${c.orgId}, ${c.messages}::int, ${c.likes}::int)`);
  const after = await tx.$queryRaw<{ fanId: string; day: string; messages: number; likes: number }[]>`
    INSERT INTO "FanIntimacyDay" ("fanId", "day", "orgId", "messages", "likes") VALUES ${Prisma.join(values)}
    ON CONFLICT ("fanId", "day") DO UPDATE
      SET "messages" = "FanIntimacyDay"."messages" + EXCLUDED."messages", "likes" = "FanIntimacyDay"."likes" + EXCLUDED."likes"
    RETURNING "fanId", "day"::text AS "day", "messages", "likes"`;
  const added = new Map(rows.map((c) => [`${c.fanId}\u0000${ymd(c.day)}`, c]));
  for (const r of after) {
    const c = added.get(`${r.fanId}\u0000${r.day}`)!;
    const [m, l] = [Number(r.messages), Number(r.likes)];
    const points = messagePoints(m) - messagePoints(m - c.messages) + likePoints(l) - likePoints(l - c.likes);
    earned.set(r.fanId, (earned.get(r.fanId) ?? 0) + points);
  }
  return earned;
}
