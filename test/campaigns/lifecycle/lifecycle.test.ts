// Creating campaigns of every kind and moving them through DRAFT → SCHEDULED → RUNNING → ENDED / CANCELLED.
import { describe, expect } from 'vitest';
import { gid } from '../../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../../helpers/test-app.js';
import { CREATE, rawId, transition } from './helpers.js';

const it = useTestApp({ fans: 20 });

const HOUR = 3_600_000;
const soon = (h: number) => new Date(Date.now() + h * HOUR).toISOString();
const campaignCount = (t: SeededTestApp) => t.database.prisma.campaign.count({ where: { orgId: t.orgId } });

describe('createCampaign', () => {
  it('creates each kind as DRAFT with exactly its own settings', async ({ t }) => {
    const community = await t.database.prisma.community.findFirstOrThrow({ where: { orgId: t.orgId, kind: 'LIKE' } });
    const session = await t.database.prisma.liveSession.findFirstOrThrow({ where: { orgId: t.orgId, status: 'SCHEDULED' } });
    const like = await t.ok(CREATE, {
      input: {
        kind: 'LIKE',
        name: 'Friday 50k likes',
        communityId: gid('Community', community.id),
        liveSessionId: gid('LiveSession', session.id),
        like: { targetLikes: 50_000, milestoneEvery: 5_000, winnersPerMilestone: 2 },
      },
    });
    expect(like.createCampaign.data).toMatchObject({
      kind: 'LIKE',
      status: 'DRAFT',
      community: { id: gid('Community', community.id) },
      liveSession: { id: gid('LiveSession', session.id) },
      like: { targetLikes: 50_000, milestoneEvery: 5_000, winnersPerMilestone: 2, perFanWinCap: 1 },
      fission: null,
      coupon: null,
    });

    const fission = await t.ok(CREATE, {
      input: {
        kind: 'FISSION',
        name: 'Invite 3, get a cola',
        startsAt: soon(-1),
        endsAt: soon(48),
        fission: { targetInvites: 3, prizeName: 'Cola' },
      },
    });
    expect(fission.createCampaign.data.fission).toEqual({ targetInvites: 3, prizeName: 'Cola', burstLimit: 100, burstWindowSecs: 60 });

    const checkIn = await t.ok(CREATE, {
      input: {
        kind: 'CHECK_IN',
        name: 'Winter check-in',
        checkIn: {
          pointsPerCheckIn: 5,
          streakBonuses: [
            { days: 7, points: 50 },
            { days: 30, points: 300 },
          ],
        },
      },
    });
    expect(checkIn.createCampaign.data.checkIn).toEqual({ pointsPerCheckIn: 5, streakBonuses: { '7': 50, '30': 300 } });

    const lottery = await t.ok(CREATE, {
      input: {
        kind: 'LOTTERY',
        name: 'Member day',
        startsAt: soon(1),
        endsAt: soon(25),
        lottery: {
          perFanDailyCap: 1,
          perFanTotalCap: 2,
          prizes: [
            { name: 'Towel', weight: 10, stock: 50 },
            { name: 'Serum', weight: 1, stock: 2 },
          ],
        },
      },
    });
    expect(lottery.createCampaign.data.lottery).toEqual({ perFanDailyCap: 1, perFanTotalCap: 2 });
    expect(lottery.createCampaign.data.prizes).toEqual([
      { name: 'Serum', weight: 1, stock: 2 },
      { name: 'Towel', weight: 10, stock: 50 },
    ]);
    const prizes = await t.database.prisma.prize.findMany({ where: { campaignId: rawId(lottery.createCampaign.data.id) } });
    expect(prizes.every((p) => p.orgId === t.orgId)).toBe(true);

    const validUntil = soon(72);
    const coupon = await t.ok(CREATE, {
      input: { kind: 'COUPON', name: '5 off 199', coupon: { title: '¥5 off ¥199', discountCents: 500, minSpendCents: 19_900, validUntil } },
    });
    expect(coupon.createCampaign.data.coupon).toEqual({ title: '¥5 off ¥199', discountCents: 500, minSpendCents: 19_900, validUntil });
  });

  it('refuses bad input with VALIDATION naming the field, and creates nothing', async ({ t }) => {
    const before = await campaignCount(t);
    const like = { targetLikes: 1_000, milestoneEvery: 100 };
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'LIKE', name: 'x', like: { targetLikes: 1_000, milestoneEvery: 2_000 } }, 'input.like.milestoneEvery'],
      [{ kind: 'LIKE', name: 'x', like: { targetLikes: 0, milestoneEvery: 1 } }, 'input.like.targetLikes'],
      [{ kind: 'LIKE', name: 'x', startsAt: soon(2), endsAt: soon(1), like }, 'input.endsAt'],
      [{ kind: 'LIKE', name: 'x', like, fission: { targetInvites: 3, prizeName: 'Cola' } }, 'input.fission'],
      [{ kind: 'LIKE', name: 'x' }, 'input.like'],
      [{ kind: 'LIKE', name: '   ', like }, 'input.name'],
      [{ kind: 'FISSION', name: 'x', fission: { targetInvites: 3, prizeName: 'Cola' } }, 'input.startsAt'],
      [
        { kind: 'FISSION', name: 'x', startsAt: soon(0), fission: { targetInvites: 3, prizeName: 'Cola', burstWindowSecs: 0 } },
        'input.fission.burstWindowSecs',
      ],
      [
        {
          kind: 'CHECK_IN',
          name: 'x',
          checkIn: {
            pointsPerCheckIn: 5,
            streakBonuses: [
              { days: 7, points: 5 },
              { days: 7, points: 9 },
            ],
          },
        },
        'input.checkIn.streakBonuses.1.days',
      ],
      [
        { kind: 'LOTTERY', name: 'x', lottery: { perFanDailyCap: 3, perFanTotalCap: 2, prizes: [{ name: 'A', weight: 1, stock: 1 }] } },
        'input.lottery.perFanDailyCap',
      ],
      [{ kind: 'LOTTERY', name: 'x', lottery: { perFanDailyCap: 1, perFanTotalCap: 2, prizes: [] } }, 'input.lottery.prizes'],
      [
        {
          kind: 'LOTTERY',
          name: 'x',
          lottery: {
            perFanDailyCap: 1,
            perFanTotalCap: 2,
            prizes: [
              { name: 'A', weight: 1, stock: 1 },
              { name: 'A', weight: 2, stock: 1 },
            ],
          },
        },
        'input.lottery.prizes.1.name',
      ],
      [
        { kind: 'LOTTERY', name: 'x', lottery: { perFanDailyCap: 1, perFanTotalCap: 2, prizes: [{ name: 'A', weight: 1, stock: -1 }] } },
        'input.lottery.prizes.0.stock',
      ],
      [{ kind: 'COUPON', name: 'x', coupon: { title: 'c', discountCents: 10_000, minSpendCents: 9_900 } }, 'input.coupon.discountCents'],
      [{ kind: 'COUPON', name: 'x', coupon: { title: 'c', discountCents: 300, validUntil: soon(-1) } }, 'input.coupon.validUntil'],
    ];
    for (const [input, field] of cases) {
      const r = await t.ok(CREATE, { input });
      expect(r.createCampaign, JSON.stringify(input)).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION', field });
    }
    expect(await campaignCount(t)).toBe(before);
  });

  it("refuses another tenant's group or session as NOT_FOUND; analysts and fans may not create", async ({ t }) => {
    const before = await campaignCount(t);
    const rivalGroup = await t.database.prisma.community.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    const rivalSession = await t.database.prisma.liveSession.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    const like = { targetLikes: 1_000, milestoneEvery: 100 };
    const a = await t.ok(CREATE, { input: { kind: 'LIKE', name: 'x', communityId: gid('Community', rivalGroup.id), like } });
    expect(a.createCampaign).toMatchObject({ code: 'NOT_FOUND', field: 'input.communityId' });
    const b = await t.ok(CREATE, { input: { kind: 'LIKE', name: 'x', liveSessionId: gid('LiveSession', rivalSession.id), like } });
    expect(b.createCampaign).toMatchObject({ code: 'NOT_FOUND', field: 'input.liveSessionId' });
    const analyst = await t.gql(CREATE, { input: { kind: 'LIKE', name: 'x', like } }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const fan = await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: t.orgId } });
    const asFan = await t.gql(CREATE, { input: { kind: 'LIKE', name: 'x', like } }, `Dev demo/fan:${fan.externalId}`);
    expect(asFan.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const operator = await t.ok(CREATE, { input: { kind: 'LIKE', name: 'by jujube', like } }, 'Dev demo/jujube@demo.test');
    expect(operator.createCampaign.__typename).toBe('MutationCreateCampaignSuccess');
    expect(await campaignCount(t)).toBe(before + 1);
  });
});

