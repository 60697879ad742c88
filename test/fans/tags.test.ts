// Operator tags, consent and the KOC flag through the API, with tenant isolation and role checks.
import { describe, expect } from 'vitest';
import { gid } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 10 });

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
const newFan = (t: SeededTestApp, displayName = 'Lily', org = t.orgId) =>
  t.database.prisma.fan.create({ data: { orgId: org, externalId: `tg-${++n}`, displayName } });
const tagsOf = async (t: SeededTestApp, fanId: string) =>
  (await t.database.prisma.fanTag.findMany({ where: { fanId }, include: { tag: true } })).map((x) => `${x.tag.name}/${x.source}`).sort();

describe('tagFans and untagFan', () => {
  it('creates the tag when missing, tags fans once, and counts re-tags', async ({ t }) => {
    const [a, b] = await Promise.all([newFan(t), newFan(t)]);
    const first = await t.ok(TAG, { i: { fanIds: [gid('Fan', a.id)], tagName: ' livestream regular ' } });
    expect(first.tagFans.data).toMatchObject({ tagged: 1, alreadyTagged: 0, tag: { name: 'livestream regular', fanCount: 1 } });
    const second = await t.ok(TAG, { i: { fanIds: [gid('Fan', a.id), gid('Fan', b.id)], tagName: 'livestream regular' } });
    expect(second.tagFans.data).toMatchObject({ tagged: 1, alreadyTagged: 1, tag: { id: first.tagFans.data.tag.id, fanCount: 2 } });
    expect(await t.database.prisma.tag.count({ where: { orgId: t.orgId, name: 'livestream regular' } })).toBe(1);
    expect(await tagsOf(t, b.id)).toEqual(['livestream regular/OPERATOR']);
  });

  it('turns a matching SELF tag into an OPERATOR tag', async ({ t }) => {
    const fan = await newFan(t);
    const shanghai = await t.database.prisma.tag.findFirstOrThrow({ where: { orgId: t.orgId, name: 'Shanghai' } });
    await t.database.prisma.fanTag.create({ data: { orgId: t.orgId, fanId: fan.id, tagId: shanghai.id, source: 'SELF' } });
    const res = await t.ok(TAG, { i: { fanIds: [gid('Fan', fan.id)], tagName: 'Shanghai' } });
    expect(res.tagFans.data).toMatchObject({ tagged: 1, alreadyTagged: 0 });
    expect(await tagsOf(t, fan.id)).toEqual(['Shanghai/OPERATOR']);
  });

  it('the same new tag applied in 10 parallel requests exists once', async ({ t }) => {
    const fans = await Promise.all(Array.from({ length: 10 }, () => newFan(t)));
    const results = await Promise.all(fans.map((f) => t.ok(TAG, { i: { fanIds: [gid('Fan', f.id)], tagName: 'flash sale hero' } })));
    expect(results.every((r) => r.tagFans.__typename === 'MutationTagFansSuccess')).toBe(true);
    expect(await t.database.prisma.tag.count({ where: { orgId: t.orgId, name: 'flash sale hero' } })).toBe(1);
    expect(await t.database.prisma.fanTag.count({ where: { orgId: t.orgId, tag: { name: 'flash sale hero' } } })).toBe(10);
  });

  it('refuses foreign fans, bad names and analysts, creating nothing', async ({ t }) => {
    const mine = await newFan(t);
    const rival = await newFan(t, 'Rival', t.rivalOrgId);
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
    expect(await tagsOf(t, mine.id)).toEqual([]);
    expect(await tagsOf(t, rival.id)).toEqual([]);
  });

  it('untags (operator or self tags); untagging twice is harmless; foreign tags are NOT_FOUND', async ({ t }) => {
    const fan = await newFan(t);
    await t.ok(TAG, { i: { fanIds: [gid('Fan', fan.id)], tagName: 'gift buyer' } });
    const tag = await t.database.prisma.tag.findFirstOrThrow({ where: { orgId: t.orgId, name: 'gift buyer' } });
    const i = { fanId: gid('Fan', fan.id), tagId: gid('Tag', tag.id) };
    expect((await t.ok(UNTAG, { i })).untagFan).toEqual({ __typename: 'MutationUntagFanSuccess', data: { tags: [] } });
    expect((await t.ok(UNTAG, { i })).untagFan.__typename).toBe('MutationUntagFanSuccess');
    const rivalTag = await t.database.prisma.tag.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    expect((await t.ok(UNTAG, { i: { ...i, tagId: gid('Tag', rivalTag.id) } })).untagFan).toEqual({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
      field: 'input.tagId',
    });
    const rivalFan = await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    expect((await t.ok(UNTAG, { i: { ...i, fanId: gid('Fan', rivalFan.id) } })).untagFan).toEqual({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
      field: 'input.fanId',
    });
    const analyst = await t.gql(UNTAG, { i }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('setFanOptOut and setFanKoc', () => {
  it('a fan opts out and back in for themself; an operator records an opt-out but cannot opt a fan back in', async ({ t }) => {
    const fan = await newFan(t);
    const as = `Dev demo/fan:${fan.externalId}`;
    expect((await t.ok(OPT, { i: { optedOut: true } }, as)).setFanOptOut.data).toEqual({ optedOut: true });
    expect((await t.ok(OPT, { i: { optedOut: false } }, as)).setFanOptOut.data).toEqual({ optedOut: false });
    expect((await t.ok(OPT, { i: { fanId: gid('Fan', fan.id), optedOut: true } }, 'Dev demo/jujube@demo.test')).setFanOptOut.data).toEqual({
      optedOut: true,
    });
    expect((await t.ok(OPT, { i: { fanId: gid('Fan', fan.id), optedOut: false } })).setFanOptOut).toEqual({
      __typename: 'ForbiddenError',
      code: 'FORBIDDEN',
      field: 'input.optedOut',
    });
    expect((await t.database.prisma.fan.findUniqueOrThrow({ where: { id: fan.id } })).optedOut).toBe(true);
  });

  it('refuses a fan acting for another fan, foreign fans and analysts', async ({ t }) => {
    const [fan, other] = await Promise.all([newFan(t), newFan(t)]);
    const rival = await newFan(t, 'Rival', t.rivalOrgId);
    expect((await t.ok(OPT, { i: { fanId: gid('Fan', other.id), optedOut: true } }, `Dev demo/fan:${fan.externalId}`)).setFanOptOut).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await t.ok(OPT, { i: { fanId: gid('Fan', rival.id), optedOut: true } })).setFanOptOut).toEqual({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
      field: 'input.fanId',
    });
    const analyst = await t.gql(OPT, { i: { fanId: gid('Fan', fan.id), optedOut: true } }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const flags = await t.database.prisma.fan.findMany({ where: { id: { in: [fan.id, other.id, rival.id] } }, select: { optedOut: true } });
    expect(flags.every((f) => !f.optedOut)).toBe(true);
  });

  it('marks and unmarks KOCs; foreign fans are NOT_FOUND; analysts and fans are refused', async ({ t }) => {
    const fan = await newFan(t);
    expect((await t.ok(KOC, { i: { fanId: gid('Fan', fan.id), isKoc: true } })).setFanKoc.data).toEqual({ isKoc: true });
    const kocs = await t.ok(`{ fans(filter: { isKoc: true }, first: 100) { nodes { id } } }`);
    expect(kocs.fans.nodes).toContainEqual({ id: gid('Fan', fan.id) });
    expect((await t.ok(KOC, { i: { fanId: gid('Fan', fan.id), isKoc: false } })).setFanKoc.data).toEqual({ isKoc: false });
    const rival = await newFan(t, 'Rival', t.rivalOrgId);
    expect((await t.ok(KOC, { i: { fanId: gid('Fan', rival.id), isKoc: true } })).setFanKoc).toEqual({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
      field: 'input.fanId',
    });
    for (const as of ['Dev demo/analyst@demo.test', `Dev demo/fan:${fan.externalId}`]) {
      const r = await t.gql(KOC, { i: { fanId: gid('Fan', fan.id), isKoc: true } }, as);
      expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    const rows = await t.database.prisma.fan.findMany({ where: { id: { in: [fan.id, rival.id] } } });
    expect(rows.every((f) => !f.isKoc)).toBe(true);
  });
});
