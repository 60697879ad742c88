// Tenant probes for every group metric field: another organization's group is NOT_FOUND, and an
// organization's rankings, series and totals hold only its own rows however busy the other tenant is.
import { describe, expect } from 'vitest';
import { addDays, localDay } from '../../src/checkins/days.js';
import { loadManifest } from '../../src/core/persisted.js';
import { gid } from '../helpers/ids.js';
import { useTestApp } from '../helpers/test-app.js';
import { codes, hashOf, partnerKey, persisted, post } from '../security/security-helpers.js';
import { loadRaw, METRICS, recompute, rng, runWorkload } from './insights-helpers.js';

const it = useTestApp({ fans: 30 });
const RIVAL = 'Dev rival';

describe('group metrics across tenants', () => {
  it("answer NOT_FOUND for another organization's group, and only the caller's rows otherwise", async ({ t }) => {
    await runWorkload(t, rng(5), { orders: 40 });
    const demoGroup = gid('Community', (await t.database.prisma.community.findFirstOrThrow({ where: { orgId: t.orgId } })).id);
    for (const q of [
      `query($c: ID!) { communityMetrics(communityId: $c, window: { lastDays: 30 }) { orders } }`,
      `query($c: ID!) { communityMetricSeries(communityId: $c, window: { lastDays: 30 }) { from } }`,
    ]) {
      const res = await t.gql(q, { c: demoGroup }, RIVAL);
      expect(res.errors?.[0]?.extensions?.code, q).toBe('NOT_FOUND');
      expect(res.data, q).toBeNull();
    }

    const raw = await loadRaw(t, t.rivalOrgId);
    const today = localDay(new Date(), raw.timeZone);
    const { organizationMetrics, communityRanking, communityMetricSeries, organizationMetricSeries } = await t.ok(
      `{ organizationMetrics(window: { lastDays: 120 }) { ${METRICS} }
         communityRanking(window: { lastDays: 120 }, first: 100) { totalCount nodes { community { id } metrics { ${METRICS} } } }
         communityMetricSeries(kind: VERTICAL, window: { lastDays: 120 }, granularity: MONTH) { from to metrics { ${METRICS} } }
         organizationMetricSeries(window: { lastDays: 120 }, granularity: MONTH) { from to metrics { ${METRICS} } } }`,
      {},
      RIVAL,
    );
    expect(organizationMetrics).toEqual(recompute(raw, { org: true }, addDays(today, -119), today));
    expect(communityRanking.totalCount).toBe(raw.communities.length);
    expect(communityRanking.nodes.map((n: any) => n.community.id).sort()).toEqual(raw.communities.map((c) => gid('Community', c.id)).sort());
    for (const n of communityRanking.nodes)
      expect(n.metrics).toEqual(
        recompute(
          raw,
          { communityIds: [n.community.id && raw.communities.find((c) => gid('Community', c.id) === n.community.id)!.id] },
          addDays(today, -119),
          today,
        ),
      );
    const vertical = raw.communities.filter((c) => c.kind === 'VERTICAL').map((c) => c.id);
    for (const p of communityMetricSeries) expect(p.metrics).toEqual(recompute(raw, { communityIds: vertical }, p.from, p.to));
    for (const p of organizationMetricSeries) expect(p.metrics).toEqual(recompute(raw, { org: true }, p.from, p.to));
    // The demo workload is visible to demo only.
    const demo = await t.ok(`{ organizationMetrics(window: { lastDays: 120 }) { orders } }`);
    expect(demo.organizationMetrics.orders).toBeGreaterThan(organizationMetrics.orders);
  }, 300_000);

  it('are for operators and partners with the read scope: fans are forbidden, anonymous callers told to sign in', async ({ t }) => {
    const fan = (await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: t.orgId } })).externalId;
    for (const q of [
      '{ organizationMetrics(window: { day: "2026-11-20" }) { orders } }',
      '{ communityRanking(window: { lastDays: 7 }) { totalCount } }',
      '{ organizationMetricSeries(window: { lastDays: 7 }) { from } }',
    ]) {
      expect((await t.gql(q, {}, `Dev demo/fan:${fan}`)).errors?.[0]?.extensions?.code, q).toBe('FORBIDDEN');
      expect((await t.gql(q, {}, null)).errors?.[0]?.extensions?.code, q).toBe('UNAUTHENTICATED');
      expect((await t.gql(q, {}, 'Dev demo/analyst@demo.test')).errors, q).toBeUndefined();
    }
  });

  it("run as persisted partner operations under the key's read scope, over its own organization only", async ({ t }) => {
    const manifest = loadManifest();
    const reader = (await partnerKey(t, 'rival', ['read'])).authorization;
    const importer = (await partnerKey(t, 'rival', ['import'])).authorization;
    const rivalGroups = await t.database.prisma.community.count({ where: { orgId: t.rivalOrgId } });
    const groups = await post(t.app, persisted(hashOf(manifest, 'PartnerGroupMetrics'), { window: { lastDays: 90 }, first: 100 }), {
      authorization: reader,
    });
    expect(groups.body.errors).toBeUndefined();
    expect(groups.body.data.communityRanking.totalCount).toBe(rivalGroups);
    const kocs = await post(t.app, persisted(hashOf(manifest, 'PartnerKocLeaderboard'), { window: { lastDays: 90 } }), { authorization: reader });
    expect(kocs.body.errors).toBeUndefined();
    const rivalFans = new Set(
      (await t.database.prisma.fan.findMany({ where: { orgId: t.rivalOrgId }, select: { id: true } })).map((f) => gid('Fan', f.id)),
    );
    for (const n of kocs.body.data.kocLeaderboard.nodes) expect(rivalFans.has(n.metrics.koc.id)).toBe(true);
    const refused = await post(t.app, persisted(hashOf(manifest, 'PartnerGroupMetrics'), { window: { lastDays: 90 } }), { authorization: importer });
    expect(codes(refused.body)).toContain('FORBIDDEN');
  });
});