describe('campaign status transitions', () => {
  const statusOf = async (t: SeededTestApp, id: string) => (await t.database.prisma.campaign.findUniqueOrThrow({ where: { id: rawId(id) } })).status;
  const newLike = async (t: SeededTestApp) =>
    (await t.ok(CREATE, { input: { kind: 'LIKE', name: 'T', like: { targetLikes: 10, milestoneEvery: 5 } } })).createCampaign.data.id as string;

  it('follows DRAFT → SCHEDULED → RUNNING → ENDED, recording when it really started and ended', async ({ t }) => {
    const id = await newLike(t);
    expect((await t.ok(transition('schedule'), { id })).scheduleCampaign.data.status).toBe('SCHEDULED');
    const started = await t.ok(transition('start'), { id });
    expect(started.startCampaign.data).toMatchObject({ status: 'RUNNING' });
    expect(started.startCampaign.data.startsAt).not.toBeNull();
    const ended = await t.ok(transition('end'), { id });
    expect(ended.endCampaign.data.status).toBe('ENDED');
    expect(ended.endCampaign.data.endsAt).not.toBeNull();
  });

  it('refuses any other move with INVALID_STATE and leaves the status alone', async ({ t }) => {
    const draft = await newLike(t);
    for (const action of ['start', 'end'] as const) {
      const r = await t.ok(transition(action), { id: draft });
      expect(r[`${action}Campaign`]).toMatchObject({ __typename: 'InvalidStateError', code: 'INVALID_STATE', field: 'campaignId' });
    }
    expect(await statusOf(t, draft)).toBe('DRAFT');
    await t.ok(transition('schedule'), { id: draft });
    expect((await t.ok(transition('schedule'), { id: draft })).scheduleCampaign.code).toBe('INVALID_STATE');
    expect((await t.ok(transition('end'), { id: draft })).endCampaign.code).toBe('INVALID_STATE');
    expect(await statusOf(t, draft)).toBe('SCHEDULED');
    expect((await t.ok(transition('cancel'), { id: draft })).cancelCampaign.data.status).toBe('CANCELLED');
    for (const action of ['schedule', 'start', 'end', 'cancel'] as const) {
      expect((await t.ok(transition(action), { id: draft }))[`${action}Campaign`].code).toBe('INVALID_STATE');
    }
    expect(await statusOf(t, draft)).toBe('CANCELLED');
  });

  it('cancels from DRAFT and RUNNING; an ENDED campaign stays ended', async ({ t }) => {
    const a = await newLike(t);
    expect((await t.ok(transition('cancel'), { id: a })).cancelCampaign.data.status).toBe('CANCELLED');
    const b = await newLike(t);
    for (const action of ['schedule', 'start'] as const) await t.ok(transition(action), { id: b });
    expect((await t.ok(transition('cancel'), { id: b })).cancelCampaign.data.status).toBe('CANCELLED');
    const c = await newLike(t);
    for (const action of ['schedule', 'start', 'end'] as const) await t.ok(transition(action), { id: c });
    expect((await t.ok(transition('cancel'), { id: c })).cancelCampaign.code).toBe('INVALID_STATE');
    expect(await statusOf(t, c)).toBe('ENDED');
  });

  it('will not start a campaign whose end has passed', async ({ t }) => {
    const id = (
      await t.ok(CREATE, {
        input: { kind: 'LIKE', name: 'Late', startsAt: soon(-3), endsAt: soon(-1), like: { targetLikes: 10, milestoneEvery: 5 } },
      })
    ).createCampaign.data.id;
    await t.ok(transition('schedule'), { id });
    expect((await t.ok(transition('start'), { id })).startCampaign).toMatchObject({ code: 'INVALID_STATE' });
    expect(await statusOf(t, id)).toBe('SCHEDULED');
  });

  it("answers NOT_FOUND for another tenant's campaign, VALIDATION for an id of another type; analysts are refused", async ({ t }) => {
    const rival = await t.database.prisma.campaign.findFirstOrThrow({ where: { orgId: t.rivalOrgId, status: 'RUNNING' } });
    const r = await t.ok(transition('cancel'), { id: gid('Campaign', rival.id) });
    expect(r.cancelCampaign).toMatchObject({ code: 'NOT_FOUND', field: 'campaignId' });
    expect((await t.database.prisma.campaign.findUniqueOrThrow({ where: { id: rival.id } })).status).toBe('RUNNING');
    const fan = await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: t.orgId } });
    expect((await t.ok(transition('cancel'), { id: gid('Fan', fan.id) })).cancelCampaign).toMatchObject({ code: 'VALIDATION', field: 'campaignId' });
    const id = await newLike(t);
    const analyst = await t.gql(transition('schedule'), { id }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await statusOf(t, id)).toBe('DRAFT');
  });

  it('ending and cancelling the same running campaign at once: exactly one wins', async ({ t }) => {
    const id = await newLike(t);
    for (const action of ['schedule', 'start'] as const) await t.ok(transition(action), { id });
    const [end, cancel] = await Promise.all([t.ok(transition('end'), { id }), t.ok(transition('cancel'), { id })]);
    const winners = [end.endCampaign, cancel.cancelCampaign].filter((r) => !r.__typename.endsWith('Error'));
    expect(winners).toHaveLength(1);
    expect([end.endCampaign, cancel.cancelCampaign].filter((r) => r.code === 'INVALID_STATE')).toHaveLength(1);
    expect(await statusOf(t, id)).toBe(winners[0].data.status);
  });
});

