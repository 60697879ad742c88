// Campaign and live-session results through the API, on small scenarios whose answers are known:
// participants and their GMV during and after a like campaign, referral outcomes, check-in days and
// streaks, coupon lift, and a session funnel whose private-domain GMV stays apart from the platform's.
import { describe, expect } from 'vitest';
import { gid } from '../helpers/ids.js';
import { useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 20 });
const DAY = 86_400_000;
const RESULTS = /* GraphQL */ `
  query($id: ID!) {
    campaignResults(campaignId: $id) {
      kind
      like { participants likes milestonesReached winners participantGmvDuringCents participantGmvAfterCents }
      fission { codes validInvites voidedInvites flaggedCodes prizesClaimed inviteesWhoOrdered inviteeFirstOrderGmvCents }
      checkIn { checkIns fans days { day checkIns } streaks { streak fans } }
      coupon { issued redeemed redeemingGmvCents gmvPerRedeemerCents gmvPerNonRedeemerCents lift }
    }
  }`;
const SESSION = `query($id: ID!) { liveSessionResults(sessionId: $id) { reservedFans remindedFans orderedFans privateDomainOrders privateDomainGmvCents platformOrderCount platformGmvCents } }`;

async function newFans(t: any, prefix: string, n: number) {
  const db = t.database.prisma;
  return Promise.all(
    Array.from({ length: n }, (_, i) => db.fan.create({ data: { orgId: t.orgId, externalId: `${prefix}-${i}`, displayName: `${prefix} ${i}` } })),
  );
}
async function orders(t: any, rows: { fan: { externalId: string }; cents: number; at: number; sessionId?: string }[], tag: string) {
  const res = await t.ok(`mutation($i: ImportOrdersInput!) { importOrders(input: $i) { __typename ... on DomainError { message } } }`, {
    i: {
      orders: rows.map((r, i) => ({
        externalId: `${tag}-${i}`,
        fanExternalId: r.fan.externalId,
        amountCents: r.cents,
        placedAt: new Date(r.at).toISOString(),
        liveSessionId: r.sessionId ? gid('LiveSession', r.sessionId) : null,
      })),
    },
  });
  expect(res.importOrders.__typename).toBe('MutationImportOrdersSuccess');
}

