// The check-in calendar: a month of the fan's check-ins next to the live schedule and its themes,
// with days counted in the organization's time zone.
import { describe, expect } from 'vitest';
import { gid } from '../helpers/ids.js';
import { useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 10 });
let fan: { id: string; externalId: string };

it.beforeAll(async ({ t }) => {
  // The seed schedules sessions around 2026-11-20; use a month of our own so only these count.
  const sessions = [
    { title: 'Snack Festival live', theme: 'Snack Festival', scheduledAt: new Date('2027-03-06T12:00:00Z') }, // 20:00 on the 6th in Shanghai
    { title: 'Late-night beauty', theme: 'Beauty Night', scheduledAt: new Date('2027-03-06T17:00:00Z') }, // 01:00 on the 7th in Shanghai
    { title: 'Early bird', theme: 'Home Essentials', scheduledAt: new Date('2027-02-28T16:30:00Z') }, // 00:30 on 1 March in Shanghai
    { title: 'Cancelled show', theme: 'Jewelry Hour', scheduledAt: new Date('2027-03-06T13:00:00Z'), status: 'CANCELLED' as const },
  ];
  await t.database.prisma.liveSession.createMany({ data: sessions.map((s) => ({ orgId: t.orgId, host: 'Lumi', ...s })) });
  await t.database.prisma.liveSession.create({
    data: { orgId: t.rivalOrgId, title: 'Rival show', host: 'Rival', theme: 'Rival Theme', scheduledAt: new Date('2027-03-06T12:00:00Z') },
  });
  fan = await t.database.prisma.fan.create({ data: { orgId: t.orgId, externalId: 'cal-1', displayName: 'Nanjing-dry skin·cal' } });
  await t.database.prisma.checkIn.createMany({
    data: [
      { orgId: t.orgId, fanId: fan.id, day: new Date('2027-03-01T00:00:00Z'), streak: 1, points: 10 },
      { orgId: t.orgId, fanId: fan.id, day: new Date('2027-03-02T00:00:00Z'), streak: 2, points: 10 },
      { orgId: t.orgId, fanId: fan.id, day: new Date('2027-03-07T00:00:00Z'), streak: 7, points: 60 },
      { orgId: t.orgId, fanId: fan.id, day: new Date('2027-04-01T00:00:00Z'), streak: 1, points: 10 },
    ],
  });
});

const CALENDAR = /* GraphQL */ `
  query Calendar($month: String!, $fanId: ID) {
    checkInCalendar(month: $month, fanId: $fanId) {
      __typename
      ... on CheckInCalendarSuccess { data { month timeZone checkedInDays days { date checkedIn points streak liveSessions { title theme scheduledAt } } } }
      ... on DomainError { code message field }
    }
  }
`;

describe('checkInCalendar', () => {
  it("shows the fan's own month: every day, check-ins with points, live sessions with themes by local day", async ({ t }) => {
    const res = await t.ok(CALENDAR, { month: '2027-03' }, `Dev demo/fan:${fan.externalId}`);
    const cal = res.checkInCalendar.data;
    expect(cal).toMatchObject({ month: '2027-03', timeZone: 'Asia/Shanghai', checkedInDays: 3 });
    expect(cal.days).toHaveLength(31);
    expect(cal.days[0]).toEqual({
      date: '2027-03-01',
      checkedIn: true,
      points: 10,
      streak: 1,
      liveSessions: [{ title: 'Early bird', theme: 'Home Essentials', scheduledAt: '2027-02-28T16:30:00.000Z' }],
    });
    expect(cal.days[2]).toEqual({ date: '2027-03-03', checkedIn: false, points: 0, streak: null, liveSessions: [] });
    // The 6th: the Snack Festival, not the cancelled show, not the rival's show, not the 01:00 show of the 7th.
    expect(cal.days[5].liveSessions).toEqual([{ title: 'Snack Festival live', theme: 'Snack Festival', scheduledAt: '2027-03-06T12:00:00.000Z' }]);
    expect(cal.days[6]).toMatchObject({ date: '2027-03-07', checkedIn: true, points: 60, streak: 7, liveSessions: [{ theme: 'Beauty Night' }] });
    expect(cal.days[30].date).toBe('2027-03-31');
  });

  it('operators (analysts included) name the fan; February has 28 days', async ({ t }) => {
    for (const as of ['Dev demo', 'Dev demo/analyst@demo.test']) {
      const res = await t.ok(CALENDAR, { month: '2027-03', fanId: gid('Fan', fan.id) }, as);
      expect(res.checkInCalendar.data.checkedInDays).toBe(3);
    }
    const feb = await t.ok(CALENDAR, { month: '2027-02', fanId: gid('Fan', fan.id) });
    expect(feb.checkInCalendar.data.days).toHaveLength(28);
    expect(feb.checkInCalendar.data.days.flatMap((d: { liveSessions: unknown[] }) => d.liveSessions)).toEqual([]);
  });

  it('refuses a malformed month, another fan, a foreign fan, and a missing fan id for operators', async ({ t }) => {
    for (const month of ['2027-13', '2027-3', 'March', '2027-03-01']) {
      expect((await t.ok(CALENDAR, { month, fanId: gid('Fan', fan.id) })).checkInCalendar).toMatchObject({
        __typename: 'ValidationError',
        code: 'VALIDATION',
        field: 'month',
      });
    }
    const other = await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: t.orgId, id: { not: fan.id } } });
    expect((await t.ok(CALENDAR, { month: '2027-03', fanId: gid('Fan', other.id) }, `Dev demo/fan:${fan.externalId}`)).checkInCalendar).toMatchObject(
      { code: 'FORBIDDEN', field: 'fanId' },
    );
    expect((await t.ok(CALENDAR, { month: '2027-03', fanId: gid('Fan', fan.id) }, 'Dev rival')).checkInCalendar).toMatchObject({
      code: 'NOT_FOUND',
      field: 'fanId',
    });
    expect((await t.ok(CALENDAR, { month: '2027-03' })).checkInCalendar).toMatchObject({ code: 'VALIDATION', field: 'fanId' });
    const anonymous = await t.gql(CALENDAR, { month: '2027-03' }, null);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
