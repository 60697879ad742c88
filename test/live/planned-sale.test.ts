// Items going on sale at a planned time (plannedOnSaleAt), with a fake clock: the job puts the item on
// sale through the live service, as putItemOnSale does (item.on_sale to each reserving fan, opted-out
// fans none); a session that is not LIVE then is left alone; rescheduling moves the plan with the session.
import { afterAll, describe, expect } from 'vitest';
import { useTestApp } from '../helpers/test-app.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { DAY, decodeId, eveningIn, newFan, newItem, newSession, ok, Q, run } from './live-helpers.js';

const it = useTestApp({ fans: 5 });
let receiver: WebhookReceiver;
it.beforeAll(async ({ t }) => {
  receiver = await startWebhookReceiver();
  await receiver.register(t, ['ITEM_ON_SALE']);
});
afterAll(() => receiver?.close());

const MIN = 60_000;
const ITEM = `query($id: ID!) { node(id: $id) { ... on LineupItem { onSaleAt plannedOnSaleAt } } }`;
const UPDATE = `mutation($i: UpdateLineupItemInput!) { r: updateLineupItem(input: $i) { __typename
  ... on MutationUpdateLineupItemSuccess { data { item { id plannedOnSaleAt } } } ... on DomainError { code field message } } }`;
const item = async (t: Parameters<typeof ok>[0], id: string) => (await t.ok<any>(ITEM, { id })).node;

describe('plannedOnSaleAt', () => {
  it('puts the item on sale at its time while the session is LIVE, reminding its reservers once', async ({ t }) => {
    const evening = eveningIn(2);
    const s = await newSession(t, 2);
    const at = new Date(evening.getTime() + 30 * MIN);
    const planned = await newItem(t, s.id, 'Cashmere scarf', { plannedOnSaleAt: at.toISOString() });
    const fan = await newFan(t, t.orgId, 'demo');
    const optedOut = await newFan(t, t.orgId, 'demo', { optedOut: true });
    await ok(t, Q.reserveItem, { i: { itemId: planned.id } }, fan.as);
    await ok(t, Q.reserveItem, { i: { itemId: planned.id } }, optedOut.as);
    await ok(t, Q.goLive, { id: s.id });

    await t.services.jobs.drain({ until: new Date(at.getTime() - MIN) });
    expect(await item(t, planned.id)).toEqual({ onSaleAt: null, plannedOnSaleAt: at.toISOString() });
    await t.services.jobs.drain({ until: new Date(at.getTime() + MIN) });
    expect((await item(t, planned.id)).onSaleAt).not.toBeNull();
    const events = receiver.events('item.on_sale').filter((e) => e.data.itemId === decodeId(planned.id));
    expect(events.map((e) => e.data)).toEqual([expect.objectContaining({ fanId: fan.id, productName: 'Cashmere scarf' })]);
    // Put on sale by hand meanwhile would have been refused; the job does not run again.
    expect(await run(t, Q.onSale, { id: planned.id })).toMatchObject({ code: 'INVALID_STATE' });
  });

  it('a session not LIVE at the planned time leaves the item as it is; rescheduling moves the plan', async ({ t }) => {
    const evening = eveningIn(3);
    const s = await newSession(t, 3);
    const at = new Date(evening.getTime() + 10 * MIN);
    const planned = await newItem(t, s.id, 'Wool socks', { plannedOnSaleAt: at.toISOString() });
    const later = new Date(evening.getTime() + DAY);
    await ok(t, Q.reschedule, { i: { sessionId: s.id, scheduledAt: later.toISOString() } });
    const moved = new Date(at.getTime() + DAY);
    expect(await item(t, planned.id)).toEqual({ onSaleAt: null, plannedOnSaleAt: moved.toISOString() });
    // Still SCHEDULED at the moved time: nothing happens.
    await t.services.jobs.drain({ until: new Date(moved.getTime() + MIN) });
    expect((await item(t, planned.id)).onSaleAt).toBeNull();
  });

  it('a plan cleared with null is not carried out; the item still goes on sale by hand; not once on sale', async ({ t }) => {
    const evening = eveningIn(6);
    const s = await newSession(t, 6);
    const at = new Date(evening.getTime() + 20 * MIN);
    const planned = await newItem(t, s.id, 'Linen shirt', { plannedOnSaleAt: at.toISOString() });
    const fan = await newFan(t, t.orgId, 'demo');
    await ok(t, Q.reserveItem, { i: { itemId: planned.id } }, fan.as);
    await ok(t, Q.goLive, { id: s.id });
    const cleared = await ok(t, UPDATE, { i: { itemId: planned.id, plannedOnSaleAt: null } });
    expect(cleared.item.plannedOnSaleAt).toBeNull();
    // An omitted plannedOnSaleAt changes nothing (the plan stays cleared, the name changes).
    await ok(t, UPDATE, { i: { itemId: planned.id, productName: 'Linen shirt (white)' } });
    expect(await item(t, planned.id)).toEqual({ onSaleAt: null, plannedOnSaleAt: null });
    await t.services.jobs.drain({ until: new Date(at.getTime() + MIN) });
    expect(await item(t, planned.id)).toEqual({ onSaleAt: null, plannedOnSaleAt: null });
    expect(receiver.events('item.on_sale').filter((e) => e.data.itemId === decodeId(planned.id))).toEqual([]);
    await ok(t, Q.onSale, { id: planned.id });
    await t.services.jobs.drain();
    expect(
      receiver
        .events('item.on_sale')
        .filter((e) => e.data.itemId === decodeId(planned.id))
        .map((e) => e.data.fanId),
    ).toEqual([fan.id]);
    expect(await run(t, UPDATE, { i: { itemId: planned.id, plannedOnSaleAt: null } })).toMatchObject({
      code: 'INVALID_STATE',
      field: 'input.plannedOnSaleAt',
    });
  });

  it('a planned time in the past or off the session day is refused, and nothing is added', async ({ t }) => {
    const s = await newSession(t, 4);
    const before = await t.database.prisma.lineupItem.count({ where: { sessionId: decodeId(s.id) } });
    for (const at of [new Date(Date.now() - MIN), new Date(eveningIn(5).getTime())]) {
      const r = await run(t, Q.addItem, { i: { sessionId: s.id, productName: 'Too late', priceCents: 100, plannedOnSaleAt: at.toISOString() } });
      expect(r).toMatchObject({ code: 'VALIDATION', field: 'input.plannedOnSaleAt' });
    }
    expect(await t.database.prisma.lineupItem.count({ where: { sessionId: decodeId(s.id) } })).toBe(before);
  });
});
