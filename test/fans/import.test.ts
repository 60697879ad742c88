// Fan import through the API: batch upsert by external id, self-tags from "region-skin type" names,
// referrals, whole-batch refusals that write nothing, idempotency (sequential and parallel).
import { describe, expect } from 'vitest';
import { gid } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 10 });

const IMPORT = /* GraphQL */ `
  mutation Import($input: ImportFansInput!) {
    importFans(input: $input) {
      __typename
      ... on MutationImportFansSuccess { data { created updated unchanged } }
      ... on DomainError { code message field }
    }
  }
`;

type Row = { externalId: string; displayName: string; region?: string; source?: string; referredByExternalId?: string };
const importFans = (t: SeededTestApp, fans: Row[], as?: string) => t.ok(IMPORT, { input: { fans } }, as).then((r) => r.importFans);

const fanByExt = (t: SeededTestApp, externalId: string, org = t.orgId) =>
  t.database.prisma.fan.findUniqueOrThrow({
    where: { orgId_externalId: { orgId: org, externalId } },
    include: { tags: { include: { tag: true } }, referredBy: true },
  });
const selfTags = async (t: SeededTestApp, externalId: string) =>
  (await fanByExt(t, externalId)).tags
    .filter((x) => x.source === 'SELF')
    .map((x) => x.tag.name)
    .sort();
const snapshot = async (t: SeededTestApp) => ({
  fans: await t.database.prisma.fan.findMany({ where: { orgId: t.orgId }, orderBy: { id: 'asc' } }),
  tags: await t.database.prisma.tag.findMany({ where: { orgId: t.orgId }, orderBy: { id: 'asc' } }),
  fanTags: await t.database.prisma.fanTag.findMany({ where: { orgId: t.orgId }, orderBy: [{ fanId: 'asc' }, { tagId: 'asc' }] }),
});

