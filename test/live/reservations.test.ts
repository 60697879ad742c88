// Reservations through the API: once per fan and target (also under parallel calls), only for open
// sessions, by the fan or an operator for a fan, recorded in the activity feed, cancellable.
import { describe, expect } from 'vitest';
import { gid } from '../helpers/ids.js';
import { useTestApp } from '../helpers/test-app.js';
import { decodeId, newFan, newItem, newSession, ok, Q, run } from './live-helpers.js';

const it = useTestApp({ fans: 10 });

describe('reserveSession / reserveItem', () => {
  it('a fan reserves a session and an item once each; again → CONFLICT; the feed records it', async ({ t }) => {
    const s = await newSession(t);
    const item = await newItem(t, s.id, 'Sunscreen SPF50 duo');
    const fan = await newFan(t, t.orgId, 'demo');
    const rs = await ok(t, Q.reserveSession, { i: { sessionId: s.id } }, fan.as);
    expect(rs).toMatchObject({ fan: { id: fan.gid }, session: { id: s.id }, item: null });
    const ri = await ok(t, Q.reserveItem, { i: { itemId: item.id } }, fan.as);
    expect(ri).toMatchObject({ fan: { id: fan.gid }, session: { id: s.id }, item: { id: item.id } });
    expect(await run(t, Q.reserveSession, { i: { sessionId: s.id } }, fan.as)).toMatchObject({ code: 'CONFLICT', field: 'input.sessionId' });
    expect(await run(t, Q.reserveItem, { i: { itemId: item.id, fanId: fan.gid } })).toMatchObject({ code: 'CONFLICT', field: 'input.itemId' });
    const counts = await t.ok(`query($id: ID!) { node(id: $id) { ... on LiveSession { reservationCount items { reservationCount } } } }`, {
      id: s.id,
    });
    expect(counts.node).toEqual({ reservationCount: 2, items: [{ reservationCount: 1 }] });
    const feed = await t.database.prisma.activityEvent.findMany({ where: { orgId: t.orgId, fanId: fan.id, kind: 'RESERVATION_MADE' } });
    expect(feed.map((e) => e.payload)).toEqual(
      expect.arrayContaining([
        { sessionId: decodeId(s.id), itemId: null },
        { sessionId: decodeId(s.id), itemId: decodeId(item.id) },
      ]),
    );
    expect(feed).toHaveLength(2);
  });

  it('20 parallel reservations of one target by one fan: exactly one, the rest CONFLICT', async ({ t }) => {
    const s = await newSession(t);
    const item = await newItem(t, s.id, 'Winter slippers');
    const fan = await newFan(t, t.orgId, 'demo');
    for (const [q, i] of [
      [Q.reserveSession, { sessionId: s.id }],
      [Q.reserveItem, { itemId: item.id }],
    ] as const) {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, k) => (k % 2 ? run(t, q, { i }, fan.as) : run(t, q, { i: { ...i, fanId: fan.gid } }))),
      );
      expect(results.filter((r) => !r.__typename.endsWith('Error'))).toHaveLength(1);
      expect(results.filter((r) => r.code === 'CONFLICT')).toHaveLength(19);
    }
    expect(await t.database.prisma.reservation.count({ where: { fanId: fan.id } })).toBe(2);
    expect(await t.database.prisma.activityEvent.count({ where: { fanId: fan.id, kind: 'RESERVATION_MADE' } })).toBe(2);
  });

  it('many fans reserving in parallel all succeed and are all counted', async ({ t }) => {
    const s = await newSession(t);
    const fans = await Promise.all(Array.from({ length: 25 }, () => newFan(t, t.orgId, 'demo')));
    const results = await Promise.all(fans.map((f) => run(t, Q.reserveSession, { i: { sessionId: s.id } }, f.as)));
    expect(results.every((r) => !r.__typename.endsWith('Error'))).toBe(true);
    expect((await t.ok(`query($id: ID!) { node(id: $id) { ... on LiveSession { reservationCount } } }`, { id: s.id })).node.reservationCount).toBe(
      25,
    );
  });

  it('only SCHEDULED or LIVE sessions; an item already on sale cannot be reserved', async ({ t }) => {
    const fan = await newFan(t, t.orgId, 'demo');
    const live = await newSession(t);
    const item = await newItem(t, live.id, 'Lip tint set');
    const later = await newItem(t, live.id, 'Cashmere scarf');
    await ok(t, Q.goLive, { id: live.id });
    await ok(t, Q.reserveSession, { i: { sessionId: live.id } }, fan.as);
    await ok(t, Q.onSale, { id: item.id });
    expect(await run(t, Q.reserveItem, { i: { itemId: item.id } }, fan.as)).toMatchObject({ code: 'INVALID_STATE', field: 'input.itemId' });
    await ok(t, Q.reserveItem, { i: { itemId: later.id } }, fan.as);
    await ok(t, Q.end, { id: live.id });
    const other = await newFan(t, t.orgId, 'demo');
    expect(await run(t, Q.reserveSession, { i: { sessionId: live.id } }, other.as)).toMatchObject({
      code: 'INVALID_STATE',
      field: 'input.sessionId',
    });
    expect(await run(t, Q.reserveItem, { i: { itemId: later.id } }, other.as)).toMatchObject({ code: 'INVALID_STATE', field: 'input.itemId' });
    const cancelled = await newSession(t);
    await ok(t, Q.cancel, { id: cancelled.id });
    expect(await run(t, Q.reserveSession, { i: { sessionId: cancelled.id } }, other.as)).toMatchObject({ code: 'INVALID_STATE' });
    expect(await t.database.prisma.reservation.count({ where: { fanId: other.id } })).toBe(0);
  });

  it('a fan acts only for themself; an operator must name the fan; analysts are refused; foreign ids are NOT_FOUND', async ({ t }) => {
    const s = await newSession(t);
    const [fan, other] = [await newFan(t, t.orgId, 'demo'), await newFan(t, t.orgId, 'demo')];
    expect(await run(t, Q.reserveSession, { i: { sessionId: s.id, fanId: other.gid } }, fan.as)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await run(t, Q.reserveSession, { i: { sessionId: s.id } })).toMatchObject({ code: 'VALIDATION', field: 'input.fanId' });
    const analyst = await t.gql(Q.reserveSession, { i: { sessionId: s.id, fanId: fan.gid } }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const rivalFan = await newFan(t, t.rivalOrgId, 'rival');
    expect(await run(t, Q.reserveSession, { i: { sessionId: s.id, fanId: rivalFan.gid } })).toMatchObject({
      code: 'NOT_FOUND',
      field: 'input.fanId',
    });
    expect(await run(t, Q.reserveSession, { i: { sessionId: s.id } }, rivalFan.as)).toMatchObject({ code: 'NOT_FOUND', field: 'input.sessionId' });
    const rivalSession = await t.database.prisma.liveSession.findFirstOrThrow({ where: { orgId: t.rivalOrgId, status: 'SCHEDULED' } });
    expect(await run(t, Q.reserveSession, { i: { sessionId: gid('LiveSession', rivalSession.id) } }, fan.as)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await t.database.prisma.reservation.count({ where: { fanId: { in: [fan.id, other.id, rivalFan.id] } } })).toBe(0);
  });
});

