// Wish lists through the API: one open wish per product name (case and spacing ignored), one vote per
// fan under parallel calls, exact vote counts, and fulfilment when a matching item joins a line-up.
import { describe, expect } from 'vitest';
import { gid } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';
import { decodeId, newFan, newItem, newSession, ok, Q, run } from './live-helpers.js';

const it = useTestApp({ fans: 10 });

const wishRow = (t: SeededTestApp, id: string) => t.database.prisma.wish.findUniqueOrThrow({ where: { id: decodeId(id) } });

describe('makeWish', () => {
  it('the same product (ignoring case and spacing) joins the open wish as a vote instead of duplicating', async ({ t }) => {
    const [a, b] = [await newFan(t, t.orgId, 'demo'), await newFan(t, t.orgId, 'demo')];
    const first = await ok(t, Q.makeWish, { i: { productName: '  Bamboo   Charcoal Soap ' } }, a.as);
    expect(first).toMatchObject({ created: true, voted: true, wish: { productName: 'Bamboo   Charcoal Soap', status: 'OPEN', voteCount: 1 } });
    const second = await ok(t, Q.makeWish, { i: { productName: 'bamboo charcoal SOAP' } }, b.as);
    expect(second).toMatchObject({ created: false, voted: true, wish: { id: first.wish.id, voteCount: 2 } });
    const again = await ok(t, Q.makeWish, { i: { productName: 'Bamboo charcoal soap' } }, a.as);
    expect(again).toMatchObject({ created: false, voted: false, wish: { id: first.wish.id, voteCount: 2 } });
    expect(await t.database.prisma.wish.count({ where: { orgId: t.orgId, normalizedName: 'bamboo charcoal soap' } })).toBe(1);
    expect(await t.database.prisma.wishVote.count({ where: { wishId: decodeId(first.wish.id) } })).toBe(2);
  });

  it('validates the name; operators wish for a named fan; analysts and other tenants stay out', async ({ t }) => {
    const fan = await newFan(t, t.orgId, 'demo');
    expect(await run(t, Q.makeWish, { i: { productName: '   ' } }, fan.as)).toMatchObject({ code: 'VALIDATION', field: 'input.productName' });
    expect(await run(t, Q.makeWish, { i: { productName: 'x'.repeat(121) } }, fan.as)).toMatchObject({
      code: 'VALIDATION',
      field: 'input.productName',
    });
    expect(await ok(t, Q.makeWish, { i: { productName: 'Goji berry tea', fanId: fan.gid } }, 'Dev demo/jujube@demo.test')).toMatchObject({
      created: true,
    });
    const analyst = await t.gql(Q.makeWish, { i: { productName: 'Goji berry tea', fanId: fan.gid } }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const rivalFan = await newFan(t, t.rivalOrgId, 'rival');
    expect(await run(t, Q.makeWish, { i: { productName: 'Goji berry tea', fanId: rivalFan.gid } })).toMatchObject({
      code: 'NOT_FOUND',
      field: 'input.fanId',
    });
    // The rival's own wish for the same product is theirs alone.
    expect(await ok(t, Q.makeWish, { i: { productName: 'Goji berry tea' } }, rivalFan.as)).toMatchObject({ created: true, wish: { voteCount: 1 } });
    expect((await t.database.prisma.wish.findFirstOrThrow({ where: { orgId: t.orgId, normalizedName: 'goji berry tea' } })).voteCount).toBe(1);
  });

  it('12 fans wishing for a new product at once: one wish, 12 votes', async ({ t }) => {
    const fans = await Promise.all(Array.from({ length: 12 }, () => newFan(t, t.orgId, 'demo')));
    const results = await Promise.all(
      fans.map((f, i) => ok(t, Q.makeWish, { i: { productName: i % 2 ? 'Osmanthus  Honey' : 'osmanthus honey' } }, f.as)),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.wish.id)).size).toBe(1);
    expect((await wishRow(t, results[0].wish.id)).voteCount).toBe(12);
  });
});

