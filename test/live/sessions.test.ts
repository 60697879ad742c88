// The session status machine through the API: SCHEDULED → LIVE → ENDED, SCHEDULED → CANCELLED,
// refusals with INVALID_STATE, a race of two goLive calls, live numbers, tenancy and roles.
import { describe, expect } from 'vitest';
import { gid, rawId } from '../helpers/ids.js';
import { useTestApp } from '../helpers/test-app.js';
import { DAY, eveningIn, newFan, newItem, newSession, ok, Q, run, SESSION_EVENTS, subscribe } from './live-helpers.js';

const it = useTestApp({ fans: 10 });

describe('scheduleLiveSession', () => {
  it('schedules a session and validates its input', async ({ t }) => {
    const at = eveningIn(5);
    const s = await ok(t, Q.schedule, { i: { title: '  Beauty Night  ', host: 'Lumi', theme: 'Beauty Night', scheduledAt: at.toISOString() } });
    expect(s).toMatchObject({
      status: 'SCHEDULED',
      title: 'Beauty Night',
      host: 'Lumi',
      theme: 'Beauty Night',
      scheduledAt: at.toISOString(),
      startedAt: null,
    });
    const cases = [
      [{ title: '', host: 'Lumi', scheduledAt: at.toISOString() }, 'input.title'],
      [{ title: 'x', host: 'L'.repeat(61), scheduledAt: at.toISOString() }, 'input.host'],
      [{ title: 'x', host: 'Lumi', scheduledAt: new Date(Date.now() - 60_000).toISOString() }, 'input.scheduledAt'],
      [{ title: 'x', host: 'Lumi', scheduledAt: new Date(Date.now() + 400 * DAY).toISOString() }, 'input.scheduledAt'],
    ] as const;
    const before = await t.database.prisma.liveSession.count({ where: { orgId: t.orgId } });
    for (const [i, field] of cases)
      expect(await run(t, Q.schedule, { i })).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION', field });
    expect(await t.database.prisma.liveSession.count({ where: { orgId: t.orgId } })).toBe(before);
  });

  it('an analyst and a fan may not schedule; an operator may', async ({ t }) => {
    const i = { title: 'Jewelry Hour', host: 'Lumi', scheduledAt: eveningIn(6).toISOString() };
    const analyst = await t.gql(Q.schedule, { i }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const fan = await newFan(t, t.orgId, 'demo');
    expect((await t.gql(Q.schedule, { i }, fan.as)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(Q.schedule, { i }, null)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await ok(t, Q.schedule, { i }, 'Dev demo/jujube@demo.test')).toMatchObject({ status: 'SCHEDULED' });
  });
});

describe('the status machine', () => {
  it('SCHEDULED → LIVE → ENDED, and every other move from those states is INVALID_STATE', async ({ t }) => {
    const s = await newSession(t);
    const live = await ok(t, Q.goLive, { id: s.id });
    expect(live.session).toMatchObject({ status: 'LIVE' });
    expect(live.session.startedAt).not.toBeNull();
    expect(live.remindedCount).toBe(0);
    for (const q of [Q.goLive, Q.cancel])
      expect(await run(t, q, { id: s.id })).toMatchObject({ __typename: 'InvalidStateError', code: 'INVALID_STATE', field: 'sessionId' });
    expect(await run(t, Q.reschedule, { i: { sessionId: s.id, scheduledAt: eveningIn(12).toISOString() } })).toMatchObject({
      code: 'INVALID_STATE',
      field: 'input.sessionId',
    });
    const ended = await ok(t, Q.end, { id: s.id });
    expect(ended).toMatchObject({ status: 'ENDED' });
    expect(ended.endedAt).not.toBeNull();
    for (const q of [Q.goLive, Q.cancel, Q.end]) expect(await run(t, q, { id: s.id })).toMatchObject({ code: 'INVALID_STATE' });
    expect((await t.database.prisma.liveSession.findUniqueOrThrow({ where: { id: rawId(s.id) } })).status).toBe('ENDED');
  });

  it('SCHEDULED → CANCELLED; a cancelled session cannot go live, end or be rescheduled', async ({ t }) => {
    const s = await newSession(t);
    expect(await run(t, Q.end, { id: s.id })).toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('SCHEDULED') });
    expect(await ok(t, Q.cancel, { id: s.id })).toMatchObject({ status: 'CANCELLED' });
    for (const q of [Q.goLive, Q.cancel, Q.end]) expect(await run(t, q, { id: s.id })).toMatchObject({ code: 'INVALID_STATE' });
    expect(await run(t, Q.reschedule, { i: { sessionId: s.id, scheduledAt: eveningIn(12).toISOString() } })).toMatchObject({ code: 'INVALID_STATE' });
  });

  it('two parallel goLive calls: one succeeds, the other gets INVALID_STATE (repeated 5 times)', async ({ t }) => {
    for (let round = 0; round < 5; round++) {
      const s = await newSession(t);
      const results = await Promise.all([run(t, Q.goLive, { id: s.id }), run(t, Q.goLive, { id: s.id }, 'Dev demo/jujube@demo.test')]);
      const kinds = results.map((r) => (r.__typename.endsWith('Error') ? r.code : 'OK')).sort();
      expect(kinds).toEqual(['INVALID_STATE', 'OK']);
    }
  });

  it('parallel cancel and goLive: exactly one wins and the session ends in that state', async ({ t }) => {
    const s = await newSession(t);
    const [a, b] = await Promise.all([run(t, Q.cancel, { id: s.id }), run(t, Q.goLive, { id: s.id })]);
    expect([a, b].filter((r) => r.__typename.endsWith('Error'))).toHaveLength(1);
    const status = (await t.ok(`query($id: ID!) { node(id: $id) { ... on LiveSession { status } } }`, { id: s.id })).node.status;
    expect(status).toBe(a.__typename.endsWith('Error') ? 'LIVE' : 'CANCELLED');
  });

  it('analysts may not move sessions; foreign and unknown ids are NOT_FOUND and change nothing', async ({ t }) => {
    const s = await newSession(t);
    const analyst = await t.gql(Q.goLive, { id: s.id }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const rival = await t.database.prisma.liveSession.findFirstOrThrow({ where: { orgId: t.rivalOrgId, status: 'SCHEDULED' } });
    for (const q of [Q.goLive, Q.cancel, Q.end])
      expect(await run(t, q, { id: gid('LiveSession', rival.id) })).toMatchObject({ code: 'NOT_FOUND', field: 'sessionId' });
    expect(await run(t, Q.goLive, { id: gid('LiveSession', 'nope') })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await run(t, Q.reschedule, { i: { sessionId: gid('LiveSession', rival.id), scheduledAt: eveningIn(12).toISOString() } })).toMatchObject({
      code: 'NOT_FOUND',
      field: 'input.sessionId',
    });
    expect((await t.database.prisma.liveSession.findUniqueOrThrow({ where: { id: rival.id } })).status).toBe('SCHEDULED');
    expect((await t.gql(`query($id: ID!) { node(id: $id) { ... on LiveSession { status } } }`, { id: s.id })).data?.node.status).toBe('SCHEDULED');
  });
});

describe('rescheduleLiveSession', () => {
  it('moves the session and its planned slots by the same amount, and changes title, host, theme', async ({ t }) => {
    const s = await newSession(t, 10);
    const slot = new Date(new Date(s.scheduledAt).getTime() + 30 * 60_000);
    await newItem(t, s.id, 'Face towels ×3', { slotAt: slot.toISOString() });
    await newItem(t, s.id, 'Winter slippers');
    const to = new Date(eveningIn(14).getTime() - 3_600_000);
    const r = await ok(t, Q.reschedule, {
      i: { sessionId: s.id, scheduledAt: to.toISOString(), title: 'Home Essentials live', theme: 'Home Essentials' },
    });
    expect(r).toMatchObject({
      status: 'SCHEDULED',
      scheduledAt: to.toISOString(),
      title: 'Home Essentials live',
      theme: 'Home Essentials',
      host: 'Lumi',
    });
    expect(r.items.map((i: { slotAt: string | null }) => i.slotAt)).toEqual([new Date(to.getTime() + 30 * 60_000).toISOString(), null]);
    expect(await run(t, Q.reschedule, { i: { sessionId: s.id, scheduledAt: new Date(Date.now() - DAY).toISOString() } })).toMatchObject({
      code: 'VALIDATION',
      field: 'input.scheduledAt',
    });
    expect(await run(t, Q.reschedule, { i: { sessionId: s.id, scheduledAt: to.toISOString(), title: ' ' } })).toMatchObject({
      code: 'VALIDATION',
      field: 'input.title',
    });
  });
});

describe('reportLiveStats', () => {
  it('records the numbers only while LIVE, validates them, and streams them to dashboards', async ({ t }) => {
    const s = await newSession(t);
    const input = { sessionId: s.id, viewers: 15_000, likes: 420_000, orderCount: 830, gmvCents: 12_345_600 };
    expect(await run(t, Q.stats, { i: input })).toMatchObject({ code: 'INVALID_STATE', field: 'input.sessionId' });
    await ok(t, Q.goLive, { id: s.id });
    const dashboard = await subscribe(t, SESSION_EVENTS, { id: s.id }, 'Dev demo/analyst@demo.test');
    try {
      // The platform's totals have fields of their own: orderCount and gmvCents stay the imported orders' (none here).
      expect(await ok(t, Q.stats, { i: input })).toMatchObject({
        viewers: 15_000,
        likes: 420_000,
        platformOrderCount: 830,
        platformGmvCents: 12_345_600,
        orderCount: 0,
        gmvCents: 0,
      });
      expect(await run(t, Q.stats, { i: { ...input, viewers: -1 } })).toMatchObject({ code: 'VALIDATION', field: 'input.viewers' });
      const [e] = await dashboard.waitFor(1);
      expect(e.data.liveSessionEvents).toMatchObject({ kind: 'STATS', sessionId: s.id, status: 'LIVE', viewers: 15_000, gmvCents: 12_345_600 });
    } finally {
      await dashboard.close();
    }
    const analyst = await t.gql(Q.stats, { i: input }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    await ok(t, Q.end, { id: s.id });
    expect(await run(t, Q.stats, { i: { ...input, viewers: 1 } })).toMatchObject({ code: 'INVALID_STATE' });
    expect(await t.ok(`query($id: ID!) { node(id: $id) { ... on LiveSession { viewers } } }`, { id: s.id })).toEqual({ node: { viewers: 15_000 } });
  });

  it("a rival operator cannot watch or feed another tenant's session", async ({ t }) => {
    const s = await newSession(t);
    await ok(t, Q.goLive, { id: s.id });
    const watch = await subscribe(t, SESSION_EVENTS, { id: s.id }, 'Dev rival');
    try {
      const [e] = await watch.waitFor(1);
      expect(e.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    } finally {
      await watch.close();
    }
    expect(await run(t, Q.stats, { i: { sessionId: s.id, viewers: 1, likes: 1, orderCount: 1, gmvCents: 1 } }, 'Dev rival')).toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
