// Coupon actions: operators issue to a segment, a group or a list of fans; the order importer
// (or an operator) redeems a fan's coupon against an order.

import { CommunityRef } from '../../communities/types.js';
import { actingFanId, orgOf } from '../../core/acting.js';
import { builder } from '../../core/builder.js';
import { refusals } from '../../core/error-types.js';
import { items, range, text } from '../../core/input-rules.js';
import { FanRef, SegmentRef } from '../../fans/types.js';
import { OrderRef } from '../../orders/types.js';
import { CampaignRef } from '../types.js';
import { issueCoupon, redeemCoupon } from './service.js';
import { IssueCouponResultRef } from './types.js';

const IssueCouponInput = builder.inputType('IssueCouponInput', {
  description: "Who gets a COUPON campaign's coupon: exactly one of segmentId, communityId or fanIds.",
  fields: (t) => ({
    campaignId: t.globalID({ for: CampaignRef, required: true, description: 'The COUPON campaign.' }),
    segmentId: t.globalID({ for: SegmentRef, required: false, description: 'Every fan matching this saved segment.' }),
    communityId: t.globalID({ for: CommunityRef, required: false, description: 'Every current member of this group.' }),
    fanIds: t.globalIDList({ for: FanRef, required: false, description: 'These fans.', ...items(1, 1_000) }),
  }),
});

const RedeemCouponInput = builder.inputType('RedeemCouponInput', {
  description: "Use a fan's coupon on an order: give exactly one of orderId and orderExternalId.",
  fields: (t) => ({
    campaignId: t.globalID({ for: CampaignRef, required: true, description: 'The COUPON campaign.' }),
    fanId: t.globalID({ for: FanRef, required: true, description: 'The fan holding the coupon.' }),
    orderId: t.globalID({ for: OrderRef, required: false, description: 'An imported order of this fan.' }),
    orderExternalId: t.string({
      required: false,
      description: "The live platform's order id; if the order is imported its amount is used.",
      ...text(1, 100),
    }),
    amountCents: t.int({
      required: false,
      description: 'Order amount in cents; required when the order is not imported yet.',
      ...range(1, 1_000_000_000),
    }),
  }),
});

builder.mutationFields((t) => ({
  issueCoupon: t.field({
    type: IssueCouponResultRef,
    errors: refusals('INVALID_STATE', 'NOT_FOUND'),
    description:
      "Grant a COUPON campaign's coupon to a segment, a group's current members or listed fans, once per fan: fans who already hold it are skipped, " +
      'and so are fans who opted out of pushes. Refused for ENDED or CANCELLED campaigns and expired coupons (INVALID_STATE).',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: IssueCouponInput, required: true, description: 'The campaign and the fans.' }) },
    resolve: (_root, { input }, ctx) =>
      issueCoupon(ctx, orgOf(ctx.viewer), input.campaignId.id, {
        segmentId: input.segmentId?.id,
        communityId: input.communityId?.id,
        fanIds: input.fanIds?.map((f) => f.id),
      }),
  }),
  redeemCoupon: t.prismaField({
    type: 'CouponGrant',
    errors: refusals('CAMPAIGN_NOT_RUNNING', 'CONFLICT', 'FORBIDDEN', 'INVALID_STATE', 'NOT_FOUND', 'THRESHOLD_NOT_MET'),
    description:
      "Redeem a fan's coupon on an order, once per grant (CONFLICT after; parallel attempts: one wins). The campaign must be RUNNING (CAMPAIGN_NOT_RUNNING), " +
      'the coupon not past validUntil (INVALID_STATE), and the order at least minSpendCents (THRESHOLD_NOT_MET).',
    authScopes: { partner: 'import', operatorWrite: true },
    args: { input: t.arg({ type: RedeemCouponInput, required: true, description: 'The coupon, the fan and the order.' }) },
    resolve: async (query, _root, { input }, ctx) => {
      const grant = await redeemCoupon(ctx, orgOf(ctx.viewer), {
        campaignId: input.campaignId.id,
        fanId: actingFanId(ctx.viewer, input.fanId.id),
        orderId: input.orderId?.id,
        orderExternalId: input.orderExternalId,
        amountCents: input.amountCents,
      });
      return ctx.db.couponGrant.findUniqueOrThrow({ ...query, where: { id: grant.id } });
    },
  }),
}));
