// Points on claim: an organization that converts ON_CLAIM imports orders without crediting points; the
// buyer claims each order's points once before its deadline (lazy expiry: after it, the claim is refused
// and nothing was ever credited). The default, AUTOMATIC, credits at import as before.
import { describe, expect } from 'vitest';
import { gid } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 3 });

const POLICY = /* GraphQL */ `mutation($i: SetOrderPointsPolicyInput!) { setOrderPointsPolicy(input: $i) { __typename
  ... on MutationSetOrderPointsPolicySuccess { data { orderPointsMode orderPointsClaimDays } } ... on Error { code field } } }`;
const IMPORT = /* GraphQL */ `mutation($i: ImportOrdersInput!) { importOrders(input: $i) { __typename
  ... on MutationImportOrdersSuccess { data { created unchanged pointsAwarded pointsToClaim } } ... on Error { code message field } } }`;
const CLAIM = /* GraphQL */ `mutation($i: ClaimOrderPointsInput!) { claimOrderPoints(input: $i) { __typename
  ... on MutationClaimOrderPointsSuccess { data { order { id pointsClaim pointsClaimedAt } entry { delta balanceAfter reason reference } } }
  ... on Error { code message field } } }`;
const MY_ORDERS = /* GraphQL */ `{ viewer { fan { pointsBalance orders(first: 20) { nodes { id externalId points pointsClaim pointsClaimDeadline } } } } }`;

let seq = 0;
async function newFan(t: SeededTestApp) {
  const externalId = `claim-${++seq}`;
  const fan = await t.database.prisma.fan.create({ data: { orgId: t.orgId, externalId, displayName: externalId } });
  return { id: fan.id, externalId, as: `Dev demo/fan:${externalId}` };
}
const setPolicy = (t: SeededTestApp, mode: string, claimDays?: number, as?: string) => t.ok(POLICY, { i: { mode, claimDays } }, as);
async function importFor(t: SeededTestApp, fan: { externalId: string }, amounts: number[]) {
  const orders = amounts.map((amountCents) => ({
    externalId: `claim-o-${++seq}`,
    fanExternalId: fan.externalId,
    amountCents,
    placedAt: new Date(Date.now() - 60_000).toISOString(),
  }));
  const r = await t.ok(IMPORT, { i: { orders } });
  expect(r.importOrders.__typename, JSON.stringify(r)).toBe('MutationImportOrdersSuccess');
  const rows = await t.database.prisma.order.findMany({
    where: { externalId: { in: orders.map((o) => o.externalId) } },
    orderBy: { externalId: 'asc' },
  });
  return { result: r.importOrders.data, ids: rows.map((o) => gid('Order', o.id)), rows };
}
const balance = async (t: SeededTestApp, fan: { id: string }) =>
  (await t.database.prisma.fan.findUniqueOrThrow({ where: { id: fan.id } })).pointsBalance;
const claim = (t: SeededTestApp, orderId: string, as?: string) => t.ok(CLAIM, { i: { orderId } }, as).then((r) => r.claimOrderPoints);

describe('the organization setting', () => {
  it('owners and admins choose the mode; the default is AUTOMATIC; analysts and operators may not change it', async ({ t }) => {
    const org = await t.ok(`{ viewer { organization { orderPointsMode orderPointsClaimDays } } }`);
    expect(org.viewer.organization).toEqual({ orderPointsMode: 'AUTOMATIC', orderPointsClaimDays: 30 });
    const refused = await t.gql(POLICY, { i: { mode: 'ON_CLAIM' } }, 'Dev demo/analyst@demo.test');
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await setPolicy(t, 'ON_CLAIM', 0)).setOrderPointsPolicy).toMatchObject({ code: 'VALIDATION', field: 'input.claimDays' });
    expect((await setPolicy(t, 'ON_CLAIM', 14)).setOrderPointsPolicy.data).toEqual({ orderPointsMode: 'ON_CLAIM', orderPointsClaimDays: 14 });
    expect((await setPolicy(t, 'AUTOMATIC')).setOrderPointsPolicy.data).toEqual({ orderPointsMode: 'AUTOMATIC', orderPointsClaimDays: 14 });
  });
});

