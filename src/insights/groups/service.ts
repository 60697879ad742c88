// Group metrics from the rollups (migration 20261203000000_insight_rollups), usable without GraphQL.
// Additive numbers (orders, GMV, refunds, messages, joins…) are sums of InsightDay rows (a window's whole
// 8- and 64-day blocks read from InsightBlock, see blocks.ts); distinct
// numbers are exact: buyers and repeat buyers from InsightBuyerDay (net paid orders per buyer and
// day, summed over the window per buyer), active members from the fans' active days during their
// membership. A ranking sorts on one metric over every group, then computes the rest for its page.

import { addDays } from '../../checkins/days.js';
import type { Context } from '../../core/context.js';
import { readRows } from '../../core/reads/raw.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { CommunityKind } from '../../generated/prisma/enums.js';
import type { Window } from '../window.js';
import { dayNumber, dayOfNumber, splitWindow } from './blocks.js';
import { prefixCovers, prefixHorizon, prefixSums } from './prefix.js';

type Deps = Pick<Context, 'db'>;
export type Scope = 'O' | 'G' | 'K';
export type Granularity = 'DAY' | 'WEEK' | 'MONTH';

export interface Additive {
  orders: number;
  gmvCents: number;
  refunds: number;
  refundedCents: number;
  messages: number;
  joins: number;
  leaves: number;
  buyerShows: number;
  complaintsRaised: number;
  complaintsResolved: number;
}

export interface GroupMetrics extends Additive {
  window: Window;
  buyers: number;
  repeatBuyers: number;
  repeatPurchaseRate: number | null;
  averageOrderValueCents: number | null;
  activeMembers: number;
  membersAtStart: number;
  churnRate: number | null;
}

export const ZERO: Additive = {
  orders: 0,
  gmvCents: 0,
  refunds: 0,
  refundedCents: 0,
  messages: 0,
  joins: 0,
  leaves: 0,
  buyerShows: 0,
  complaintsRaised: 0,
  complaintsResolved: 0,
};
const d = (day: string) => Prisma.sql`${day}::date`;

/** The SQL expression of a day's bucket start (ISO weeks start on Monday), clipped to the window. */
export const bucketOf = (g: Granularity, col: Prisma.Sql, w: Window) =>
  g === 'DAY' ? col : Prisma.sql`GREATEST(date_trunc(${Prisma.raw(g === 'WEEK' ? "'week'" : "'month'")}, ${col})::date, ${d(w.from)})`;

const iso = (v: Date | string) => (typeof v === 'string' ? v.slice(0, 10) : v.toISOString().slice(0, 10));
const keyed = <T>(rows: (T & { k: string; b: Date | string })[]) => new Map(rows.map((r) => [`${r.k}|${iso(r.b)}`, r]));

export const SUMS = Prisma.sql`sum("orders")::int AS "orders", sum("gmvCents")::float8 AS "gmvCents", sum("refunds")::int AS "refunds",
  sum("refundedCents")::float8 AS "refundedCents", sum("messages")::int AS "messages", sum("joins")::int AS "joins", sum("leaves")::int AS "leaves",
  sum("buyerShows")::int AS "buyerShows", sum("complaintsRaised")::int AS "complaintsRaised", sum("complaintsResolved")::int AS "complaintsResolved"`;
const COUNTERS = Prisma.sql`"scopeId", "orders", "gmvCents", "refunds", "refundedCents", "messages", "joins", "leaves", "buyerShows", "complaintsRaised", "complaintsResolved"`;
const anyOf = (conditions: Prisma.Sql[]) => (conditions.length ? Prisma.join(conditions, ' OR ') : Prisma.sql`false`);

/**
 * The rollup rows whose sum is a window's additive counters: its whole 8- and 64-day blocks from
 * InsightBlock plus its edge days from InsightDay (blocks.ts). `only` narrows the scope ids.
 */
