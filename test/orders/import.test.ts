// Order import through the API: commerce facts and points move exactly once per order — for a batch
// sent twice and for the same order sent 20 times at once — and bad batches write nothing.
import { describe, expect } from 'vitest';
import { gid } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 10 });

const IMPORT = /* GraphQL */ `
  mutation Import($input: ImportOrdersInput!) {
    importOrders(input: $input) {
      __typename
      ... on MutationImportOrdersSuccess { data { created unchanged pointsAwarded } }
      ... on DomainError { code message field }
    }
  }
`;
const importOrders = (t: SeededTestApp, orders: Record<string, unknown>[], as?: string) =>
  t.ok(IMPORT, { input: { orders } }, as).then((r) => r.importOrders);

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
async function newFan(t: SeededTestApp, externalId: string, extra: Record<string, unknown> = {}) {
  return t.database.prisma.fan.create({ data: { orgId: t.orgId, externalId, displayName: `Wuhan-dry skin·${externalId}`, ...extra } });
}
const fan = (t: SeededTestApp, id: string) => t.database.prisma.fan.findUniqueOrThrow({ where: { id } });
const state = async (t: SeededTestApp, fanId: string) => ({
  fan: await fan(t, fanId),
  orders: await t.database.prisma.order.findMany({ where: { fanId }, orderBy: { id: 'asc' } }),
  ledger: await t.database.prisma.pointsEntry.findMany({ where: { fanId }, orderBy: { id: 'asc' } }),
});

