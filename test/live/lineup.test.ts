// Line-ups and on-sale reminders through the API: validation, status rules, putting an item on sale
// once, and reminders that reach exactly the fans who reserved — checked on each fan's own SSE stream.
import { describe, expect } from 'vitest';
import { gid } from '../helpers/ids.js';
import { useTestApp } from '../helpers/test-app.js';
import { decodeId, eveningIn, FAN_REMINDERS, newFan, newItem, newSession, ok, Q, run, subscribe } from './live-helpers.js';

const it = useTestApp({ fans: 10 });

const minutes = (base: string, m: number) => new Date(new Date(base).getTime() + m * 60_000).toISOString();

describe('addLineupItem / updateLineupItem / removeLineupItem', () => {
  it('adds items at the end by default, in slot order, within the session day', async ({ t }) => {
    const s = await newSession(t);
    const a = await newItem(t, s.id, 'Hydrating essence 50ml', { sku: 'ESS-50', slotAt: minutes(s.scheduledAt, 10) });
    const b = await newItem(t, s.id, 'Lip tint set');
    expect(a).toMatchObject({
      productName: 'Hydrating essence 50ml',
      sku: 'ESS-50',
      priceCents: 15_900,
      position: 0,
      onSaleAt: null,
      slotAt: minutes(s.scheduledAt, 10),
    });
    expect(b.position).toBe(1);
    // 20:00 Shanghai + 3h50 = 23:50 the same local day: fine. + 4h30 = 00:30 the next day (same UTC day): refused.
    expect((await newItem(t, s.id, 'Mite remover', { slotAt: minutes(s.scheduledAt, 230) })).slotAt).toBe(minutes(s.scheduledAt, 230));
    expect(
      await run(t, Q.addItem, { i: { sessionId: s.id, productName: 'Late item', priceCents: 100, slotAt: minutes(s.scheduledAt, 270) } }),
    ).toMatchObject({ code: 'VALIDATION', field: 'input.slotAt' });
  });

  it('validates name, price, position and sku; a refused add creates nothing', async ({ t }) => {
    const s = await newSession(t);
    const cases = [
      [{ productName: ' ', priceCents: 100 }, 'input.productName'],
      [{ productName: 'x'.repeat(121), priceCents: 100 }, 'input.productName'],
      [{ productName: 'Free sample', priceCents: 0 }, 'input.priceCents'],
      [{ productName: 'Refund', priceCents: -5 }, 'input.priceCents'],
      [{ productName: 'Scarf', priceCents: 100, position: -1 }, 'input.position'],
      [{ productName: 'Scarf', priceCents: 100, sku: 'S'.repeat(65) }, 'input.sku'],
    ] as const;
    for (const [i, field] of cases)
      expect(await run(t, Q.addItem, { i: { sessionId: s.id, ...i } })).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION', field });
    expect(await t.database.prisma.lineupItem.count({ where: { sessionId: decodeId(s.id) } })).toBe(0);
  });

  it('changes the line-up only while SCHEDULED or LIVE', async ({ t }) => {
    const s = await newSession(t);
    const item = await newItem(t, s.id, 'Cashmere scarf', { slotAt: minutes(s.scheduledAt, 20) });
    const upd = await ok(t, Q.updateItem, { i: { itemId: item.id, priceCents: 35_900, position: 4, slotAt: minutes(s.scheduledAt, 40) } });
    expect(upd.item).toMatchObject({ productName: 'Cashmere scarf', priceCents: 35_900, position: 4, slotAt: minutes(s.scheduledAt, 40) });
    expect(await run(t, Q.updateItem, { i: { itemId: item.id, priceCents: 0 } })).toMatchObject({ code: 'VALIDATION', field: 'input.priceCents' });
    expect(await run(t, Q.updateItem, { i: { itemId: item.id, slotAt: minutes(s.scheduledAt, -21 * 60) } })).toMatchObject({
      code: 'VALIDATION',
      field: 'input.slotAt',
    });
    await ok(t, Q.goLive, { id: s.id });
    const live = await newItem(t, s.id, 'Pearl stud earrings');
    await ok(t, Q.end, { id: s.id });
    expect(await run(t, Q.addItem, { i: { sessionId: s.id, productName: 'Too late', priceCents: 100 } })).toMatchObject({
      code: 'INVALID_STATE',
      field: 'input.sessionId',
    });
    expect(await run(t, Q.updateItem, { i: { itemId: live.id, priceCents: 100 } })).toMatchObject({ code: 'INVALID_STATE', field: 'input.itemId' });
    expect(await run(t, Q.removeItem, { id: live.id })).toMatchObject({ code: 'INVALID_STATE', field: 'itemId' });
    const cancelled = await newSession(t);
    await ok(t, Q.cancel, { id: cancelled.id });
    expect(await run(t, Q.addItem, { i: { sessionId: cancelled.id, productName: 'Nope', priceCents: 100 } })).toMatchObject({
      code: 'INVALID_STATE',
    });
  });

  it('removes an item not yet on sale; an item on sale stays', async ({ t }) => {
    const s = await newSession(t);
    const a = await newItem(t, s.id, 'Baby wipes ×10');
    const b = await newItem(t, s.id, 'Sunscreen SPF50 duo');
    const removed = await ok(t, Q.removeItem, { id: a.id });
    expect(removed.items.map((i: { id: string }) => i.id)).toEqual([b.id]);
    expect(await run(t, Q.removeItem, { id: a.id })).toMatchObject({ code: 'NOT_FOUND', field: 'itemId' });
    await ok(t, Q.goLive, { id: s.id });
    await ok(t, Q.onSale, { id: b.id });
    expect(await run(t, Q.removeItem, { id: b.id })).toMatchObject({ code: 'INVALID_STATE' });
  });

  it('foreign ids are NOT_FOUND; analysts and fans may not edit the line-up', async ({ t }) => {
    const rival = await t.database.prisma.liveSession.findFirstOrThrow({
      where: { orgId: t.rivalOrgId, status: 'SCHEDULED' },
      include: { items: true },
    });
    const rivalItem = gid('LineupItem', rival.items[0].id);
    expect(await run(t, Q.addItem, { i: { sessionId: gid('LiveSession', rival.id), productName: 'Spy', priceCents: 100 } })).toMatchObject({
      code: 'NOT_FOUND',
      field: 'input.sessionId',
    });
    expect(await run(t, Q.updateItem, { i: { itemId: rivalItem, priceCents: 1 } })).toMatchObject({ code: 'NOT_FOUND', field: 'input.itemId' });
    expect(await run(t, Q.removeItem, { id: rivalItem })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await run(t, Q.onSale, { id: rivalItem })).toMatchObject({ code: 'NOT_FOUND', field: 'itemId' });
    expect(await t.database.prisma.lineupItem.findUniqueOrThrow({ where: { id: rival.items[0].id } })).toMatchObject({
      priceCents: rival.items[0].priceCents,
      onSaleAt: null,
    });
    const s = await newSession(t);
    const fan = await newFan(t, t.orgId, 'demo');
    for (const as of ['Dev demo/analyst@demo.test', fan.as]) {
      const res = await t.gql(Q.addItem, { i: { sessionId: s.id, productName: 'Nope', priceCents: 100 } }, as);
      expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
  });
});

describe('putItemOnSale and reminders', () => {
  it('needs a LIVE session and goes on sale once', async ({ t }) => {
    const s = await newSession(t);
    const item = await newItem(t, s.id, 'Wireless earbuds');
    expect(await run(t, Q.onSale, { id: item.id })).toMatchObject({ code: 'INVALID_STATE', field: 'itemId' });
    await ok(t, Q.goLive, { id: s.id });
    const first = await ok(t, Q.onSale, { id: item.id });
    expect(first.item.onSaleAt).not.toBeNull();
    expect(await run(t, Q.onSale, { id: item.id })).toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('already on sale') });
    const analyst = await t.gql(Q.onSale, { id: item.id }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('parallel putItemOnSale: one succeeds, the reminders go out once', async ({ t }) => {
    const s = await newSession(t);
    const item = await newItem(t, s.id, 'Baijiu gift box');
    const fans = await Promise.all([0, 1, 2].map(() => newFan(t, t.orgId, 'demo')));
    for (const f of fans) await ok(t, Q.reserveItem, { i: { itemId: item.id } }, f.as);
    await ok(t, Q.goLive, { id: s.id });
    const results = await Promise.all(Array.from({ length: 5 }, () => run(t, Q.onSale, { id: item.id })));
    const wins = results.filter((r) => !r.__typename.endsWith('Error'));
    expect(wins).toHaveLength(1);
    expect(wins[0].data.remindedCount).toBe(3);
    expect(results.filter((r) => r.code === 'INVALID_STATE')).toHaveLength(4);
  });

  it('reminds exactly the fans who reserved the item: not opted-out fans, not other fans, not other tenants', async ({ t }) => {
    const s = await newSession(t);
    const item = await newItem(t, s.id, 'Silk pillowcase');
    const other = await newItem(t, s.id, 'Face towels ×3');
    const [a, b] = [await newFan(t, t.orgId, 'demo'), await newFan(t, t.orgId, 'demo')];
    const optedOut = await newFan(t, t.orgId, 'demo', { optedOut: true });
    const bystander = await newFan(t, t.orgId, 'demo');
    const sessionOnly = await newFan(t, t.orgId, 'demo');
    const rivalFan = await newFan(t, t.rivalOrgId, 'rival');
    await ok(t, Q.reserveItem, { i: { itemId: item.id } }, a.as);
    await ok(t, Q.reserveItem, { i: { itemId: item.id, fanId: b.gid } }, 'Dev demo/jujube@demo.test');
    await ok(t, Q.reserveItem, { i: { itemId: item.id } }, optedOut.as);
    await ok(t, Q.reserveItem, { i: { itemId: other.id } }, bystander.as);
    await ok(t, Q.reserveSession, { i: { sessionId: s.id } }, sessionOnly.as);
    // The rival fan reserves an item of their own tenant; they cannot even see ours.
    const rivalSession = await t.database.prisma.liveSession.findFirstOrThrow({
      where: { orgId: t.rivalOrgId, status: 'SCHEDULED' },
      include: { items: true },
    });
    await ok(t, Q.reserveItem, { i: { itemId: gid('LineupItem', rivalSession.items[0].id) } }, rivalFan.as);
    expect(await run(t, Q.reserveItem, { i: { itemId: item.id } }, rivalFan.as)).toMatchObject({ code: 'NOT_FOUND' });

    const everyone = [a, b, optedOut, bystander, sessionOnly, rivalFan];
    const streams = await Promise.all(everyone.map((f) => subscribe(t, FAN_REMINDERS, {}, f.as)));
    try {
      const live = await ok(t, Q.goLive, { id: s.id });
      expect(live.remindedCount).toBe(1);
      const sale = await ok(t, Q.onSale, { id: item.id });
      expect(sale.remindedCount).toBe(2);
      const [aEvents, bEvents] = await Promise.all([streams[0].waitFor(1), streams[1].waitFor(1), streams[4].waitFor(1)]);
      // A bound for the absence checks below (opted-out, bystander and rival fans get nothing), not a wait for an event.
      await new Promise((r) => setTimeout(r, 100));
      for (const events of [aEvents, bEvents]) {
        expect(events.map((e) => e.data.fanReminders)).toEqual([
          { kind: 'ITEM_ON_SALE', sessionId: s.id, itemId: item.id, productName: 'Silk pillowcase', at: sale.item.onSaleAt },
        ]);
      }
      expect(streams[4].events.map((e) => e.data.fanReminders)).toEqual([
        { kind: 'SESSION_LIVE', sessionId: s.id, itemId: null, productName: null, at: live.session.startedAt },
      ]);
      expect(streams[2].events).toEqual([]);
      expect(streams[3].events).toEqual([]);
      expect(streams[5].events).toEqual([]);
    } finally {
      await Promise.all(streams.map((x) => x.close()));
    }
  });

  it('only fans may subscribe to fan reminders', async ({ t }) => {
    for (const as of ['Dev demo', 'Dev demo/analyst@demo.test']) {
      const sub = await subscribe(t, FAN_REMINDERS, {}, as);
      try {
        const [e] = await sub.waitFor(1);
        expect(e.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      } finally {
        await sub.close();
      }
    }
  });

  it('a reservation racing the item going on sale is either reminded or refused, never lost', async ({ t }) => {
    const s = await newSession(t);
    const item = await newItem(t, s.id, 'Mite remover');
    await ok(t, Q.goLive, { id: s.id });
    const fans = await Promise.all(Array.from({ length: 12 }, () => newFan(t, t.orgId, 'demo')));
    const [sale, ...reservations] = await Promise.all([
      ok(t, Q.onSale, { id: item.id }),
      ...fans.map((f) => run(t, Q.reserveItem, { i: { itemId: item.id } }, f.as)),
    ]);
    const reserved = reservations.filter((r) => !r.__typename.endsWith('Error')).length;
    expect(reservations.filter((r) => r.__typename.endsWith('Error')).every((r) => r.code === 'INVALID_STATE')).toBe(true);
    expect(sale.remindedCount).toBe(reserved);
    expect(await t.database.prisma.reservation.count({ where: { itemId: decodeId(item.id) } })).toBe(reserved);
  });
});

describe('scheduling across days', () => {
  it('the session day follows the organization time zone', async ({ t }) => {
    const s = await ok(t, Q.schedule, {
      i: { title: 'Early bird', host: 'Lumi', scheduledAt: new Date(eveningIn(9).getTime() - 11 * 3_600_000).toISOString() },
    });
    // 01:00 UTC = 09:00 Shanghai; 15:59 UTC is 23:59 the same Shanghai day; 16:00 UTC is the next day.
    expect((await newItem(t, s.id, 'A', { slotAt: minutes(s.scheduledAt, 14 * 60 + 59) })).slotAt).toBeTruthy();
    expect(
      await run(t, Q.addItem, { i: { sessionId: s.id, productName: 'B', priceCents: 1, slotAt: minutes(s.scheduledAt, 15 * 60) } }),
    ).toMatchObject({ code: 'VALIDATION' });
    expect(
      await run(t, Q.addItem, { i: { sessionId: s.id, productName: 'C', priceCents: 1, slotAt: minutes(s.scheduledAt, -9 * 60 - 1) } }),
    ).toMatchObject({ code: 'VALIDATION' });
  });
});
