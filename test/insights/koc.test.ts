// KOC metrics, the leaderboard and orders(kocId:): exact against a recomputation from the base rows
// after a random workload, and confined to the caller's organization.
import { describe, expect } from 'vitest';
import { addDays, localDay } from '../../src/checkins/days.js';
import { extendPrefixes } from '../../src/insights/groups/prefix.js';
import { gid } from '../helpers/ids.js';
import { useTestApp } from '../helpers/test-app.js';
import { dumpRollups, extendPrefixesNow, loadRaw, type Raw, rng, runWorkload } from './insights-helpers.js';

const it = useTestApp({ fans: 60 });
const KOC =
  'gmvCents orders refunds refundedCents averageOrderValueCents orderingFans repeatBuyers groups membersReached membersWhoOrdered qualified';

function recomputeKoc(raw: Raw, fanId: string, from: string, to: string) {
  const mine = raw.orders.filter((o) => o.kocId === fanId && o.day >= from && o.day <= to);
  const paid = mine.filter((o) => o.status === 'PAID');
  const refunded = mine.filter((o) => o.status === 'REFUNDED');
  const per = new Map<string, number>();
  for (const o of paid) per.set(o.fanId, (per.get(o.fanId) ?? 0) + 1);
  const gmvCents = paid.reduce((s, o) => s + o.amountCents, 0);
  const groups = new Set(raw.memberships.filter((m) => m.fanId === fanId && m.role === 'KOC' && !m.leftAt).map((m) => m.communityId));
  const reached = new Set(raw.memberships.filter((m) => groups.has(m.communityId) && !m.leftAt && m.fanId !== fanId).map((m) => m.fanId));
  const ordered = new Set(raw.orders.filter((o) => o.status === 'PAID' && o.day >= from && o.day <= to).map((o) => o.fanId));
  return {
    gmvCents,
    orders: paid.length,
    refunds: refunded.length,
    refundedCents: refunded.reduce((s, o) => s + o.amountCents, 0),
    averageOrderValueCents: paid.length ? gmvCents / paid.length : null,
    orderingFans: per.size,
    repeatBuyers: [...per.values()].filter((n) => n >= 2).length,
    groups: groups.size,
    membersReached: reached.size,
    membersWhoOrdered: [...reached].filter((f) => ordered.has(f)).length,
    qualified: per.size >= 200,
  };
}

/** Who the leaderboard ranks: fans marked KOC, current KOC members, anyone with orders attributed in the window. */
async function candidates(t: any, raw: Raw, orgId: string, from: string, to: string) {
  const marked = (await t.database.prisma.fan.findMany({ where: { orgId, isKoc: true }, select: { id: true } })).map((f: { id: string }) => f.id);
  return [
    ...new Set([
      ...marked,
      ...raw.memberships.filter((m) => m.role === 'KOC' && !m.leftAt).map((m) => m.fanId),
      ...raw.orders.filter((o) => o.kocId && o.day >= from && o.day <= to).map((o) => o.kocId!),
    ]),
  ];
}

/** The leaderboard over the last 90 days, sorted by every field, equals the recomputation of every candidate. */
async function expectLeaderboard(t: any, raw: Raw, today: string) {
  const from = addDays(today, -89);
  const kocIds = await candidates(t, raw, t.orgId, from, today);
  const expected = kocIds.map((id) => ({ id, m: recomputeKoc(raw, id, from, today) }));
  expect(expected.some((e) => e.m.orders > 0) && expected.some((e) => e.m.membersReached > 0) && expected.some((e) => e.m.refunds > 0)).toBe(true);
  for (const [field, key] of [
    ['GMV_CENTS', 'gmvCents'],
    ['ORDERS', 'orders'],
    ['ORDERING_FANS', 'orderingFans'],
    ['MEMBERS_REACHED', 'membersReached'],
    ['MEMBERS_WHO_ORDERED', 'membersWhoOrdered'],
  ] as const) {
    for (const descending of [true, false]) {
      const { kocLeaderboard } = await t.ok(
        `query($s: KocMetricField, $d: Boolean) { kocLeaderboard(window: { lastDays: 90 }, sortBy: $s, descending: $d, first: 100) { totalCount nodes { rank metrics { koc { id } ${KOC} } } } }`,
        { s: field, d: descending },
      );
      const sign = descending ? -1 : 1;
      const want = [...expected].sort((a, b) => (a.m[key] !== b.m[key] ? sign * (a.m[key] - b.m[key]) : a.id < b.id ? -1 : 1));
      expect(kocLeaderboard.totalCount).toBe(kocIds.length);
      expect(kocLeaderboard.nodes.map((n: any) => n.metrics)).toEqual(want.map((w) => ({ koc: { id: gid('Fan', w.id) }, ...w.m })));
    }
  }
}

