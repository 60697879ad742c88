// Refunds through the API: once only (also under parallel requests), commerce facts and points
// reversed, and a balance that never goes negative when the fan already spent the order's points.
import { describe, expect } from 'vitest';
import { gid } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 10 });

const REFUND = /* GraphQL */ `
  mutation Refund($input: RefundOrderInput!) {
    refundOrder(input: $input) {
      __typename
      ... on MutationRefundOrderSuccess { data { pointsReversed pointsNotReversed order { id status refundedAt fan { orderCount totalSpendCents pointsBalance } } } }
      ... on DomainError { code message field }
    }
  }
`;
const refund = (t: SeededTestApp, orderId: string, as?: string) =>
  t.ok(REFUND, { input: { orderId: gid('Order', orderId) } }, as).then((r) => r.refundOrder);

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
let n = 0;
/** A fan with orders imported through the API; returns the fan and its orders by external id. */
async function fanWithOrders(t: SeededTestApp, amounts: number[]) {
  const ext = `rf-${++n}`;
  const fan = await t.database.prisma.fan.create({ data: { orgId: t.orgId, externalId: ext, displayName: `Nanjing-oily skin·${ext}` } });
  const orders = amounts.map((amountCents, i) => ({
    externalId: `${ext}-o${i}`,
    fanExternalId: ext,
    amountCents,
    placedAt: minutesAgo(100 - i * 10).toISOString(),
  }));
  const r = await t.ok(`mutation($i: ImportOrdersInput!) { importOrders(input: $i) { __typename } }`, { i: { orders } });
  expect(r.importOrders.__typename).toBe('MutationImportOrdersSuccess');
  const rows = await t.database.prisma.order.findMany({ where: { fanId: fan.id }, orderBy: { placedAt: 'asc' } });
  return { fan, orders: rows };
}
const fanRow = (t: SeededTestApp, id: string) => t.database.prisma.fan.findUniqueOrThrow({ where: { id } });
const ledger = (t: SeededTestApp, fanId: string) => t.database.prisma.pointsEntry.findMany({ where: { fanId }, orderBy: { createdAt: 'asc' } });

async function spend(t: SeededTestApp, fanId: string, points: number, key: string) {
  const reward = await t.database.prisma.reward.create({
    data: { orgId: t.orgId, name: `Towel ${key}`, shelf: 'ESSENTIALS', costPoints: points, stock: 5 },
  });
  const r = await t.ok(`mutation($i: RedeemRewardInput!) { redeemReward(input: $i) { __typename } }`, {
    i: { rewardId: gid('Reward', reward.id), fanId: gid('Fan', fanId), idempotencyKey: `spend-${key}` },
  });
  expect(r.redeemReward.__typename).toBe('MutationRedeemRewardSuccess');
}

