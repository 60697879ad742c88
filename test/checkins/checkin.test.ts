// Daily check-in: once per fan per organization-day, streaks and streak bonuses from the running
// CHECK_IN campaign, points through the ledger — and 20 taps at once credit one check-in.
import { describe, expect } from 'vitest';
import { checkIn } from '../../src/checkins/service.js';
import { DomainError } from '../../src/core/errors.js';
import { createPubSub } from '../../src/core/pubsub.js';
import { gid } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 10 });

it.beforeAll(async ({ t }) => {
  // The seeded campaign started 30 days before the fixture date; open it for any wall-clock date.
  await t.database.prisma.campaign.updateMany({ where: { kind: 'CHECK_IN' }, data: { startsAt: null, endsAt: null } });
});

const CHECK_IN = /* GraphQL */ `
  mutation CheckIn($fanId: ID) {
    checkIn(fanId: $fanId) {
      __typename
      ... on MutationCheckInSuccess { data { day streak points fan { id pointsBalance checkInStreak lastCheckInDay } } }
      ... on DomainError { code message field }
    }
  }
`;

let seq = 0;
async function newFan(t: SeededTestApp, org = t.orgId) {
  seq += 1;
  return t.database.prisma.fan.create({ data: { orgId: org, externalId: `ci-${seq}`, displayName: `Hangzhou-combination skin·${seq}` } });
}
const asFan = (f: { externalId: string }, slug = 'demo') => `Dev ${slug}/fan:${f.externalId}`;
const shanghaiDay = (at: Date, offsetDays = 0) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(at.getTime() + offsetDays * 86_400_000),
  );
const dateValue = (day: string) => new Date(`${day}T00:00:00Z`);
const balance = async (t: SeededTestApp, id: string) => (await t.database.prisma.fan.findUniqueOrThrow({ where: { id } })).pointsBalance;

