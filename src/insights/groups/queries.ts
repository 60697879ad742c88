// Group metric queries: analysts and operators read them, partners with the `read` scope too.

import { CommunityKindEnum, CommunityRef } from '../../communities/types.js';
import { orgOf } from '../../core/acting.js';
import { builder } from '../../core/builder.js';
import { invalid } from '../../core/errors.js';
import { range } from '../../core/input-rules.js';
import { MetricWindowInput, resolveWindow, timeZoneOf } from '../window.js';
import { communityMetrics, communitySeries, organizationMetrics, organizationSeries, rankCommunities } from './metrics.js';
import { CommunityRankingRef, GroupMetricFieldEnum, GroupMetricsRef, MetricGranularityEnum, SeriesPointRef } from './types.js';

const scopes = { operator: true, partner: 'read' } as const;

builder.queryFields((t) => ({
  communityRanking: t.field({
    type: CommunityRankingRef,
    description: 'Groups ranked by any metric over a window (e.g. GMV over the last 90 days), a page at a time.',
    authScopes: scopes,
    args: {
      window: t.arg({ type: MetricWindowInput, required: true, description: 'The days to measure.' }),
      sortBy: t.arg({ type: GroupMetricFieldEnum, required: false, defaultValue: 'GMV_CENTS', description: 'The metric to rank by.' }),
      descending: t.arg.boolean({
        required: false,
        defaultValue: true,
        description: 'Largest first (default); rates without a base come last either way.',
      }),
      kinds: t.arg({ type: [CommunityKindEnum], required: false, description: 'Only groups of these kinds.' }),
      first: t.arg.int({ required: false, defaultValue: 20, description: 'Groups in the page.', ...range(1, 100) }),
      offset: t.arg.int({ required: false, defaultValue: 0, description: 'Groups skipped before the page.', ...range(0, 100_000) }),
    },
    resolve: async (_r, a, ctx) => {
      const orgId = orgOf(ctx.viewer);
      const tz = await timeZoneOf(ctx, orgId);
      return rankCommunities(ctx, orgId, tz, resolveWindow(a.window, tz), {
        sortBy: a.sortBy ?? 'GMV_CENTS',
        descending: a.descending ?? true,
        kinds: a.kinds,
        first: a.first ?? 20,
        offset: a.offset ?? 0,
      });
    },
  }),
  communityMetrics: t.field({
    type: GroupMetricsRef,
    description: "One group's numbers over a window.",
    authScopes: scopes,
    args: {
      communityId: t.arg.globalID({ for: CommunityRef, required: true, description: 'The group.' }),
      window: t.arg({ type: MetricWindowInput, required: true, description: 'The days to measure.' }),
    },
    resolve: async (_r, a, ctx) => {
      const orgId = orgOf(ctx.viewer);
      const tz = await timeZoneOf(ctx, orgId);
      return communityMetrics(ctx, orgId, tz, a.communityId.id, resolveWindow(a.window, tz));
    },
  }),
  communityMetricSeries: t.field({
    type: [SeriesPointRef],
    description: "A time series of one group's numbers, or of all groups of one kind together (a fan in two such groups counts once).",
    authScopes: scopes,
    args: {
      communityId: t.arg.globalID({ for: CommunityRef, required: false, description: 'The group (or give `kind`).' }),
      kind: t.arg({ type: CommunityKindEnum, required: false, description: 'Every group of this kind (or give `communityId`).' }),
      window: t.arg({ type: MetricWindowInput, required: true, description: 'The days to cover.' }),
      granularity: t.arg({ type: MetricGranularityEnum, required: false, defaultValue: 'DAY', description: 'One point per day, week or month.' }),
    },
    resolve: async (_r, a, ctx) => {
      if (!a.communityId === !a.kind) throw invalid('communityId', 'communityId: give exactly one of communityId and kind');
      const orgId = orgOf(ctx.viewer);
      const tz = await timeZoneOf(ctx, orgId);
      return communitySeries(
        ctx,
        orgId,
        tz,
        { communityId: a.communityId?.id, kind: a.kind ?? undefined },
        resolveWindow(a.window, tz),
        a.granularity ?? 'DAY',
      );
    },
  }),
  organizationMetrics: t.field({
    type: GroupMetricsRef,
    description: "The whole organization's numbers over a window: every order and group event; active members are active fans.",
    authScopes: scopes,
    args: { window: t.arg({ type: MetricWindowInput, required: true, description: 'The days to measure.' }) },
    resolve: async (_r, a, ctx) => {
      const orgId = orgOf(ctx.viewer);
      return organizationMetrics(ctx, orgId, resolveWindow(a.window, await timeZoneOf(ctx, orgId)));
    },
  }),
  organizationMetricSeries: t.field({
    type: [SeriesPointRef],
    description: "A time series of the organization's numbers.",
    authScopes: scopes,
    args: {
      window: t.arg({ type: MetricWindowInput, required: true, description: 'The days to cover.' }),
      granularity: t.arg({ type: MetricGranularityEnum, required: false, defaultValue: 'DAY', description: 'One point per day, week or month.' }),
    },
    resolve: async (_r, a, ctx) => {
      const orgId = orgOf(ctx.viewer);
      return organizationSeries(ctx, orgId, resolveWindow(a.window, await timeZoneOf(ctx, orgId)), a.granularity ?? 'DAY');
    },
  }),
}));
