// Coupons through the API: issuing to fans, groups and segments once per fan, and redeeming once per
// grant against an order — including parallel issuing and parallel redemption.
import { describe, expect } from 'vitest';
import { gid } from '../../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../../helpers/test-app.js';
import { rawId, runningCampaign, transition } from '../lifecycle/helpers.js';

const it = useTestApp({ fans: 60 });

const HOUR = 3_600_000;
let seq = 0;
async function newFan(t: SeededTestApp, opts: { optedOut?: boolean; org?: string } = {}) {
  const externalId = `cx${++seq}`;
  return t.database.prisma.fan.create({
    data: { orgId: opts.org ?? t.orgId, externalId, displayName: `Chengdu-combination·${externalId}`, optedOut: opts.optedOut ?? false },
  });
}
const couponCampaign = (t: SeededTestApp) =>
  runningCampaign(t, {
    kind: 'COUPON',
    name: '3 off 99',
    coupon: { title: '¥3 off ¥99', discountCents: 300, minSpendCents: 9_900, validUntil: new Date(Date.now() + 72 * HOUR).toISOString() },
  });

const ISSUE = /* GraphQL */ `
  mutation($i: IssueCouponInput!) { issueCoupon(input: $i) {
    __typename ... on MutationIssueCouponSuccess { data { issued skipped optedOut } } ... on DomainError { code message field } } }`;
const REDEEM = /* GraphQL */ `
  mutation($i: RedeemCouponInput!) { redeemCoupon(input: $i) {
    __typename ... on MutationRedeemCouponSuccess { data { redeemedAt orderReference fan { id } } } ... on DomainError { code message field } } }`;
const COUNTS = /* GraphQL */ `query($id: ID!) { node(id: $id) { ... on Campaign { coupon { issuedCount redeemedCount } } } }`;

const grants = (t: SeededTestApp, campaignId: string) => t.database.prisma.couponGrant.count({ where: { campaignId: rawId(campaignId) } });
const fanGids = (fans: { id: string }[]) => fans.map((f) => gid('Fan', f.id));