describe('checkIn', () => {
  it("a fan checks in for the organization's today: points, ledger entry, streak, feed event", async ({ t }) => {
    const fan = await newFan(t);
    const res = await t.ok(CHECK_IN, {}, asFan(fan));
    const today = shanghaiDay(new Date());
    expect(res.checkIn).toEqual({
      __typename: 'MutationCheckInSuccess',
      data: { day: today, streak: 1, points: 10, fan: { id: gid('Fan', fan.id), pointsBalance: 10, checkInStreak: 1, lastCheckInDay: today } },
    });
    const ledger = await t.database.prisma.pointsEntry.findMany({ where: { fanId: fan.id } });
    expect(ledger).toMatchObject([{ delta: 10, balanceAfter: 10, reason: 'CHECK_IN' }]);
    expect(ledger[0].reference).toMatch(/^checkin:/);
    const feed = await t.database.prisma.activityEvent.findMany({ where: { fanId: fan.id } });
    expect(feed).toMatchObject([{ kind: 'CHECK_IN', payload: { day: today, streak: 1, points: 10 } }]);
    expect((await t.database.prisma.fan.findUniqueOrThrow({ where: { id: fan.id } })).intimacy).toBe(1);
  });

  it('a second check-in the same day is ALREADY_CHECKED_IN and changes nothing', async ({ t }) => {
    const fan = await newFan(t);
    await t.ok(CHECK_IN, {}, asFan(fan));
    const again = await t.ok(CHECK_IN, { fanId: gid('Fan', fan.id) });
    expect(again.checkIn).toMatchObject({ __typename: 'AlreadyCheckedInError', code: 'ALREADY_CHECKED_IN' });
    expect(await balance(t, fan.id)).toBe(10);
    expect(await t.database.prisma.pointsEntry.count({ where: { fanId: fan.id } })).toBe(1);
    expect(await t.database.prisma.activityEvent.count({ where: { fanId: fan.id } })).toBe(1);
  });

  it('20 parallel check-ins by one fan: exactly one counts, points credited once', async ({ t }) => {
    const fan = await newFan(t);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.ok(CHECK_IN, i % 2 ? {} : { fanId: gid('Fan', fan.id) }, i % 2 ? asFan(fan) : undefined)),
    );
    const outcomes = results.map((r) => r.checkIn.code ?? 'OK');
    expect(outcomes.filter((o) => o === 'OK')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'ALREADY_CHECKED_IN')).toHaveLength(19);
    expect(await balance(t, fan.id)).toBe(10);
    expect(await t.database.prisma.checkIn.count({ where: { fanId: fan.id } })).toBe(1);
    expect(await t.database.prisma.pointsEntry.count({ where: { fanId: fan.id } })).toBe(1);
  });

  it('continues a streak from yesterday and pays the bonus on reaching 7 (and 30)', async ({ t }) => {
    const now = new Date();
    for (const [prior, expected] of [
      [6, { streak: 7, points: 60 }],
      [29, { streak: 30, points: 310 }],
      [7, { streak: 8, points: 10 }],
    ] as const) {
      const fan = await newFan(t);
      await t.database.prisma.checkIn.create({
        data: { orgId: t.orgId, fanId: fan.id, day: dateValue(shanghaiDay(now, -1)), streak: prior, points: 10 },
      });
      const res = await t.ok(CHECK_IN, {}, asFan(fan));
      expect(res.checkIn.data, `after ${prior}`).toMatchObject({
        ...expected,
        fan: { pointsBalance: expected.points, checkInStreak: expected.streak },
      });
      const entry = await t.database.prisma.pointsEntry.findFirstOrThrow({ where: { fanId: fan.id } });
      expect(entry.delta).toBe(expected.points);
      if (expected.points > 10) expect(entry.note).toContain(`+${expected.points - 10} bonus`);
    }
  });

  it('resets the streak to 1 after a missed day', async ({ t }) => {
    const fan = await newFan(t);
    await t.database.prisma.checkIn.create({
      data: { orgId: t.orgId, fanId: fan.id, day: dateValue(shanghaiDay(new Date(), -2)), streak: 6, points: 10 },
    });
    const res = await t.ok(CHECK_IN, {}, asFan(fan));
    expect(res.checkIn.data).toMatchObject({ streak: 1, points: 10 });
  });

  it("uses the running campaign's points: CAMPAIGN_NOT_RUNNING without one, nothing written", async ({ t }) => {
    const fan = await newFan(t, t.rivalOrgId);
    await t.database.prisma.campaign.updateMany({ where: { orgId: t.rivalOrgId, kind: 'CHECK_IN' }, data: { status: 'ENDED' } });
    const ended = await t.ok(CHECK_IN, {}, asFan(fan, 'rival'));
    expect(ended.checkIn).toMatchObject({ __typename: 'CampaignNotRunningError', code: 'CAMPAIGN_NOT_RUNNING' });
    await t.database.prisma.campaign.updateMany({
      where: { orgId: t.rivalOrgId, kind: 'CHECK_IN' },
      data: { status: 'RUNNING', endsAt: new Date(Date.now() - 60_000) },
    });
    expect((await t.ok(CHECK_IN, {}, asFan(fan, 'rival'))).checkIn.code).toBe('CAMPAIGN_NOT_RUNNING');
    await t.database.prisma.campaign.updateMany({
      where: { orgId: t.rivalOrgId, kind: 'CHECK_IN' },
      data: { startsAt: new Date(Date.now() + 60_000), endsAt: null },
    });
    expect((await t.ok(CHECK_IN, {}, asFan(fan, 'rival'))).checkIn.code).toBe('CAMPAIGN_NOT_RUNNING');
    expect(await t.database.prisma.checkIn.count({ where: { fanId: fan.id } })).toBe(0);
    expect(await balance(t, fan.id)).toBe(0);
    // A running campaign with other rules: its points apply.
    const c = await t.database.prisma.campaign.findFirstOrThrow({ where: { orgId: t.rivalOrgId, kind: 'CHECK_IN' }, include: { checkIn: true } });
    await t.database.prisma.campaign.update({ where: { id: c.id }, data: { startsAt: null, checkIn: { update: { pointsPerCheckIn: 25 } } } });
    expect((await t.ok(CHECK_IN, {}, asFan(fan, 'rival'))).checkIn.data).toMatchObject({ streak: 1, points: 25 });
  });

  it('operators check in for a fan; analysts, other fans and other tenants are refused', async ({ t }) => {
    const fan = await newFan(t);
    const other = await newFan(t);
    const forOther = await t.ok(CHECK_IN, { fanId: gid('Fan', other.id) }, asFan(fan));
    expect(forOther.checkIn).toMatchObject({ code: 'FORBIDDEN', field: 'fanId' });
    const analyst = await t.gql(CHECK_IN, { fanId: gid('Fan', fan.id) }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const rival = await t.ok(CHECK_IN, { fanId: gid('Fan', fan.id) }, 'Dev rival');
    expect(rival.checkIn).toMatchObject({ code: 'NOT_FOUND', field: 'fanId' });
    expect((await t.ok(CHECK_IN, {})).checkIn).toMatchObject({ code: 'VALIDATION', field: 'fanId' });
    expect(await t.database.prisma.checkIn.count({ where: { fanId: { in: [fan.id, other.id] } } })).toBe(0);
    const byOperator = await t.ok(CHECK_IN, { fanId: gid('Fan', fan.id) }, 'Dev demo/jujube@demo.test');
    expect(byOperator.checkIn.data).toMatchObject({ streak: 1, points: 10 });
  });
});