export function windowRows(orgId: string, scope: Scope, only: Prisma.Sql, w: Window) {
  const pieces = splitWindow(dayNumber(w.from), dayNumber(w.to));
  const days = pieces.filter((p) => p.level === 0).map((p) => Prisma.sql`"day" BETWEEN ${d(dayOfNumber(p.from))} AND ${d(dayOfNumber(p.to))}`);
  const blocks = pieces
    .filter((p) => p.level !== 0)
    .map((p) => Prisma.sql`("level" = ${p.level}::smallint AND "block" BETWEEN ${p.from} AND ${p.to})`);
  return Prisma.sql`
    SELECT ${COUNTERS} FROM "InsightDay" WHERE "orgId" = ${orgId} AND "scope" = ${scope} ${only} AND (${anyOf(days)})
    UNION ALL
    SELECT ${COUNTERS} FROM "InsightBlock" WHERE "orgId" = ${orgId} AND "scope" = ${scope} ${only} AND (${anyOf(blocks)})`;
}

/** Sums per (key, bucket). `all`: one key '*' over every scope id (a group kind's series). */
export async function additive(deps: Deps, orgId: string, scope: Scope, ids: string[] | null, w: Window, g: Granularity | null, all = false) {
  const k = all ? Prisma.sql`'*'` : Prisma.sql`"scopeId"`;
  const only = ids ? Prisma.sql`AND "scopeId" = ANY(${ids}::text[])` : Prisma.empty;
  if (!g) {
    // Named scopes (or the organization itself) read their running totals when the window allows.
    const keys = all ? null : ids ? Prisma.sql`SELECT unnest(${ids}::text[]) AS k` : scope === 'O' ? Prisma.sql`SELECT ${orgId}::text AS k` : null;
    const rows = await readRows<Additive & { k: string; b: Date }>(
      deps.db,
      keys && prefixCovers(await prefixHorizon(deps, orgId), w)
        ? Prisma.sql`SELECT s.*, ${d(w.from)} AS b FROM (${prefixSums(orgId, scope, keys, w)}) s`
        : Prisma.sql`
      SELECT ${k} AS k, ${d(w.from)} AS b, ${SUMS} FROM (${windowRows(orgId, scope, only, w)}) x GROUP BY 1, 2`,
    );
    return keyed(rows);
  }
  const rows = await readRows<Additive & { k: string; b: Date }>(
    deps.db,
    Prisma.sql`
    SELECT ${k} AS k, ${bucketOf(g, Prisma.sql`"day"`, w)} AS b, ${SUMS}
    FROM "InsightDay" WHERE "orgId" = ${orgId} AND "scope" = ${scope} ${only} AND "day" BETWEEN ${d(w.from)} AND ${d(w.to)}
    GROUP BY 1, 2`,
  );
  return keyed(rows);
}

/** Distinct buyers and repeat buyers (≥ 2 net paid orders in the bucket) per (key, bucket). */
export async function buyers(deps: Deps, orgId: string, scope: Scope, ids: string[] | null, w: Window, g: Granularity | null, all = false) {
  const k = all ? Prisma.sql`'*'` : Prisma.sql`"scopeId"`;
  const b = g ? bucketOf(g, Prisma.sql`"day"`, w) : d(w.from);
  const only = ids ? Prisma.sql`AND "scopeId" = ANY(${ids}::text[])` : Prisma.empty;
  const rows = await readRows<{ k: string; b: Date; buyers: number; repeatBuyers: number }>(
    deps.db,
    Prisma.sql`
    SELECT k, b, count(*) FILTER (WHERE n > 0)::int AS "buyers", count(*) FILTER (WHERE n >= 2)::int AS "repeatBuyers"
    FROM (SELECT ${k} AS k, ${b} AS b, "fanId", sum("orders") AS n FROM "InsightBuyerDay"
          WHERE "orgId" = ${orgId} AND "scope" = ${scope} ${only} AND "day" BETWEEN ${d(w.from)} AND ${d(w.to)}
          GROUP BY 1, 2, 3) per_buyer
    GROUP BY k, b`,
  );
  return keyed(rows);
}

