// Operators and warehouses move fulfilments: bulk shipping all-or-nothing, cancels that return stock and
// points exactly once under concurrency, filters, tenancy, a fan's privacy and typed refusals.
import { describe, expect } from 'vitest';
import { loadManifest } from '../../src/core/persisted.js';
import { graphql } from '../generated/index.js';
import { gid, rawId } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';
import { hashOf, partnerKey, persisted, post } from '../security/security-helpers.js';
import { address, CANCEL, newFan, newReward, redeem, SAVE_ADDRESS, SHIP } from './helpers.js';

const it = useTestApp({ fans: 5 });
const manifest = loadManifest();

/** A fan with an address and `n` READY fulfilments from redemptions of one reward. */
async function readyFulfilments(t: SeededTestApp, n: number, stock = 10, cost = 100) {
  const fan = await newFan(t, n * cost);
  await t.ok(SAVE_ADDRESS, { input: address() }, fan.as);
  const rewardId = await newReward(t, stock, cost);
  const fulfilments = [];
  for (let i = 0; i < n; i++) fulfilments.push(await redeem(t, fan, rewardId));
  return { fan, rewardId, ids: fulfilments.map((f) => f.id) };
}
const stockOf = async (t: SeededTestApp, rewardGid: string) =>
  (await t.database.prisma.reward.findUniqueOrThrow({ where: { id: rawId(rewardGid) } })).stock;
const balanceOf = async (t: SeededTestApp, fanId: string) => (await t.database.prisma.fan.findUniqueOrThrow({ where: { id: fanId } })).pointsBalance;
const parcel = (id: string, n = 1) => ({ fulfilmentId: id, carrier: 'SF Express', trackingNumber: `SF10000${n}` });

describe('markFulfilmentsShipped', () => {
  it('ships every item with its own tracking number; then it can be marked delivered', async ({ t }) => {
    const { ids } = await readyFulfilments(t, 2);
    const res = await t.ok(SHIP, { input: { items: [parcel(ids[0], 1), parcel(ids[1], 2)] } });
    expect(res.markFulfilmentsShipped).toMatchObject({
      data: [
        { id: ids[0], status: 'SHIPPED', trackingNumber: 'SF100001' },
        { id: ids[1], status: 'SHIPPED', trackingNumber: 'SF100002' },
      ],
    });
    // The shipping time is now, whatever the database session's time zone.
    const shippedAt = (res.markFulfilmentsShipped as { data: { shippedAt: string }[] }).data[0].shippedAt;
    expect(Math.abs(Date.parse(shippedAt) - Date.now())).toBeLessThan(60_000);
    const DELIVER = graphql(`mutation FulDeliver($id: ID!) { markFulfilmentDelivered(fulfilmentId: $id) {
      __typename ... on MutationMarkFulfilmentDeliveredSuccess { data { status deliveredAt } } ... on Error { code } } }`);
    expect((await t.ok(DELIVER, { id: ids[0] })).markFulfilmentDelivered).toMatchObject({ data: { status: 'DELIVERED' } });
    expect((await t.ok(DELIVER, { id: ids[0] })).markFulfilmentDelivered).toMatchObject({ code: 'INVALID_STATE' });
  });

  it('one bad item refuses the whole batch, naming it by path, and changes nothing', async ({ t }) => {
    const { ids } = await readyFulfilments(t, 3);
    const waiting = await redeem(t, await newFan(t, 100), await newReward(t, 1, 100)); // no address: PENDING_ADDRESS
    const rival = await readyFulfilmentsOf(t, 'rival');
    const cases: [unknown[], string, string][] = [
      [[parcel(ids[0]), parcel(gid('Fulfilment', 'nope')), parcel(ids[1])], 'NOT_FOUND', 'input.items.1.fulfilmentId'],
      [[parcel(ids[0]), parcel(waiting.id)], 'INVALID_STATE', 'input.items.1.fulfilmentId'],
      [[parcel(ids[0]), parcel(ids[0])], 'VALIDATION', 'input.items.1.fulfilmentId'],
      [[parcel(rival), parcel(ids[2])], 'NOT_FOUND', 'input.items.0.fulfilmentId'],
      [[{ ...parcel(ids[0]), trackingNumber: 'x' }], 'VALIDATION', 'input.items.0.trackingNumber'],
      [[], 'VALIDATION', 'input.items'],
    ];
    for (const [items, code, field] of cases) {
      const res = await t.ok(SHIP, { input: { items } } as never);
      expect(res.markFulfilmentsShipped, `${code} ${field}`).toMatchObject({ code, field });
    }
    const touched = await t.database.prisma.fulfilment.count({ where: { id: { in: ids.map(rawId) }, status: { not: 'READY' } } });
    expect(touched).toBe(0);
    // Two bad items: the refusal names the first and lists both.
    const both = await t.ok(SHIP, { input: { items: [parcel(waiting.id), parcel(gid('Fulfilment', 'nope'))] } });
    expect(both.markFulfilmentsShipped).toMatchObject({ code: 'INVALID_STATE', field: 'input.items.0.fulfilmentId' });
    expect((both.markFulfilmentsShipped as { message: string }).message).toMatch(/^2 items refused, nothing shipped/);
  });
});

