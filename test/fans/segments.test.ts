// Saved segments through the API: create with a FanFilter, list the matching fans, unique names,
// foreign ids refused, delete.
import { describe, expect } from 'vitest';
import { gid } from '../helpers/ids.js';
import { useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 40 });

const CREATE = /* GraphQL */ `
  mutation Create($i: CreateSegmentInput!) {
    createSegment(input: $i) {
      __typename
      ... on MutationCreateSegmentSuccess { data { id name filter fans(first: 100) { totalCount nodes { id } } } }
      ... on DomainError { code message field }
    }
  }
`;
const DELETE = `mutation($id: ID!) { deleteSegment(segmentId: $id) { __typename ... on MutationDeleteSegmentSuccess { data { deletedSegmentId } } ... on DomainError { code field } } }`;
const FANS = `query($f: FanFilter) { fans(filter: $f, first: 100) { totalCount nodes { id } } }`;

describe('segments', () => {
  it('saves a filter whose fans match fans(filter:) and whose JSON can be sent back as a filter', async ({ t }) => {
    const oily = await t.database.prisma.tag.findFirstOrThrow({ where: { orgId: t.orgId, name: 'oily skin' } });
    const filter = { tagIds: [gid('Tag', oily.id)], minOrders: 2, lifecycles: ['ACTIVE', 'NEW', 'SILENT', 'DORMANT'] };
    const res = await t.ok(CREATE, { i: { name: 'Oily repeat buyers', filter } });
    const seg = res.createSegment.data;
    const direct = await t.ok(FANS, { f: filter });
    expect(direct.fans.totalCount).toBeGreaterThan(0);
    expect(seg.fans.totalCount).toBe(direct.fans.totalCount);
    expect(seg.fans.nodes.map((x: { id: string }) => x.id).sort()).toEqual(direct.fans.nodes.map((x: { id: string }) => x.id).sort());
    expect(seg.filter).toEqual(filter);
    const roundTrip = await t.ok(FANS, { f: seg.filter });
    expect(roundTrip.fans.totalCount).toBe(direct.fans.totalCount);
    // It tracks the fans as they change: a new matching fan appears.
    const fresh = await t.database.prisma.fan.create({
      data: {
        orgId: t.orgId,
        externalId: 'seg-new',
        displayName: 'Seg',
        orderCount: 3,
        lifecycle: 'ACTIVE',
        tags: { create: { orgId: t.orgId, tagId: oily.id } },
      },
    });
    const listed = await t.ok(`query($id: ID!) { node(id: $id) { ... on Segment { fans(first: 100) { totalCount nodes { id } } } } }`, {
      id: seg.id,
    });
    expect(listed.node.fans.totalCount).toBe(direct.fans.totalCount + 1);
    expect(listed.node.fans.nodes).toContainEqual({ id: gid('Fan', fresh.id) });
  });

  it('names are unique per organization; another tenant may reuse one', async ({ t }) => {
    const i = { name: 'KOCs', filter: { isKoc: true } };
    expect((await t.ok(CREATE, { i })).createSegment.__typename).toBe('MutationCreateSegmentSuccess');
    expect((await t.ok(CREATE, { i })).createSegment).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT', field: 'input.name' });
    expect((await t.ok(CREATE, { i }, 'Dev rival')).createSegment.__typename).toBe('MutationCreateSegmentSuccess');
    expect(await t.database.prisma.segment.count({ where: { orgId: t.orgId, name: 'KOCs' } })).toBe(1);
  });

  it('refuses foreign tags and communities, bad ranges and names, and analysts — saving nothing', async ({ t }) => {
    const rivalTag = await t.database.prisma.tag.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    const rivalCommunity = await t.database.prisma.community.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    const mine = await t.database.prisma.tag.findFirstOrThrow({ where: { orgId: t.orgId } });
    const cases: [Record<string, unknown>, string, string][] = [
      [{ name: 'x', filter: { tagIds: [gid('Tag', mine.id), gid('Tag', rivalTag.id)] } }, 'NOT_FOUND', 'input.filter.tagIds.1'],
      [{ name: 'x', filter: { communityId: gid('Community', rivalCommunity.id) } }, 'NOT_FOUND', 'input.filter.communityId'],
      [{ name: 'x', filter: { minOrders: 5, maxOrders: 2 } }, 'VALIDATION', 'input.filter.minOrders'],
      [{ name: 'x', filter: { minSpendCents: -1 } }, 'VALIDATION', 'input.filter.minSpendCents'],
      [{ name: '  ', filter: {} }, 'VALIDATION', 'input.name'],
    ];
    for (const [i, code, field] of cases) expect((await t.ok(CREATE, { i })).createSegment).toMatchObject({ code, field });
    const analyst = await t.gql(CREATE, { i: { name: 'analyst', filter: {} } }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await t.database.prisma.segment.count({ where: { orgId: t.orgId, name: { in: ['x', 'analyst'] } } })).toBe(0);
  });

  it('deletes a segment once; foreign segments are NOT_FOUND; analysts are refused', async ({ t }) => {
    const seg = (await t.ok(CREATE, { i: { name: 'To delete', filter: { minOrders: 1 } } })).createSegment.data;
    const rivalSeg = (await t.ok(CREATE, { i: { name: 'Rival only', filter: {} } }, 'Dev rival')).createSegment.data;
    expect((await t.ok(DELETE, { id: rivalSeg.id })).deleteSegment).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND', field: 'segmentId' });
    const analyst = await t.gql(DELETE, { id: seg.id }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.ok(DELETE, { id: seg.id })).deleteSegment).toEqual({
      __typename: 'MutationDeleteSegmentSuccess',
      data: { deletedSegmentId: seg.id },
    });
    expect((await t.ok(DELETE, { id: seg.id })).deleteSegment).toMatchObject({ code: 'NOT_FOUND' });
    expect(await t.database.prisma.segment.count({ where: { orgId: t.rivalOrgId, name: 'Rival only' } })).toBe(1);
  });
});