/** Local calendar day of a stored UTC timestamp column. */
const localDate = (col: Prisma.Sql, tz: string) => Prisma.sql`((${col} AT TIME ZONE 'UTC') AT TIME ZONE ${tz})::date`;

/**
 * Members of the groups active in each bucket: a fan counts for a group on a day they were a member
 * (from their join day through their leave day, by the membership as recorded) and did anything.
 */
export async function activeMembers(deps: Deps, tz: string, ids: string[], w: Window, g: Granularity | null, all = false) {
  if (!ids.length) return new Map<string, { activeMembers: number }>();
  const lo = Prisma.sql`GREATEST(${d(w.from)}, ${localDate(Prisma.sql`m."joinedAt"`, tz)})`;
  const hi = Prisma.sql`LEAST(${d(w.to)}, COALESCE(${localDate(Prisma.sql`m."leftAt"`, tz)}, ${d(w.to)}))`;
  if (!g && !all) {
    // One window per group: a member counts once, so one index probe that stops at their first active day.
    const rows = await readRows<{ k: string; b: Date; activeMembers: number }>(
      deps.db,
      Prisma.sql`
      SELECT m."communityId" AS k, ${d(w.from)} AS b, count(*)::int AS "activeMembers"
      FROM "Membership" m
      WHERE m."communityId" = ANY(${ids}::text[])
        AND EXISTS (SELECT 1 FROM "InsightActiveDay" a WHERE a."fanId" = m."fanId" AND a."day" BETWEEN ${lo} AND ${hi})
      GROUP BY 1, 2`,
    );
    return keyed(rows);
  }
  const k = all ? Prisma.sql`'*'` : Prisma.sql`m."communityId"`;
  const b = g ? bucketOf(g, Prisma.sql`a."day"`, w) : d(w.from);
  const rows = await readRows<{ k: string; b: Date; activeMembers: number }>(
    deps.db,
    Prisma.sql`
    SELECT ${k} AS k, ${b} AS b, count(DISTINCT a."fanId")::int AS "activeMembers"
    FROM "Membership" m
    JOIN "InsightActiveDay" a ON a."fanId" = m."fanId" AND a."day" BETWEEN ${lo} AND ${hi}
    WHERE m."communityId" = ANY(${ids}::text[])
    GROUP BY 1, 2`,
  );
  return keyed(rows);
}

/** Fans of the organization active in each bucket. */
export async function activeFans(deps: Deps, orgId: string, w: Window, g: Granularity | null) {
  const b = g ? bucketOf(g, Prisma.sql`"day"`, w) : d(w.from);
  const rows = await readRows<{ k: string; b: Date; activeMembers: number }>(
    deps.db,
    Prisma.sql`
    SELECT ${orgId}::text AS k, ${b} AS b, count(DISTINCT "fanId")::int AS "activeMembers"
    FROM "InsightActiveDay" WHERE "orgId" = ${orgId} AND "day" BETWEEN ${d(w.from)} AND ${d(w.to)} GROUP BY 1, 2`,
  );
  return keyed(rows);
}

/**
 * Members at the start of each bucket: today's member count, less the joins and plus the leaves
 * recorded from that day on. Per key; `days` are the bucket starts.
 */