describe('one running CHECK_IN campaign per organization', () => {
  const newCheckIn = async (t: SeededTestApp, name: string) => {
    const id = (await t.ok(CREATE, { input: { kind: 'CHECK_IN', name, checkIn: { pointsPerCheckIn: 10 } } })).createCampaign.data.id as string;
    await t.ok(transition('schedule'), { id });
    return id;
  };

  it('refuses to start a second one (CONFLICT), allows it once the first has ended, and counts per tenant', async ({ t }) => {
    const seeded = await t.database.prisma.campaign.findFirstOrThrow({ where: { orgId: t.orgId, kind: 'CHECK_IN', status: 'RUNNING' } });
    const id = await newCheckIn(t, 'Second check-in');
    expect((await t.ok(transition('start'), { id })).startCampaign).toMatchObject({ code: 'CONFLICT', field: 'campaignId' });
    expect((await t.database.prisma.campaign.findUniqueOrThrow({ where: { id: rawId(id) } })).status).toBe('SCHEDULED');
    // The rival's running check-in does not block the demo organization, and vice versa.
    expect(await t.database.prisma.campaign.count({ where: { orgId: t.rivalOrgId, kind: 'CHECK_IN', status: 'RUNNING' } })).toBe(1);
    await t.ok(transition('end'), { id: gid('Campaign', seeded.id) });
    expect((await t.ok(transition('start'), { id })).startCampaign.data.status).toBe('RUNNING');
    await t.ok(transition('end'), { id });
  });

  it('two check-in campaigns started at once: exactly one runs', async ({ t }) => {
    expect(await t.database.prisma.campaign.count({ where: { orgId: t.orgId, kind: 'CHECK_IN', status: 'RUNNING' } })).toBe(0);
    const ids = await Promise.all(Array.from({ length: 4 }, (_, i) => newCheckIn(t, `Race ${i}`)));
    const results = await Promise.all(ids.map((id) => t.ok(transition('start'), { id })));
    expect(results.filter((r) => r.startCampaign.__typename === 'MutationStartCampaignSuccess')).toHaveLength(1);
    expect(results.filter((r) => r.startCampaign.code === 'CONFLICT')).toHaveLength(3);
    expect(await t.database.prisma.campaign.count({ where: { orgId: t.orgId, kind: 'CHECK_IN', status: 'RUNNING' } })).toBe(1);
  });
});
