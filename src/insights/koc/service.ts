// KOC metrics: what each key opinion consumer drives. Orders attributed to a KOC (Order.kocId) roll up
// under scope 'K' like a group's; "members reached" are the other current members of the groups where
// the fan is a current KOC member; the brief's qualification is 200 distinct ordering fans.

import type { Context } from '../../core/context.js';
import { Prisma } from '../../generated/prisma/client.js';
import { fastBuyers } from '../groups/distinct.js';
import { type Additive, additive, ZERO } from '../groups/service.js';
import type { Window } from '../window.js';
import { KOC_COUNTER_SORT, type KocCounterSort, rankedKocsByCounter } from './ranked.js';

type Deps = Pick<Context, 'db'>;

/** Distinct ordering fans a KOC needs to qualify (the brief: at least 200). */
export const KOC_QUALIFYING_FANS = 200;

export interface KocMetrics extends Pick<Additive, 'orders' | 'gmvCents' | 'refunds' | 'refundedCents'> {
  window: Window;
  fanId: string;
  orderingFans: number;
  repeatBuyers: number;
  averageOrderValueCents: number | null;
  groups: number;
  membersReached: number;
  membersWhoOrdered: number;
  qualified: boolean;
}

export const KOC_METRIC_FIELDS = ['GMV_CENTS', 'ORDERS', 'ORDERING_FANS', 'MEMBERS_REACHED', 'MEMBERS_WHO_ORDERED'] as const;
export type KocMetricField = (typeof KOC_METRIC_FIELDS)[number];

/**
 * Per KOC: the groups they are a current KOC member of, the other current members there, and how many
 * of those placed a paid order in the window. A KOC is a member of each of their groups, so the others
 * are the union of those groups' members less the KOC; KOCs with the same groups (usually many share
 * one KOC group) share one count, which keeps a large group from being counted once per KOC.
 */
