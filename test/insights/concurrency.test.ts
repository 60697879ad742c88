// The distinct rollups stay exact under concurrent writers (run on PostgreSQL for real parallelism; on
// PGlite the same workload runs one transaction at a time): 20 order imports and 10 activity batches in
// two waves, then likes, joins, leaves and 4 more imports for the joining fans at once (a fan's join and
// order committing together, which deadlocked while joins locked the Fan row first), then 16 refunds at once, all on the same few fans, groups and days, then every metric of
// every group and of the organization for several windows equals a recomputation from the rows, and
// the rollups equal what the one-pass rebuild makes from the same rows.
import { describe, expect } from 'vitest';
import { addDays, localDay } from '../../src/checkins/days.js';
import { gid } from '../helpers/ids.js';
import { useTestApp } from '../helpers/test-app.js';
import { dumpRollups, extendPrefixesNow, loadRaw, METRICS, recompute, rng } from './insights-helpers.js';

const it = useTestApp({ fans: 40 });
const DAY = 86_400_000;

describe('insight rollups under concurrent writes', () => {
  it('match the recomputation and the rebuild after parallel imports, activity, likes, joins, leaves and refunds', async ({ t }) => {
    const r = rng(2026);
    const db = t.database.prisma;
    const fans = await db.fan.findMany({ where: { orgId: t.orgId }, orderBy: { id: 'asc' }, select: { id: true, externalId: true } });
    const groups = await db.community.findMany({ where: { orgId: t.orgId }, orderBy: { id: 'asc' } });
    const hot = fans.slice(0, 8); // every writer touches these fans: the same keys from many transactions
    const now = Date.now();
    const at = () => new Date(now - r.int(0, 3) * DAY - r.int(0, 3_600_000)).toISOString();
    const like = await db.campaign.findFirst({ where: { orgId: t.orgId, kind: 'LIKE', status: 'RUNNING' } });
    const open = groups.filter((g) => g.kind === 'FISSION' || g.kind === 'KOC');
    const members = await db.membership.findMany({ where: { orgId: t.orgId, leftAt: null }, orderBy: { id: 'asc' }, include: { fan: true } });
    const ok = async (p: Promise<any>) => {
      const res = await p;
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      return res.data;
    };

    const imports = Array.from(
      { length: 24 },
      (_, b) => () =>
        ok(
          t.gql(`mutation($o: [OrderImportRow!]!) { importOrders(input: { orders: $o }) { __typename } }`, {
            o: Array.from({ length: 15 }, (_, i) => ({
              externalId: `c-${b}-${i}`,
              fanExternalId: r.pick(hot).externalId,
              amountCents: r.int(1, 50) * 100,
              placedAt: at(),
              communityId: r.next() < 0.8 ? gid('Community', r.pick(groups).id) : null,
              kocFanId: r.next() < 0.3 ? gid('Fan', fans[30 + r.int(0, 3)].id) : null,
            })),
          }),
        ),
    );
    const activity = Array.from(
      { length: 10 },
      () => () =>
        ok(
          t.gql(`mutation($e: [ReportedActivityInput!]!) { recordActivityBatch(input: { events: $e }) { __typename } }`, {
            e: Array.from({ length: 10 }, () => ({
              communityId: gid('Community', r.pick(groups).id),
              fanId: gid('Fan', r.pick(hot).id),
              kind: r.pick(['MESSAGE_POSTED', 'BUYER_SHOW_POSTED', 'KOC_ACTION']),
              count: 1,
              occurredAt: at(),
            })),
          }),
        ),
    );
    const likes = like
      ? hot.map(
          (f) => () =>
            ok(
              t.gql(
                `mutation($c: ID!) { sendLikes(input: { campaignId: $c, taps: 3 }) { __typename } }`,
                { c: gid('Campaign', like.id) },
                `Dev demo/fan:${f.externalId}`,
              ),
            ),
        )
      : [];
    const joins = hot.map(
      (f) => () =>
        t.gql(
          `mutation($c: String!) { joinCommunity(input: { inviteCode: $c }) { __typename } }`,
          { c: r.pick(open).inviteCode },
          `Dev demo/fan:${f.externalId}`,
        ),
    );
    const leaves = members
      .filter((m) => hot.some((f) => f.id === m.fanId))
      .slice(0, 4)
      .map(
        (m) => () =>
          ok(
            t.gql(
              `mutation($c: ID!) { leaveCommunity(input: { communityId: $c }) { __typename } }`,
              { c: gid('Community', m.communityId) },
              `Dev demo/fan:${m.fan.externalId}`,
            ),
          ),
      );
    // The running totals exist before the writers start, and are carried a day further at a time while they
    // write (as the hourly job would, here 12 days per wave): each new row must start from every committed
    // writer's totals, and every later writer must add to it.
    await extendPrefixesNow(t);
    const tomorrow = addDays(localDay(new Date(), (await db.organization.findUniqueOrThrow({ where: { id: t.orgId } })).timeZone), 1);
    let extensions = 0;
    let day = 0;
    const extendWhileWriting = async () => {
      for (let i = 0; i < 12; i++) {
        day++;
        let ok = false;
        for (let attempt = 0; attempt < 500 && !ok; attempt++) {
          const [row] = await t.database.sql.query<{ ok: boolean }>('SELECT insight_prefix_extend($1, $2::date) AS ok', [
            t.orgId,
            addDays(tomorrow, day),
          ]);
          ok = row.ok;
          if (!ok) await new Promise((r) => setTimeout(r, 2));
        }
        if (ok) extensions++;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    // Waves of at most 16 requests (the test app's pool has 20 connections; each mutation holds one).
    await Promise.all([extendWhileWriting(), ...[...imports.slice(0, 10), ...activity.slice(0, 5)].map((f) => f())]);
    await Promise.all([extendWhileWriting(), ...[...imports.slice(10, 20), ...activity.slice(5)].map((f) => f())]);
    await Promise.all([...likes.slice(0, 4), ...joins, ...leaves, ...imports.slice(20)].map((f) => f()));
    await Promise.all(likes.slice(4).map((f) => f()));
    expect(extensions, 'the extension got its turn between writers').toBeGreaterThan(0);
    // Refunds in parallel too (16), on the hot fans' orders.
    const paid = await db.order.findMany({
      where: { orgId: t.orgId, externalId: { startsWith: 'c-' } },
      orderBy: { id: 'asc' },
      select: { id: true },
    });
    await Promise.all(
      paid
        .filter(() => r.next() < 0.25)
        .map((o) => ok(t.gql(`mutation($id: ID!) { refundOrder(input: { orderId: $id }) { __typename } }`, { id: gid('Order', o.id) }))),
    );

    const raw = await loadRaw(t, t.orgId);
    const today = localDay(new Date(), raw.timeZone);
    const windows = [
      { lastDays: 1 },
      { lastDays: 3 },
      { lastDays: 30 },
      { day: addDays(today, -2) },
      { from: addDays(today, -3), to: addDays(today, -1) },
    ];
    let compared = 0;
    for (const w of windows) {
      const { communityRanking: ranking } = await t.ok(
        `query($w: MetricWindowInput!) { communityRanking(window: $w, first: 100) { nodes { community { id } metrics { window { from to } ${METRICS} } } } }`,
        { w },
      );
      expect(ranking.nodes.length).toBe(groups.length);
      for (const n of ranking.nodes) {
        const id = groups.find((g) => gid('Community', g.id) === n.community.id)!.id;
        const { window, ...m } = n.metrics;
        expect({ w, id, ...m }).toEqual({ w, id, ...recompute(raw, { communityIds: [id] }, window.from, window.to) });
        compared++;
      }
      const { organizationMetrics: o } = await t.ok(
        `query($w: MetricWindowInput!) { organizationMetrics(window: $w) { window { from to } ${METRICS} } }`,
        { w },
      );
      const { window, ...m } = o;
      expect({ w, ...m }).toEqual({ w, ...recompute(raw, { org: true }, window.from, window.to) });
    }
    expect(compared).toBe(windows.length * groups.length);
    const all = recompute(raw, { org: true }, addDays(today, -3), today);
    expect(all.buyers).toBeGreaterThan(3);
    expect(all.repeatBuyers).toBeGreaterThan(0);
    expect(all.refunds).toBeGreaterThan(0);
    const kept = await dumpRollups(t);
    expect(kept, 'every block equals the sum of its days').toContain(`"blocksOff":0`);
    expect(kept, 'every running total equals the sum of its days').toContain(`"prefixOff":0`);
    expect(kept, 'every prefixed scope has a row per day through the horizon').toContain(`"prefixGaps":0`);
    expect(kept, 'every scope with days before its first running total is marked').toContain(`"prefixUnmarked":0`);
    await t.database.sql.query('SELECT insight_rebuild($1)', [t.orgId]);
    expect(await dumpRollups(t)).toBe(kept);
  }, 120_000);
});
