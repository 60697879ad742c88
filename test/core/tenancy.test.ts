// Nothing crosses tenants: another organization's ids answer null, and no list or filter leaks.
import { describe, expect } from 'vitest';
import { useTestApp } from '../helpers/test-app.js';

const it = useTestApp();
const rivalIds: Record<string, string> = {};

it.beforeAll(async ({ t }) => {
  const data = await t.ok(
    `{ fans(first: 1) { nodes { id } } communities(first: 1) { nodes { id } } liveSessions(first: 1) { nodes { id items { id } } }
       campaigns(first: 1) { nodes { id } } orders(first: 1) { nodes { id } } rewards { id } pointsLedger(first: 1) { nodes { id } }
       organization { id } tags { id } }`,
    {},
    'Dev rival',
  );
  Object.assign(rivalIds, {
    Fan: data.fans.nodes[0].id,
    Community: data.communities.nodes[0].id,
    LiveSession: data.liveSessions.nodes[0].id,
    LineupItem: data.liveSessions.nodes[0].items[0].id,
    Campaign: data.campaigns.nodes[0].id,
    Order: data.orders.nodes[0].id,
    Reward: data.rewards[0].id,
    PointsEntry: data.pointsLedger.nodes[0].id,
    Organization: data.organization.id,
    Tag: data.tags[0].id,
  });
});

describe('tenant isolation', () => {
  it('node(id) with another organization’s id answers null for every type', async ({ t }) => {
    for (const [type, id] of Object.entries(rivalIds)) {
      const res = await t.ok<{ node: unknown }>(`query($id: ID!) { node(id: $id) { id } }`, { id });
      expect(res.node, type).toBeNull();
      const own = await t.ok<{ node: { id: string } | null }>(`query($id: ID!) { node(id: $id) { id } }`, { id }, 'Dev rival');
      expect(own.node?.id, type).toBe(id);
    }
  });

  it('nodes(ids) returns null exactly for the foreign ids', async ({ t }) => {
    const mine = await t.ok(`{ fans(first: 2) { nodes { id } } }`);
    const ids = [mine.fans.nodes[0].id, rivalIds.Fan, mine.fans.nodes[1].id];
    const res = await t.ok<{ nodes: ({ id: string } | null)[] }>(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    expect(res.nodes).toEqual([{ id: ids[0] }, null, { id: ids[2] }]);
  });

  it('filtering by a foreign community or fan returns nothing', async ({ t }) => {
    const fans = await t.ok(`query($c: ID!) { fans(filter: { communityId: $c }) { totalCount } }`, { c: rivalIds.Community });
    expect(fans.fans.totalCount).toBe(0);
    const orders = await t.ok(`query($f: ID!) { orders(fanId: $f) { totalCount } }`, { f: rivalIds.Fan });
    expect(orders.orders.totalCount).toBe(0);
    const ledger = await t.ok(`query($f: ID!) { pointsLedger(fanId: $f, first: 5) { nodes { id } } }`, { f: rivalIds.Fan });
    expect(ledger.pointsLedger.nodes).toEqual([]);
  });

  it('an unknown organization in the credential is refused, not defaulted', async ({ t }) => {
    const res = await t.gql(`{ fans(first: 1) { totalCount } }`, {}, 'Dev nobody');
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.data ?? null).toBeNull();
  });
});
