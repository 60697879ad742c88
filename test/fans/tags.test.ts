// Operator tags, consent and the KOC flag through the API, with tenant isolation and role checks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { seedTwoTenants } from '../helpers/fixtures.js';
import { gid } from '../helpers/ids.js';

let t: TestApp;
let orgId: string;
let rivalOrgId: string;

beforeAll(async () => {
  t = await createTestApp();
  ({ demoOrgId: orgId, rivalOrgId } = await seedTwoTenants(t, 10));
});
afterAll(() => t?.dispose());

const TAG = /* GraphQL */ `
  mutation Tag($i: TagFansInput!) {
    tagFans(input: $i) {
      __typename
      ... on MutationTagFansSuccess { data { tagged alreadyTagged tag { id name fanCount } } }
      ... on DomainError { code message field }
    }
  }
`;
const UNTAG = `mutation($i: UntagFanInput!) { untagFan(input: $i) { __typename ... on MutationUntagFanSuccess { data { tags { tag { name } } } } ... on DomainError { code field } } }`;
const OPT = `mutation($i: SetFanOptOutInput!) { setFanOptOut(input: $i) { __typename ... on MutationSetFanOptOutSuccess { data { optedOut } } ... on DomainError { code field } } }`;
const KOC = `mutation($i: SetFanKocInput!) { setFanKoc(input: $i) { __typename ... on MutationSetFanKocSuccess { data { isKoc } } ... on DomainError { code field } } }`;

let n = 0;
const newFan = (displayName = 'Lily', org = orgId) => t.database.prisma.fan.create({ data: { orgId: org, externalId: `tg-${++n}`, displayName } });
const tagsOf = async (fanId: string) =>
  (await t.database.prisma.fanTag.findMany({ where: { fanId }, include: { tag: true } })).map((x) => `${x.tag.name}/${x.source}`).sort();

