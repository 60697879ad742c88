// GraphQL types of group metrics. Money is in cents; sums that may pass 2^31 are Floats holding whole numbers.

import { CommunityRef } from '../../communities/types.js';
import { builder } from '../../core/builder.js';
import { WindowRef } from '../window.js';
import { GROUP_METRIC_FIELDS, type RankedGroup, type SeriesPoint } from './metrics.js';
import type { GroupMetrics } from './service.js';

export const GroupMetricsRef = builder.objectRef<GroupMetrics>('GroupMetrics').implement({
  description:
    "A group's (or the organization's) numbers over whole days in the organization's time zone. Orders count on the day they were placed; a refunded order is subtracted from that day's orders and GMV and counted in refunds instead. Exact: recomputed from the rows in the tests.",
  fields: (t) => ({
    window: t.field({ type: WindowRef, description: 'The days measured.', resolve: (m) => m.window }),
    gmvCents: t.float({
      description: 'Attributed GMV in cents, refunds subtracted (a whole number; Float because it may pass 2^31).',
      resolve: (m) => m.gmvCents,
    }),
    orders: t.exposeInt('orders', { description: 'Attributed orders still paid.' }),
    buyers: t.exposeInt('buyers', { description: 'Distinct fans with at least one attributed paid order in the window.' }),
    repeatBuyers: t.exposeInt('repeatBuyers', { description: 'Distinct fans with two or more attributed paid orders in the window.' }),
    repeatPurchaseRate: t.float({ nullable: true, description: 'repeatBuyers ÷ buyers; null without buyers.', resolve: (m) => m.repeatPurchaseRate }),
    averageOrderValueCents: t.float({
      nullable: true,
      description: 'gmvCents ÷ orders; null without orders.',
      resolve: (m) => m.averageOrderValueCents,
    }),
    refunds: t.exposeInt('refunds', { description: 'Attributed orders placed in the window and refunded since.' }),
    refundedCents: t.float({ description: 'Their amount in cents.', resolve: (m) => m.refundedCents }),
    messages: t.exposeInt('messages', { description: 'Messages posted (as reported, counts summed).' }),
    activeMembers: t.exposeInt('activeMembers', {
      description:
        'Distinct members who did anything on a day of the window while a member (orders, messages, likes, redemptions, reservations, wishes, votes, spins, check-ins…). For the organization: distinct active fans.',
    }),
    joins: t.exposeInt('joins', { description: 'Members who joined.' }),
    leaves: t.exposeInt('leaves', { description: 'Members who left.' }),
    membersAtStart: t.exposeInt('membersAtStart', {
      description: 'Members at the start of the first day (today’s count less later joins, plus later leaves).',
    }),
    churnRate: t.float({
      nullable: true,
      description: 'leaves ÷ (membersAtStart + joins); null when the group had no one.',
      resolve: (m) => m.churnRate,
    }),
    buyerShows: t.exposeInt('buyerShows', { description: 'Buyer shows posted.' }),
    complaintsRaised: t.exposeInt('complaintsRaised', { description: 'Complaints raised.' }),
    complaintsResolved: t.exposeInt('complaintsResolved', { description: 'Complaints resolved.' }),
  }),
});

export const GroupMetricFieldEnum = builder.enumType('GroupMetricField', {
  description: 'A group metric to rank by.',
  values: Object.fromEntries(GROUP_METRIC_FIELDS.map((f) => [f, { description: `Rank by ${f.toLowerCase().replaceAll('_', ' ')}.` }])) as Record<
    (typeof GROUP_METRIC_FIELDS)[number],
    { description: string }
  >,
});

export const MetricGranularityEnum = builder.enumType('MetricGranularity', {
  description: 'The length of one point of a series.',
  values: {
    DAY: { description: 'One point per day.' },
    WEEK: { description: 'One point per ISO week (Monday to Sunday), the first and last clipped to the window.' },
    MONTH: { description: 'One point per calendar month, the first and last clipped to the window.' },
  },
});

export const RankedGroupRef = builder.objectRef<RankedGroup>('RankedCommunity').implement({
  description: 'One group of a ranking, with its numbers.',
  fields: (t) => ({
    rank: t.exposeInt('rank', { description: '1 for the first group of the ranking (ties broken by group id).' }),
    community: t.field({ type: CommunityRef, description: 'The group.', resolve: (r) => ({ id: r.communityId }) as never }),
    metrics: t.field({ type: GroupMetricsRef, description: 'Its numbers over the window.', resolve: (r) => r.metrics }),
  }),
});

export const CommunityRankingRef = builder.objectRef<{ totalCount: number; rows: RankedGroup[] }>('CommunityRanking').implement({
  description: 'A page of groups ranked by one metric.',
  fields: (t) => ({
    totalCount: t.exposeInt('totalCount', { description: 'Groups ranked (all of the organization, or of the kinds asked).' }),
    nodes: t.field({ type: [RankedGroupRef], description: 'The page, best first.', resolve: (r) => r.rows }),
  }),
});

export const SeriesPointRef = builder.objectRef<SeriesPoint>('MetricPoint').implement({
  description: 'One point of a metric series.',
  fields: (t) => ({
    from: t.field({ type: 'Date', description: 'First day of the point.', resolve: (p) => p.from }),
    to: t.field({ type: 'Date', description: 'Last day of the point (included).', resolve: (p) => p.to }),
    metrics: t.field({ type: GroupMetricsRef, description: 'The numbers of those days.', resolve: (p) => p.metrics }),
  }),
});
