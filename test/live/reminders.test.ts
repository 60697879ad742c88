// Session reminders at the times the operator sets (default 10:00 and 15:00 on the session day in the
// organization's time zone, Asia/Shanghai here, and 30 minutes before the start), with a fake clock:
// drain({ until }) makes what is planned up to that instant due now. Each time emits one `reminder.due`
// per fan who reserved the session or an item of it, opted-out fans excepted, received by a loopback
// receiver that verifies the signatures. Rescheduling moves the reminders, cancelling drops them.
import { afterAll, describe, expect } from 'vitest';
import { runSessionReminder } from '../../src/live/reminders.js';
import { useTestApp } from '../helpers/test-app.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { DAY, decodeId, eveningIn, newFan, newItem, newSession, ok, Q, run } from './live-helpers.js';

const it = useTestApp({ fans: 5 });
let receiver: WebhookReceiver;

it.beforeAll(async ({ t }) => {
  receiver = await startWebhookReceiver();
  await receiver.register(t, ['REMINDER_DUE']);
});
afterAll(() => receiver?.close());

const MIN = 60_000;
/** An instant on the day of `evening` (20:00 Shanghai = 12:00 UTC) at a Shanghai wall-clock hour. */
const shanghai = (evening: Date, hour: number, minute = 0) => new Date(evening.getTime() + (hour - 20) * 3_600_000 + minute * MIN);

const REMINDERS = `query($id: ID!) { node(id: $id) { ... on LiveSession { reminderTimes { localTime minutesBefore at status } } } }`;
const SET = `mutation($i: SetSessionRemindersInput!) { r: setSessionReminders(input: $i) { __typename
  ... on MutationSetSessionRemindersSuccess { data { id reminderTimes { localTime minutesBefore at status } } } ... on Error { code field message } } }`;

const remindersFor = (sessionGid: string) => receiver.events('reminder.due').filter((e) => e.data.sessionId === decodeId(sessionGid));

describe('default reminder times', () => {
  it('10:00, 15:00 and 30 minutes before: each sends one reminder.due per reserving fan, opted-out fans none', async ({ t }) => {
    const evening = eveningIn(2);
    const s = await ok(t, Q.schedule, { i: { title: 'Winter skincare live', host: 'Lumi', scheduledAt: evening.toISOString() } });
    const planned = (await t.ok<any>(REMINDERS, { id: s.id })).node.reminderTimes;
    expect(planned).toEqual([
      { localTime: '10:00', minutesBefore: null, at: shanghai(evening, 10).toISOString(), status: 'PLANNED' },
      { localTime: '15:00', minutesBefore: null, at: shanghai(evening, 15).toISOString(), status: 'PLANNED' },
      { localTime: null, minutesBefore: 30, at: shanghai(evening, 19, 30).toISOString(), status: 'PLANNED' },
    ]);
    const item = await newItem(t, s.id, 'Night cream');
    const sessionFan = await newFan(t, t.orgId, 'demo');
    const itemFan = await newFan(t, t.orgId, 'demo');
    const optedOut = await newFan(t, t.orgId, 'demo', { optedOut: true });
    await ok(t, Q.reserveSession, { i: { sessionId: s.id } }, sessionFan.as);
    await ok(t, Q.reserveItem, { i: { itemId: item.id } }, itemFan.as);
    await ok(t, Q.reserveSession, { i: { sessionId: s.id } }, optedOut.as);

    await t.services.jobs.drain({ until: shanghai(evening, 9, 59) });
    expect(remindersFor(s.id)).toEqual([]);
    await t.services.jobs.drain({ until: shanghai(evening, 10, 1) });
    const first = remindersFor(s.id);
    expect(first.map((e) => e.data.fanId).sort()).toEqual([sessionFan.id, itemFan.id].sort());
    expect(first[0]!.data).toMatchObject({
      reason: 'SCHEDULED_REMINDER',
      at: shanghai(evening, 10).toISOString(),
      title: 'Winter skincare live',
      scheduledAt: evening.toISOString(),
      fanExternalId: expect.stringMatching(/^live-fan-/),
    });
    expect((await t.ok<any>(REMINDERS, { id: s.id })).node.reminderTimes.map((r: any) => r.status)).toEqual(['SENT', 'PLANNED', 'PLANNED']);

    await t.services.jobs.drain({ until: shanghai(evening, 19, 31) });
    const all = remindersFor(s.id);
    expect(all).toHaveLength(6);
    expect(new Set(all.map((e) => e.id)).size).toBe(6);
    expect(all.map((e) => e.data.at).sort()).toEqual(
      [10, 10, 15, 15].map((h) => shanghai(evening, h).toISOString()).concat(Array(2).fill(shanghai(evening, 19, 30).toISOString())),
    );
    expect(all.some((e) => e.data.fanId === optedOut.id)).toBe(false);
    expect((await t.ok<any>(REMINDERS, { id: s.id })).node.reminderTimes.map((r: any) => r.status)).toEqual(['SENT', 'SENT', 'SENT']);
    // Nothing more is planned: a later clock sends nothing.
    await t.services.jobs.drain({ until: new Date(evening.getTime() + DAY) });
    expect(remindersFor(s.id)).toHaveLength(6);
    expect(receiver.forged).toBe(0);
  });

  it('a reminder job that runs twice (an instance died after committing) sends nothing twice, even in parallel', async ({ t }) => {
    const evening = eveningIn(3);
    const s = await ok(t, Q.schedule, { i: { title: 'Re-run live', host: 'Lumi', scheduledAt: evening.toISOString() } });
    const fan = await newFan(t, t.orgId, 'demo');
    await ok(t, Q.reserveSession, { i: { sessionId: s.id } }, fan.as);
    const job = { orgId: t.orgId, sessionId: decodeId(s.id), at: shanghai(evening, 10).toISOString() };
    const sent = await Promise.all(Array.from({ length: 4 }, () => runSessionReminder({ db: t.database.prisma }, job)));
    expect(sent.sort()).toEqual([0, 0, 0, 1]);
    await t.services.jobs.drain({ until: shanghai(evening, 10, 1) });
    expect(remindersFor(s.id)).toHaveLength(1);
  });
});