describe('cancelReservation', () => {
  it("a fan cancels their own reservation (not another's); an operator cancels any in the organization", async ({ t }) => {
    const s = await newSession(t);
    const [fan, other] = [await newFan(t, t.orgId, 'demo'), await newFan(t, t.orgId, 'demo')];
    const mine = await ok(t, Q.reserveSession, { i: { sessionId: s.id } }, fan.as);
    const theirs = await ok(t, Q.reserveSession, { i: { sessionId: s.id } }, other.as);
    expect(await run(t, Q.cancelReservation, { id: theirs.id }, fan.as)).toMatchObject({ code: 'NOT_FOUND', field: 'reservationId' });
    expect(await ok(t, Q.cancelReservation, { id: mine.id }, fan.as)).toMatchObject({ id: s.id, reservationCount: 1 });
    expect(await run(t, Q.cancelReservation, { id: mine.id }, fan.as)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await run(t, Q.cancelReservation, { id: theirs.id }, 'Dev rival')).toMatchObject({ code: 'NOT_FOUND' });
    expect(await ok(t, Q.cancelReservation, { id: theirs.id })).toMatchObject({ reservationCount: 0 });
    // Cancelled, it can be made again.
    await ok(t, Q.reserveSession, { i: { sessionId: s.id } }, fan.as);
  });
});