describe('issueCoupon', () => {
  it('issues once per fan: re-issuing skips holders, opted-out fans are skipped and counted', async ({ t }) => {
    const c = await couponCampaign(t);
    const fans = await Promise.all([newFan(t), newFan(t), newFan(t)]);
    const opted = await newFan(t, { optedOut: true });
    const first = await t.ok(ISSUE, { i: { campaignId: c, fanIds: fanGids(fans.slice(0, 2)) } });
    expect(first.issueCoupon.data).toEqual({ issued: 2, skipped: 0, optedOut: 0 });
    const second = await t.ok(ISSUE, { i: { campaignId: c, fanIds: fanGids([...fans, opted]) } });
    expect(second.issueCoupon.data).toEqual({ issued: 1, skipped: 3, optedOut: 1 });
    expect(await grants(t, c)).toBe(3);
    expect((await t.ok(COUNTS, { id: c })).node.coupon).toEqual({ issuedCount: 3, redeemedCount: 0 });
  });

  it("issues to a group's current members and to a saved segment", async ({ t }) => {
    const group = await t.database.prisma.community.findFirstOrThrow({ where: { orgId: t.orgId, kind: 'LIKE' } });
    const members = await t.database.prisma.membership.findMany({ where: { communityId: group.id }, take: 3 });
    await t.database.prisma.membership.update({ where: { id: members[0].id }, data: { leftAt: new Date() } });
    await t.database.prisma.fan.update({ where: { id: members[1].fanId }, data: { optedOut: true } });
    const current = await t.database.prisma.membership.count({ where: { communityId: group.id, leftAt: null } });
    const c = await couponCampaign(t);
    const r = await t.ok(ISSUE, { i: { campaignId: c, communityId: gid('Community', group.id) } });
    expect(r.issueCoupon.data).toEqual({ issued: current - 1, skipped: 1, optedOut: 1 });
    expect(await t.database.prisma.couponGrant.count({ where: { campaignId: rawId(c), fanId: members[0].fanId } })).toBe(0);

    const segment = await t.database.prisma.segment.create({ data: { orgId: t.orgId, name: 'Repeat buyers', filter: { minOrders: 3 } } });
    const expected = await t.database.prisma.fan.count({ where: { orgId: t.orgId, orderCount: { gte: 3 }, optedOut: false } });
    expect(expected).toBeGreaterThan(0);
    const s = await t.ok(ISSUE, { i: { campaignId: await couponCampaign(t), segmentId: gid('Segment', segment.id) } });
    expect(s.issueCoupon.data).toMatchObject({ issued: expected });
  });

  it('refuses with a typed error and issues nothing', async ({ t }) => {
    const c = await couponCampaign(t);
    const fan = await newFan(t);
    const rivalFan = await newFan(t, { org: t.rivalOrgId });
    const rivalGroup = await t.database.prisma.community.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    const rivalSegment = await t.database.prisma.segment.create({ data: { orgId: t.rivalOrgId, name: 'Theirs', filter: {} } });
    const rivalCoupon = await t.database.prisma.campaign.findFirstOrThrow({ where: { orgId: t.rivalOrgId, kind: 'COUPON' } });
    const like = await t.database.prisma.campaign.findFirstOrThrow({ where: { orgId: t.orgId, kind: 'LIKE' } });
    const cases: [Record<string, unknown>, string, string][] = [
      [{ campaignId: c }, 'VALIDATION', 'input'],
      [{ campaignId: c, fanIds: fanGids([fan]), communityId: gid('Community', rivalGroup.id) }, 'VALIDATION', 'input'],
      [{ campaignId: c, fanIds: [] }, 'VALIDATION', 'input.fanIds'],
      [{ campaignId: c, fanIds: fanGids([fan, rivalFan]) }, 'NOT_FOUND', 'input.fanIds.1'],
      [{ campaignId: c, communityId: gid('Community', rivalGroup.id) }, 'NOT_FOUND', 'input.communityId'],
      [{ campaignId: c, segmentId: gid('Segment', rivalSegment.id) }, 'NOT_FOUND', 'input.segmentId'],
      [{ campaignId: c, segmentId: gid('Fan', fan.id) }, 'VALIDATION', 'input.segmentId'],
      [{ campaignId: gid('Campaign', rivalCoupon.id), fanIds: fanGids([fan]) }, 'NOT_FOUND', 'input.campaignId'],
      [{ campaignId: gid('Campaign', like.id), fanIds: fanGids([fan]) }, 'VALIDATION', 'input.campaignId'],
    ];
    for (const [i, code, field] of cases) {
      expect((await t.ok(ISSUE, { i })).issueCoupon, JSON.stringify(i)).toMatchObject({ code, field });
    }
    const analyst = await t.gql(ISSUE, { i: { campaignId: c, fanIds: fanGids([fan]) } }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const asFan = await t.gql(ISSUE, { i: { campaignId: c, fanIds: fanGids([fan]) } }, `Dev demo/fan:${fan.externalId}`);
    expect(asFan.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await grants(t, c)).toBe(0);
    expect(await t.database.prisma.couponGrant.count({ where: { campaignId: rivalCoupon.id } })).toBe(0);
    await t.ok(transition('end'), { id: c });
    expect((await t.ok(ISSUE, { i: { campaignId: c, fanIds: fanGids([fan]) } })).issueCoupon).toMatchObject({
      code: 'INVALID_STATE',
      field: 'input.campaignId',
    });
    const expired = await couponCampaign(t);
    await t.database.prisma.coupon.update({ where: { campaignId: rawId(expired) }, data: { validUntil: new Date(Date.now() - 1000) } });
    expect((await t.ok(ISSUE, { i: { campaignId: expired, fanIds: fanGids([fan]) } })).issueCoupon).toMatchObject({ code: 'INVALID_STATE' });
    expect((await grants(t, c)) + (await grants(t, expired))).toBe(0);
  });

  it('parallel issuing to overlapping fans grants each fan once', async ({ t }) => {
    const c = await couponCampaign(t);
    const fans = await Promise.all(Array.from({ length: 12 }, () => newFan(t)));
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => t.ok(ISSUE, { i: { campaignId: c, fanIds: fanGids(fans.slice(i, i + 7)) } })),
    );
    expect(results.reduce((s, r) => s + r.issueCoupon.data.issued, 0)).toBe(12);
    expect(await grants(t, c)).toBe(12);
  });
});