async function reach(deps: Deps, orgId: string, tz: string, kocIds: string[] | null, w: Window, withOrdered: boolean) {
  const only = kocIds ? Prisma.sql`AND "fanId" = ANY(${kocIds}::text[])` : Prisma.empty;
  // Fans with a net paid order in the window: from their latest buying day (InsightRecency) when no fan
  // of the organization bought after the window (every window ending today), else from the buyer days.
  const [kocs, [{ later }]] = await Promise.all([
    deps.db.$queryRaw<{ fanId: string; groups: string[] }[]>`
      SELECT "fanId", array_agg("communityId" ORDER BY "communityId") AS groups FROM "Membership"
      WHERE "orgId" = ${orgId} AND "role" = 'KOC' AND "leftAt" IS NULL ${only} GROUP BY "fanId"`,
    deps.db.$queryRaw<{ later: number }[]>`
      SELECT COALESCE(sum("lastBuyers"), 0)::int AS later FROM "InsightDistinctDay"
      WHERE "orgId" = ${orgId} AND "scope" = 'O' AND "scopeId" = ${orgId} AND "day" > ${w.to}::date AND "lastBuyers" <> 0`,
  ]);
  const buyersCte = later
    ? Prisma.sql`SELECT "fanId" FROM "InsightBuyerDay" WHERE "orgId" = ${orgId} AND "scope" = 'O' AND "scopeId" = ${orgId}
        AND "day" BETWEEN ${w.from}::date AND ${w.to}::date GROUP BY "fanId" HAVING sum("orders") > 0`
    : Prisma.sql`SELECT "fanId" FROM "InsightRecency" WHERE "scope" = 'O' AND "scopeId" = ${orgId} AND "buyDay" BETWEEN ${w.from}::date AND ${w.to}::date`;
  const sets = [...new Map<string, string[]>(kocs.map((k) => [k.groups.join(','), k.groups])).entries()];
  const unions = new Map<string, { members: number; ordered: number }>();
  const selfOrdered = new Set<string>();
  if (sets.length) {
    // The members who bought, per member's mask: with nothing bought after the window, from each current
    // membership's latest buying day (InsightMemberBuy, an index range per group); else joined with the buyers.
    const ordered = !withOrdered
      ? Prisma.sql`SELECT NULL::bigint AS mask, 0::bigint AS n WHERE false`
      : later
        ? Prisma.sql`SELECT f.mask, count(*) AS n FROM f JOIN (${buyersCte}) b ON b."fanId" = f."fanId" GROUP BY 1`
        : Prisma.sql`SELECT mask, count(*) AS n FROM (
            SELECT r."fanId", bit_or(g.mask) AS mask FROM g JOIN "InsightMemberBuy" r ON r."communityId" = g.c
            AND r."buyDay" BETWEEN ${w.from}::date AND ${w.to}::date GROUP BY r."fanId") o GROUP BY 1`;
    // Sets in chunks of 62: each group gets a bitmask of the chunk's sets it belongs to, each current
    // member the OR of their groups' masks (one hash pass over the groups' memberships, not one per set);
    // members are counted per mask, and a set sums the counts whose mask has its bit. The counts are
    // MATERIALIZED: inlined into the per-set subqueries, PostgreSQL re-aggregated every member once per
    // set (a leaderboard page: 20 passes over ~50k memberships, 310 ms against 93 ms at 300k fans).
    const chunks = Array.from({ length: Math.ceil(sets.length / 62) }, (_, i) => sets.slice(i * 62, i * 62 + 62));
    const counted = chunks.map((chunk, n) => {
      const bits = chunk.flatMap(([, groups], i) => groups.map(() => i));
      // (Planned as expensive; the pool runs without JIT, src/core/db.ts.)
      return deps.db.$queryRaw<{ s: number; members: number; ordered: number }[]>`
        WITH sig(s, c) AS (SELECT * FROM unnest(${bits}::int[], ${chunk.flatMap(([, g]) => g)}::text[])),
             g AS (SELECT c, bit_or(1::bigint << s) AS mask FROM sig GROUP BY c),
             f AS (SELECT m."fanId", bit_or(g.mask) AS mask FROM g JOIN "Membership" m ON m."communityId" = g.c AND m."leftAt" IS NULL GROUP BY m."fanId"),
             fm AS MATERIALIZED (SELECT mask, count(*) AS n FROM f GROUP BY 1),
             fo AS MATERIALIZED (${ordered})
        SELECT ${n * 62}::int + x.s AS s,
          (SELECT COALESCE(sum(n), 0) FROM fm WHERE fm.mask & (1::bigint << x.s) <> 0)::int AS members,
          (SELECT COALESCE(sum(n), 0) FROM fo WHERE fo.mask & (1::bigint << x.s) <> 0)::int AS ordered
        FROM (SELECT DISTINCT s FROM sig) x`;
    });
    const [rows, self] = await Promise.all([
      Promise.all(counted).then((r) => r.flat()),
      withOrdered
        ? deps.db.$queryRaw<
            { fanId: string }[]
          >`WITH b AS (${buyersCte}) SELECT "fanId" FROM b WHERE "fanId" = ANY(${kocs.map((k) => k.fanId)}::text[])`
        : Promise.resolve([]),
    ]);
    for (const r of rows) unions.set(sets[r.s][0], { members: r.members, ordered: r.ordered });
    for (const r of self) selfOrdered.add(r.fanId);
  }
  return new Map(
    kocs.map((k) => {
      const u = unions.get(k.groups.join(',')) ?? { members: 1, ordered: 0 };
      return [k.fanId, { groups: k.groups.length, reached: u.members - 1, ordered: u.ordered - (selfOrdered.has(k.fanId) ? 1 : 0) }];
    }),
  );
}

/** Every metric of the given KOCs over the window. */
export async function kocMetricsOf(
  deps: Deps,
  orgId: string,
  tz: string,
  kocIds: string[],
  w: Window,
  known?: Map<string, Additive>,
): Promise<Map<string, KocMetrics>> {
  if (!kocIds.length) return new Map();
  const [sums, buyerRows, reached] = await Promise.all([
    known ?? additive(deps, orgId, 'K', kocIds, w, null),
    fastBuyers(deps, orgId, 'K', kocIds, w, null),
    reach(deps, orgId, tz, kocIds, w, true),
  ]);
  return new Map(kocIds.map((id) => [id, build(w, id, sums.get(`${id}|${w.from}`), buyerRows.get(`${id}|${w.from}`), reached.get(id))]));
}

