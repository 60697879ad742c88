// Orders, the points ledger and the points-mall catalogue as operators read them.
import { describe, expect } from 'vitest';
import { graphql } from '../generated/index.js';
import { present, variant } from '../helpers/results.js';
import { useTestApp } from '../helpers/test-app.js';

const it = useTestApp();

describe('orders and the points ledger', () => {
  it('a fan’s ledger ends at their balance and each order converted exactly once', async ({ t }) => {
    const fans = await t.ok(
      graphql(`query PointsFans { fans(first: 1, orderBy: { field: ORDER_COUNT }) { nodes { id pointsBalance orderCount totalSpendCents averageOrderValueCents
      orders(first: 50) { totalCount nodes { id externalId amountCents } }
      pointsEntries(first: 1) { nodes { balanceAfter reason } } } } }`),
    );
    const fan = fans.fans.nodes[0];
    expect(fan.orders.totalCount).toBe(fan.orderCount);
    expect(fan.orders.nodes.reduce((s, o) => s + o.amountCents, 0)).toBe(fan.totalSpendCents);
    expect(fan.averageOrderValueCents).toBe(Math.round(fan.totalSpendCents / fan.orderCount));
    expect(fan.pointsEntries.nodes[0].balanceAfter).toBe(fan.pointsBalance);
    const ledger = await t.ok(
      graphql(`query PointsPointsLedger($f: ID!) { pointsLedger(fanId: $f, reasons: [ORDER], first: 100) { nodes { delta reference } } }`),
      { f: fan.id },
    );
    expect(ledger.pointsLedger.nodes).toHaveLength(fan.orderCount);
    expect(new Set(ledger.pointsLedger.nodes.map((e) => e.reference)).size).toBe(fan.orderCount);
  });

  it('filters orders by live session', async ({ t }) => {
    const s = await t.ok(graphql(`query PointsLiveSessions { liveSessions(statuses: [ENDED]) { nodes { id orderCount gmvCents } } }`));
    const session = present(s.liveSessions.nodes.find((x) => x.orderCount > 0));
    const orders = await t.ok(
      graphql(`query PointsOrders($s: ID!) { orders(liveSessionId: $s, first: 100) { totalCount nodes { amountCents liveSession { id } } } }`),
      { s: session.id },
    );
    expect(orders.orders.totalCount).toBe(session.orderCount);
    expect(orders.orders.nodes.reduce((sum, o) => sum + o.amountCents, 0)).toBe(session.gmvCents);
  });
});

describe('Query.rewards', () => {
  it('lists the three shelves, cheapest first, filtered by shelf', async ({ t }) => {
    const all = await t.ok(graphql(`query PointsRewards { rewards(orderBy: COST) { name shelf costPoints stock } }`));
    expect(new Set(all.rewards.map((r) => r.shelf))).toEqual(new Set(['ASPIRATIONAL', 'ESSENTIALS', 'SEASONAL']));
    const costs = all.rewards.map((r) => r.costPoints);
    expect(costs).toEqual([...costs].sort((a, b) => a - b));
    const seasonal = await t.ok(graphql(`query PointsRewards2 { rewards(shelf: SEASONAL) { name } }`));
    expect(seasonal.rewards.map((r) => r.name)).toEqual(['Winter slippers', 'Mite remover']);
  });
});

describe('input rules declared on the schema', () => {
  const CREATE = graphql(`mutation PointsCreateReward($input: CreateRewardInput!) { createReward(input: $input) {
    __typename ... on MutationCreateRewardSuccess { data { name description costPoints } } ... on ValidationError { code field message } } }`);

  it('text is trimmed before it is measured and stored', async ({ t }) => {
    const res = await t.ok(CREATE, {
      input: { name: '  Lip balm  ', description: '  travel size ', shelf: 'ESSENTIALS', costPoints: 300, stock: 5 },
    });
    expect(variant(res.createReward, 'MutationCreateRewardSuccess').data).toEqual({ name: 'Lip balm', description: 'travel size', costPoints: 300 });
  });

  it('every broken rule is reported with its path, and nothing is created', async ({ t }) => {
    const before = (await t.ok(graphql(`query PointsRewards3 { rewards { name } }`))).rewards.length;
    const res = await t.ok(CREATE, { input: { name: '   ', shelf: 'ESSENTIALS', costPoints: 0, stock: -1 } });
    expect(res.createReward).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION', field: 'input.name' });
    expect(variant(res.createReward, 'ValidationError').message).toBe(
      '3 problems: input.name: must not be empty; input.costPoints: must be from 1 to 1,000,000 (got 0); input.stock: must be from 0 to 1,000,000 (got -1)',
    );
    expect((await t.ok(graphql(`query PointsRewards4 { rewards { name } }`))).rewards).toHaveLength(before);
  });

  it('the bound is stated once, in the description the schema prints', async ({ t }) => {
    const res = await t.ok(graphql(`query PointsCreateRewardInputType { __type(name: "CreateRewardInput") { inputFields { name description } } }`));
    const byName = Object.fromEntries(present(res.__type?.inputFields).map((f) => [f.name, f.description]));
    expect(byName.name).toBe('Reward name. 1 to 80 characters once trimmed.');
    expect(byName.costPoints).toBe('Points it costs. From 1 to 1,000,000.');
  });
});