describe('ON_CLAIM', () => {
  it('imports without crediting; the buyer claims each order once, within the window; the deadline is import + claimDays', async ({ t }) => {
    await setPolicy(t, 'ON_CLAIM', 7);
    const fan = await newFan(t);
    const before = Date.now();
    const { result, ids, rows } = await importFor(t, fan, [29_900, 15_950, 50]);
    expect(result).toEqual({ created: 3, unchanged: 0, pointsAwarded: 0, pointsToClaim: 299 + 159 });
    expect(await balance(t, fan)).toBe(0);
    expect(rows[0].pointsClaimDeadline!.getTime()).toBeGreaterThanOrEqual(before + 7 * 86_400_000 - 1000);
    expect(rows[2].pointsClaimDeadline).toBeNull(); // under ¥1: nothing to claim
    const mine = (await t.ok(MY_ORDERS, {}, fan.as)).viewer.fan.orders.nodes as { id: string; points: number; pointsClaim: string }[];
    expect(Object.fromEntries(mine.map((o) => [o.id, [o.points, o.pointsClaim]]))).toEqual({
      [ids[0]]: [299, 'CLAIMABLE'],
      [ids[1]]: [159, 'CLAIMABLE'],
      [ids[2]]: [0, 'NONE'],
    });

    const got = await claim(t, ids[0], fan.as);
    expect(got.data).toMatchObject({ order: { id: ids[0], pointsClaim: 'CLAIMED' }, entry: { delta: 299, balanceAfter: 299, reason: 'ORDER' } });
    expect(await claim(t, ids[0], fan.as)).toMatchObject({ code: 'CONFLICT', field: 'input.orderId' });
    expect(await claim(t, ids[2], fan.as)).toMatchObject({ code: 'INVALID_STATE' });
    // Another fan may not claim it; an operator may, for the buyer.
    const other = await newFan(t);
    expect(await claim(t, ids[1], other.as)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await balance(t, other)).toBe(0);
    expect((await claim(t, ids[1], 'Dev demo/jujube@demo.test')).data.entry).toMatchObject({ delta: 159, balanceAfter: 458 });
    expect(await balance(t, fan)).toBe(458);
    await setPolicy(t, 'AUTOMATIC');
  });

  it('after the deadline the conversion has lapsed: EXPIRED, claims refused with NOT_AVAILABLE, nothing credited', async ({ t }) => {
    await setPolicy(t, 'ON_CLAIM', 1);
    const fan = await newFan(t);
    const { ids, rows } = await importFor(t, fan, [9_900]);
    // A day passes (the deadline is a column: moving it is moving the clock for this order).
    await t.database.prisma.order.update({ where: { id: rows[0].id }, data: { pointsClaimDeadline: new Date(Date.now() - 1000) } });
    expect((await t.ok(MY_ORDERS, {}, fan.as)).viewer.fan.orders.nodes[0].pointsClaim).toBe('EXPIRED');
    const refused = await claim(t, ids[0], fan.as);
    expect(refused).toMatchObject({ code: 'NOT_AVAILABLE', field: 'input.orderId' });
    expect(refused.message).toContain('claim window closed');
    expect(await balance(t, fan)).toBe(0);
    expect(await t.database.prisma.pointsEntry.count({ where: { fanId: fan.id } })).toBe(0);
    await setPolicy(t, 'AUTOMATIC');
  });

  it('20 parallel claims of one order credit its points once', async ({ t }) => {
    await setPolicy(t, 'ON_CLAIM', 30);
    const fan = await newFan(t);
    const { ids } = await importFor(t, fan, [12_300]);
    const results = await Promise.all(Array.from({ length: 20 }, () => claim(t, ids[0], fan.as)));
    expect(results.filter((r) => r.__typename === 'MutationClaimOrderPointsSuccess')).toHaveLength(1);
    expect(results.filter((r) => r.code === 'CONFLICT')).toHaveLength(19);
    expect(await balance(t, fan)).toBe(123);
    expect(await t.database.prisma.pointsEntry.count({ where: { fanId: fan.id, reason: 'ORDER' } })).toBe(1);
    await setPolicy(t, 'AUTOMATIC');
  });

  it('a refund before the claim leaves nothing to claim; a refund after it takes the claimed points back', async ({ t }) => {
    await setPolicy(t, 'ON_CLAIM', 30);
    const fan = await newFan(t);
    const { ids } = await importFor(t, fan, [5_000, 7_000]);
    const REFUND = `mutation($i: RefundOrderInput!) { refundOrder(input: $i) { __typename ... on MutationRefundOrderSuccess { data { pointsReversed } } } }`;
    expect((await t.ok(REFUND, { i: { orderId: ids[0] } })).refundOrder.data.pointsReversed).toBe(0);
    expect(await claim(t, ids[0], fan.as)).toMatchObject({ code: 'INVALID_STATE' });
    expect((await claim(t, ids[1], fan.as)).data.entry.delta).toBe(70);
    expect((await t.ok(REFUND, { i: { orderId: ids[1] } })).refundOrder.data.pointsReversed).toBe(70);
    expect(await balance(t, fan)).toBe(0);
    await setPolicy(t, 'AUTOMATIC');
  });
});

describe('AUTOMATIC', () => {
  it('credits at import as before; there is nothing to claim', async ({ t }) => {
    const fan = await newFan(t);
    const { result, ids } = await importFor(t, fan, [10_000]);
    expect(result).toMatchObject({ pointsAwarded: 100, pointsToClaim: 0 });
    expect(await balance(t, fan)).toBe(100);
    expect((await t.ok(MY_ORDERS, {}, fan.as)).viewer.fan.orders.nodes[0].pointsClaim).toBe('AT_IMPORT');
    expect(await claim(t, ids[0], fan.as)).toMatchObject({ code: 'INVALID_STATE' });
    expect(await balance(t, fan)).toBe(100);
  });
});
