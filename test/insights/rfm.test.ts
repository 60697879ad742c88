// RFM through the API, exact against a recomputation from the raw orders: after a random workload of
// orders (ties in amount and time included) and refunds, every fan's scores, segment and frequency drop,
// the segment counts, the `fans(filter:)` criteria and the Pareto shares match what this file computes
// from the Order rows with the rules the README states.
import { describe, expect } from 'vitest';
import { runCli } from '../../src/cli.js';
import { gid } from '../helpers/ids.js';
import { useTestApp } from '../helpers/test-app.js';
import { rng } from './insights-helpers.js';

const it = useTestApp({ fans: 60 });
const DAY = 86_400_000;
const SEED = Number(process.env.RFM_SEED ?? Date.now() % 100_000);

const SEGMENT = (r: number, f: number, m: number) => {
  const fm = Math.ceil((f + m) / 2);
  if (r >= 4) return fm >= 4 ? 'CHAMPIONS' : fm === 3 ? 'LOYAL' : 'PROMISING';
  if (r === 3) return fm >= 3 ? 'LOYAL' : 'HIBERNATING';
  if (fm === 5) return 'CANT_LOSE';
  if (fm >= 3) return 'AT_RISK';
  return r === 2 ? 'HIBERNATING' : 'LOST';
};

