// Campaign inputs checked by their declared rules and by the services' own rules (one settings block
// for the kind, endsAt after startsAt, milestoneEvery ≤ targetLikes, a phone number of digits…): every
// issue of a refusal is reported at once with its path, and nothing is written on a refusal.
import { describe, expect } from 'vitest';
import { gid } from '../helpers/ids.js';
import { useTestApp } from '../helpers/test-app.js';
import { CREATE, runningCampaign } from './lifecycle/helpers.js';

const it = useTestApp({ fans: 10 });

const HOUR = 3_600_000;
const soon = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

describe('createCampaign', () => {
  it('reports every declared rule a campaign breaks at once, and creates nothing', async ({ t }) => {
    const before = await t.database.prisma.campaign.count({ where: { orgId: t.orgId } });
    const input = { kind: 'LOTTERY', name: ' ', lottery: { perFanDailyCap: 0, perFanTotalCap: 2, prizes: [{ name: 'Towel', weight: 0, stock: 1 }] } };
    const res = (await t.ok(CREATE, { input })).createCampaign;
    expect(res).toEqual({
      __typename: 'ValidationError',
      code: 'VALIDATION',
      field: 'input.name',
      message:
        '3 problems: input.name: must not be empty; input.lottery.perFanDailyCap: must be from 1 to 100 (got 0); input.lottery.prizes.0.weight: must be from 1 to 1,000,000 (got 0)',
    });
    expect(await t.database.prisma.campaign.count({ where: { orgId: t.orgId } })).toBe(before);
  });

  it('reports every rule across fields at once (settings block, dates, milestones), and creates nothing', async ({ t }) => {
    const before = await t.database.prisma.campaign.count({ where: { orgId: t.orgId } });
    const input = {
      kind: 'LIKE',
      name: 'Too much',
      startsAt: soon(2),
      endsAt: soon(1),
      like: { targetLikes: 100, milestoneEvery: 200 },
      coupon: { title: 'c', discountCents: 100 },
    };
    const res = (await t.ok(CREATE, { input })).createCampaign;
    expect(res).toEqual({
      __typename: 'ValidationError',
      code: 'VALIDATION',
      field: 'input.coupon',
      message:
        '3 problems: input.coupon: not allowed for a LIKE campaign (give only like); input.endsAt: must be after startsAt; input.like.milestoneEvery: must not exceed targetLikes',
    });
    const lottery = {
      perFanDailyCap: 3,
      perFanTotalCap: 2,
      prizes: [
        { name: 'A', weight: 1, stock: 1 },
        { name: 'A', weight: 1, stock: 1 },
      ],
    };
    const twice = (await t.ok(CREATE, { input: { kind: 'LOTTERY', name: 'Wheel', lottery } })).createCampaign;
    expect(twice).toMatchObject({
      field: 'input.lottery.perFanDailyCap',
      message: '2 problems: input.lottery.perFanDailyCap: must not exceed perFanTotalCap; input.lottery.prizes.1.name: prize "A" is listed twice',
    });
    expect(await t.database.prisma.campaign.count({ where: { orgId: t.orgId } })).toBe(before);
  });

  it('stores trimmed names', async ({ t }) => {
    const res = (
      await t.ok(CREATE, {
        input: { kind: 'FISSION', name: '  Bring a friend  ', startsAt: soon(0), fission: { targetInvites: 3, prizeName: ' Cola ' } },
      })
    ).createCampaign;
    expect(res.data).toMatchObject({ name: 'Bring a friend', fission: { prizeName: 'Cola' } });
  });
});

describe('issueCoupon to a saved segment', () => {
  it("reaches the fans of a segment saved through the API with a tag (the segment's stored global ids are read as such)", async ({ t }) => {
    const fans = await t.database.prisma.fan.findMany({ where: { orgId: t.orgId }, orderBy: { id: 'asc' }, take: 2 });
    const tagged = await t.ok(`mutation($i: TagFansInput!) { tagFans(input: $i) { ... on MutationTagFansSuccess { data { tag { id } } } } }`, {
      i: { fanIds: fans.map((f) => gid('Fan', f.id)), tagName: 'coupon target' },
    });
    const segment = await t.ok(
      `mutation($i: CreateSegmentInput!) { createSegment(input: $i) { ... on MutationCreateSegmentSuccess { data { id } } } }`,
      {
        i: { name: 'Tagged for coupons', filter: { tagIds: [tagged.tagFans.data.tag.id] } },
      },
    );
    const campaignId = await runningCampaign(t, { kind: 'COUPON', name: 'Tagged', coupon: { title: '¥3 off', discountCents: 300 } });
    const issued = await t.ok(
      `mutation($i: IssueCouponInput!) { issueCoupon(input: $i) { ... on MutationIssueCouponSuccess { data { issued skipped } } ... on Error { code message } } }`,
      {
        i: { campaignId, segmentId: segment.createSegment.data.id },
      },
    );
    expect(issued.issueCoupon).toEqual({ data: { issued: 2, skipped: 0 } });
  });
});

describe('claimFissionPrize', () => {
  const CLAIM = /* GraphQL */ `
    mutation($i: ClaimFissionPrizeInput!) { claimFissionPrize(input: $i) { __typename ... on Error { code message field } } }`;

  it('reports every bad address field at once', async ({ t }) => {
    const campaignId = await runningCampaign(t, {
      kind: 'FISSION',
      name: 'Addresses',
      startsAt: soon(0),
      fission: { targetInvites: 1, prizeName: 'Cola' },
    });
    const fan = await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: t.orgId } });
    const shippingAddress = { name: ' ', phone: '138 0013 8000', province: 'Zhejiang', city: '', address: 'No. 1' };
    const res = (await t.ok(CLAIM, { i: { campaignId, fanId: gid('Fan', fan.id), shippingAddress } })).claimFissionPrize;
    expect(res).toEqual({
      __typename: 'ValidationError',
      code: 'VALIDATION',
      field: 'input.shippingAddress.name',
      message: '2 problems: input.shippingAddress.name: must not be empty; input.shippingAddress.city: must not be empty',
    });
    const phone = (
      await t.ok(CLAIM, {
        i: { campaignId, fanId: gid('Fan', fan.id), shippingAddress: { ...shippingAddress, name: 'Ning', city: 'Hangzhou', phone: '138-ab' } },
      })
    ).claimFissionPrize;
    expect(phone).toMatchObject({
      code: 'VALIDATION',
      field: 'input.shippingAddress.phone',
      message: 'input.shippingAddress.phone: must be 6–15 digits (spaces and dashes are ignored)',
    });
  });
});