describe('importFans', () => {
  it('creates fans, derives region, skin type and SELF tags from "region-skin type" names, and counts', async ({ t }) => {
    const res = await importFans(t, [
      { externalId: 'imp-1', displayName: 'Shanghai-oily skin·Lily' },
      { externalId: 'imp-2', displayName: 'Xiamen-Sensitive Skin', source: 'POSTER' },
      { externalId: 'imp-3', displayName: 'Mei', region: 'Chengdu' },
    ]);
    expect(res).toEqual({ __typename: 'MutationImportFansSuccess', data: { created: 3, updated: 0, unchanged: 0 } });
    const lily = await fanByExt(t, 'imp-1');
    expect(lily).toMatchObject({
      displayName: 'Shanghai-oily skin·Lily',
      region: 'Shanghai',
      skinType: 'oily skin',
      source: 'IMPORT',
      lifecycle: 'NEW',
    });
    expect(await selfTags(t, 'imp-1')).toEqual(['Shanghai', 'oily skin']);
    // A tag name new to the organization is created once, with the skin type normalized.
    expect(await selfTags(t, 'imp-2')).toEqual(['Xiamen', 'sensitive skin']);
    expect((await fanByExt(t, 'imp-2')).source).toBe('POSTER');
    expect(await t.database.prisma.tag.count({ where: { orgId: t.orgId, name: 'Xiamen' } })).toBe(1);
    // No pattern: the explicit region applies, no self-tags.
    expect(await fanByExt(t, 'imp-3')).toMatchObject({ region: 'Chengdu', skinType: null });
    expect(await selfTags(t, 'imp-3')).toEqual([]);
    // Visible through the API as a client reads it.
    const q = await t.ok(
      `{ fans(filter: { search: "Shanghai-oily skin·Lily" }) { nodes { externalId region skinType tags { tag { name } source } } } }`,
    );
    expect(q.fans.nodes).toEqual([
      {
        externalId: 'imp-1',
        region: 'Shanghai',
        skinType: 'oily skin',
        tags: expect.arrayContaining([
          { tag: { name: 'Shanghai' }, source: 'SELF' },
          { tag: { name: 'oily skin' }, source: 'SELF' },
        ]),
      },
    ]);
  });

  it('the same batch twice changes nothing the second time', async ({ t }) => {
    const batch: Row[] = [
      { externalId: 'twice-1', displayName: 'Beijing-dry skin·Yan', referredByExternalId: 'twice-2' },
      { externalId: 'twice-2', displayName: 'Na', region: 'Wuhan', source: 'REFERRAL' },
    ];
    expect((await importFans(t, batch)).data).toEqual({ created: 2, updated: 0, unchanged: 0 });
    const before = await snapshot(t);
    expect((await importFans(t, batch)).data).toEqual({ created: 0, updated: 0, unchanged: 2 });
    expect(await snapshot(t)).toEqual(before);
  });

  it('renaming to another "region-skin type" moves region, skin type and SELF tags; a plain rename keeps them', async ({ t }) => {
    await importFans(t, [{ externalId: 'ren-1', displayName: 'Shanghai-oily skin·Ting' }]);
    const fan = await fanByExt(t, 'ren-1');
    // An operator tag on the same label as a self-tag must survive the rename.
    const shanghai = await t.database.prisma.tag.findFirstOrThrow({ where: { orgId: t.orgId, name: 'Shanghai' } });
    const q = `mutation($i: TagFansInput!) { tagFans(input: $i) { __typename } }`;
    await t.ok(q, { i: { fanIds: [gid('Fan', fan.id)], tagName: 'oily skin' } });
    expect((await importFans(t, [{ externalId: 'ren-1', displayName: 'Hangzhou-combination skin·Ting' }])).data).toEqual({
      created: 0,
      updated: 1,
      unchanged: 0,
    });
    const after = await fanByExt(t, 'ren-1');
    expect(after).toMatchObject({ region: 'Hangzhou', skinType: 'combination skin' });
    expect(await selfTags(t, 'ren-1')).toEqual(['Hangzhou', 'combination skin']);
    expect(after.tags.filter((x) => x.source === 'OPERATOR').map((x) => x.tag.name)).toEqual(['oily skin']);
    expect(after.tags.some((x) => x.tagId === shanghai.id)).toBe(false);

    expect((await importFans(t, [{ externalId: 'ren-1', displayName: 'Ting' }])).data).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect(await fanByExt(t, 'ren-1')).toMatchObject({ displayName: 'Ting', region: 'Hangzhou', skinType: 'combination skin' });
    expect(await selfTags(t, 'ren-1')).toEqual(['Hangzhou', 'combination skin']);
  });

  it('links referrals to fans of the batch or the organization', async ({ t }) => {
    const existing = await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: t.orgId } });
    await importFans(t, [
      { externalId: 'ref-a', displayName: 'Fang', referredByExternalId: existing.externalId },
      { externalId: 'ref-b', displayName: 'Qing', referredByExternalId: 'ref-a' },
    ]);
    expect((await fanByExt(t, 'ref-a')).referredById).toBe(existing.id);
    expect((await fanByExt(t, 'ref-b')).referredBy?.externalId).toBe('ref-a');
  });

  it('refuses the whole batch on any bad row, naming the first, and writes nothing', async ({ t }) => {
    const good = { externalId: 'bad-ok', displayName: 'Shenzhen-oily skin·Rui' };
    const rival = await t.database.prisma.fan.create({ data: { orgId: t.rivalOrgId, externalId: 'rival-only', displayName: 'Rival fan' } });
    const before = await snapshot(t);
    const cases: [Row[], string, string, RegExp?][] = [
      [
        [good, good, good, { externalId: '  ', displayName: 'x' }, { externalId: 'bad-5', displayName: '' }],
        'VALIDATION',
        'input.fans.3.externalId',
        /2 problems.*input\.fans\.4\.displayName/,
      ],
      [[good, { ...good, displayName: 'again' }], 'VALIDATION', 'input.fans.1.externalId', /repeats row 0/],
      [[good, { externalId: 'bad-long', displayName: 'x'.repeat(65) }], 'VALIDATION', 'input.fans.1.displayName'],
      [[good, { externalId: 'bad-self', displayName: 'Me', referredByExternalId: 'bad-self' }], 'VALIDATION', 'input.fans.1.referredByExternalId'],
      // A referrer of another tenant is as unknown as one that does not exist.
      [
        [good, { externalId: 'bad-ref', displayName: 'Lan', referredByExternalId: rival.externalId }],
        'NOT_FOUND',
        'input.fans.1.referredByExternalId',
      ],
      [[], 'VALIDATION', 'input.fans'],
    ];
    for (const [fans, code, field, message] of cases) {
      const res = await importFans(t, fans);
      expect(res).toMatchObject({ code, field });
      if (message) expect(res.message).toMatch(message);
    }
    expect(await snapshot(t)).toEqual(before);
  });

  it('refuses analysts; operators may import; external ids are per organization', async ({ t }) => {
    const row = { externalId: 'tenant-x', displayName: 'Guangzhou-dry skin·Wen' };
    const analyst = await t.gql(IMPORT, { input: { fans: [row] } }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await t.database.prisma.fan.count({ where: { externalId: 'tenant-x' } })).toBe(0);
    expect((await importFans(t, [row], 'Dev demo/jujube@demo.test')).data.created).toBe(1);
    expect((await importFans(t, [{ ...row, displayName: 'Rival Wen' }], 'Dev rival')).data.created).toBe(1);
    expect((await fanByExt(t, 'tenant-x')).displayName).toBe('Guangzhou-dry skin·Wen');
    expect((await fanByExt(t, 'tenant-x', t.rivalOrgId)).displayName).toBe('Rival Wen');
    const anonymous = await t.gql(IMPORT, { input: { fans: [row] } }, null);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('the same new batch sent 10 times in parallel creates each fan and tag once', async ({ t }) => {
    const batch: Row[] = Array.from({ length: 20 }, (_, i) => ({
      externalId: `par-${i}`,
      displayName: `Ningbo-oily skin·P${i}`,
      referredByExternalId: i ? 'par-0' : undefined,
    }));
    const results = await Promise.all(Array.from({ length: 10 }, () => importFans(t, batch)));
    expect(results.every((r) => r.__typename === 'MutationImportFansSuccess')).toBe(true);
    expect(results.reduce((s, r) => s + r.data.created, 0)).toBe(20);
    expect(results.every((r) => r.data.updated === 0 || r.data.created === 0)).toBe(true);
    expect(await t.database.prisma.fan.count({ where: { orgId: t.orgId, externalId: { startsWith: 'par-' } } })).toBe(20);
    expect(await t.database.prisma.tag.count({ where: { orgId: t.orgId, name: 'Ningbo' } })).toBe(1);
    expect(await t.database.prisma.fanTag.count({ where: { orgId: t.orgId, tag: { name: 'Ningbo' } } })).toBe(20);
    expect(
      await t.database.prisma.fan.count({ where: { orgId: t.orgId, externalId: { startsWith: 'par-' }, referredBy: { externalId: 'par-0' } } }),
    ).toBe(19);
    expect((await importFans(t, batch)).data).toEqual({ created: 0, updated: 0, unchanged: 20 });
  });
});