describe('operator-set times', () => {
  it('replace the default; rescheduling moves them to the new day; cancelling drops the rest', async ({ t }) => {
    const evening = eveningIn(4);
    const s = await newSession(t, 4);
    const fan = await newFan(t, t.orgId, 'demo');
    await ok(t, Q.reserveSession, { i: { sessionId: s.id } }, fan.as);
    const set = await run(t, SET, { i: { sessionId: s.id, times: [{ localTime: '09:00' }, { minutesBefore: 60 }, { localTime: '21:00' }] } });
    expect(set.data.reminderTimes).toEqual([
      { localTime: '09:00', minutesBefore: null, at: shanghai(evening, 9).toISOString(), status: 'PLANNED' },
      { localTime: null, minutesBefore: 60, at: shanghai(evening, 19).toISOString(), status: 'PLANNED' },
      { localTime: '21:00', minutesBefore: null, at: shanghai(evening, 21).toISOString(), status: 'SKIPPED' },
    ]);

    // Moved a day later before any reminder went out: the old day's 09:00 passes silently.
    const later = new Date(evening.getTime() + DAY);
    await ok(t, Q.reschedule, { i: { sessionId: s.id, scheduledAt: later.toISOString() } });
    await t.services.jobs.drain({ until: shanghai(evening, 19, 1) });
    expect(remindersFor(s.id)).toEqual([]);
    await t.services.jobs.drain({ until: shanghai(later, 9, 1) });
    expect(remindersFor(s.id).map((e) => e.data.at)).toEqual([shanghai(later, 9).toISOString()]);

    // Cancelled before the 19:00 (one hour before) reminder: it never goes out.
    await ok(t, Q.cancel, { id: s.id });
    await t.services.jobs.drain({ until: shanghai(later, 23) });
    expect(remindersFor(s.id)).toHaveLength(1);
  });

  it('an empty list sends none; going live drops the pending ones (goLive reminds by itself)', async ({ t }) => {
    const quiet = await newSession(t, 5);
    const fan = await newFan(t, t.orgId, 'demo');
    await ok(t, Q.reserveSession, { i: { sessionId: quiet.id } }, fan.as);
    expect((await run(t, SET, { i: { sessionId: quiet.id, times: [] } })).data.reminderTimes).toEqual([]);
    const live = await newSession(t, 5);
    await ok(t, Q.reserveSession, { i: { sessionId: live.id } }, fan.as);
    await ok(t, Q.goLive, { id: live.id });
    await t.services.jobs.drain({ until: new Date(eveningIn(6).getTime()) });
    expect(remindersFor(quiet.id)).toEqual([]);
    expect(remindersFor(live.id).map((e) => e.data.reason)).toEqual(['SESSION_LIVE']);
  });

  it('a time already past when set reads SKIPPED and is never sent, even after a later time is sent', async ({ t }) => {
    // Starts in three hours: one hour before it is ahead, four hours before it is already past.
    const start = new Date(Math.ceil((Date.now() + 3 * 3_600_000) / MIN) * MIN);
    const s = await ok(t, Q.schedule, { i: { title: 'Soon live', host: 'Lumi', scheduledAt: start.toISOString() } });
    const fan = await newFan(t, t.orgId, 'demo');
    await ok(t, Q.reserveSession, { i: { sessionId: s.id } }, fan.as);
    const set = await run(t, SET, { i: { sessionId: s.id, times: [{ minutesBefore: 240 }, { minutesBefore: 60 }] } });
    expect(set.data.reminderTimes.map((r: any) => r.status)).toEqual(['SKIPPED', 'PLANNED']);
    await t.services.jobs.drain({ until: new Date(start.getTime() - 59 * MIN) });
    expect(remindersFor(s.id).map((e) => e.data.at)).toEqual([new Date(start.getTime() - 60 * MIN).toISOString()]);
    expect((await t.ok<any>(REMINDERS, { id: s.id })).node.reminderTimes.map((r: any) => r.status)).toEqual(['SKIPPED', 'SENT']);
  });

  it('bad times are refused with the field named, and nothing changes; not once the session is over', async ({ t }) => {
    const s = await newSession(t, 7);
    const before = (await t.ok<any>(REMINDERS, { id: s.id })).node.reminderTimes;
    const bad = [
      [[{ localTime: '25:00' }], 'input.times.0.localTime'],
      [[{ localTime: '10:00' }, { localTime: '10:00', minutesBefore: 5 }], 'input.times.1'],
      [[{}], 'input.times.0'],
      [[{ minutesBefore: 0 }], 'input.times.0.minutesBefore'],
      [Array(7).fill({ minutesBefore: 5 }), 'input.times'],
    ] as const;
    for (const [times, field] of bad) expect(await run(t, SET, { i: { sessionId: s.id, times } })).toMatchObject({ code: 'VALIDATION', field });
    expect((await t.ok<any>(REMINDERS, { id: s.id })).node.reminderTimes).toEqual(before);
    await ok(t, Q.cancel, { id: s.id });
    expect(await run(t, SET, { i: { sessionId: s.id, times: [{ minutesBefore: 10 }] } })).toMatchObject({ code: 'INVALID_STATE' });
    expect(await run(t, SET, { i: { sessionId: s.id, times: [] } }, `Dev rival`)).toMatchObject({ code: 'NOT_FOUND' });
  });
});