/** A READY fulfilment in the rival organization (made by its own operator and fan). */
async function readyFulfilmentsOf(t: SeededTestApp, org: 'rival') {
  const fan = await newFan(t, 100, org);
  await t.ok(SAVE_ADDRESS, { input: address() }, fan.as);
  return (await redeem(t, fan, await newReward(t, 5, 100, 'Dev rival'))).id;
}

describe('cancelFulfilment', () => {
  it('returns the stock and the points exactly once, however many cancels race (and cancelRedemption with them)', async ({ t }) => {
    const { fan, rewardId, ids } = await readyFulfilments(t, 1, 5, 300);
    expect(await stockOf(t, rewardId)).toBe(4);
    expect(await balanceOf(t, fan.id)).toBe(0);
    const redemptionId = (await t.database.prisma.fulfilment.findFirstOrThrow({ where: { fanId: fan.id } })).sourceId;
    const CANCEL_REDEMPTION = graphql(`mutation FulCancelRedemption($id: ID!) { cancelRedemption(redemptionId: $id) { __typename } }`);
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () => t.ok(CANCEL, { id: ids[0] })),
      ...Array.from({ length: 5 }, () => t.ok(CANCEL_REDEMPTION, { id: gid('Redemption', redemptionId) })),
    ]);
    const ok = results.filter((r) => ('cancelFulfilment' in r ? r.cancelFulfilment : r.cancelRedemption).__typename.endsWith('Success'));
    expect(ok).toHaveLength(1);
    expect(await stockOf(t, rewardId)).toBe(5);
    expect(await balanceOf(t, fan.id)).toBe(300);
    const refunds = await t.database.prisma.pointsEntry.count({ where: { fanId: fan.id, reason: 'REFUND' } });
    expect(refunds).toBe(1);
    expect((await t.ok(CANCEL, { id: ids[0] })).cancelFulfilment).toMatchObject({ code: 'INVALID_STATE', field: 'fulfilmentId' });
  });

  it('a wheel prize goes back on the wheel; a shipped parcel cannot be cancelled', async ({ t }) => {
    const { ids } = await readyFulfilments(t, 1);
    await t.ok(SHIP, { input: { items: [parcel(ids[0])] } });
    expect((await t.ok(CANCEL, { id: ids[0] })).cancelFulfilment).toMatchObject({ code: 'INVALID_STATE' });
    const p = t.database.prisma;
    const c = await p.campaign.create({
      data: {
        orgId: t.orgId,
        kind: 'LOTTERY',
        name: 'Back on the wheel',
        status: 'RUNNING',
        lottery: { create: {} },
        prizes: { create: { orgId: t.orgId, name: 'Mug', weight: 1, stock: 1 } },
      },
      include: { prizes: true },
    });
    const fan = await newFan(t);
    const spun = await t.ok(
      graphql(`mutation FulSpinOnce($input: SpinLotteryInput!) { spinLottery(input: $input) { __typename } }`),
      {
        input: { campaignId: gid('Campaign', c.id) },
      },
      fan.as,
    );
    expect(spun.spinLottery.__typename).toBe('MutationSpinLotterySuccess');
    const owed = await p.fulfilment.findFirstOrThrow({ where: { fanId: fan.id, sourceKind: 'LOTTERY_SPIN' } });
    expect((await p.prize.findUniqueOrThrow({ where: { id: c.prizes[0].id } })).stock).toBe(0);
    await Promise.all(Array.from({ length: 5 }, () => t.ok(CANCEL, { id: gid('Fulfilment', owed.id) })));
    expect((await p.prize.findUniqueOrThrow({ where: { id: c.prizes[0].id } })).stock).toBe(1);
  });
});

