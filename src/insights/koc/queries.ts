// KOC metrics and the KOC leaderboard: operators and partners with the `read` scope.
import { orgOf } from '../../core/acting.js';
import { builder } from '../../core/builder.js';
import { notFound } from '../../core/errors.js';
import { range } from '../../core/input-rules.js';
import { FanRef } from '../../fans/types.js';
import { MetricWindowInput, resolveWindow, timeZoneOf, WindowRef } from '../window.js';
import { KOC_METRIC_FIELDS, KOC_QUALIFYING_FANS, type KocMetrics, kocLeaderboard, kocMetricsOf } from './service.js';

const KocMetricsRef = builder.objectRef<KocMetrics>('KocMetrics').implement({
  description:
    "What one KOC drove over whole days in the organization's time zone. Orders count on the day placed; refunded ones are subtracted and counted in refunds.",
  fields: (t) => ({
    window: t.field({ type: WindowRef, description: 'The days measured.', resolve: (m) => m.window }),
    koc: t.field({ type: FanRef, description: 'The KOC.', resolve: (m) => ({ id: m.fanId }) as never }),
    gmvCents: t.float({
      description: 'GMV of orders attributed to the KOC, in cents, refunds subtracted (a whole number).',
      resolve: (m) => m.gmvCents,
    }),
    orders: t.exposeInt('orders', { description: 'Attributed orders still paid.' }),
    refunds: t.exposeInt('refunds', { description: 'Attributed orders placed in the window and refunded since.' }),
    refundedCents: t.float({ description: 'Their amount in cents.', resolve: (m) => m.refundedCents }),
    averageOrderValueCents: t.float({
      nullable: true,
      description: 'gmvCents ÷ orders; null without orders.',
      resolve: (m) => m.averageOrderValueCents,
    }),
    orderingFans: t.exposeInt('orderingFans', { description: 'Distinct fans with an attributed paid order in the window.' }),
    repeatBuyers: t.exposeInt('repeatBuyers', { description: 'Distinct fans with two or more attributed paid orders in the window.' }),
    groups: t.exposeInt('groups', { description: 'Groups the fan is a current KOC member of.' }),
    membersReached: t.exposeInt('membersReached', { description: 'Distinct other current members of those groups.' }),
    membersWhoOrdered: t.exposeInt('membersWhoOrdered', {
      description: 'Of the members reached, those with any paid order in the window (attributed or not).',
    }),
    qualified: t.exposeBoolean('qualified', {
      description: `True with at least ${KOC_QUALIFYING_FANS} ordering fans in the window (the qualification the brief sets).`,
    }),
  }),
});

const RankedKocRef = builder.objectRef<{ rank: number; metrics: KocMetrics }>('RankedKoc').implement({
  description: 'One KOC of the leaderboard.',
  fields: (t) => ({
    rank: t.exposeInt('rank', { description: '1 for the first KOC (ties broken by fan id).' }),
    metrics: t.field({ type: KocMetricsRef, description: 'Their numbers over the window.', resolve: (r) => r.metrics }),
  }),
});

const KocLeaderboardRef = builder.objectRef<{ totalCount: number; rows: { rank: number; metrics: KocMetrics }[] }>('KocLeaderboard').implement({
  description: 'KOCs ranked by one metric: fans marked as KOC, current KOC members of a group, and anyone with orders attributed in the window.',
  fields: (t) => ({
    totalCount: t.exposeInt('totalCount', { description: 'KOCs ranked.' }),
    nodes: t.field({ type: [RankedKocRef], description: 'The page, best first.', resolve: (r) => r.rows }),
  }),
});

const KocMetricFieldEnum = builder.enumType('KocMetricField', {
  description: 'A KOC metric to rank by.',
  values: Object.fromEntries(KOC_METRIC_FIELDS.map((f) => [f, { description: `Rank by ${f.toLowerCase().replaceAll('_', ' ')}.` }])) as Record<
    (typeof KOC_METRIC_FIELDS)[number],
    { description: string }
  >,
});

builder.queryFields((t) => ({
  kocLeaderboard: t.field({
    type: KocLeaderboardRef,
    description: 'KOCs ranked by what they drove over a window (e.g. GMV over the last 90 days).',
    authScopes: { operator: true, partner: 'read' },
    args: {
      window: t.arg({ type: MetricWindowInput, required: true, description: 'The days to measure.' }),
      sortBy: t.arg({ type: KocMetricFieldEnum, required: false, defaultValue: 'GMV_CENTS', description: 'The metric to rank by.' }),
      descending: t.arg.boolean({ required: false, defaultValue: true, description: 'Largest first (default).' }),
      first: t.arg.int({ required: false, defaultValue: 20, description: 'KOCs in the page.', ...range(1, 100) }),
      offset: t.arg.int({ required: false, defaultValue: 0, description: 'KOCs skipped before the page.', ...range(0, 100_000) }),
    },
    resolve: async (_r, a, ctx) => {
      const orgId = orgOf(ctx.viewer);
      const tz = await timeZoneOf(ctx, orgId);
      return kocLeaderboard(ctx, orgId, tz, resolveWindow(a.window, tz), {
        sortBy: a.sortBy ?? 'GMV_CENTS',
        descending: a.descending ?? true,
        first: a.first ?? 20,
        offset: a.offset ?? 0,
      });
    },
  }),
  kocMetrics: t.field({
    type: KocMetricsRef,
    description: "One fan's numbers as a KOC over a window.",
    authScopes: { operator: true, partner: 'read' },
    args: {
      fanId: t.arg.globalID({ for: FanRef, required: true, description: 'The KOC (any fan of the organization).' }),
      window: t.arg({ type: MetricWindowInput, required: true, description: 'The days to measure.' }),
    },
    resolve: async (_r, a, ctx) => {
      const orgId = orgOf(ctx.viewer);
      if (!(await ctx.db.fan.count({ where: { id: a.fanId.id, orgId } }))) throw notFound('Fan', 'fanId');
      const tz = await timeZoneOf(ctx, orgId);
      return (await kocMetricsOf(ctx, orgId, tz, [a.fanId.id], resolveWindow(a.window, tz))).get(a.fanId.id)!;
    },
  }),
}));
