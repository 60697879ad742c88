// Coupon expiry through the job queue, with a fake clock: a coupon with validUntil queues its expiry when
// the campaign is created; at that time every grant still unredeemed is marked expired (expiredAt) and can
// no longer be redeemed, while redeemed ones keep their redemption.
import { describe, expect } from 'vitest';
import { gid } from '../../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../../helpers/test-app.js';
import { rawId, runningCampaign } from '../lifecycle/helpers.js';

const it = useTestApp({ fans: 5 });
const HOUR = 3_600_000;
const soon = (h: number) => new Date(Date.now() + h * HOUR);

const ISSUE = `mutation($i: IssueCouponInput!) { issueCoupon(input: $i) { __typename ... on MutationIssueCouponSuccess { data { issued } } ... on Error { code } } }`;
const REDEEM = `mutation($i: RedeemCouponInput!) { redeemCoupon(input: $i) {
  __typename ... on MutationRedeemCouponSuccess { data { redeemedAt } } ... on Error { code message field } } }`;
const COUPONS = `query($id: ID!) { node(id: $id) { ... on Fan { coupons(first: 5) { nodes { redeemedAt expiredAt coupon { validUntil } } } } } }`;

let seq = 0;
const newFan = (t: SeededTestApp) =>
  t.database.prisma.fan.create({ data: { orgId: t.orgId, externalId: `exp-${++seq}`, displayName: `Expiry fan ${seq}` } });

describe('coupon expiry', () => {
  it('at validUntil unredeemed grants expire (and are refused), redeemed ones stay redeemed', async ({ t }) => {
    const validUntil = soon(2);
    const c = await runningCampaign(t, {
      kind: 'COUPON',
      name: 'Weekend 3 off 99',
      coupon: { title: '¥3 off ¥99', discountCents: 300, minSpendCents: 9_900, validUntil: validUntil.toISOString() },
    });
    const [used, unused, late] = await Promise.all([newFan(t), newFan(t), newFan(t)]);
    await t.ok(ISSUE, { i: { campaignId: c, fanIds: [used, unused, late].map((f) => gid('Fan', f.id)) } });
    const redeem = (fan: { id: string }, order: string) =>
      t.ok(REDEEM, { i: { campaignId: c, fanId: gid('Fan', fan.id), orderExternalId: order, amountCents: 12_900 } });
    expect((await redeem(used, 'DY-EXP-1')).redeemCoupon.__typename).toBe('MutationRedeemCouponSuccess');

    const grant = async (fan: { id: string }) => (await t.ok(COUPONS, { id: gid('Fan', fan.id) })).node.coupons.nodes[0];
    await t.services.jobs.drain({ until: soon(1) });
    expect((await grant(unused)).expiredAt).toBeNull();

    await t.services.jobs.drain({ until: soon(2.01) });
    expect(await grant(unused)).toMatchObject({ redeemedAt: null, expiredAt: validUntil.toISOString() });
    expect(await grant(late)).toMatchObject({ redeemedAt: null, expiredAt: validUntil.toISOString() });
    expect(await grant(used)).toMatchObject({ redeemedAt: expect.any(String), expiredAt: null });

    // An expired copy is refused with a typed error and stays unredeemed.
    expect((await redeem(late, 'DY-EXP-2')).redeemCoupon).toMatchObject({ __typename: 'InvalidStateError', code: 'INVALID_STATE' });
    expect((await grant(late)).redeemedAt).toBeNull();
    expect(await t.database.prisma.couponGrant.count({ where: { campaignId: rawId(c), redeemedAt: { not: null } } })).toBe(1);
  });

  it('a coupon without validUntil never expires', async ({ t }) => {
    const c = await runningCampaign(t, { kind: 'COUPON', name: 'Forever coupon', coupon: { title: '¥5 off', discountCents: 500 } });
    const fan = await newFan(t);
    await t.ok(ISSUE, { i: { campaignId: c, fanIds: [gid('Fan', fan.id)] } });
    await t.services.jobs.drain({ until: soon(24 * 400) });
    expect(await t.database.prisma.couponGrant.count({ where: { campaignId: rawId(c), expiredAt: { not: null } } })).toBe(0);
  });
});