describe('tagFans and untagFan', () => {
  it('creates the tag when missing, tags fans once, and counts re-tags', async () => {
    const [a, b] = await Promise.all([newFan(), newFan()]);
    const first = await t.ok(TAG, { i: { fanIds: [gid('Fan', a.id)], tagName: ' livestream regular ' } });
    expect(first.tagFans.data).toMatchObject({ tagged: 1, alreadyTagged: 0, tag: { name: 'livestream regular', fanCount: 1 } });
    const second = await t.ok(TAG, { i: { fanIds: [gid('Fan', a.id), gid('Fan', b.id)], tagName: 'livestream regular' } });
    expect(second.tagFans.data).toMatchObject({ tagged: 1, alreadyTagged: 1, tag: { id: first.tagFans.data.tag.id, fanCount: 2 } });
    expect(await t.database.prisma.tag.count({ where: { orgId, name: 'livestream regular' } })).toBe(1);
    expect(await tagsOf(b.id)).toEqual(['livestream regular/OPERATOR']);
  });

  it('turns a matching SELF tag into an OPERATOR tag', async () => {
    const fan = await newFan();
    const shanghai = await t.database.prisma.tag.findFirstOrThrow({ where: { orgId, name: 'Shanghai' } });
    await t.database.prisma.fanTag.create({ data: { orgId, fanId: fan.id, tagId: shanghai.id, source: 'SELF' } });
    const res = await t.ok(TAG, { i: { fanIds: [gid('Fan', fan.id)], tagName: 'Shanghai' } });
    expect(res.tagFans.data).toMatchObject({ tagged: 1, alreadyTagged: 0 });
    expect(await tagsOf(fan.id)).toEqual(['Shanghai/OPERATOR']);
  });

  it('the same new tag applied in 10 parallel requests exists once', async () => {
    const fans = await Promise.all(Array.from({ length: 10 }, () => newFan()));
    const results = await Promise.all(fans.map((f) => t.ok(TAG, { i: { fanIds: [gid('Fan', f.id)], tagName: 'flash sale hero' } })));
    expect(results.every((r) => r.tagFans.__typename === 'MutationTagFansSuccess')).toBe(true);
    expect(await t.database.prisma.tag.count({ where: { orgId, name: 'flash sale hero' } })).toBe(1);
    expect(await t.database.prisma.fanTag.count({ where: { orgId, tag: { name: 'flash sale hero' } } })).toBe(10);
  });

  it('refuses foreign fans, bad names and analysts, creating nothing', async () => {
    const mine = await newFan();
    const rival = await newFan('Rival', rivalOrgId);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ fanIds: [gid('Fan', mine.id), gid('Fan', rival.id)], tagName: 'never created' }, 'NOT_FOUND', 'input.fanIds.1'],
      [{ fanIds: [gid('Fan', mine.id)], tagName: '   ' }, 'VALIDATION', 'input.tagName'],
      [{ fanIds: [gid('Fan', mine.id)], tagName: 'x'.repeat(33) }, 'VALIDATION', 'input.tagName'],
      [{ fanIds: [], tagName: 'never created' }, 'VALIDATION', 'input.fanIds'],
    ];
    for (const [i, code, field] of cases) expect((await t.ok(TAG, { i })).tagFans).toMatchObject({ code, field });
    const analyst = await t.gql(TAG, { i: { fanIds: [gid('Fan', mine.id)], tagName: 'never created' } }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await t.database.prisma.tag.count({ where: { name: 'never created' } })).toBe(0);
    expect(await tagsOf(mine.id)).toEqual([]);
    expect(await tagsOf(rival.id)).toEqual([]);
  });

  it('untags (operator or self tags); untagging twice is harmless; foreign tags are NOT_FOUND', async () => {
    const fan = await newFan();
    await t.ok(TAG, { i: { fanIds: [gid('Fan', fan.id)], tagName: 'gift buyer' } });
    const tag = await t.database.prisma.tag.findFirstOrThrow({ where: { orgId, name: 'gift buyer' } });
    const i = { fanId: gid('Fan', fan.id), tagId: gid('Tag', tag.id) };
    expect((await t.ok(UNTAG, { i })).untagFan).toEqual({ __typename: 'MutationUntagFanSuccess', data: { tags: [] } });
    expect((await t.ok(UNTAG, { i })).untagFan.__typename).toBe('MutationUntagFanSuccess');
    const rivalTag = await t.database.prisma.tag.findFirstOrThrow({ where: { orgId: rivalOrgId } });
    expect((await t.ok(UNTAG, { i: { ...i, tagId: gid('Tag', rivalTag.id) } })).untagFan).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND', field: 'input.tagId' });
    const rivalFan = await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: rivalOrgId } });
    expect((await t.ok(UNTAG, { i: { ...i, fanId: gid('Fan', rivalFan.id) } })).untagFan).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND', field: 'input.fanId' });
    const analyst = await t.gql(UNTAG, { i }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('setFanOptOut and setFanKoc', () => {
  it('a fan opts out and back in for themself; an operator records an opt-out but cannot opt a fan back in', async () => {
    const fan = await newFan();
    const as = `Dev demo/fan:${fan.externalId}`;
    expect((await t.ok(OPT, { i: { optedOut: true } }, as)).setFanOptOut.data).toEqual({ optedOut: true });
    expect((await t.ok(OPT, { i: { optedOut: false } }, as)).setFanOptOut.data).toEqual({ optedOut: false });
    expect((await t.ok(OPT, { i: { fanId: gid('Fan', fan.id), optedOut: true } }, 'Dev demo/jujube@demo.test')).setFanOptOut.data).toEqual({ optedOut: true });
    expect((await t.ok(OPT, { i: { fanId: gid('Fan', fan.id), optedOut: false } })).setFanOptOut).toEqual({ __typename: 'ForbiddenError', code: 'FORBIDDEN', field: 'input.optedOut' });
    expect((await t.database.prisma.fan.findUniqueOrThrow({ where: { id: fan.id } })).optedOut).toBe(true);
  });

  it('refuses a fan acting for another fan, foreign fans and analysts', async () => {
    const [fan, other] = await Promise.all([newFan(), newFan()]);
    const rival = await newFan('Rival', rivalOrgId);
    expect((await t.ok(OPT, { i: { fanId: gid('Fan', other.id), optedOut: true } }, `Dev demo/fan:${fan.externalId}`)).setFanOptOut).toMatchObject({ code: 'FORBIDDEN' });
    expect((await t.ok(OPT, { i: { fanId: gid('Fan', rival.id), optedOut: true } })).setFanOptOut).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND', field: 'input.fanId' });
    const analyst = await t.gql(OPT, { i: { fanId: gid('Fan', fan.id), optedOut: true } }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const flags = await t.database.prisma.fan.findMany({ where: { id: { in: [fan.id, other.id, rival.id] } }, select: { optedOut: true } });
    expect(flags.every((f) => !f.optedOut)).toBe(true);
  });

  it('marks and unmarks KOCs; foreign fans are NOT_FOUND; analysts and fans are refused', async () => {
    const fan = await newFan();
    expect((await t.ok(KOC, { i: { fanId: gid('Fan', fan.id), isKoc: true } })).setFanKoc.data).toEqual({ isKoc: true });
    const kocs = await t.ok(`{ fans(filter: { isKoc: true }, first: 100) { nodes { id } } }`);
    expect(kocs.fans.nodes).toContainEqual({ id: gid('Fan', fan.id) });
    expect((await t.ok(KOC, { i: { fanId: gid('Fan', fan.id), isKoc: false } })).setFanKoc.data).toEqual({ isKoc: false });
    const rival = await newFan('Rival', rivalOrgId);
    expect((await t.ok(KOC, { i: { fanId: gid('Fan', rival.id), isKoc: true } })).setFanKoc).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND', field: 'input.fanId' });
    for (const as of ['Dev demo/analyst@demo.test', `Dev demo/fan:${fan.externalId}`]) {
      const r = await t.gql(KOC, { i: { fanId: gid('Fan', fan.id), isKoc: true } }, as);
      expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    const rows = await t.database.prisma.fan.findMany({ where: { id: { in: [fan.id, rival.id] } } });
    expect(rows.every((f) => !f.isKoc)).toBe(true);
  });
});
