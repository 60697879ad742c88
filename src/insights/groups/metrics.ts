// The questions dashboards ask, built from the pieces in service.ts: one group's (or the whole
// organization's) numbers for a window, a ranked page of groups, and a time series per group or kind.
import type { Context } from '../../core/context.js';
import { notFound } from '../../core/errors.js';
import type { CommunityKind } from '../../generated/prisma/enums.js';
import type { Window } from '../window.js';
import { fastBuyers, fastDistinct } from './distinct.js';
import { COUNTER_SORT, type CounterSort, rankedByCounter } from './ranked.js';
import {
  type Additive,
  additive,
  bucketEnd,
  bucketStarts,
  combine,
  type Granularity,
  type GroupMetrics,
  groupsOf,
  membersAtStart,
} from './service.js';

type Deps = Pick<Context, 'db'>;

export const GROUP_METRIC_FIELDS = [
  'GMV_CENTS',
  'ORDERS',
  'BUYERS',
  'REPEAT_BUYERS',
  'REPEAT_PURCHASE_RATE',
  'AVERAGE_ORDER_VALUE_CENTS',
  'REFUNDS',
  'REFUNDED_CENTS',
  'MESSAGES',
  'ACTIVE_MEMBERS',
  'JOINS',
  'LEAVES',
  'CHURN_RATE',
  'BUYER_SHOWS',
  'COMPLAINTS_RAISED',
  'COMPLAINTS_RESOLVED',
] as const;
export type GroupMetricField = (typeof GROUP_METRIC_FIELDS)[number];

const fieldKey: Record<GroupMetricField, keyof GroupMetrics> = {
  GMV_CENTS: 'gmvCents',
  ORDERS: 'orders',
  BUYERS: 'buyers',
  REPEAT_BUYERS: 'repeatBuyers',
  REPEAT_PURCHASE_RATE: 'repeatPurchaseRate',
  AVERAGE_ORDER_VALUE_CENTS: 'averageOrderValueCents',
  REFUNDS: 'refunds',
  REFUNDED_CENTS: 'refundedCents',
  MESSAGES: 'messages',
  ACTIVE_MEMBERS: 'activeMembers',
  JOINS: 'joins',
  LEAVES: 'leaves',
  CHURN_RATE: 'churnRate',
  BUYER_SHOWS: 'buyerShows',
  COMPLAINTS_RAISED: 'complaintsRaised',
  COMPLAINTS_RESOLVED: 'complaintsResolved',
};
/** Sort fields that need more than the additive rollup for every group (the slower ranking path). */
const NEEDS_BUYERS = new Set<GroupMetricField>(['BUYERS', 'REPEAT_BUYERS', 'REPEAT_PURCHASE_RATE']);

/** Every metric of the given groups over the window, one row per group. */
async function metricsOfGroups(
  deps: Deps,
  orgId: string,
  tz: string,
  groups: { id: string; memberCount: number }[],
  w: Window,
  known?: Map<string, Additive>,
) {
  const ids = groups.map((g) => g.id);
  if (!ids.length) return new Map<string, GroupMetrics>();
  const [sums, { buyers: buyerRows, active }, atStart] = await Promise.all([
    known ?? additive(deps, orgId, 'G', ids, w, null),
    fastDistinct(deps, orgId, tz, 'G', ids, w, null),
    membersAtStart(deps, orgId, 'G', ids, new Map(groups.map((g) => [g.id, g.memberCount])), [w.from]),
  ]);
  const key = (id: string) => `${id}|${w.from}`;
  return new Map(
    ids.map((id) => [id, combine(w, sums.get(key(id)), buyerRows.get(key(id)), active.get(key(id))?.activeMembers ?? 0, atStart.get(key(id)) ?? 0)]),
  );
}

export async function communityMetrics(deps: Deps, orgId: string, tz: string, communityId: string, w: Window): Promise<GroupMetrics> {
  const groups = await groupsOf(deps, orgId, null, [communityId]);
  if (!groups.length) throw notFound('Community', 'communityId');
  return (await metricsOfGroups(deps, orgId, tz, groups, w)).get(communityId)!;
}

export async function organizationMetrics(deps: Deps, orgId: string, w: Window): Promise<GroupMetrics> {
  return (await organizationSeries(deps, orgId, w, null))[0].metrics;
}

export interface RankedGroup {
  rank: number;
  communityId: string;
  metrics: GroupMetrics;
}

export interface RankingArgs {
  sortBy: GroupMetricField;
  descending: boolean;
  kinds?: CommunityKind[] | null;
  first: number;
  offset: number;
}

/** Compares metric values: larger first when descending, nulls (no base for a rate) always last, then by group id. */
function byMetric(field: keyof GroupMetrics, descending: boolean) {
  return (a: { id: string; v: number | null }, b: { id: string; v: number | null }) => {
    if (a.v === null || b.v === null) return a.v === b.v ? (a.id < b.id ? -1 : 1) : a.v === null ? 1 : -1;
    if (a.v !== b.v) return descending ? b.v - a.v : a.v - b.v;
    return a.id < b.id ? -1 : 1;
  };
}

/**
 * A page of groups ranked by one metric. A counter the rollups sum is sorted in SQL (ranked.ts);
 * a distinct count or rate is computed for every group and sorted here. Either way the other
 * metrics are computed only for the page's groups.
 */
