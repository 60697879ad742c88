// Cohorts: members by the week they joined, and the share of each cohort active in every week since.
// Organization: a fan joins the private domain when their Fan row is created (createdAt); active means
// any event they caused (except leaving a group) or any order they placed, anywhere. Group: a member
// joins at Membership.joinedAt (members who left since stay in their cohort); active means an event in
// that group or an order attributed to it. Weeks run Monday to Sunday in the organization's time zone;
// week 0 is the join week. Only weeks that have started are reported.
// Reads FanActivityWeek (kept by triggers, see migration 20261203000200_fan_activity_weeks): a cohort
// costs one key lookup per member and week, whatever the volume of events.

import type { Db } from '../../core/db.js';
import { Prisma } from '../../generated/prisma/client.js';

export interface CohortWeek {
  week: number;
  activeMembers: number;
  share: number;
}

export interface Cohort {
  /** Monday of the join week (YYYY-MM-DD, the organization's calendar). */
  weekStart: string;
  members: number;
  weeks: CohortWeek[];
}

export interface CohortQuery {
  /** Any day of the first cohort's week. */
  since: Date;
  /** How many consecutive join weeks. */
  cohorts: number;
  /** How many weeks after the join week to report (week 0 is always included). */
  followingWeeks: number;
  communityId?: string | null;
}

const DAY = 86_400_000;
const iso = (d: Date) => d.toISOString().slice(0, 10);

export async function fanCohorts(db: Db, orgId: string, q: CohortQuery, now = new Date()): Promise<Cohort[]> {
  const org = await db.organization.findUniqueOrThrow({ where: { id: orgId }, select: { timeZone: true } });
  const tz = org.timeZone;
  // The first Monday, and today, in the organization's calendar.
  const [{ first, today }] = await db.$queryRaw<{ first: Date; today: Date }[]>`
    SELECT date_trunc('week', ${iso(q.since)}::date)::date AS first,
           ((${now.toISOString()}::timestamptz) AT TIME ZONE ${tz})::date AS today`;
  const end = new Date(first.getTime() + q.cohorts * 7 * DAY);
  // Join-week bounds as the UTC wall times our TIMESTAMP(3) columns hold.
  const bound = (d: Date) => Prisma.sql`((${iso(d)}::timestamp AT TIME ZONE ${tz}) AT TIME ZONE 'UTC')`;
  const localWeek = (col: Prisma.Sql) => Prisma.sql`date_trunc('week', (${col} AT TIME ZONE 'UTC') AT TIME ZONE ${tz})::date`;
  const scope = q.communityId ?? '';
  const members = q.communityId
    ? Prisma.sql`SELECT m."fanId", ${localWeek(Prisma.sql`m."joinedAt"`)} AS cohort FROM "Membership" m
        WHERE m."communityId" = ${q.communityId} AND m."orgId" = ${orgId} AND m."joinedAt" >= ${bound(first)} AND m."joinedAt" < ${bound(end)}`
    : Prisma.sql`SELECT f."id" AS "fanId", ${localWeek(Prisma.sql`f."createdAt"`)} AS cohort FROM "Fan" f
        WHERE f."orgId" = ${orgId} AND f."createdAt" >= ${bound(first)} AND f."createdAt" < ${bound(end)}`;
  const rows = await db.$queryRaw<{ cohort: Date; offset: number | null; n: number }[]>`
    WITH members AS (${members})
    SELECT c.cohort, NULL::int AS "offset", count(*)::int AS n FROM members c GROUP BY c.cohort
    UNION ALL
    SELECT c.cohort, ((a."week" - c.cohort) / 7)::int AS "offset", count(*)::int AS n
    FROM members c
    JOIN "FanActivityWeek" a ON a."fanId" = c."fanId" AND a."communityId" = ${scope}
      AND a."week" >= c.cohort AND a."week" <= c.cohort + ${q.followingWeeks * 7}::int
    GROUP BY 1, 2`;
  const size = new Map<number, number>();
  const active = new Map<string, number>();
  for (const r of rows) {
    if (r.offset === null) size.set(r.cohort.getTime(), r.n);
    else active.set(`${r.cohort.getTime()}:${r.offset}`, r.n);
  }
  const cohorts: Cohort[] = [];
  for (let start = first.getTime(); start < end.getTime() && start <= today.getTime(); start += 7 * DAY) {
    const members = size.get(start) ?? 0;
    const weeks: CohortWeek[] = [];
    for (let k = 0; k <= q.followingWeeks && start + k * 7 * DAY <= today.getTime(); k++) {
      const activeMembers = active.get(`${start}:${k}`) ?? 0;
      weeks.push({ week: k, activeMembers, share: members ? activeMembers / members : 0 });
    }
    cohorts.push({ weekStart: iso(new Date(start)), members, weeks });
  }
  return cohorts;
}
