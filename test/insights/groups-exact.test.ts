// Group and organization metrics are exact: after a random workload through the API (orders with
// refunds, attributed to groups and KOCs; reported activity; joins and leaves; likes, redemptions,
// reservations), every metric the API answers for random groups and windows equals the same metric
// recomputed here in plain TypeScript from the base rows.
import { describe, expect } from 'vitest';
import { addDays, localDay } from '../../src/checkins/days.js';
import { gid } from '../helpers/ids.js';
import { useTestApp } from '../helpers/test-app.js';
import { dumpRollups, extendPrefixesNow, loadRaw, METRICS, type Raw, recompute, rng, runWorkload } from './insights-helpers.js';

const it = useTestApp({ fans: 60 });

describe('group metrics', () => {
  let raw: Raw;

  it('after a random workload, match a recomputation from the rows for random groups and windows', async ({ t }) => {
    const r = rng(13);
    let at = Date.now();
    const lap = (what: string) => {
      if (process.env.INSIGHT_TIMINGS) console.log(what, Date.now() - at, 'ms');
      at = Date.now();
    };
    // Running totals from the start, so the workload's writes (up to 100 days back) move them as they land.
    await extendPrefixesNow(t);
    await runWorkload(t, r);
    lap('workload');
    raw = await loadRaw(t, t.orgId);
    lap('raw');
    const today = localDay(new Date(), raw.timeZone);
    const groups = raw.communities.filter((c) => c.id);
    const windows = [
      { lastDays: 1 },
      { lastDays: 30 },
      { lastDays: 90 },
      { month: today.slice(0, 7) },
      { week: addDays(today, -9) },
      { day: addDays(today, -3) },
      ...Array.from({ length: 6 }, () => {
        const a = addDays(today, -r.int(0, 70));
        const b = addDays(a, r.int(0, 40));
        return { from: a, to: b < today ? b : today };
      }),
    ];
    const q = `query($c: ID!, $w: MetricWindowInput!) { communityMetrics(communityId: $c, window: $w) { window { from to } ${METRICS} } }`;
    let checked = 0;
    for (const w of windows) {
      for (const g of [...groups].sort(() => r.next() - 0.5).slice(0, 4)) {
        const { communityMetrics: m } = await t.ok(q, { c: gid('Community', g.id), w });
        expect({ group: g.name, w, ...m }).toEqual({
          group: g.name,
          w,
          window: m.window,
          ...recompute(raw, { communityIds: [g.id] }, m.window.from, m.window.to),
        });
        checked++;
      }
      const { organizationMetrics: o } = await t.ok(
        `query($w: MetricWindowInput!) { organizationMetrics(window: $w) { window { from to } ${METRICS} } }`,
        { w },
      );
      expect({ w, ...o }).toEqual({ w, window: o.window, ...recompute(raw, { org: true }, o.window.from, o.window.to) });
    }
    lap('compared');
    expect(checked).toBe(windows.length * 4);
    // The workload reached every kind of number somewhere.
    const all = recompute(raw, { org: true }, addDays(today, -120), today);
    for (const k of [
      'orders',
      'refunds',
      'buyers',
      'repeatBuyers',
      'messages',
      'joins',
      'leaves',
      'buyerShows',
      'complaintsRaised',
      'complaintsResolved',
      'activeMembers',
    ] as const)
      expect(all[k], k).toBeGreaterThan(0);
    // The triggers and the one-pass rebuild (used after bulk loads with triggers off) agree row for row.
    const kept = await dumpRollups(t);
    expect(kept, 'every block equals the sum of its days').toContain(`"blocksOff":0`);
    expect(kept, 'every running total equals the sum of its days').toContain(`"prefixOff":0`);
    expect(kept, 'every prefixed scope has a row per day through the horizon').toContain(`"prefixGaps":0`);
    expect(kept, 'every scope with days before its first running total is marked').toContain(`"prefixUnmarked":0`);
    const [marked] = await t.database.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM "InsightPrefixBackdated" WHERE "orgId" = $1', [
      t.orgId,
    ]);
    expect(marked.n, 'the workload wrote days before some running totals began, so those reads were checked too').toBeGreaterThan(0);
    await t.database.sql.query('SELECT insight_rebuild($1)', [t.orgId]);
    expect(await dumpRollups(t)).toBe(kept);
  }, 300_000);

  it('answer the same from the blocks when the running totals do not reach the window, and again once they do', async ({ t }) => {
    const today = localDay(new Date(), raw.timeZone);
    const ids = raw.communities.slice(0, 3).map((c) => gid('Community', c.id));
    const ask = async () => [
      await t.ok(
        `{ communityRanking(window: { lastDays: 90 }, sortBy: GMV_CENTS, first: 100) { totalCount nodes { community { id } metrics { ${METRICS} } } } }`,
      ),
      await t.ok(
        `query($f: Date!, $t: Date!) { communityRanking(window: { from: $f, to: $t }, sortBy: MESSAGES, descending: false, first: 100) { nodes { community { id } metrics { ${METRICS} } } } }`,
        { f: addDays(today, -40), t: addDays(today, -5) },
      ),
      ...(await Promise.all(
        ids.map((c) => t.ok(`query($c: ID!) { communityMetrics(communityId: $c, window: { lastDays: 30 }) { ${METRICS} } }`, { c })),
      )),
      await t.ok(`{ organizationMetrics(window: { lastDays: 60 }) { ${METRICS} } }`),
    ];
    const seen: string[] = [];
    const stop = t.database.onStatement((sql) => seen.push(sql));
    const reads = (table: string) => seen.filter((q) => q.includes(`"${table}"`)).length;
    const withTotals = await ask();
    expect(withTotals[0].communityRanking.totalCount).toBe(raw.communities.length);
    expect([reads('InsightPrefix'), reads('InsightBlock')]).toEqual([6, 0]);
    await t.database.sql.query('DELETE FROM "InsightPrefixSpan" WHERE "orgId" = $1', [t.orgId]);
    await t.database.sql.query('DELETE FROM "InsightPrefix" WHERE "orgId" = $1', [t.orgId]);
    seen.length = 0;
    expect(await ask()).toEqual(withTotals);
    expect([reads('InsightPrefix'), reads('InsightBlock')]).toEqual([0, 6]);
    await extendPrefixesNow(t);
    seen.length = 0;
    expect(await ask()).toEqual(withTotals);
    expect(reads('InsightPrefix')).toBe(6);
    stop();
    const dump = await dumpRollups(t);
    expect(dump).toContain(`"prefixOff":0`);
    expect(dump).toContain(`"prefixGaps":0`);
    expect(dump).toContain(`"prefixUnmarked":0`);
  });

  it('rank every group by any metric in the order the recomputation gives, ties by id', async ({ t }) => {
    const today = localDay(new Date(), raw.timeZone);
    const from = addDays(today, -89);
    const expected = raw.communities.map((c) => ({ id: c.id, m: recompute(raw, { communityIds: [c.id] }, from, today) }));
    for (const [field, key] of [
      ['GMV_CENTS', 'gmvCents'],
      ['BUYERS', 'buyers'],
      ['REPEAT_PURCHASE_RATE', 'repeatPurchaseRate'],
      ['ACTIVE_MEMBERS', 'activeMembers'],
      ['CHURN_RATE', 'churnRate'],
      ['MESSAGES', 'messages'],
      ['AVERAGE_ORDER_VALUE_CENTS', 'averageOrderValueCents'],
    ] as const) {
      for (const descending of [true, false]) {
        const { communityRanking } = await t.ok(
          `query($s: GroupMetricField, $d: Boolean) { communityRanking(window: { lastDays: 90 }, sortBy: $s, descending: $d, first: 100) { totalCount nodes { rank community { id name } metrics { ${METRICS} } } } }`,
          { s: field, d: descending },
        );
        const want = [...expected].sort((a, b) => {
          const x = a.m[key] as number | null,
            y = b.m[key] as number | null;
          if (x === null || y === null) return x === y ? (a.id < b.id ? -1 : 1) : x === null ? 1 : -1;
          return x !== y ? (descending ? y - x : x - y) : a.id < b.id ? -1 : 1;
        });
        expect(communityRanking.totalCount).toBe(raw.communities.length);
        expect(communityRanking.nodes.map((n: any) => n.community.id)).toEqual(want.map((w) => gid('Community', w.id)));
        expect(communityRanking.nodes.map((n: any) => n.metrics)).toEqual(want.map((w) => w.m));
        expect(communityRanking.nodes.map((n: any) => n.rank)).toEqual(want.map((_, i) => i + 1));
      }
    }
    const page = await t.ok(`{ communityRanking(window: { lastDays: 90 }, first: 2, offset: 1) { nodes { rank community { id } } } }`);
    expect(page.communityRanking.nodes.map((n: any) => n.rank)).toEqual([2, 3]);
    // A kind's ranking counts only that kind; past the last page: no rows, the same count.
    const vertical = raw.communities.filter((c) => c.kind === 'VERTICAL').length;
    const kind = await t.ok(
      `{ communityRanking(window: { lastDays: 90 }, kinds: [VERTICAL], first: 100) { totalCount nodes { community { kind } } } }`,
    );
    expect(kind.communityRanking.totalCount).toBe(vertical);
    expect(kind.communityRanking.nodes.map((n: any) => n.community.kind)).toEqual(Array(vertical).fill('VERTICAL'));
    const past = await t.ok(`{ communityRanking(window: { lastDays: 90 }, first: 5, offset: 10000) { totalCount nodes { rank } } }`);
    expect(past.communityRanking).toEqual({ totalCount: raw.communities.length, nodes: [] });
  });

  it('give series per group and per kind whose points match the recomputation of their days', async ({ t }) => {
    const today = localDay(new Date(), raw.timeZone);
    const vertical = raw.communities.filter((c) => c.kind === 'VERTICAL').map((c) => c.id);
    for (const granularity of ['DAY', 'WEEK', 'MONTH']) {
      const from = addDays(today, -45);
      const { communityMetricSeries: byKind } = await t.ok(
        `query($g: MetricGranularity) { communityMetricSeries(kind: VERTICAL, window: { lastDays: 46 }, granularity: $g) { from to metrics { ${METRICS} } } }`,
        { g: granularity },
      );
      expect(byKind[0].from).toBe(from);
      expect(byKind[byKind.length - 1].to).toBe(today);
      for (const p of byKind) expect({ p: p.from, ...p.metrics }).toEqual({ p: p.from, ...recompute(raw, { communityIds: vertical }, p.from, p.to) });
      const one = vertical[0];
      const { communityMetricSeries: byGroup } = await t.ok(
        `query($c: ID!, $g: MetricGranularity) { communityMetricSeries(communityId: $c, window: { lastDays: 46 }, granularity: $g) { from to metrics { ${METRICS} } } }`,
        { c: gid('Community', one), g: granularity },
      );
      for (const p of byGroup) expect({ p: p.from, ...p.metrics }).toEqual({ p: p.from, ...recompute(raw, { communityIds: [one] }, p.from, p.to) });
      const { organizationMetricSeries: org } = await t.ok(
        `query($g: MetricGranularity) { organizationMetricSeries(window: { lastDays: 46 }, granularity: $g) { from to metrics { ${METRICS} } } }`,
        { g: granularity },
      );
      for (const p of org) expect({ p: p.from, ...p.metrics }).toEqual({ p: p.from, ...recompute(raw, { org: true }, p.from, p.to) });
    }
  });

  it('answer windows ending today from the distinct rollups, and older ranges by the exact fallback', async ({ t }) => {
    const seen: string[] = [];
    const stop = t.database.onStatement((sql) => seen.push(sql));
    const perFanRows = () => seen.filter((q) => /"InsightBuyerDay"|"InsightActiveDay"|"Membership"/.test(q));
    const run = async (w: object) => {
      seen.length = 0;
      await t.ok(`query($w: MetricWindowInput!) { communityRanking(window: $w, first: 5) { nodes { metrics { ${METRICS} } } } }`, { w });
      await t.ok(`query($w: MetricWindowInput!) { organizationMetrics(window: $w) { ${METRICS} } }`, { w });
      return perFanRows();
    };
    try {
      // Ending today (no activity recorded later): the lastX histograms; no per-fan or per-membership read.
      expect(await run({ lastDays: 90 })).toEqual([]);
      seen.length = 0;
      const group = raw.communities[0].id;
      await t.ok(`query($c: ID!) { communityMetricSeries(communityId: $c, window: { lastDays: 365 }) { metrics { ${METRICS} } } }`, {
        c: gid('Community', group),
      });
      expect(perFanRows()).toEqual([]); // a DAY series: each day's own counters
      // Ending before the latest activity: exact GROUP BY over the per-fan rows (compared above with the recomputation).
      const today = localDay(new Date(), raw.timeZone);
      expect((await run({ from: addDays(today, -60), to: addDays(today, -20) })).length).toBeGreaterThan(0);
    } finally {
      stop();
    }
  });

  it('refuse windows that are ambiguous, reversed or too long', async ({ t }) => {
    const q = `query($w: MetricWindowInput!) { organizationMetrics(window: $w) { orders } }`;
    for (const [w, field] of [
      [{}, 'window'],
      [{ day: '2026-11-01', lastDays: 3 }, 'window'],
      [{ from: '2026-11-05', to: '2026-11-01' }, 'window.to'],
      [{ from: '2025-01-01', to: '2026-11-01' }, 'window.to'],
      [{ month: '2026-13' }, 'window.month'],
    ] as const) {
      const res = await t.gql(q, { w });
      expect(res.errors?.[0]?.extensions, JSON.stringify(w)).toMatchObject({ code: 'VALIDATION', field });
    }
    const big = await t.gql(q, { w: { lastDays: 401 } });
    expect(big.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