function build(
  w: Window,
  fanId: string,
  a: Additive | undefined,
  b: { buyers: number; repeatBuyers: number } | undefined,
  r: { groups: number; reached: number; ordered: number } | undefined,
): KocMetrics {
  const s = { ...ZERO, ...(a ?? {}) };
  const orders = Number(s.orders),
    gmvCents = Number(s.gmvCents);
  const orderingFans = b?.buyers ?? 0;
  return {
    window: w,
    fanId,
    orders,
    gmvCents,
    refunds: Number(s.refunds),
    refundedCents: Number(s.refundedCents),
    orderingFans,
    repeatBuyers: b?.repeatBuyers ?? 0,
    averageOrderValueCents: orders ? gmvCents / orders : null,
    groups: r?.groups ?? 0,
    membersReached: r?.reached ?? 0,
    membersWhoOrdered: r?.ordered ?? 0,
    qualified: orderingFans >= KOC_QUALIFYING_FANS,
  };
}

/**
 * The leaderboard: every KOC — a fan marked as KOC, a current KOC member of a group, or anyone with
 * orders attributed in the window — ranked by one metric (ties by fan id); the page gets every metric.
 * GMV and orders are sorted in SQL (ranked.ts); distinct and reach counts here.
 */
export async function kocLeaderboard(
  deps: Deps,
  orgId: string,
  tz: string,
  w: Window,
  args: { sortBy: KocMetricField; descending: boolean; first: number; offset: number },
) {
  if (args.sortBy in KOC_COUNTER_SORT) {
    const ranked = await rankedKocsByCounter(deps, orgId, w, { ...args, sortBy: args.sortBy as KocCounterSort });
    const known = new Map(ranked.rows.map((r) => [`${r.id}|${w.from}`, r.sums] as const));
    const metrics = await kocMetricsOf(
      deps,
      orgId,
      tz,
      ranked.rows.map((r) => r.id),
      w,
      known,
    );
    return { totalCount: ranked.totalCount, rows: ranked.rows.map((r, i) => ({ rank: args.offset + i + 1, metrics: metrics.get(r.id)! })) };
  }
  const byReach = args.sortBy === 'MEMBERS_REACHED' || args.sortBy === 'MEMBERS_WHO_ORDERED';
  const [sums, marked, members, reached] = await Promise.all([
    additive(deps, orgId, 'K', null, w, null),
    deps.db.fan.findMany({ where: { orgId, isKoc: true }, select: { id: true } }),
    deps.db.$queryRaw<
      { fanId: string }[]
    >`SELECT DISTINCT "fanId" FROM "Membership" WHERE "orgId" = ${orgId} AND "role" = 'KOC' AND "leftAt" IS NULL`,
    byReach
      ? reach(deps, orgId, tz, null, w, args.sortBy === 'MEMBERS_WHO_ORDERED')
      : Promise.resolve(new Map<string, { groups: number; reached: number; ordered: number }>()),
  ]);
  const ids = [...new Set([...[...sums.values()].map((s) => s.k), ...marked.map((f) => f.id), ...members.map((m) => m.fanId)])];
  let value: (id: string) => number;
  if (args.sortBy === 'ORDERING_FANS') {
    const b = await fastBuyers(deps, orgId, 'K', null, w, null);
    value = (id) => b.get(`${id}|${w.from}`)?.buyers ?? 0;
  } else if (args.sortBy === 'MEMBERS_REACHED') value = (id) => reached.get(id)?.reached ?? 0;
  else if (args.sortBy === 'MEMBERS_WHO_ORDERED') value = (id) => reached.get(id)?.ordered ?? 0;
  else value = (id) => Number(sums.get(`${id}|${w.from}`)?.[args.sortBy === 'ORDERS' ? 'orders' : 'gmvCents'] ?? 0);
  const order = ids
    .map((id) => ({ id, v: value(id) }))
    .sort((a, b) => (a.v !== b.v ? (args.descending ? b.v - a.v : a.v - b.v) : a.id < b.id ? -1 : 1));
  const page = order.slice(args.offset, args.offset + args.first).map((o) => o.id);
  const metrics = await kocMetricsOf(deps, orgId, tz, page, w);
  return { totalCount: ids.length, rows: page.map((id, i) => ({ rank: args.offset + i + 1, metrics: metrics.get(id)! })) };
}
