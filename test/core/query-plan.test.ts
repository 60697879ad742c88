// Nested reads cost a fixed number of SQL statements however many rows they return (no N+1).
import { describe, expect } from 'vitest';
import { useTestApp } from '../helpers/test-app.js';

const it = useTestApp();

describe('statement counts', () => {
  it('fans → memberships → community costs at most 4 statements for 50 fans', async ({ t }) => {
    const query = /* GraphQL */ `{
      fans(first: 50, orderBy: { field: ORDER_COUNT }) {
        nodes { displayName memberships(first: 10) { nodes { role community { name kind memberCount } } } }
      }
    }`;
    const { result, statements } = await t.countStatements(() => t.ok<{ fans: { nodes: { memberships: { nodes: unknown[] } }[] } }>(query));
    const memberships = result.fans.nodes.flatMap((f) => f.memberships.nodes);
    expect(result.fans.nodes).toHaveLength(50);
    expect(memberships.length).toBeGreaterThan(30);
    expect(statements.length, statements.join('\n')).toBeLessThanOrEqual(4);
  });

  it('communities → members → fan → orders stays flat as pages grow', async ({ t }) => {
    const query = (n: number) => /* GraphQL */ `{
      communities(first: ${n}) {
        totalCount
        nodes { name members(first: 10) { nodes { fan { displayName orders(first: 3) { nodes { amountCents } } } } } }
      }
    }`;
    const small = await t.countStatements(() => t.ok(query(1)));
    const large = await t.countStatements(() => t.ok(query(11)));
    expect(large.statements.length, large.statements.join('\n')).toBe(small.statements.length);
    // credential + communities + count + memberships + fans + orders
    expect(large.statements.length).toBeLessThanOrEqual(6);
  });

  it('live sessions → items with reservation counts → session is batched', async ({ t }) => {
    const { statements } = await t.countStatements(() =>
      t.ok(`{ liveSessions(first: 7) { nodes { title items { productName reservationCount session { title } } } } }`),
    );
    expect(statements.length, statements.join('\n')).toBeLessThanOrEqual(6);
  });

  it('groups a ranking names by id load in one statement, however long the page', async ({ t }) => {
    const query = (n: number) => /* GraphQL */ `{
      communityRanking(window: { lastDays: 90 }, first: ${n}) { nodes { rank community { name kind memberCount } } }
    }`;
    const one = await t.countStatements(() => t.ok<{ communityRanking: { nodes: unknown[] } }>(query(1)));
    const many = await t.countStatements(() => t.ok<{ communityRanking: { nodes: { community: { name: string } }[] } }>(query(20)));
    expect(many.result.communityRanking.nodes.length).toBeGreaterThan(5);
    expect(many.result.communityRanking.nodes.every((n) => n.community.name.length > 0)).toBe(true);
    expect(many.statements.length, many.statements.join('\n')).toBe(one.statements.length);
  });
});