describe('KOC metrics', () => {
  it('match a recomputation from the rows, one KOC at a time and as a leaderboard sorted by every field', async ({ t }) => {
    await runWorkload(t, rng(21));
    const raw = await loadRaw(t, t.orgId);
    const today = localDay(new Date(), raw.timeZone);
    const kocIds = await candidates(t, raw, t.orgId, addDays(today, -89), today);
    expect(kocIds.length).toBeGreaterThan(5);
    for (const w of [{ lastDays: 90 }, { lastDays: 7 }, { month: today.slice(0, 7) }, { from: addDays(today, -60), to: addDays(today, -20) }]) {
      for (const id of kocIds.slice(0, 8)) {
        const { kocMetrics: m } = await t.ok(
          `query($f: ID!, $w: MetricWindowInput!) { kocMetrics(fanId: $f, window: $w) { window { from to } koc { id } ${KOC} } }`,
          { f: gid('Fan', id), w },
        );
        expect(m).toEqual({ window: m.window, koc: { id: gid('Fan', id) }, ...recomputeKoc(raw, id, m.window.from, m.window.to) });
      }
    }
    await expectLeaderboard(t, raw, today);
    const expected = kocIds.map((id) => ({ id, m: recomputeKoc(raw, id, addDays(today, -89), today) }));
    // Fewest orders first, a page past the first KOC; then past the last page.
    const { kocLeaderboard: fewest } = await t.ok(
      `{ kocLeaderboard(window: { lastDays: 90 }, sortBy: ORDERS, descending: false, first: 3, offset: 1) { totalCount nodes { rank metrics { koc { id } } } } }`,
    );
    const ascending = [...expected].sort((a, b) => (a.m.orders !== b.m.orders ? a.m.orders - b.m.orders : a.id < b.id ? -1 : 1));
    expect(fewest.nodes).toEqual(ascending.slice(1, 4).map((w, i) => ({ rank: i + 2, metrics: { koc: { id: gid('Fan', w.id) } } })));
    const { kocLeaderboard: past } = await t.ok(
      `{ kocLeaderboard(window: { lastDays: 90 }, first: 3, offset: 10000) { totalCount nodes { rank } } }`,
    );
    expect(past).toEqual({ totalCount: kocIds.length, nodes: [] });
  }, 300_000);

  it('rank from the running totals, with KOCs first attributed since the last extension, and again once it starts them', async ({ t }) => {
    await runWorkload(t, rng(23), { orders: 80 });
    await extendPrefixesNow(t);
    // New KOCs, first attributed after the extension (some of them on days a month back).
    await runWorkload(t, rng(24), { orders: 80, prefix: 'x', kocSlice: [45, 50] });
    const raw = await loadRaw(t, t.orgId);
    const today = localDay(new Date(), raw.timeZone);
    const listed = new Set([
      ...(await t.database.prisma.fan.findMany({ where: { orgId: t.orgId, isKoc: true }, select: { id: true } })).map((f: { id: string }) => f.id),
      ...raw.memberships.filter((m) => m.role === 'KOC' && !m.leftAt).map((m) => m.fanId),
    ]);
    const unseen = await t.database.sql.query<{ id: string }>(
      `SELECT b."scopeId" AS id FROM "InsightPrefixBackdated" b WHERE b."orgId" = $1 AND b."scope" = 'K'
       AND NOT EXISTS (SELECT 1 FROM "InsightPrefix" p WHERE p."scope" = 'K' AND p."scopeId" = b."scopeId")`,
      [t.orgId],
    );
    expect(
      unseen.some((r: { id: string }) => !listed.has(r.id)),
      'a KOC known only from new orders, marked',
    ).toBe(true);
    await expectLeaderboard(t, raw, today);
    // Tomorrow's extension starts the new KOCs' running totals and drops their marks.
    await extendPrefixes({ db: t.database.prisma }, new Date(Date.now() + 86_400_000), [t.orgId]);
    const dump = await dumpRollups(t);
    expect(dump).toContain(`"prefixOff":0`);
    expect(dump).toContain(`"prefixUnmarked":0`);
    const [{ n }] = await t.database.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "InsightPrefixBackdated" WHERE "orgId" = $1 AND "scopeId" = ANY($2::text[])`,
      [t.orgId, unseen.map((r: { id: string }) => r.id)],
    );
    expect(n).toBe(0);
    await expectLeaderboard(t, raw, today);
  }, 300_000);

  it('filter orders by KOC', async ({ t }) => {
    const koc = await t.database.prisma.order.findFirstOrThrow({ where: { orgId: t.orgId, kocId: { not: null } }, select: { kocId: true } });
    const want = await t.database.prisma.order.findMany({
      where: { orgId: t.orgId, kocId: koc.kocId },
      orderBy: [{ placedAt: 'desc' }, { id: 'desc' }],
      take: 50,
      select: { id: true },
    });
    const { orders } = await t.ok(`query($k: ID!) { orders(kocId: $k, first: 50) { totalCount nodes { id koc { id } } } }`, {
      k: gid('Fan', koc.kocId!),
    });
    expect(orders.nodes.map((n: any) => n.id)).toEqual(want.map((o) => gid('Order', o.id)));
    expect(new Set(orders.nodes.map((n: any) => n.koc.id))).toEqual(new Set([gid('Fan', koc.kocId!)]));
  });

  it("answer NOT_FOUND for another organization's fan and rank only the caller's KOCs", async ({ t }) => {
    const demoKoc = await t.database.prisma.order.findFirstOrThrow({ where: { orgId: t.orgId, kocId: { not: null } }, select: { kocId: true } });
    const res = await t.gql(
      `query($f: ID!) { kocMetrics(fanId: $f, window: { lastDays: 30 }) { orders } }`,
      { f: gid('Fan', demoKoc.kocId!) },
      'Dev rival',
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const { orders } = await t.ok(`query($k: ID!) { orders(kocId: $k) { totalCount } }`, { k: gid('Fan', demoKoc.kocId!) }, 'Dev rival');
    expect(orders.totalCount).toBe(0);
    const raw = await loadRaw(t, t.rivalOrgId);
    const today = localDay(new Date(), raw.timeZone);
    const rivalKocs = await candidates(t, raw, t.rivalOrgId, addDays(today, -89), today);
    const { kocLeaderboard } = await t.ok(
      `{ kocLeaderboard(window: { lastDays: 90 }, first: 100) { totalCount nodes { metrics { koc { id } ${KOC} } } } }`,
      {},
      'Dev rival',
    );
    expect(kocLeaderboard.totalCount).toBe(rivalKocs.length);
    for (const n of kocLeaderboard.nodes) {
      const id = rivalKocs.find((k) => gid('Fan', k) === n.metrics.koc.id)!;
      expect(id).toBeDefined();
      expect(n.metrics).toEqual({ koc: n.metrics.koc, ...recomputeKoc(raw, id, addDays(today, -89), today) });
    }
    const fan = (await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: t.orgId } })).externalId;
    expect((await t.gql(`{ kocLeaderboard(window: { lastDays: 7 }) { totalCount } }`, {}, `Dev demo/fan:${fan}`)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await t.gql(`{ kocLeaderboard(window: { lastDays: 7 }) { totalCount } }`, {}, null)).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
  });
});