describe('redeemCoupon', () => {
  async function holder(t: SeededTestApp) {
    const c = await couponCampaign(t);
    const fan = await newFan(t);
    await t.ok(ISSUE, { i: { campaignId: c, fanIds: fanGids([fan]) } });
    return { c, fan };
  }
  const grantOf = (t: SeededTestApp, c: string, fan: { id: string }) =>
    t.database.prisma.couponGrant.findUniqueOrThrow({ where: { campaignId_fanId: { campaignId: rawId(c), fanId: fan.id } } });

  it('redeems once on an external order; the second time is a CONFLICT; the read API counts it', async ({ t }) => {
    const { c, fan } = await holder(t);
    const r = await t.ok(REDEEM, { i: { campaignId: c, fanId: gid('Fan', fan.id), orderExternalId: 'DY-778812', amountCents: 12_900 } });
    expect(r.redeemCoupon.data).toMatchObject({ orderReference: 'ext:DY-778812', fan: { id: gid('Fan', fan.id) } });
    expect(r.redeemCoupon.data.redeemedAt).not.toBeNull();
    const again = await t.ok(REDEEM, { i: { campaignId: c, fanId: gid('Fan', fan.id), orderExternalId: 'DY-778813', amountCents: 12_900 } });
    expect(again.redeemCoupon).toMatchObject({ code: 'CONFLICT' });
    expect((await grantOf(t, c, fan)).orderId).toBe('ext:DY-778812');
    expect((await t.ok(COUNTS, { id: c })).node.coupon).toEqual({ issuedCount: 1, redeemedCount: 1 });
  });

  it("redeems on one of the fan's imported orders, by id or external id, using its amount", async ({ t }) => {
    const { c, fan } = await holder(t);
    const order = await t.database.prisma.order.create({
      data: { orgId: t.orgId, externalId: `o-${fan.id}`, fanId: fan.id, amountCents: 15_000, placedAt: new Date() },
    });
    const mismatch = await t.ok(REDEEM, { i: { campaignId: c, fanId: gid('Fan', fan.id), orderId: gid('Order', order.id), amountCents: 99_999 } });
    expect(mismatch.redeemCoupon).toMatchObject({ code: 'VALIDATION', field: 'input.amountCents' });
    const r = await t.ok(REDEEM, { i: { campaignId: c, fanId: gid('Fan', fan.id), orderExternalId: order.externalId } });
    expect(r.redeemCoupon.data.orderReference).toBe(order.id);
  });

  it('refuses with a typed error and redeems nothing', async ({ t }) => {
    const { c, fan } = await holder(t);
    const f = gid('Fan', fan.id);
    const other = await newFan(t);
    const othersOrder = await t.database.prisma.order.create({
      data: { orgId: t.orgId, externalId: `o-other-${other.id}`, fanId: other.id, amountCents: 20_000, placedAt: new Date() },
    });
    const smallOrder = await t.database.prisma.order.create({
      data: { orgId: t.orgId, externalId: `o-small-${fan.id}`, fanId: fan.id, amountCents: 5_000, placedAt: new Date() },
    });
    const rivalFan = await newFan(t, { org: t.rivalOrgId });
    const rivalOrder = await t.database.prisma.order.create({
      data: { orgId: t.rivalOrgId, externalId: 'rival-o-1', fanId: rivalFan.id, amountCents: 20_000, placedAt: new Date() },
    });
    const rivalCoupon = await t.database.prisma.campaign.findFirstOrThrow({ where: { orgId: t.rivalOrgId, kind: 'COUPON' } });
    const cases: [Record<string, unknown>, string, string][] = [
      [{ campaignId: c, fanId: f, orderExternalId: 'DY-1', amountCents: 9_899 }, 'THRESHOLD_NOT_MET', 'input.amountCents'],
      [{ campaignId: c, fanId: f, orderId: gid('Order', smallOrder.id) }, 'THRESHOLD_NOT_MET', 'input.amountCents'],
      [{ campaignId: c, fanId: gid('Fan', other.id), orderExternalId: 'DY-2', amountCents: 20_000 }, 'NOT_FOUND', 'input.fanId'],
      [{ campaignId: c, fanId: f, orderId: gid('Order', othersOrder.id) }, 'VALIDATION', 'input.orderId'],
      [{ campaignId: c, fanId: f, orderId: gid('Order', rivalOrder.id) }, 'NOT_FOUND', 'input.orderId'],
      [{ campaignId: c, fanId: gid('Fan', rivalFan.id), orderExternalId: 'DY-3', amountCents: 20_000 }, 'NOT_FOUND', 'input.fanId'],
      [{ campaignId: gid('Campaign', rivalCoupon.id), fanId: f, orderExternalId: 'DY-4', amountCents: 20_000 }, 'NOT_FOUND', 'input.campaignId'],
      [{ campaignId: c, fanId: f, orderExternalId: 'DY-5' }, 'VALIDATION', 'input.amountCents'],
      [{ campaignId: c, fanId: f, amountCents: 20_000 }, 'VALIDATION', 'input.orderId'],
      [{ campaignId: c, fanId: f, orderExternalId: 'DY-6', amountCents: -1 }, 'VALIDATION', 'input.amountCents'],
      [{ campaignId: c, fanId: f, orderExternalId: 'x'.repeat(101), amountCents: 20_000 }, 'VALIDATION', 'input.orderExternalId'],
    ];
    for (const [i, code, field] of cases) {
      expect((await t.ok(REDEEM, { i })).redeemCoupon, JSON.stringify(i)).toMatchObject({ code, field });
    }
    const ok = { campaignId: c, fanId: f, orderExternalId: 'DY-9', amountCents: 20_000 };
    const analyst = await t.gql(REDEEM, { i: ok }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const asFan = await t.gql(REDEEM, { i: ok }, `Dev demo/fan:${fan.externalId}`);
    expect(asFan.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await grantOf(t, c, fan)).redeemedAt).toBeNull();

    await t.database.prisma.coupon.update({ where: { campaignId: rawId(c) }, data: { validUntil: new Date(Date.now() - 1000) } });
    expect((await t.ok(REDEEM, { i: ok })).redeemCoupon).toMatchObject({ code: 'INVALID_STATE', field: 'input.campaignId' });
    await t.database.prisma.coupon.update({ where: { campaignId: rawId(c) }, data: { validUntil: null } });
    await t.ok(transition('end'), { id: c });
    expect((await t.ok(REDEEM, { i: ok })).redeemCoupon).toMatchObject({ code: 'CAMPAIGN_NOT_RUNNING', field: 'input.campaignId' });
    expect((await grantOf(t, c, fan)).redeemedAt).toBeNull();
  });

  it('10 parallel redemptions of one grant: exactly one succeeds', async ({ t }) => {
    const { c, fan } = await holder(t);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.ok(REDEEM, { i: { campaignId: c, fanId: gid('Fan', fan.id), orderExternalId: `DY-race-${i}`, amountCents: 10_000 } }),
      ),
    );
    expect(results.filter((r) => r.redeemCoupon.__typename === 'MutationRedeemCouponSuccess')).toHaveLength(1);
    expect(results.filter((r) => r.redeemCoupon.code === 'CONFLICT')).toHaveLength(9);
    expect((await t.ok(COUNTS, { id: c })).node.coupon.redeemedCount).toBe(1);
  });
});
