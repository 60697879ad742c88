// RFM on the Fan type: scores, segment and frequency drop as of the organization's last refresh.
// Operators and partners (`read`) see them; a fan reading their own profile does not.
import { builder } from '../../core/builder.js';
import { RfmSegmentEnum } from '../../fans/insight-types.js';
import { FanRef } from '../../fans/types.js';
import type { RfmSegment } from '../../generated/prisma/enums.js';

interface FanRfm {
  recency: number;
  frequency: number;
  monetary: number;
  segment: RfmSegment;
}

const FanRfmRef = builder.objectRef<FanRfm>('FanRfm').implement({
  description: "A buyer's RFM scores, 1 (worst fifth of the organization's buyers) to 5 (best fifth), and the segment they put the fan in.",
  fields: (t) => ({
    recency: t.exposeInt('recency', { description: 'How recent the last paid order is, against the other buyers (5: the most recent fifth).' }),
    frequency: t.exposeInt('frequency', { description: 'How many paid orders, against the other buyers (5: the fifth with the most).' }),
    monetary: t.exposeInt('monetary', { description: 'Paid spend, against the other buyers (5: the fifth who spent most).' }),
    segment: t.expose('segment', { type: RfmSegmentEnum, description: 'The named segment of these scores.' }),
  }),
});

interface FrequencyDrop {
  ordersLast30Days: number;
  ordersPrevious90Days: number;
  dropped: boolean;
}

const FrequencyDropRef = builder.objectRef<FrequencyDrop>('FanFrequencyDrop').implement({
  description:
    "A fan's purchase frequency, as of the last score refresh: paid orders in the 30 days before it against the 90 days before those. A drop — the first sign of a fan drifting away — is 30-day orders at most half the 90 days' monthly average.",
  fields: (t) => ({
    ordersLast30Days: t.exposeInt('ordersLast30Days', { description: 'Paid orders in the 30 days before the refresh.' }),
    ordersPrevious90Days: t.exposeInt('ordersPrevious90Days', { description: 'Paid orders in the 90 days before those 30.' }),
    monthlyAveragePrevious90Days: t.float({ description: 'ordersPrevious90Days / 3.', resolve: (d) => d.ordersPrevious90Days / 3 }),
    dropped: t.exposeBoolean('dropped', {
      description: 'Whether the frequency dropped: at least one order in the 90 days, and 30-day orders ≤ half their monthly average.',
    }),
  }),
});

builder.prismaObjectFields(FanRef, (t) => ({
  rfm: t.field({
    type: FanRfmRef,
    nullable: true,
    description: 'RFM scores and segment as of the last score refresh (`rfmSegmentCounts.refreshedAt`); null for a fan without a paid order then.',
    authScopes: { operator: true, partner: 'read' },
    select: { rfmRecency: true, rfmFrequency: true, rfmMonetary: true, rfmSegment: true },
    resolve: (f) =>
      f.rfmSegment && f.rfmRecency != null && f.rfmFrequency != null && f.rfmMonetary != null
        ? { recency: f.rfmRecency, frequency: f.rfmFrequency, monetary: f.rfmMonetary, segment: f.rfmSegment }
        : null,
  }),
  frequencyDrop: t.field({
    type: FrequencyDropRef,
    description: "The fan's purchase frequency in the 30 and 120 days before the last score refresh, and whether it dropped.",
    authScopes: { operator: true, partner: 'read' },
    select: { ordersLast30Days: true, ordersPrevious90Days: true, frequencyDrop: true },
    resolve: (f) => ({ ordersLast30Days: f.ordersLast30Days, ordersPrevious90Days: f.ordersPrevious90Days, dropped: f.frequencyDrop }),
  }),
}));
