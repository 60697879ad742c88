// The insight criteria of `fans(filter:)`: RFM segment, recency and intimacy ranges, frequency drop.
// The segment and the flag are columns the insights module's refresh writes (see src/insights/rfm);
// they live here because FanFilter does, and fans never import the insights module.
import { builder } from '../core/builder.js';
import { range } from '../core/input-rules.js';

export const RfmSegmentEnum = builder.enumType('RfmSegment', {
  description:
    'A named RFM segment: the recency score (R) against FM, the rounded-up mean of the frequency and monetary scores (README "Insight" has the table).',
  values: {
    CHAMPIONS: { description: 'Bought recently, often and much: R 4–5, FM 4–5.' },
    LOYAL: { description: 'Steady buyers: R 4–5 with FM 3, or R 3 with FM 3–5.' },
    PROMISING: { description: 'Recent buyers who have not bought much yet (new customers included): R 4–5, FM 1–2.' },
    AT_RISK: { description: 'Good buyers who have not bought for a while: R 1–2, FM 3–4.' },
    CANT_LOSE: { description: 'The best buyers, gone quiet: R 1–2, FM 5.' },
    HIBERNATING: { description: 'Small, infrequent buyers fading out: R 3 or 2 with FM 1–2.' },
    LOST: { description: 'Longest since the last order and little bought: R 1, FM 1–2.' },
  },
});

export const FanTimeRangeInput = builder.inputType('FanTimeRange', {
  description: 'A time range for a fan filter; either end may be left open. `from` is inclusive, `to` exclusive.',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', required: false, description: 'At or after this instant.' }),
    to: t.field({ type: 'DateTime', required: false, description: 'Before this instant.' }),
  }),
});

export const FanIntRangeInput = builder.inputType('FanIntRange', {
  description: 'A range of whole numbers for a fan filter, both ends inclusive; either may be left open.',
  fields: (t) => ({
    min: t.int({ required: false, description: 'At least this.', ...range(0, undefined) }),
    max: t.int({ required: false, description: 'At most this.', ...range(0, undefined) }),
  }),
});