export async function membersAtStart(
  deps: Deps,
  orgId: string,
  scope: Scope,
  ids: string[] | null,
  memberCount: Map<string, number>,
  starts: string[],
  all = false,
) {
  const first = starts.reduce((a, b) => (a < b ? a : b));
  const k = all ? Prisma.sql`'*'` : Prisma.sql`"scopeId"`;
  const only = ids ? Prisma.sql`AND "scopeId" = ANY(${ids}::text[])` : Prisma.empty;
  const rows = await readRows<{ k: string; day: Date; net: number }>(
    deps.db,
    Prisma.sql`
    SELECT ${k} AS k, "day", sum("joins" - "leaves")::int AS net FROM "InsightDay"
    WHERE "orgId" = ${orgId} AND "scope" = ${scope} ${only} AND "day" >= ${d(first)} AND ("joins" <> 0 OR "leaves" <> 0)
    GROUP BY 1, 2`,
  );
  // Per key, the net joins from each day on (a suffix sum over the days, latest first): O(days + starts).
  const byKey = new Map<string, { day: string; net: number }[]>();
  for (const r of rows) byKey.get(r.k)?.push({ day: iso(r.day), net: r.net }) ?? byKey.set(r.k, [{ day: iso(r.day), net: r.net }]);
  const sorted = [...starts].sort().reverse();
  const out = new Map<string, number>();
  for (const [key, count] of memberCount) {
    const days = (byKey.get(key) ?? []).sort((a, b) => (a.day < b.day ? 1 : -1));
    let i = 0;
    let since = 0;
    for (const s of sorted) {
      while (i < days.length && days[i].day >= s) since += days[i++].net;
      out.set(`${key}|${s}`, count - since);
    }
  }
  return out;
}

/** The bucket starts of a window (clipped to it). */
export function bucketStarts(w: Window, g: Granularity): string[] {
  const out: string[] = [];
  for (let day = w.from; day <= w.to; day = addDays(day, 1)) {
    const start = g === 'DAY' ? day : g === 'WEEK' ? addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7)) : `${day.slice(0, 7)}-01`;
    const clipped = start < w.from ? w.from : start;
    if (out[out.length - 1] !== clipped) out.push(clipped);
  }
  return out;
}

/** The last day of the bucket starting at `start` (clipped to the window). */
export function bucketEnd(w: Window, g: Granularity, start: string, next: string | undefined): string {
  return next ? addDays(next, -1) : w.to;
}

/**
 * Puts the pieces of one (key, bucket) together, with the derived rates. One object literal, no spreads:
 * a ranking calls this for every group of the organization.
 */
export function combine(
  window: Window,
  a: Additive | undefined,
  b: { buyers: number; repeatBuyers: number } | undefined,
  active: number,
  atStart: number,
): GroupMetrics {
  const orders = a ? Number(a.orders ?? 0) : 0;
  const gmvCents = a ? Number(a.gmvCents ?? 0) : 0;
  const joins = a ? Number(a.joins ?? 0) : 0;
  const leaves = a ? Number(a.leaves ?? 0) : 0;
  const buyerCount = b?.buyers ?? 0;
  const repeat = b?.repeatBuyers ?? 0;
  const base = atStart + joins;
  return {
    orders,
    gmvCents,
    refunds: a ? Number(a.refunds ?? 0) : 0,
    refundedCents: a ? Number(a.refundedCents ?? 0) : 0,
    messages: a ? Number(a.messages ?? 0) : 0,
    joins,
    leaves,
    buyerShows: a ? Number(a.buyerShows ?? 0) : 0,
    complaintsRaised: a ? Number(a.complaintsRaised ?? 0) : 0,
    complaintsResolved: a ? Number(a.complaintsResolved ?? 0) : 0,
    window,
    buyers: buyerCount,
    repeatBuyers: repeat,
    repeatPurchaseRate: buyerCount ? repeat / buyerCount : null,
    averageOrderValueCents: orders ? gmvCents / orders : null,
    activeMembers: active,
    membersAtStart: atStart,
    churnRate: base > 0 ? leaves / base : null,
  };
}

/** Groups of the organization (optionally of some kinds) with their current member counts. */
export async function groupsOf(deps: Deps, orgId: string, kinds?: CommunityKind[] | null, ids?: string[]) {
  return deps.db.community.findMany({
    where: { orgId, ...(kinds?.length ? { kind: { in: kinds } } : {}), ...(ids ? { id: { in: ids } } : {}) },
    select: { id: true, memberCount: true },
    orderBy: { id: 'asc' },
  });
}