export async function rankCommunities(
  deps: Deps,
  orgId: string,
  tz: string,
  w: Window,
  args: RankingArgs,
): Promise<{ totalCount: number; rows: RankedGroup[] }> {
  if (args.sortBy in COUNTER_SORT) {
    const ranked = await rankedByCounter(deps, orgId, w, { ...args, sortBy: args.sortBy as CounterSort });
    const known = new Map(ranked.rows.map((r) => [`${r.id}|${w.from}`, r.sums] as const));
    const full = await metricsOfGroups(deps, orgId, tz, ranked.rows, w, known);
    return {
      totalCount: ranked.totalCount,
      rows: ranked.rows.map((g, i) => ({ rank: args.offset + i + 1, communityId: g.id, metrics: full.get(g.id)! })),
    };
  }
  const groups = await groupsOf(deps, orgId, args.kinds);
  const field = fieldKey[args.sortBy];
  let values: Map<string, GroupMetrics>;
  let known: Awaited<ReturnType<typeof additive>> | undefined;
  if (args.sortBy === 'ACTIVE_MEMBERS') {
    values = await metricsOfGroups(deps, orgId, tz, groups, w);
  } else {
    // Left here: the buyer counts (NEEDS_BUYERS) and the churn rate, which alone needs every group's sums.
    const ids = args.kinds?.length ? groups.map((g) => g.id) : null;
    const churn = args.sortBy === 'CHURN_RATE';
    const [sums, buyerRows, atStart] = await Promise.all([
      churn ? additive(deps, orgId, 'G', ids, w, null) : undefined,
      NEEDS_BUYERS.has(args.sortBy) ? fastBuyers(deps, orgId, 'G', ids, w, null) : new Map(),
      churn ? membersAtStart(deps, orgId, 'G', ids, new Map(groups.map((g) => [g.id, g.memberCount])), [w.from]) : new Map<string, number>(),
    ]);
    const key = (id: string) => `${id}|${w.from}`;
    known = sums; // the page reuses these sums
    values = new Map(groups.map((g) => [g.id, combine(w, sums?.get(key(g.id)), buyerRows.get(key(g.id)), 0, atStart.get(key(g.id)) ?? 0)]));
  }
  const order = groups.map((g) => ({ id: g.id, v: values.get(g.id)![field] as number | null })).sort(byMetric(field, args.descending));
  const byId = new Map(groups.map((g) => [g.id, g]));
  const page = order.slice(args.offset, args.offset + args.first).map((o) => byId.get(o.id)!);
  const full = args.sortBy === 'ACTIVE_MEMBERS' ? values : await metricsOfGroups(deps, orgId, tz, page, w, known);
  return { totalCount: groups.length, rows: page.map((g, i) => ({ rank: args.offset + i + 1, communityId: g.id, metrics: full.get(g.id)! })) };
}

export interface SeriesPoint {
  from: string;
  to: string;
  metrics: GroupMetrics;
}

/** A series for one group, or for all groups of a kind together (a member of two such groups counts once). */
export async function communitySeries(
  deps: Deps,
  orgId: string,
  tz: string,
  target: { communityId?: string; kind?: CommunityKind },
  w: Window,
  g: Granularity,
): Promise<SeriesPoint[]> {
  const groups = target.communityId ? await groupsOf(deps, orgId, null, [target.communityId]) : await groupsOf(deps, orgId, [target.kind!]);
  if (target.communityId && !groups.length) throw notFound('Community', 'communityId');
  const ids = groups.map((x) => x.id);
  const starts = bucketStarts(w, g);
  // One group reads its own rollup rows (the fast distinct counts); a kind counts a fan in two groups once.
  const all = !target.communityId;
  const key = all ? '*' : ids[0];
  const [sums, { buyers: buyerRows, active }, atStart] = await Promise.all([
    additive(deps, orgId, 'G', ids, w, g, all),
    fastDistinct(deps, orgId, tz, 'G', ids, w, g, all),
    membersAtStart(deps, orgId, 'G', ids, new Map([[key, groups.reduce((s, x) => s + x.memberCount, 0)]]), starts, all),
  ]);
  return points(w, g, starts, key, sums, buyerRows, active, atStart);
}

/** The organization's series: every order and event, active fans rather than members. */
export async function organizationSeries(deps: Deps, orgId: string, w: Window, g: Granularity | null): Promise<SeriesPoint[]> {
  const starts = g ? bucketStarts(w, g) : [w.from];
  const members = await deps.db.community.aggregate({ where: { orgId }, _sum: { memberCount: true } });
  const [sums, { buyers: buyerRows, active }, atStart] = await Promise.all([
    additive(deps, orgId, 'O', null, w, g),
    fastDistinct(deps, orgId, 'UTC', 'O', [orgId], w, g),
    membersAtStart(deps, orgId, 'O', null, new Map([[orgId, members._sum.memberCount ?? 0]]), starts),
  ]);
  return points(w, g ?? 'DAY', g ? starts : [w.from], orgId, sums, buyerRows, active, atStart, !g);
}

function points(
  w: Window,
  g: Granularity,
  starts: string[],
  key: string,
  sums: Map<string, never> | Map<string, any>,
  buyerRows: Map<string, any>,
  active: Map<string, any>,
  atStart: Map<string, number>,
  whole = false,
): SeriesPoint[] {
  return starts.map((from, i) => {
    const to = whole ? w.to : bucketEnd(w, g, from, starts[i + 1]);
    const k = `${key}|${from}`;
    return { from, to, metrics: combine({ from, to }, sums.get(k), buyerRows.get(k), active.get(k)?.activeMembers ?? 0, atStart.get(k) ?? 0) };
  });
}