describe('refundOrder', () => {
  it('marks the order REFUNDED and reverses order count, spend, last order, session numbers and points', async ({ t }) => {
    const { fan, orders } = await fanWithOrders(t, [20_000, 5_000]);
    const session = await t.database.prisma.liveSession.findFirstOrThrow({ where: { orgId: t.orgId } });
    await t.database.prisma.order.update({ where: { id: orders[1].id }, data: { liveSessionId: session.id } });
    await t.database.prisma.liveSession.update({ where: { id: session.id }, data: { orderCount: { increment: 1 }, gmvCents: { increment: 5_000 } } });
    const sessionBefore = await t.database.prisma.liveSession.findUniqueOrThrow({ where: { id: session.id } });

    const res = await refund(t, orders[1].id);
    expect(res).toMatchObject({
      __typename: 'MutationRefundOrderSuccess',
      data: {
        pointsReversed: 50,
        pointsNotReversed: 0,
        order: { status: 'REFUNDED', fan: { orderCount: 1, totalSpendCents: 20_000, pointsBalance: 200 } },
      },
    });
    expect(res.data.order.refundedAt).not.toBeNull();
    expect((await fanRow(t, fan.id)).lastOrderAt).toEqual(orders[0].placedAt);
    const entries = await ledger(t, fan.id);
    expect(entries.at(-1)).toMatchObject({
      delta: -50,
      balanceAfter: 200,
      reason: 'REFUND',
      reference: `order:${orders[1].id}`,
      idempotencyKey: `order-refund:${orders[1].id}`,
    });
    const s = await t.database.prisma.liveSession.findUniqueOrThrow({ where: { id: session.id } });
    expect([sessionBefore.orderCount - s.orderCount, sessionBefore.gmvCents - s.gmvCents]).toEqual([1, 5_000]);

    // Refunding the last paid order clears lastOrderAt.
    await refund(t, orders[0].id);
    expect(await fanRow(t, fan.id)).toMatchObject({ orderCount: 0, totalSpendCents: 0, pointsBalance: 0, lastOrderAt: null });
  });

  it('a second refund is INVALID_STATE and changes nothing; re-importing a refunded order changes nothing', async ({ t }) => {
    const { fan, orders } = await fanWithOrders(t, [9_900]);
    expect((await refund(t, orders[0].id)).__typename).toBe('MutationRefundOrderSuccess');
    const before = { fan: await fanRow(t, fan.id), ledger: await ledger(t, fan.id) };
    expect(await refund(t, orders[0].id)).toMatchObject({ __typename: 'InvalidStateError', code: 'INVALID_STATE', field: 'input.orderId' });
    const again = await t.ok(
      `mutation($i: ImportOrdersInput!) { importOrders(input: $i) { ... on MutationImportOrdersSuccess { data { created unchanged } } } }`,
      {
        i: {
          orders: [
            { externalId: orders[0].externalId, fanExternalId: fan.externalId, amountCents: 9_900, placedAt: orders[0].placedAt.toISOString() },
          ],
        },
      },
    );
    expect(again.importOrders.data).toEqual({ created: 0, unchanged: 1 });
    expect({ fan: await fanRow(t, fan.id), ledger: await ledger(t, fan.id) }).toEqual(before);
  });

  it('when the fan already spent the points, reverses only what is left and says so; never below zero', async ({ t }) => {
    const { fan, orders } = await fanWithOrders(t, [30_000, 10_000]);
    await spend(t, fan.id, 280, 'partial');
    const partial = await refund(t, orders[0].id);
    expect(partial.data).toMatchObject({ pointsReversed: 120, pointsNotReversed: 180, order: { fan: { pointsBalance: 0 } } });
    const entry = (await ledger(t, fan.id)).at(-1)!;
    expect(entry).toMatchObject({ delta: -120, balanceAfter: 0, reason: 'REFUND' });
    expect(entry.note).toMatch(/reversed 120 of 300 points; the fan had already spent 180/);

    const none = await refund(t, orders[1].id);
    expect(none.data).toMatchObject({ pointsReversed: 0, pointsNotReversed: 100, order: { fan: { pointsBalance: 0, orderCount: 0 } } });
    const last = (await ledger(t, fan.id)).at(-1)!;
    expect(last).toMatchObject({ delta: 0, balanceAfter: 0, reason: 'REFUND', idempotencyKey: `order-refund:${orders[1].id}` });
    expect(last.note).toMatch(/reversed 0 of 100 points/);
  });

  it('20 parallel refunds of one order: exactly one succeeds, facts and points reversed once', async ({ t }) => {
    const { fan, orders } = await fanWithOrders(t, [50_000, 20_000]);
    const results = await Promise.all(Array.from({ length: 20 }, () => refund(t, orders[0].id)));
    expect(results.filter((r) => r.__typename === 'MutationRefundOrderSuccess')).toHaveLength(1);
    expect(results.filter((r) => r.code === 'INVALID_STATE')).toHaveLength(19);
    expect(await fanRow(t, fan.id)).toMatchObject({ orderCount: 1, totalSpendCents: 20_000, pointsBalance: 200 });
    expect((await ledger(t, fan.id)).filter((e) => e.reason === 'REFUND')).toHaveLength(1);
  });

  it('a refund racing redemptions never drives the balance negative', async ({ t }) => {
    const { fan, orders } = await fanWithOrders(t, [10_000, 10_000]);
    const reward = await t.database.prisma.reward.create({
      data: { orgId: t.orgId, name: 'Race slippers', shelf: 'SEASONAL', costPoints: 50, stock: 100 },
    });
    const redeem = (i: number) =>
      t.ok(`mutation($i: RedeemRewardInput!) { redeemReward(input: $i) { __typename } }`, {
        i: { rewardId: gid('Reward', reward.id), fanId: gid('Fan', fan.id), idempotencyKey: `race-redeem-${i}` },
      });
    const [refunded] = await Promise.all([refund(t, orders[0].id), ...Array.from({ length: 6 }, (_, i) => redeem(i))]);
    expect(refunded.__typename).toBe('MutationRefundOrderSuccess');
    const after = await fanRow(t, fan.id);
    expect(after.pointsBalance).toBeGreaterThanOrEqual(0);
    const entries = await ledger(t, fan.id);
    expect(entries.every((e) => e.balanceAfter >= 0)).toBe(true);
    expect(entries.reduce((s, e) => s + e.delta, 0)).toBe(after.pointsBalance);
    expect(refunded.data.pointsReversed + refunded.data.pointsNotReversed).toBe(100);
  });

  it('a foreign order is NOT_FOUND; analysts are refused; nothing changes', async ({ t }) => {
    const rivalOrder = await t.database.prisma.order.findFirstOrThrow({ where: { orgId: t.rivalOrgId, status: 'PAID' } });
    expect(await refund(t, rivalOrder.id)).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND', field: 'input.orderId' });
    expect((await t.database.prisma.order.findUniqueOrThrow({ where: { id: rivalOrder.id } })).status).toBe('PAID');
    const { fan, orders } = await fanWithOrders(t, [1_000]);
    const analyst = await t.gql(REFUND, { input: { orderId: gid('Order', orders[0].id) } }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await fanRow(t, fan.id)).toMatchObject({ orderCount: 1, pointsBalance: 10 });
    expect((await refund(t, orders[0].id, 'Dev demo/jujube@demo.test')).__typename).toBe('MutationRefundOrderSuccess');
  });
});
