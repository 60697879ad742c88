// Operators find fans by tag, lifecycle, group, name and commerce ranges, sorted and paged.
import { describe, expect } from 'vitest';
import { useTestApp } from '../helpers/test-app.js';

const it = useTestApp();

const FANS = /* GraphQL */ `
  query Fans($filter: FanFilter, $orderBy: FanOrder, $first: Int, $after: String) {
    fans(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id externalId displayName orderCount totalSpendCents lifecycle isKoc tags { tag { name } source } }
    }
  }
`;

type FansData = {
  fans: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string };
    nodes: {
      id: string;
      externalId: string;
      displayName: string;
      orderCount: number;
      totalSpendCents: number;
      lifecycle: string;
      isKoc: boolean;
      tags: { tag: { name: string }; source: string }[];
    }[];
  };
};

describe('Query.fans', () => {
  it('lists only the caller organization’s fans, with a total count', async ({ t }) => {
    const data = await t.ok<FansData>(FANS, { first: 5 });
    expect(data.fans.totalCount).toBe(60);
    const rival = await t.ok<FansData>(FANS, { first: 5 }, 'Dev rival');
    expect(rival.fans.totalCount).toBe(20);
    const ids = new Set(data.fans.nodes.map((n) => n.id));
    expect(rival.fans.nodes.some((n) => ids.has(n.id))).toBe(false);
  });

  it('applies the ≥ 2 orders invite threshold as a range filter', async ({ t }) => {
    const data = await t.ok<FansData>(FANS, { filter: { minOrders: 2 }, first: 100 });
    const expected = await t.database.prisma.fan.count({ where: { orgId: t.orgId, orderCount: { gte: 2 } } });
    expect(expected).toBeGreaterThan(0);
    expect(data.fans.totalCount).toBe(expected);
    expect(data.fans.nodes.every((f) => f.orderCount >= 2)).toBe(true);
  });

  it('filters by spend range and KOC flag together', async ({ t }) => {
    const data = await t.ok<FansData>(FANS, { filter: { minSpendCents: 100_000, maxSpendCents: 500_000, isKoc: false }, first: 100 });
    expect(data.fans.nodes.length).toBeGreaterThan(0);
    for (const f of data.fans.nodes) {
      expect(f.totalSpendCents).toBeGreaterThanOrEqual(100_000);
      expect(f.totalSpendCents).toBeLessThanOrEqual(500_000);
      expect(f.isKoc).toBe(false);
    }
  });

  it('finds fans carrying every given tag', async ({ t }) => {
    const tags = await t.ok<{ tags: { id: string; name: string; fanCount: number }[] }>(`{ tags { id name fanCount } }`);
    const shanghai = tags.tags.find((x) => x.name === 'Shanghai')!;
    const oily = tags.tags.find((x) => x.name === 'oily skin')!;
    const both = await t.ok<FansData>(FANS, { filter: { tagIds: [shanghai.id, oily.id] }, first: 100 });
    const onlyShanghai = await t.ok<FansData>(FANS, { filter: { tagIds: [shanghai.id] }, first: 100 });
    expect(onlyShanghai.fans.totalCount).toBe(shanghai.fanCount);
    expect(both.fans.totalCount).toBeLessThanOrEqual(onlyShanghai.fans.totalCount);
    for (const f of both.fans.nodes) expect(f.tags.map((x) => x.tag.name)).toEqual(expect.arrayContaining(['Shanghai', 'oily skin']));
    expect(both.fans.nodes[0]?.tags.find((x) => x.tag.name === 'Shanghai')?.source).toBe('SELF');
  });

  it('filters by lifecycle and by name search, case-insensitively', async ({ t }) => {
    const dormant = await t.ok<FansData>(FANS, { filter: { lifecycles: ['DORMANT', 'SILENT'] }, first: 100 });
    expect(dormant.fans.nodes.every((f) => ['DORMANT', 'SILENT'].includes(f.lifecycle))).toBe(true);
    const search = await t.ok<FansData>(FANS, { filter: { search: 'SHANGHAI-' }, first: 100 });
    expect(search.fans.totalCount).toBeGreaterThan(0);
    expect(search.fans.nodes.every((f) => f.displayName.startsWith('Shanghai-'))).toBe(true);
  });

  it('filters by current membership of a community', async ({ t }) => {
    const c = await t.ok<{ communities: { nodes: { id: string; memberCount: number }[] } }>(
      `{ communities(kinds: [LIKE]) { nodes { id memberCount } } }`,
    );
    const like = c.communities.nodes[0];
    const data = await t.ok<FansData>(FANS, { filter: { communityId: like.id }, first: 1 });
    expect(data.fans.totalCount).toBe(like.memberCount);
  });

  it('sorts by total spend and pages with cursors without gaps or repeats', async ({ t }) => {
    const seen: FansData['fans']['nodes'] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const data = await t.ok<FansData>(FANS, { orderBy: { field: 'TOTAL_SPEND', direction: 'DESC' }, first: 7, after });
      seen.push(...data.fans.nodes);
      if (!data.fans.pageInfo.hasNextPage) break;
      after = data.fans.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(60);
    expect(new Set(seen.map((f) => f.id)).size).toBe(60);
    const spends = seen.map((f) => f.totalSpendCents);
    expect(spends).toEqual([...spends].sort((a, b) => b - a));
  });

  it('refuses a tag id of another type with a clear error', async ({ t }) => {
    const c = await t.ok<{ communities: { nodes: { id: string }[] } }>(`{ communities(first: 1) { nodes { id } } }`);
    const res = await t.gql(FANS, { filter: { tagIds: [c.communities.nodes[0].id] } });
    expect(res.errors?.[0].message).toMatch(/Tag/);
  });

  it('refuses callers without a credential', async ({ t }) => {
    const res = await t.gql(FANS, { first: 1 }, null);
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