describe('voteWish / unvoteWish', () => {
  it('one vote per fan, under parallel calls too; counts stay exact; unvote takes it back once', async ({ t }) => {
    const maker = await newFan(t, t.orgId, 'demo');
    const wish = (await ok(t, Q.makeWish, { i: { productName: 'Rose hip oil' } }, maker.as)).wish;
    expect(await run(t, Q.voteWish, { i: { wishId: wish.id } }, maker.as)).toMatchObject({ code: 'CONFLICT', field: 'input.wishId' });
    const fan = await newFan(t, t.orgId, 'demo');
    const same = await Promise.all(Array.from({ length: 15 }, () => run(t, Q.voteWish, { i: { wishId: wish.id } }, fan.as)));
    expect(same.filter((r) => !r.__typename.endsWith('Error'))).toHaveLength(1);
    expect(same.filter((r) => r.code === 'CONFLICT')).toHaveLength(14);
    const others = await Promise.all(Array.from({ length: 15 }, () => newFan(t, t.orgId, 'demo')));
    const many = await Promise.all(others.map((f) => run(t, Q.voteWish, { i: { wishId: wish.id, fanId: f.gid } })));
    expect(many.every((r) => !r.__typename.endsWith('Error'))).toBe(true);
    expect((await wishRow(t, wish.id)).voteCount).toBe(17);
    const unvotes = await Promise.all(Array.from({ length: 5 }, () => run(t, Q.unvoteWish, { i: { wishId: wish.id } }, fan.as)));
    expect(unvotes.filter((r) => !r.__typename.endsWith('Error'))).toHaveLength(1);
    expect(unvotes.filter((r) => r.code === 'NOT_FOUND')).toHaveLength(4);
    expect((await wishRow(t, wish.id)).voteCount).toBe(16);
    expect(await t.database.prisma.wishVote.count({ where: { wishId: decodeId(wish.id) } })).toBe(16);
    expect(await ok(t, Q.voteWish, { i: { wishId: wish.id } }, fan.as)).toMatchObject({ voteCount: 17 });
  });

  it('foreign wishes are NOT_FOUND; analysts are refused', async ({ t }) => {
    const rivalFan = await newFan(t, t.rivalOrgId, 'rival');
    const rivalWish = (await ok(t, Q.makeWish, { i: { productName: 'Sea salt scrub' } }, rivalFan.as)).wish;
    const fan = await newFan(t, t.orgId, 'demo');
    expect(await run(t, Q.voteWish, { i: { wishId: rivalWish.id } }, fan.as)).toMatchObject({ code: 'NOT_FOUND', field: 'input.wishId' });
    expect(await run(t, Q.voteWish, { i: { wishId: gid('Wish', 'missing') } }, fan.as)).toMatchObject({ code: 'NOT_FOUND' });
    const analyst = await t.gql(Q.voteWish, { i: { wishId: rivalWish.id, fanId: fan.gid } }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await wishRow(t, rivalWish.id)).voteCount).toBe(1);
  });
});