describe('reading fulfilments', () => {
  const LIST = graphql(
    `query FulList($filter: FulfilmentFilter) { fulfilments(filter: $filter, first: 100) { totalCount nodes { id status source } } }`,
  );

  it('operators filter by status, source, campaign and age; another organization sees none of them', async ({ t }) => {
    const { ids } = await readyFulfilments(t, 2);
    const ready = await t.ok(LIST, { filter: { status: ['READY'], source: ['REDEMPTION'] } });
    expect(ready.fulfilments.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(ids));
    expect(ready.fulfilments.nodes.every((n) => n.status === 'READY' && n.source === 'REDEMPTION')).toBe(true);
    expect((await t.ok(LIST, { filter: { olderThan: '2020-01-01T00:00:00Z' } })).fulfilments.totalCount).toBe(0);
    expect((await t.ok(LIST, { filter: { source: ['LIKE_DRAW'] } })).fulfilments.totalCount).toBe(0);
    const rival = await t.ok(LIST, {}, 'Dev rival');
    expect(rival.fulfilments.nodes.map((n) => n.id)).not.toEqual(expect.arrayContaining([ids[0]]));
    const NODE = graphql(`query FulNode($id: ID!) { node(id: $id) { id } }`);
    expect((await t.ok(NODE, { id: ids[0] }, 'Dev rival')).node).toBeNull();
    expect((await t.ok(SHIP, { input: { items: [parcel(ids[0])] } }, 'Dev rival')).markFulfilmentsShipped).toMatchObject({ code: 'NOT_FOUND' });
    expect((await t.ok(CANCEL, { id: ids[0] }, 'Dev rival')).cancelFulfilment).toMatchObject({ code: 'NOT_FOUND' });
  });

  it("a fan sees only their own fulfilments and may not list or ship anyone's", async ({ t }) => {
    const { ids } = await readyFulfilments(t, 1);
    const stranger = await newFan(t);
    const FAN_READ = graphql(`query FulFanRead($id: ID!) { fulfilment: node(id: $id) { id } }`);
    expect((await t.gql(FAN_READ, { id: ids[0] }, stranger.as)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(LIST, {}, stranger.as)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(SHIP, { input: { items: [parcel(ids[0])] } }, stranger.as)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(SHIP, { input: { items: [parcel(ids[0])] } }, 'Dev demo/analyst@demo.test')).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const badPhone = await t.ok(SAVE_ADDRESS, { input: { ...address(), phone: 'call me!' } }, stranger.as);
    expect(badPhone.saveShippingAddress).toMatchObject({ code: 'VALIDATION', field: 'input.phone' });
    expect(await t.database.prisma.fanAddress.count({ where: { fanId: stranger.id } })).toBe(0);
  });

  it('a warehouse key with the fulfilment scope pulls READY ones and ships them; a key without it is refused', async ({ t }) => {
    const { ids } = await readyFulfilments(t, 1);
    const { authorization } = await partnerKey(t, 'demo', ['fulfilment']);
    const pulled = await post(t.app, persisted(hashOf(manifest, 'PartnerReadyFulfilments')), { authorization });
    const node = pulled.body.data.fulfilments.nodes.find((n: { id: string }) => n.id === ids[0]);
    expect(node).toMatchObject({ source: 'REDEMPTION', address: { name: 'Li Na', city: 'Hangzhou' } });
    const shipped = await post(t.app, persisted(hashOf(manifest, 'PartnerShipFulfilments'), { input: { items: [parcel(ids[0])] } }), {
      authorization,
    });
    expect(shipped.body.data.markFulfilmentsShipped).toMatchObject({ data: [{ id: ids[0], status: 'SHIPPED' }] });
    const reader = await partnerKey(t, 'demo', ['read', 'import']);
    const refused = await post(t.app, persisted(hashOf(manifest, 'PartnerReadyFulfilments')), { authorization: reader.authorization });
    expect(refused.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