describe('campaign results', () => {
  it("like: participants, likes, winners, and participants' GMV during the campaign and in the 7 days after", async ({ t }) => {
    const db = t.database.prisma;
    const now = Date.now();
    const [a, b, c] = await newFans(t, 'lk', 3);
    const campaign = await db.campaign.create({
      data: {
        orgId: t.orgId,
        kind: 'LIKE',
        name: 'Results likes',
        status: 'ENDED',
        startsAt: new Date(now - 10 * DAY),
        endsAt: new Date(now - 5 * DAY),
        like: { create: { targetLikes: 100, milestoneEvery: 10, totalLikes: 42, milestonesReached: 4 } },
      },
    });
    await db.likeContribution.createMany({
      data: [
        { campaignId: campaign.id, fanId: a.id, likes: 30 },
        { campaignId: campaign.id, fanId: b.id, likes: 12 },
        { campaignId: campaign.id, fanId: c.id, likes: 0 },
      ],
    });
    const draw = await db.likeDraw.create({ data: { orgId: t.orgId, campaignId: campaign.id, milestone: 1, seed: 's', participantCount: 2 } });
    await db.likeWinner.create({ data: { drawId: draw.id, campaignId: campaign.id, fanId: a.id } });
    await orders(
      t,
      [
        { fan: a, cents: 1000, at: now - 11 * DAY }, // before
        { fan: a, cents: 2000, at: now - 8 * DAY }, // during
        { fan: b, cents: 3000, at: now - 6 * DAY }, // during
        { fan: b, cents: 4000, at: now - 2 * DAY }, // after (within 7 days of the end)
        { fan: c, cents: 9000, at: now - 8 * DAY }, // not a participant (no likes)
      ],
      `lk-${now}`,
    );
    const refunded = await db.order.findFirstOrThrow({ where: { fanId: b.id, amountCents: 3000 } });
    await t.ok(`mutation($i: RefundOrderInput!) { refundOrder(input: $i) { __typename } }`, { i: { orderId: gid('Order', refunded.id) } });
    const r = (await t.ok(RESULTS, { id: gid('Campaign', campaign.id) })).campaignResults;
    expect(r).toEqual({
      kind: 'LIKE',
      like: { participants: 2, likes: 42, milestonesReached: 4, winners: 1, participantGmvDuringCents: 2000, participantGmvAfterCents: 4000 },
      fission: null,
      checkIn: null,
      coupon: null,
    });
  }, 180_000); // the file's app is built for its first test

  it("fission: codes, valid and voided invites, flags, claims, and invitees' first orders after the invite", async ({ t }) => {
    const db = t.database.prisma;
    const now = Date.now();
    const [owner1, owner2, i1, i2, i3] = await newFans(t, 'fi', 5);
    const campaign = await db.campaign.create({
      data: {
        orgId: t.orgId,
        kind: 'FISSION',
        name: 'Results fission',
        status: 'RUNNING',
        fission: { create: { targetInvites: 2, prizeName: 'Cola' } },
      },
    });
    const code1 = await db.inviteCode.create({
      data: { orgId: t.orgId, campaignId: campaign.id, fanId: owner1.id, code: `R1-${now}`, validInvites: 2, claimedAt: new Date() },
    });
    const code2 = await db.inviteCode.create({
      data: { orgId: t.orgId, campaignId: campaign.id, fanId: owner2.id, code: `R2-${now}`, flagged: true },
    });
    const invitedAt = new Date(now - 5 * DAY);
    await db.invite.createMany({
      data: [
        { orgId: t.orgId, campaignId: campaign.id, inviteCodeId: code1.id, inviteeId: i1.id, createdAt: invitedAt },
        { orgId: t.orgId, campaignId: campaign.id, inviteCodeId: code1.id, inviteeId: i2.id, createdAt: invitedAt },
        {
          orgId: t.orgId,
          campaignId: campaign.id,
          inviteCodeId: code2.id,
          inviteeId: i3.id,
          createdAt: invitedAt,
          status: 'VOIDED',
          voidedAt: new Date(),
        },
      ],
    });
    await orders(
      t,
      [
        { fan: i1, cents: 500, at: now - 6 * DAY }, // before the invite: not a first order after it
        { fan: i1, cents: 1500, at: now - 4 * DAY }, // first after the invite
        { fan: i1, cents: 2500, at: now - 3 * DAY },
        { fan: i3, cents: 7000, at: now - 3 * DAY }, // voided invite
      ],
      `fi-${now}`,
    );
    const r = (await t.ok(RESULTS, { id: gid('Campaign', campaign.id) })).campaignResults;
    expect(r.fission).toEqual({
      codes: 2,
      validInvites: 2,
      voidedInvites: 1,
      flaggedCodes: 1,
      prizesClaimed: 1,
      inviteesWhoOrdered: 1,
      inviteeFirstOrderGmvCents: 1500,
    });
    expect([r.like, r.checkIn, r.coupon]).toEqual([null, null, null]);
  });

  it('check-in: check-ins per day and fans by their longest streak', async ({ t }) => {
    const db = t.database.prisma;
    const [a, b] = await newFans(t, 'ci', 2);
    const campaign = await db.campaign.create({
      data: { orgId: t.orgId, kind: 'CHECK_IN', name: 'Results check-in', status: 'RUNNING', checkIn: { create: {} } },
    });
    const day = (d: string) => new Date(`${d}T00:00:00Z`);
    await db.checkIn.createMany({
      data: [
        { orgId: t.orgId, campaignId: campaign.id, fanId: a.id, day: day('2026-11-01'), streak: 1, points: 10 },
        { orgId: t.orgId, campaignId: campaign.id, fanId: a.id, day: day('2026-11-02'), streak: 2, points: 10 },
        { orgId: t.orgId, campaignId: campaign.id, fanId: a.id, day: day('2026-11-03'), streak: 3, points: 10 },
        { orgId: t.orgId, campaignId: campaign.id, fanId: b.id, day: day('2026-11-02'), streak: 1, points: 10 },
      ],
    });
    const r = (await t.ok(RESULTS, { id: gid('Campaign', campaign.id) })).campaignResults;
    expect(r.checkIn).toEqual({
      checkIns: 4,
      fans: 2,
      days: [
        { day: '2026-11-01', checkIns: 1 },
        { day: '2026-11-02', checkIns: 2 },
        { day: '2026-11-03', checkIns: 1 },
      ],
      streaks: [
        { streak: 1, fans: 1 },
        { streak: 3, fans: 1 },
      ],
    });
  });

  it('coupon: issued, redeemed, GMV of redeeming orders, and lift of redeemers over fans who did not redeem', async ({ t }) => {
    const db = t.database.prisma;
    const now = Date.now();
    const [a, b, c, d] = await newFans(t, 'cp', 4);
    const campaign = await db.campaign.create({
      data: {
        orgId: t.orgId,
        kind: 'COUPON',
        name: 'Results coupon',
        status: 'RUNNING',
        coupon: { create: { title: '3 off 99', discountCents: 300, validUntil: new Date(now + DAY) } },
      },
    });
    await orders(
      t,
      [
        { fan: a, cents: 18000, at: now - 2 * DAY },
        { fan: b, cents: 9000, at: now - 2 * DAY },
        { fan: c, cents: 10000, at: now - 2 * DAY },
        { fan: d, cents: 5000, at: now - 10 * DAY }, // before the coupon was issued
      ],
      `cp-${now}`,
    );
    const orderOf = (fanId: string) => db.order.findFirstOrThrow({ where: { fanId } });
    const issuedAt = new Date(now - 3 * DAY);
    await db.couponGrant.createMany({
      data: [
        { orgId: t.orgId, campaignId: campaign.id, fanId: a.id, issuedAt, redeemedAt: new Date(), orderId: (await orderOf(a.id)).id },
        { orgId: t.orgId, campaignId: campaign.id, fanId: b.id, issuedAt, redeemedAt: new Date(), orderId: (await orderOf(b.id)).id },
        { orgId: t.orgId, campaignId: campaign.id, fanId: c.id, issuedAt },
        { orgId: t.orgId, campaignId: campaign.id, fanId: d.id, issuedAt },
      ],
    });
    const r = (await t.ok(RESULTS, { id: gid('Campaign', campaign.id) })).campaignResults;
    // Redeemers average (18,000 + 9,000) / 2 = 13,500; the others (10,000 + 0) / 2 = 5,000: lift 1.7.
    expect(r.coupon).toEqual({
      issued: 4,
      redeemed: 2,
      redeemingGmvCents: 27000,
      gmvPerRedeemerCents: 13500,
      gmvPerNonRedeemerCents: 5000,
      lift: expect.closeTo(1.7, 9),
    });
  });

  it('live session: reserved → reminded → ordered, private-domain GMV apart from the platform-reported total', async ({ t }) => {
    const db = t.database.prisma;
    const now = Date.now();
    const [a, b, c] = await newFans(t, 'ls', 3);
    await db.fan.update({ where: { id: c.id }, data: { optedOut: true } });
    const session = await db.liveSession.create({ data: { orgId: t.orgId, title: 'Results live', host: 'Lumi', scheduledAt: new Date(now + DAY) } });
    await db.reservation.createMany({ data: [a, b, c].map((f) => ({ orgId: t.orgId, fanId: f.id, sessionId: session.id, targetId: session.id })) });
    const id = gid('LiveSession', session.id);
    expect((await t.ok(SESSION, { id })).liveSessionResults).toMatchObject({ reservedFans: 3, remindedFans: 0, orderedFans: 0 });
    const live = await t.ok(`mutation($id: ID!) { goLive(sessionId: $id) { __typename } }`, { id });
    expect(live.goLive.__typename).toBe('MutationGoLiveSuccess');
    await orders(t, [{ fan: a, cents: 12900, at: now - 60_000, sessionId: session.id }], `ls-${now}`);
    const report = `mutation($i: ReportLiveStatsInput!) { reportLiveStats(input: $i) { ... on MutationReportLiveStatsSuccess { data { orderCount gmvCents platformOrderCount platformGmvCents } } } }`;
    const reported = await t.ok(report, { i: { sessionId: id, viewers: 15000, likes: 1000, orderCount: 830, gmvCents: 12_345_600 } });
    // The platform's report no longer overwrites the imported orders' numbers, nor the other way round.
    expect(reported.reportLiveStats.data).toEqual({ orderCount: 1, gmvCents: 12900, platformOrderCount: 830, platformGmvCents: 12_345_600 });
    await orders(t, [{ fan: b, cents: 5000, at: now - 30_000, sessionId: session.id }], `ls2-${now}`);
    expect((await t.ok(SESSION, { id })).liveSessionResults).toEqual({
      reservedFans: 3,
      remindedFans: 2,
      orderedFans: 2,
      privateDomainOrders: 2,
      privateDomainGmvCents: 17900,
      platformOrderCount: 830,
      platformGmvCents: 12_345_600,
    });
    const node = await t.ok(`query($id: ID!) { node(id: $id) { ... on LiveSession { orderCount gmvCents platformOrderCount platformGmvCents } } }`, {
      id,
    });
    expect(node.node).toEqual({ orderCount: 2, gmvCents: 17900, platformOrderCount: 830, platformGmvCents: 12_345_600 });
  });

  it('stays inside the organization and is for operators and read partners only', async ({ t }) => {
    const db = t.database.prisma;
    const rivalCampaign = await db.campaign.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    const rivalSession = await db.liveSession.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    expect((await t.ok(RESULTS, { id: gid('Campaign', rivalCampaign.id) })).campaignResults).toBeNull();
    expect((await t.ok(SESSION, { id: gid('LiveSession', rivalSession.id) })).liveSessionResults).toBeNull();
    const own = await db.campaign.findFirstOrThrow({ where: { orgId: t.orgId } });
    const fan = await db.fan.findFirstOrThrow({ where: { orgId: t.orgId } });
    expect((await t.gql(RESULTS, { id: gid('Campaign', own.id) }, `Dev demo/fan:${fan.externalId}`)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(RESULTS, { id: gid('Campaign', own.id) }, 'Dev demo/analyst@demo.test')).errors).toBeUndefined();
    expect((await t.gql(RESULTS, { id: gid('Fan', fan.id) })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