describe('fulfilment', () => {
  it('an item whose name equals or contains a wish (as whole words) fulfils it, in the addLineupItem result', async ({ t }) => {
    const fan = await newFan(t, t.orgId, 'demo');
    const rivalFan = await newFan(t, t.rivalOrgId, 'rival');
    const mask = (await ok(t, Q.makeWish, { i: { productName: 'Silk Eye Mask' } }, fan.as)).wish;
    const wine = (await ok(t, Q.makeWish, { i: { productName: 'rice  wine' } }, fan.as)).wish;
    const tea = (await ok(t, Q.makeWish, { i: { productName: 'Tea' } }, fan.as)).wish;
    const rivalMask = (await ok(t, Q.makeWish, { i: { productName: 'silk eye mask' } }, rivalFan.as)).wish;
    const s = await newSession(t);

    const iron = await ok(t, Q.addItem, { i: { sessionId: s.id, productName: 'Steam iron', priceCents: 19_900 } });
    expect(iron.fulfilledWishes).toEqual([]);
    const m = await ok(t, Q.addItem, { i: { sessionId: s.id, productName: 'Mulberry SILK eye mask 2-pack', priceCents: 9_900 } });
    expect(m.fulfilledWishes).toEqual([
      { id: mask.id, productName: 'Silk Eye Mask', status: 'FULFILLED', voteCount: 1, fulfilledBy: { id: m.item.id } },
    ]);
    const w = await ok(t, Q.addItem, { i: { sessionId: s.id, productName: 'Rice Wine', priceCents: 5_900 } });
    expect(w.fulfilledWishes.map((x: { id: string }) => x.id)).toEqual([wine.id]);

    expect((await wishRow(t, tea.id)).status).toBe('OPEN');
    expect((await wishRow(t, rivalMask.id)).status).toBe('OPEN');
    const open = await t.ok(`{ wishes(status: OPEN, first: 50) { nodes { id } } }`, {}, 'Dev demo');
    expect(open.wishes.nodes.map((x: { id: string }) => x.id)).not.toContain(mask.id);
    // Fulfilled wishes take no more votes; the same wish again starts a new open one.
    const other = await newFan(t, t.orgId, 'demo');
    expect(await run(t, Q.voteWish, { i: { wishId: mask.id } }, other.as)).toMatchObject({ code: 'INVALID_STATE' });
    expect(await run(t, Q.unvoteWish, { i: { wishId: mask.id } }, fan.as)).toMatchObject({ code: 'INVALID_STATE' });
    expect((await wishRow(t, mask.id)).voteCount).toBe(1);
    expect(await ok(t, Q.makeWish, { i: { productName: 'silk eye mask' } }, other.as)).toMatchObject({ created: true });
  });

  it('a refused add fulfils nothing; renaming an item can fulfil; removing it reopens its wishes', async ({ t }) => {
    const fan = await newFan(t, t.orgId, 'demo');
    const wish = (await ok(t, Q.makeWish, { i: { productName: 'Jasmine pearl tea' } }, fan.as)).wish;
    const s = await newSession(t);
    const late = new Date(new Date(s.scheduledAt).getTime() + 8 * 3_600_000).toISOString();
    expect(await run(t, Q.addItem, { i: { sessionId: s.id, productName: 'Jasmine pearl tea', priceCents: 100, slotAt: late } })).toMatchObject({
      code: 'VALIDATION',
    });
    expect((await wishRow(t, wish.id)).status).toBe('OPEN');
    const item = await newItem(t, s.id, 'Green tea');
    const renamed = await ok(t, Q.updateItem, { i: { itemId: item.id, productName: 'Jasmine Pearl Tea 100g' } });
    expect(renamed.fulfilledWishes).toEqual([{ id: wish.id }]);
    await ok(t, Q.removeItem, { id: item.id });
    expect(await wishRow(t, wish.id)).toMatchObject({ status: 'OPEN', fulfilledByItemId: null });
  });

  it('wishes made while items are added in parallel are each fulfilled once or left open, never half', async ({ t }) => {
    const s = await newSession(t);
    const fans = await Promise.all(Array.from({ length: 6 }, () => newFan(t, t.orgId, 'demo')));
    const [added, ...wishes] = await Promise.all([
      ok(t, Q.addItem, { i: { sessionId: s.id, productName: 'Walnut cake', priceCents: 2_900 } }),
      ...fans.map((f) => ok(t, Q.makeWish, { i: { productName: 'walnut cake' } }, f.as)),
    ]);
    const rows = await t.database.prisma.wish.findMany({ where: { orgId: t.orgId, normalizedName: 'walnut cake' } });
    expect(rows.every((r) => (r.status === 'FULFILLED') === (r.fulfilledByItemId === decodeId(added.item.id)))).toBe(true);
    expect(rows.filter((r) => r.status === 'OPEN').length).toBeLessThanOrEqual(1);
    expect(rows.reduce((n, r) => n + r.voteCount, 0)).toBe(6);
    expect(wishes.filter((w) => w.voted)).toHaveLength(6);
  });
});