describe("the organization's day (time zone boundaries, with the service's injectable clock)", () => {
  const deps = (t: SeededTestApp) => ({ db: t.database.prisma, pubsub: createPubSub() });
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => 'OK',
      (e: unknown) => (e instanceof DomainError ? e.code : String(e)),
    );

  it('23:30 UTC is already the next day in Asia/Shanghai; the day ends at 16:00 UTC', async ({ t }) => {
    const fan = await newFan(t);
    const first = await checkIn(deps(t), t.orgId, fan.id, new Date('2026-11-20T23:30:00Z'));
    expect(first).toMatchObject({ day: dateValue('2026-11-21'), streak: 1 });
    // 23:59 in Shanghai on the 21st: still the same day.
    expect(await refusal(checkIn(deps(t), t.orgId, fan.id, new Date('2026-11-21T15:59:00Z')))).toBe('ALREADY_CHECKED_IN');
    // Midnight in Shanghai: a new day, and the streak continues.
    const second = await checkIn(deps(t), t.orgId, fan.id, new Date('2026-11-21T16:00:00Z'));
    expect(second).toMatchObject({ day: dateValue('2026-11-22'), streak: 2 });
    // Skipping the 23rd (Shanghai) breaks the streak.
    const third = await checkIn(deps(t), t.orgId, fan.id, new Date('2026-11-24T01:00:00Z'));
    expect(third).toMatchObject({ day: dateValue('2026-11-24'), streak: 1 });
  });

  it("follows each organization's own time zone", async ({ t }) => {
    await t.database.prisma.organization.update({ where: { id: t.rivalOrgId }, data: { timeZone: 'America/New_York' } });
    const fan = await newFan(t, t.rivalOrgId);
    // 03:00 UTC on the 21st is still the evening of the 20th in New York.
    expect(await checkIn(deps(t), t.rivalOrgId, fan.id, new Date('2026-11-21T03:00:00Z'))).toMatchObject({ day: dateValue('2026-11-20') });
    expect(await refusal(checkIn(deps(t), t.rivalOrgId, fan.id, new Date('2026-11-21T04:59:00Z')))).toBe('ALREADY_CHECKED_IN');
    expect(await checkIn(deps(t), t.rivalOrgId, fan.id, new Date('2026-11-21T05:00:00Z'))).toMatchObject({ day: dateValue('2026-11-21'), streak: 2 });
  });
});
