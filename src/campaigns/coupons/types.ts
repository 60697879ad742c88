// Read types for coupon actions: one fan's grant, and the tally of an issuing run.
import { ownFanRow } from '../../core/acting.js';
import { builder } from '../../core/builder.js';

builder.prismaObject('CouponGrant', {
  description: "One fan's copy of a coupon. A fan sees only their own.",
  authScopes: ownFanRow,
  fields: (t) => ({
    coupon: t.relation('coupon', { description: 'The coupon: title, discount, minimum spend, validity.' }),
    fan: t.relation('fan', { description: 'The fan holding it.' }),
    issuedAt: t.expose('issuedAt', { type: 'DateTime', description: 'When it was issued.' }),
    redeemedAt: t.expose('redeemedAt', { type: 'DateTime', nullable: true, description: 'When it was used, if it was.' }),
    expiredAt: t.expose('expiredAt', {
      type: 'DateTime',
      nullable: true,
      description: "The coupon's validUntil, once it passed with this copy unused: it can no longer be redeemed (INVALID_STATE).",
    }),
    orderReference: t.exposeString('orderId', {
      nullable: true,
      description: 'The order it was used on: our order id, or "ext:<platform order id>" for an order not imported yet.',
    }),
  }),
});

builder.prismaObjectField('Fan', 'coupons', (t) =>
  t.relatedConnection('couponGrants', {
    cursor: 'id',
    totalCount: true,
    description: 'Coupons issued to the fan, newest first (used ones carry `redeemedAt`).',
    query: { orderBy: [{ issuedAt: 'desc' }, { id: 'desc' }] },
  }),
);

export const IssueCouponResultRef = builder.simpleObject('IssueCouponResult', {
  description: 'What an issueCoupon run did.',
  fields: (t) => ({
    issued: t.int({ description: 'Fans who received the coupon now.' }),
    skipped: t.int({ description: 'Fans in the target who received nothing now: they already held it or opted out.' }),
    optedOut: t.int({ description: 'Of the skipped, fans who opted out of pushes.' }),
  }),
});
