// KOC metrics: what each key opinion consumer drives. Orders attributed to a KOC (Order.kocId) roll up
// under scope 'K' like a group's; "members reached" are the other current members of the groups where
// the fan is a current KOC member; the brief's qualification is 200 distinct ordering fans.
import { Prisma } from '../../generated/prisma/client.js';
import type { Context } from '../../core/context.js';
import type { Window } from '../window.js';
import { additive, buyers, ZERO, type Additive } from '../groups/service.js';

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

/** A window's local days as UTC instants [start, end) for the Order index. */
const utcBounds = (w: Window, tz: string) => ({
  start: Prisma.sql`((${w.from}::date)::timestamp AT TIME ZONE ${tz}) AT TIME ZONE 'UTC'`,
  end: Prisma.sql`(((${w.to}::date) + 1)::timestamp AT TIME ZONE ${tz}) AT TIME ZONE 'UTC'`,
});

/** Per KOC: the groups they are a KOC of, the other members there, and how many of those ordered in the window. */
async function reach(deps: Deps, orgId: string, tz: string, kocIds: string[] | null, w: Window, withOrdered: boolean) {
  const only = kocIds ? Prisma.sql`AND k."fanId" = ANY(${kocIds}::text[])` : Prisma.empty;
  const { start, end } = utcBounds(w, tz);
  const ordered = withOrdered
    ? Prisma.sql`count(DISTINCT m."fanId") FILTER (WHERE EXISTS (SELECT 1 FROM "Order" o WHERE o."fanId" = m."fanId" AND o."status" = 'PAID' AND o."placedAt" >= ${start} AND o."placedAt" < ${end}))::int`
    : Prisma.sql`0`;
  const rows = await deps.db.$queryRaw<{ fanId: string; groups: number; reached: number; ordered: number }[]>`
    SELECT k."fanId", count(DISTINCT k."communityId")::int AS groups, count(DISTINCT m."fanId")::int AS reached, ${ordered} AS ordered
    FROM "Membership" k
    LEFT JOIN "Membership" m ON m."communityId" = k."communityId" AND m."leftAt" IS NULL AND m."fanId" <> k."fanId"
    WHERE k."orgId" = ${orgId} AND k."role" = 'KOC' AND k."leftAt" IS NULL ${only}
    GROUP BY k."fanId"`;
  return new Map(rows.map((r) => [r.fanId, r]));
}

/** Every metric of the given KOCs over the window. */
export async function kocMetricsOf(deps: Deps, orgId: string, tz: string, kocIds: string[], w: Window): Promise<Map<string, KocMetrics>> {
  if (!kocIds.length) return new Map();
  const [sums, buyerRows, reached] = await Promise.all([
    additive(deps, orgId, 'K', kocIds, w, null),
    buyers(deps, orgId, 'K', kocIds, w, null),
    reach(deps, orgId, tz, kocIds, w, true),
  ]);
  return new Map(kocIds.map((id) => [id, build(w, id, sums.get(`${id}|${w.from}`), buyerRows.get(`${id}|${w.from}`), reached.get(id))]));
}

function build(w: Window, fanId: string, a: Additive | undefined, b: { buyers: number; repeatBuyers: number } | undefined, r: { groups: number; reached: number; ordered: number } | undefined): KocMetrics {
  const s = { ...ZERO, ...(a ?? {}) };
  const orders = Number(s.orders), gmvCents = Number(s.gmvCents);
  const orderingFans = b?.buyers ?? 0;
  return {
    window: w, fanId, orders, gmvCents, refunds: Number(s.refunds), refundedCents: Number(s.refundedCents),
    orderingFans, repeatBuyers: b?.repeatBuyers ?? 0, averageOrderValueCents: orders ? gmvCents / orders : null,
    groups: r?.groups ?? 0, membersReached: r?.reached ?? 0, membersWhoOrdered: r?.ordered ?? 0, qualified: orderingFans >= KOC_QUALIFYING_FANS,
  };
}

/**
 * The leaderboard: every KOC — a fan marked as KOC, a current KOC member of a group, or anyone with
 * orders attributed in the window — ranked by one metric (ties by fan id); the page gets every metric.
 */
export async function kocLeaderboard(deps: Deps, orgId: string, tz: string, w: Window, args: { sortBy: KocMetricField; descending: boolean; first: number; offset: number }) {
  const [sums, marked, reached] = await Promise.all([
    additive(deps, orgId, 'K', null, w, null),
    deps.db.fan.findMany({ where: { orgId, isKoc: true }, select: { id: true } }),
    reach(deps, orgId, tz, null, w, args.sortBy === 'MEMBERS_WHO_ORDERED'),
  ]);
  const ids = [...new Set([...[...sums.values()].map((s) => s.k), ...marked.map((f) => f.id), ...reached.keys()])];
  let value: (id: string) => number;
  if (args.sortBy === 'ORDERING_FANS') {
    const b = await buyers(deps, orgId, 'K', null, w, null);
    value = (id) => b.get(`${id}|${w.from}`)?.buyers ?? 0;
  } else if (args.sortBy === 'MEMBERS_REACHED') value = (id) => reached.get(id)?.reached ?? 0;
  else if (args.sortBy === 'MEMBERS_WHO_ORDERED') value = (id) => reached.get(id)?.ordered ?? 0;
  else value = (id) => Number(sums.get(`${id}|${w.from}`)?.[args.sortBy === 'ORDERS' ? 'orders' : 'gmvCents'] ?? 0);
  const order = ids.map((id) => ({ id, v: value(id) })).sort((a, b) => (a.v !== b.v ? (args.descending ? b.v - a.v : a.v - b.v) : a.id < b.id ? -1 : 1));
  const page = order.slice(args.offset, args.offset + args.first).map((o) => o.id);
  const metrics = await kocMetricsOf(deps, orgId, tz, page, w);
  return { totalCount: ids.length, rows: page.map((id, i) => ({ rank: args.offset + i + 1, metrics: metrics.get(id)! })) };
}
