// RFM segment counts, the score refresh, and the Pareto share of GMV.

import { CommunityRef } from '../../communities/types.js';
import { builder } from '../../core/builder.js';
import { orgIdOf } from '../../core/context.js';
import { RfmSegmentEnum } from '../../fans/insight-types.js';
import { gmvPareto, type ParetoShare } from './pareto.js';
import { type ScoreRefresh, type SegmentCounts, segmentCounts } from './service.js';

const SegmentCountRef = builder.objectRef<SegmentCounts['counts'][number]>('RfmSegmentCount').implement({
  description: 'How many fans are in one RFM segment.',
  fields: (t) => ({
    segment: t.expose('segment', { type: RfmSegmentEnum, description: 'The segment.' }),
    fans: t.exposeInt('fans', { description: 'Fans in it at the last refresh (list them with `fans(filter: { rfmSegment })`).' }),
  }),
});

const SegmentCountsRef = builder.objectRef<SegmentCounts>('RfmSegmentCounts').implement({
  description: "The organization's fans by RFM segment, as scored by the last refresh.",
  fields: (t) => ({
    refreshedAt: t.expose('refreshedAt', { type: 'DateTime', nullable: true, description: 'When the scores were last refreshed; null if never.' }),
    buyers: t.exposeInt('buyers', { description: 'Fans with scores: those who had a paid order at the refresh.' }),
    segments: t.field({
      type: [SegmentCountRef],
      description: 'Every segment with its fan count, CHAMPIONS first (empty segments included).',
      resolve: (c) => c.counts,
    }),
    unscored: t.exposeInt('unscored', {
      description: 'Fans without scores at the refresh (no paid order then); every fan before the first refresh.',
    }),
    frequencyDrops: t.exposeInt('frequencyDrops', { description: 'Fans flagged with a purchase-frequency drop at the refresh.' }),
  }),
});

export const ScoreRefreshRef = builder.objectRef<ScoreRefresh>('FanScoreRefresh').implement({
  description: 'What a refresh of the RFM scores did.',
  fields: (t) => ({
    refreshedAt: t.expose('refreshedAt', { type: 'DateTime', description: 'The instant the scores are as of.' }),
    buyers: t.exposeInt('buyers', { description: 'Fans scored (those with a paid order).' }),
    frequencyDrops: t.exposeInt('frequencyDrops', { description: 'Fans flagged with a purchase-frequency drop.' }),
    changed: t.exposeInt('changed', { description: 'Fans whose scores, segment or order counts changed.' }),
    tookMs: t.exposeInt('tookMs', { description: 'How long the refresh took, in milliseconds.' }),
  }),
});

const ParetoRef = builder.objectRef<ParetoShare>('GmvPareto').implement({
  description: 'How much of the GMV the top 20% of buyers bring (paid orders; refunds excluded).',
  fields: (t) => ({
    buyers: t.exposeInt('buyers', { description: 'Fans with a paid order (in the group: attributed to it).' }),
    topBuyers: t.exposeInt('topBuyers', { description: 'The top 20%: ceil(buyers / 5), biggest spenders first.' }),
    gmvCents: t.field({ type: 'Float', description: 'GMV of every buyer, in cents.', resolve: (p) => p.gmvCents }),
    topGmvCents: t.field({ type: 'Float', description: 'GMV of the top 20% of buyers, in cents.', resolve: (p) => p.topGmvCents }),
    share: t.exposeFloat('share', { description: 'topGmvCents / gmvCents, from 0 to 1 (0 without GMV).' }),
    asOf: t.expose('asOf', {
      type: 'DateTime',
      description: "When these numbers were computed: the organization's at the last RFM refresh (now before any refresh), a group's now.",
    }),
  }),
});

builder.queryFields((t) => ({
  rfmSegmentCounts: t.field({
    type: SegmentCountsRef,
    description: 'Fans per RFM segment, as of the last refresh (counted by the refresh and stored with the scores).',
    authScopes: { operator: true, partner: 'read' },
    resolve: (_root, _args, ctx) => segmentCounts(ctx.db, orgIdOf(ctx.viewer)),
  }),
  gmvPareto: t.field({
    type: ParetoRef,
    nullable: true,
    description:
      'Share of GMV from the top 20% of buyers: of the organization (all paid spend, as of the last RFM refresh), or of one group (paid orders attributed to it, live). Null for a group not in your organization.',
    authScopes: { operator: true, partner: 'read' },
    args: { communityId: t.arg.globalID({ for: CommunityRef, required: false, description: 'A group; omit for the whole organization.' }) },
    resolve: async (_root, { communityId }, ctx) => {
      const orgId = orgIdOf(ctx.viewer);
      if (communityId && !(await ctx.db.community.count({ where: { id: communityId.id, orgId } }))) return null;
      return gmvPareto(ctx.db, orgId, communityId?.id);
    },
  }),
}));