/** 1 + floor(5 × (buyers strictly below) / buyers), per the README. */
function quintiles(values: Map<string, number>): Map<string, number> {
  const sorted = [...values.values()].sort((a, b) => a - b);
  const below = (v: number) => {
    let lo = 0,
      hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return new Map([...values].map(([id, v]) => [id, 1 + Math.floor((5 * below(v)) / sorted.length)]));
}

const ALL_FANS = /* GraphQL */ `
  query($after: String) {
    fans(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id rfm { recency frequency monetary segment } frequencyDrop { ordersLast30Days ordersPrevious90Days monthlyAveragePrevious90Days dropped } }
    }
  }`;
const REFRESH = `mutation { refreshFanScores { __typename ... on MutationRefreshFanScoresSuccess { data { refreshedAt buyers frequencyDrops changed } } ... on DomainError { code } } }`;
const COUNTS = `{ rfmSegmentCounts { refreshedAt buyers unscored frequencyDrops segments { segment fans } } }`;
const PARETO = `query($c: ID) { gmvPareto(communityId: $c) { buyers topBuyers gmvCents topGmvCents share } }`;

describe('RFM scores, segments, frequency drop and Pareto', () => {
  it('match a recomputation from the raw orders after a random workload of orders and refunds', async ({ t }) => {
    const r = rng(SEED);
    const db = t.database.prisma;
    const fans = await db.fan.findMany({ where: { orgId: t.orgId }, select: { externalId: true } });
    const groups = await db.community.findMany({ where: { orgId: t.orgId }, select: { id: true } });
    // Orders over the last 140 days, amounts from a short list (ties), some at the very same instant.
    const now = Date.now();
    const instants = Array.from({ length: 30 }, () => now - r.int(60_000, 140 * DAY));
    const orders = Array.from({ length: 200 }, (_, i) => ({
      externalId: `rfm-${SEED}-${i}`,
      fanExternalId: r.pick(fans).externalId,
      amountCents: r.pick([990, 4900, 4900, 12900, 29900, 88800]),
      placedAt: new Date(r.next() < 0.3 ? r.pick(instants) : now - r.int(60_000, 140 * DAY)).toISOString(),
      communityId: r.next() < 0.5 ? gid('Community', r.pick(groups).id) : null,
    }));
    for (let i = 0; i < orders.length; i += 100) {
      const res = await t.ok(`mutation($i: ImportOrdersInput!) { importOrders(input: $i) { __typename } }`, {
        i: { orders: orders.slice(i, i + 100) },
      });
      expect(res.importOrders.__typename).toBe('MutationImportOrdersSuccess');
    }
    const toRefund = (await db.order.findMany({ where: { orgId: t.orgId, status: 'PAID' }, select: { id: true } }))
      .filter(() => r.next() < 0.12)
      .slice(0, 20);
    for (const o of toRefund) {
      const res = await t.ok(`mutation($i: RefundOrderInput!) { refundOrder(input: $i) { __typename } }`, { i: { orderId: gid('Order', o.id) } });
      expect(res.refundOrder.__typename, `seed ${SEED}`).toBe('MutationRefundOrderSuccess');
    }

    const refresh = (await t.ok(REFRESH)).refreshFanScores;
    expect(refresh.__typename).toBe('MutationRefreshFanScoresSuccess');
    const at = new Date(refresh.data.refreshedAt).getTime();

    // The recomputation, from Order rows only.
    const paid = await db.order.findMany({
      where: { orgId: t.orgId, status: 'PAID' },
      select: { fanId: true, amountCents: true, placedAt: true, communityId: true },
    });
    const per = new Map<string, { n: number; cents: number; last: number; last30: number; prev90: number }>();
    for (const o of paid) {
      const p = per.get(o.fanId) ?? { n: 0, cents: 0, last: 0, last30: 0, prev90: 0 };
      const ts = o.placedAt.getTime();
      p.n++;
      p.cents += o.amountCents;
      p.last = Math.max(p.last, ts);
      if (ts > at - 30 * DAY && ts <= at) p.last30++;
      else if (ts > at - 120 * DAY && ts <= at - 30 * DAY) p.prev90++;
      per.set(o.fanId, p);
    }
    const R = quintiles(new Map([...per].map(([id, p]) => [id, p.last])));
    const F = quintiles(new Map([...per].map(([id, p]) => [id, p.n])));
    const M = quintiles(new Map([...per].map(([id, p]) => [id, p.cents])));
    const allFans = await db.fan.findMany({ where: { orgId: t.orgId }, select: { id: true } });
    const expected = new Map(
      allFans.map(({ id }) => {
        const p = per.get(id);
        const rfm = p
          ? { recency: R.get(id)!, frequency: F.get(id)!, monetary: M.get(id)!, segment: SEGMENT(R.get(id)!, F.get(id)!, M.get(id)!) }
          : null;
        const last30 = p?.last30 ?? 0,
          prev90 = p?.prev90 ?? 0;
        return [
          gid('Fan', id),
          {
            rfm,
            frequencyDrop: {
              ordersLast30Days: last30,
              ordersPrevious90Days: prev90,
              monthlyAveragePrevious90Days: prev90 / 3,
              dropped: prev90 > 0 && 6 * last30 <= prev90,
            },
          },
        ];
      }),
    );

    const got = new Map<string, unknown>();
    let after: string | null = null;
    do {
      const page: any = (await t.ok(ALL_FANS, { after })).fans;
      for (const n of page.nodes) got.set(n.id, { rfm: n.rfm, frequencyDrop: n.frequencyDrop });
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(got, `seed ${SEED}`).toEqual(expected);

    // Counts, live, and the filter agree with the recomputation.
    const bySegment = new Map<string, number>();
    for (const e of expected.values()) if (e.rfm) bySegment.set(e.rfm.segment, (bySegment.get(e.rfm.segment) ?? 0) + 1);
    const drops = [...expected.values()].filter((e) => e.frequencyDrop.dropped).length;
    const counts = (await t.ok(COUNTS)).rfmSegmentCounts;
    expect(counts).toEqual({
      refreshedAt: refresh.data.refreshedAt,
      buyers: per.size,
      unscored: allFans.length - per.size,
      frequencyDrops: drops,
      segments: ['CHAMPIONS', 'LOYAL', 'PROMISING', 'AT_RISK', 'CANT_LOSE', 'HIBERNATING', 'LOST'].map((segment) => ({
        segment,
        fans: bySegment.get(segment) ?? 0,
      })),
    });
    expect(refresh.data).toMatchObject({ buyers: per.size, frequencyDrops: drops });
    for (const { segment, fans } of counts.segments) {
      const listed = await t.ok(
        `query($s: RfmSegment) { fans(filter: { rfmSegment: $s }, first: 100) { totalCount nodes { id rfm { segment } } } }`,
        { s: segment },
      );
      expect(listed.fans.totalCount).toBe(fans);
      expect(listed.fans.nodes.every((n: any) => n.rfm.segment === segment)).toBe(true);
    }
    const dropped = await t.ok(`{ fans(filter: { frequencyDrop: true }, first: 100) { totalCount nodes { id } } }`);
    expect(dropped.fans.nodes.map((n: any) => n.id).sort()).toEqual(
      [...expected]
        .filter(([, e]) => e.frequencyDrop.dropped)
        .map(([id]) => id)
        .sort(),
    );

    // Pareto: the organization over every buyer's paid spend, a group over the orders attributed to it.
    const pareto = (cents: number[]) => {
      const sorted = cents.sort((a, b) => b - a);
      const top = Math.ceil(sorted.length / 5);
      const total = sorted.reduce((s, c) => s + c, 0);
      const topGmv = sorted.slice(0, top).reduce((s, c) => s + c, 0);
      return { buyers: sorted.length, topBuyers: top, gmvCents: total, topGmvCents: topGmv, share: total ? topGmv / total : 0 };
    };
    expect((await t.ok(PARETO)).gmvPareto).toEqual(pareto([...per.values()].map((p) => p.cents)));
    for (const g of groups.slice(0, 6)) {
      const perFan = new Map<string, number>();
      for (const o of paid) if (o.communityId === g.id) perFan.set(o.fanId, (perFan.get(o.fanId) ?? 0) + o.amountCents);
      expect((await t.ok(PARETO, { c: gid('Community', g.id) })).gmvPareto).toEqual(pareto([...perFan.values()]));
    }

    // A second refresh with nothing new changes no fan.
    const second = (await t.ok(REFRESH)).refreshFanScores.data;
    expect(second.changed).toBe(0);

    // Counts and the organization's Pareto are the refresh's snapshot: a new big order moves neither
    // until the next refresh (asOf says when they were taken); a group's Pareto is live.
    const orgBefore = (await t.ok(`{ gmvPareto { buyers gmvCents topGmvCents asOf } }`)).gmvPareto;
    expect(orgBefore.asOf).toBe(second.refreshedAt);
    const countsBefore = (await t.ok(COUNTS)).rfmSegmentCounts;
    const group = groups[0];
    const groupBefore = (await t.ok(PARETO, { c: gid('Community', group.id) })).gmvPareto;
    const big = { externalId: `rfm-${SEED}-big`, fanExternalId: fans[0].externalId, amountCents: 5_000_000, placedAt: new Date().toISOString() };
    await t.ok(`mutation($i: ImportOrdersInput!) { importOrders(input: $i) { __typename } }`, {
      i: { orders: [{ ...big, communityId: gid('Community', group.id) }] },
    });
    expect((await t.ok(`{ gmvPareto { buyers gmvCents topGmvCents asOf } }`)).gmvPareto).toEqual(orgBefore);
    expect((await t.ok(COUNTS)).rfmSegmentCounts).toEqual(countsBefore);
    expect((await t.ok(PARETO, { c: gid('Community', group.id) })).gmvPareto.gmvCents).toBe(groupBefore.gmvCents + 5_000_000);
    await t.ok(REFRESH);
    const orgAfter = (await t.ok(`{ gmvPareto { gmvCents asOf } }`)).gmvPareto;
    expect(orgAfter.gmvCents).toBe(orgBefore.gmvCents + 5_000_000);
    expect(orgAfter.asOf > orgBefore.asOf).toBe(true);
  }, 180_000);

  it('filters by recency and intimacy ranges', async ({ t }) => {
    const db = t.database.prisma;
    const from = new Date('2026-10-01T00:00:00Z'),
      to = new Date('2026-11-01T00:00:00Z');
    const q = `query($f: FanFilter) { fans(filter: $f, first: 100) { totalCount nodes { id } } }`;
    const ids = (rows: { id: string }[]) => rows.map((x) => gid('Fan', x.id)).sort();
    const list = async (f: object) => (await t.ok(q, { f })).fans.nodes.map((n: any) => n.id).sort();
    expect(await list({ lastOrderAt: { from, to } })).toEqual(
      ids(await db.fan.findMany({ where: { orgId: t.orgId, lastOrderAt: { gte: from, lt: to } } })),
    );
    expect(await list({ lastActiveAt: { from } })).toEqual(ids(await db.fan.findMany({ where: { orgId: t.orgId, lastActiveAt: { gte: from } } })));
    expect(await list({ intimacy: { min: 20, max: 60 }, lastOrderAt: { to } })).toEqual(
      ids(await db.fan.findMany({ where: { orgId: t.orgId, intimacy: { gte: 20, lte: 60 }, lastOrderAt: { lt: to } } })),
    );
    const bad = await t.gql(q, { f: { intimacy: { min: -1 } } });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    // A saved segment keeps the new criteria and lists the same fans.
    const saved = await t.ok(
      `mutation($i: CreateSegmentInput!) { createSegment(input: $i) { ... on MutationCreateSegmentSuccess { data { filter fans(first: 100) { nodes { id } } } } } }`,
      { i: { name: 'October buyers', filter: { lastOrderAt: { from, to }, intimacy: { min: 1 } } } },
    );
    expect(saved.createSegment.data.fans.nodes.map((n: any) => n.id).sort()).toEqual(await list({ lastOrderAt: { from, to }, intimacy: { min: 1 } }));
    expect(await list(saved.createSegment.data.filter)).toEqual(await list({ lastOrderAt: { from, to }, intimacy: { min: 1 } }));
  });

  it('stays inside the organization and is for operators and read partners only', async ({ t }) => {
    const db = t.database.prisma;
    await t.ok(REFRESH);
    const rivalGroup = await db.community.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    const rivalFan = await db.fan.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    // A foreign group's Pareto is null; a foreign fan is not reachable; counts are the caller's own.
    expect((await t.ok(PARETO, { c: gid('Community', rivalGroup.id) })).gmvPareto).toBeNull();
    expect((await t.ok(`query($id: ID!) { node(id: $id) { ... on Fan { rfm { segment } } } }`, { id: gid('Fan', rivalFan.id) })).node).toBeNull();
    const rivalBefore = await db.fan.findMany({ where: { orgId: t.rivalOrgId }, select: { id: true, rfmSegment: true }, orderBy: { id: 'asc' } });
    expect(rivalBefore.every((f) => f.rfmSegment === null)).toBe(true); // the demo refresh touched no rival fan
    const rival = (await t.ok(COUNTS, {}, 'Dev rival')).rfmSegmentCounts;
    expect(rival.buyers + rival.unscored).toBe(await db.fan.count({ where: { orgId: t.rivalOrgId } }));
    expect(rival.refreshedAt).toBeNull();
    // The scheduler's command refreshes the organizations it names, and refuses an unknown one.
    const out: string[] = [],
      err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    const inServer = { database: t.database, config: t.config };
    expect(await runCli(['refresh-rfm', 'rival'], io, {}, inServer)).toBe(0);
    expect(out).toEqual([expect.stringMatching(/^rival: scored \d+ buyers, \d+ with a frequency drop, \d+ fans changed, in \d+ ms$/)]);
    expect((await t.ok(COUNTS, {}, 'Dev rival')).rfmSegmentCounts.refreshedAt).not.toBeNull();
    expect(await runCli(['refresh-rfm', 'nobody'], io, {}, inServer)).toBe(1);
    expect(err).toEqual(['error: no organization "nobody"']);
    const rivalSegment = await t.ok(`{ fans(filter: { rfmSegment: CHAMPIONS }) { totalCount } }`, {}, 'Dev rival');
    expect(rivalSegment.fans.totalCount).toBe(await db.fan.count({ where: { orgId: t.rivalOrgId, rfmSegment: 'CHAMPIONS' } }));
    expect(await db.fan.count({ where: { orgId: t.orgId, rfmSegment: null, orderCount: { gt: 0 } } })).toBe(0);
    // Roles: analysts read but may not refresh; fans see neither the counts nor their own scores.
    expect((await t.gql(COUNTS, {}, 'Dev demo/analyst@demo.test')).errors).toBeUndefined();
    expect((await t.gql(REFRESH, {}, 'Dev demo/analyst@demo.test')).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const fan = await db.fan.findFirstOrThrow({ where: { orgId: t.orgId, rfmSegment: { not: null } } });
    expect((await t.gql(COUNTS, {}, `Dev demo/fan:${fan.externalId}`)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(`{ viewer { fan { rfm { segment } } } }`, {}, `Dev demo/fan:${fan.externalId}`)).errors?.[0].extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await t.gql(PARETO, {}, `Dev demo/fan:${fan.externalId}`)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