describe('importOrders', () => {
  it('creates orders with attribution, updates commerce facts and session numbers, converts to points once per order', async ({ t }) => {
    const buyer = await newFan(t, 'o-buyer', { lifecycle: 'DORMANT', createdAt: minutesAgo(200 * 24 * 60) });
    const koc = await newFan(t, 'o-koc', { isKoc: true });
    const session = await t.database.prisma.liveSession.findFirstOrThrow({ where: { orgId: t.orgId } });
    const community = await t.database.prisma.community.findFirstOrThrow({ where: { orgId: t.orgId } });
    const placed1 = minutesAgo(60);
    const placed2 = minutesAgo(30);
    const res = await importOrders(t, [
      {
        externalId: 'ord-1',
        fanExternalId: 'o-buyer',
        amountCents: 32_999,
        itemCount: 2,
        items: [{ sku: 'essence-50', qty: 2 }],
        placedAt: placed1.toISOString(),
        liveSessionId: gid('LiveSession', session.id),
        communityId: gid('Community', community.id),
        kocFanId: gid('Fan', koc.id),
      },
      { externalId: 'ord-2', fanExternalId: 'o-buyer', amountCents: 99, placedAt: placed2.toISOString() },
    ]);
    expect(res).toEqual({ __typename: 'MutationImportOrdersSuccess', data: { created: 2, unchanged: 0, pointsAwarded: 329 } });
    const after = await fan(t, buyer.id);
    expect(after).toMatchObject({
      orderCount: 2,
      totalSpendCents: 33_098,
      pointsBalance: 329,
      lastOrderAt: placed2,
      lastActiveAt: placed2,
      lifecycle: 'ACTIVE',
    });
    const ledger = await t.database.prisma.pointsEntry.findMany({ where: { fanId: buyer.id } });
    const ord1 = await t.database.prisma.order.findFirstOrThrow({ where: { orgId: t.orgId, externalId: 'ord-1' } });
    // ¥0.99 earns no points, so only one ledger entry.
    expect(ledger).toEqual([
      expect.objectContaining({ delta: 329, balanceAfter: 329, reason: 'ORDER', reference: `order:${ord1.id}`, idempotencyKey: `order:${ord1.id}` }),
    ]);
    const q = await t.ok(
      `query($f: ID!) { orders(fanId: $f) { totalCount nodes { externalId amountCents itemCount status liveSession { id } community { id } koc { id } } } }`,
      { f: gid('Fan', buyer.id) },
    );
    expect(q.orders.nodes[1]).toEqual({
      externalId: 'ord-1',
      amountCents: 32_999,
      itemCount: 2,
      status: 'PAID',
      liveSession: { id: gid('LiveSession', session.id) },
      community: { id: gid('Community', community.id) },
      koc: { id: gid('Fan', koc.id) },
    });
    const s = await t.database.prisma.liveSession.findUniqueOrThrow({ where: { id: session.id } });
    expect([s.orderCount - session.orderCount, s.gmvCents - session.gmvCents]).toEqual([1, 32_999]);
  });

  it('the same batch twice: the second changes nothing', async ({ t }) => {
    const buyer = await newFan(t, 'o-twice');
    const batch = [
      { externalId: 'tw-1', fanExternalId: 'o-twice', amountCents: 10_000, placedAt: minutesAgo(10).toISOString() },
      { externalId: 'tw-2', fanExternalId: 'o-twice', amountCents: 25_050, placedAt: minutesAgo(5).toISOString() },
    ];
    expect((await importOrders(t, batch)).data).toEqual({ created: 2, unchanged: 0, pointsAwarded: 350 });
    const before = await state(t, buyer.id);
    expect((await importOrders(t, batch)).data).toEqual({ created: 0, unchanged: 2, pointsAwarded: 0 });
    expect(await state(t, buyer.id)).toEqual(before);
    // A batch mixing old and new orders imports only the new one.
    const mixed = await importOrders(t, [
      ...batch,
      { externalId: 'tw-3', fanExternalId: 'o-twice', amountCents: 500, placedAt: minutesAgo(1).toISOString() },
    ]);
    expect(mixed.data).toEqual({ created: 1, unchanged: 2, pointsAwarded: 5 });
    expect(await fan(t, buyer.id)).toMatchObject({ orderCount: 3, totalSpendCents: 35_550, pointsBalance: 355 });
  });

  it('the same order imported 20 times in parallel: one row, points once, orderCount +1 once', async ({ t }) => {
    const buyer = await newFan(t, 'o-race');
    const order = { externalId: 'race-1', fanExternalId: 'o-race', amountCents: 12_345, placedAt: minutesAgo(3).toISOString() };
    const results = await Promise.all(Array.from({ length: 20 }, () => importOrders(t, [order])));
    expect(results.every((r) => r.__typename === 'MutationImportOrdersSuccess')).toBe(true);
    expect(results.filter((r) => r.data.created === 1)).toHaveLength(1);
    expect(results.filter((r) => r.data.unchanged === 1)).toHaveLength(19);
    expect(await t.database.prisma.order.count({ where: { orgId: t.orgId, externalId: 'race-1' } })).toBe(1);
    expect(await fan(t, buyer.id)).toMatchObject({ orderCount: 1, totalSpendCents: 12_345, pointsBalance: 123 });
    expect(await t.database.prisma.pointsEntry.count({ where: { fanId: buyer.id, reason: 'ORDER' } })).toBe(1);
  });

  it('parallel batches sharing orders and fans in different orders neither deadlock nor double count', async ({ t }) => {
    const a = await newFan(t, 'o-mix-a');
    const b = await newFan(t, 'o-mix-b');
    const rows = Array.from({ length: 10 }, (_, i) => ({
      externalId: `mix-${i}`,
      fanExternalId: i % 2 ? 'o-mix-a' : 'o-mix-b',
      amountCents: 1_000,
      placedAt: minutesAgo(20 - i).toISOString(),
    }));
    const batches = Array.from({ length: 8 }, (_, k) => (k % 2 ? [...rows].reverse() : rows).slice(k % 3, 10));
    const results = await Promise.all(batches.map((batch) => importOrders(t, batch)));
    expect(results.every((r) => r.__typename === 'MutationImportOrdersSuccess')).toBe(true);
    expect(results.reduce((s, r) => s + r.data.created, 0)).toBe(10);
    expect(await fan(t, a.id)).toMatchObject({ orderCount: 5, totalSpendCents: 5_000, pointsBalance: 50 });
    expect(await fan(t, b.id)).toMatchObject({ orderCount: 5, totalSpendCents: 5_000, pointsBalance: 50 });
  });

  it('refuses bad batches with a typed error naming the row, and writes nothing', async ({ t }) => {
    const buyer = await newFan(t, 'o-refuse');
    await importOrders(t, [{ externalId: 'ref-old', fanExternalId: 'o-refuse', amountCents: 2_000, placedAt: minutesAgo(100).toISOString() }]);
    const other = await newFan(t, 'o-refuse-other');
    const rivalFan = await t.database.prisma.fan.create({ data: { orgId: t.rivalOrgId, externalId: 'o-rival-only', displayName: 'Rival' } });
    const rivalSession = await t.database.prisma.liveSession.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    const rivalCommunity = await t.database.prisma.community.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    const before = await Promise.all([state(t, buyer.id), state(t, other.id), t.database.prisma.order.count()]);
    const ok = { externalId: 'ref-new', fanExternalId: 'o-refuse', amountCents: 1_000, placedAt: minutesAgo(1).toISOString() };
    const row = (extra: Record<string, unknown>) => ({ ...ok, externalId: 'ref-bad', ...extra });
    const cases: [Record<string, unknown>[], string, string][] = [
      [[ok, row({ fanExternalId: 'nobody' })], 'NOT_FOUND', 'input.orders.1.fanExternalId'],
      [[ok, row({ fanExternalId: 'o-rival-only' })], 'NOT_FOUND', 'input.orders.1.fanExternalId'],
      [[ok, row({ liveSessionId: gid('LiveSession', rivalSession.id) })], 'NOT_FOUND', 'input.orders.1.liveSessionId'],
      [[ok, row({ communityId: gid('Community', rivalCommunity.id) })], 'NOT_FOUND', 'input.orders.1.communityId'],
      [[ok, row({ kocFanId: gid('Fan', rivalFan.id) })], 'NOT_FOUND', 'input.orders.1.kocFanId'],
      [[ok, row({ kocFanId: gid('Fan', buyer.id) })], 'VALIDATION', 'input.orders.1.kocFanId'],
      [[ok, row({ amountCents: 0 })], 'VALIDATION', 'input.orders.1.amountCents'],
      [[ok, row({ itemCount: 1000 })], 'VALIDATION', 'input.orders.1.itemCount'],
      [[ok, row({ placedAt: new Date(Date.now() + 86_400_000).toISOString() })], 'VALIDATION', 'input.orders.1.placedAt'],
      [[ok, ok], 'VALIDATION', 'input.orders.1.externalId'],
      [[ok, row({ externalId: 'ref-old', amountCents: 2_500 })], 'CONFLICT', 'input.orders.1.amountCents'],
      [[ok, row({ externalId: 'ref-old', fanExternalId: 'o-refuse-other', amountCents: 2_000 })], 'CONFLICT', 'input.orders.1.fanExternalId'],
      [[], 'VALIDATION', 'input.orders'],
    ];
    for (const [orders, code, field] of cases) {
      expect(await importOrders(t, orders)).toMatchObject({ code, field });
    }
    expect(await Promise.all([state(t, buyer.id), state(t, other.id), t.database.prisma.order.count()])).toEqual(before);
  });

  it('refuses analysts and anonymous callers; an operator may import', async ({ t }) => {
    const buyer = await newFan(t, 'o-auth');
    const order = { externalId: 'auth-1', fanExternalId: 'o-auth', amountCents: 1_000, placedAt: minutesAgo(1).toISOString() };
    const analyst = await t.gql(IMPORT, { input: { orders: [order] } }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const fanCaller = await t.gql(IMPORT, { input: { orders: [order] } }, 'Dev demo/fan:o-auth');
    expect(fanCaller.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await t.database.prisma.order.count({ where: { fanId: buyer.id } })).toBe(0);
    expect((await importOrders(t, [order], 'Dev demo/jujube@demo.test')).data.created).toBe(1);
  });
});
