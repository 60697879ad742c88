// Shared by the insight tests: a seeded random workload through the API, the base rows it left, and
// every metric recomputed from those rows in plain TypeScript (no rollup table is read here).
import { localDay } from '../../src/checkins/days.js';
import { extendPrefixes } from '../../src/insights/groups/prefix.js';
import { gid } from '../helpers/ids.js';
import type { SeededTestApp } from '../helpers/test-app.js';

export const METRICS =
  'gmvCents orders buyers repeatBuyers repeatPurchaseRate averageOrderValueCents refunds refundedCents messages activeMembers joins leaves membersAtStart churnRate buyerShows complaintsRaised complaintsResolved';

/** A small seeded PRNG (mulberry32), so a failing workload can be replayed. */
export function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (a: number, b: number) => a + Math.floor(next() * (b - a + 1));
  return { next, int, pick: <T>(xs: T[]) => xs[int(0, xs.length - 1)] };
}
type Rng = ReturnType<typeof rng>;

const DAY = 86_400_000;
const ok = (res: any, name: string) => {
  if (res.errors?.length || res.data?.[name]?.__typename === 'DomainError')
    throw new Error(`${name}: ${JSON.stringify(res.errors ?? res.data[name])}`);
  return res.data[name];
};

/** Orders (some refunded) attributed to groups and KOCs (fans at `kocSlice` in id order), reported activity, joins, leaves, likes, check-ins, reservations. */
export async function runWorkload(t: SeededTestApp, r: Rng, { orders = 150, prefix = 'w', kocSlice = [40, 45] } = {}) {
  const db = t.database.prisma;
  const fans = await db.fan.findMany({ where: { orgId: t.orgId }, orderBy: { id: 'asc' }, select: { id: true, externalId: true } });
  const groups = await db.community.findMany({ where: { orgId: t.orgId }, orderBy: { id: 'asc' } });
  const buyers = fans.slice(0, 25);
  const kocs = fans.slice(kocSlice[0], kocSlice[1]);
  const now = Date.now();
  const rows = Array.from({ length: orders }, (_, i) => {
    const fan = r.pick(buyers);
    const koc = r.next() < 0.4 ? r.pick(kocs) : null;
    return {
      externalId: `${prefix}-o${i}`,
      fanExternalId: fan.externalId,
      amountCents: r.int(1, 900) * 100 + r.int(0, 99),
      placedAt: new Date(now - r.int(0, 100) * DAY - r.int(0, DAY - 1)).toISOString(),
      communityId: r.next() < 0.75 ? gid('Community', r.pick(groups).id) : null,
      kocFanId: koc && koc.id !== fan.id ? gid('Fan', koc.id) : null,
    };
  });
  for (let i = 0; i < rows.length; i += 50) {
    ok(
      await t.gql(
        `mutation($o: [OrderImportRow!]!) { importOrders(input: { orders: $o }) { __typename ... on DomainError { code message field } } }`,
        { o: rows.slice(i, i + 50) },
      ),
      'importOrders',
    );
  }
  const imported = await db.order.findMany({
    where: { orgId: t.orgId, externalId: { startsWith: `${prefix}-o` } },
    orderBy: { externalId: 'asc' },
    select: { id: true },
  });
  for (const o of imported.filter(() => r.next() < 0.2)) {
    ok(
      await t.gql(`mutation($id: ID!) { refundOrder(input: { orderId: $id }) { __typename ... on DomainError { code message } } }`, {
        id: gid('Order', o.id),
      }),
      'refundOrder',
    );
  }

  const kinds = ['MESSAGE_POSTED', 'MESSAGE_POSTED', 'BUYER_SHOW_POSTED', 'COMPLAINT_RAISED', 'COMPLAINT_RESOLVED', 'KOC_ACTION', 'LIKE_BURST'];
  const events = Array.from({ length: 80 }, () => ({
    communityId: gid('Community', r.pick(groups).id),
    fanId: r.next() < 0.85 ? gid('Fan', r.pick(fans).id) : null,
    kind: r.pick(kinds),
    count: r.int(1, 20),
    occurredAt: new Date(now - r.int(0, 27) * DAY - r.int(0, DAY - 1)).toISOString(),
  }));
  ok(
    await t.gql(
      `mutation($e: [ReportedActivityInput!]!) { recordActivityBatch(input: { events: $e }) { __typename ... on DomainError { code message field } } }`,
      { e: events },
    ),
    'recordActivityBatch',
  );

  // Joins (open groups) and leaves (any membership), as the fans themselves.
  const open = groups.filter((g) => g.kind === 'FISSION' || g.kind === 'KOC');
  for (const fan of fans.filter(() => r.next() < 0.3)) {
    await t.gql(
      `mutation($c: String!) { joinCommunity(input: { inviteCode: $c }) { __typename } }`,
      { c: r.pick(open).inviteCode },
      `Dev demo/fan:${fan.externalId}`,
    );
  }
  const members = await db.membership.findMany({ where: { orgId: t.orgId, leftAt: null }, orderBy: { id: 'asc' }, include: { fan: true } });
  for (const m of members.filter(() => r.next() < 0.08)) {
    ok(
      await t.gql(
        `mutation($c: ID!) { leaveCommunity(input: { communityId: $c }) { __typename ... on DomainError { code message } } }`,
        { c: gid('Community', m.communityId) },
        `Dev demo/fan:${m.fan.externalId}`,
      ),
      'leaveCommunity',
    );
  }

  // Fan actions without a group: likes, check-ins, reservations.
  const like = await db.campaign.findFirst({ where: { orgId: t.orgId, kind: 'LIKE', status: 'RUNNING' } });
  const session = await db.liveSession.findFirst({ where: { orgId: t.orgId, status: 'SCHEDULED', scheduledAt: { gt: new Date() } } });
  for (const fan of fans.filter(() => r.next() < 0.3)) {
    const as = `Dev demo/fan:${fan.externalId}`;
    const pick = r.int(0, 2);
    if (pick === 0 && like)
      ok(
        await t.gql(
          `mutation($c: ID!) { sendLikes(input: { campaignId: $c, taps: 5 }) { __typename ... on DomainError { code message } } }`,
          { c: gid('Campaign', like.id) },
          as,
        ),
        'sendLikes',
      );
    if (pick === 1) await t.gql(`mutation { checkIn { __typename } }`, {}, as);
    if (pick === 2 && session)
      await t.gql(`mutation($s: ID!) { reserveSession(input: { sessionId: $s }) { __typename } }`, { s: gid('LiveSession', session.id) }, as);
  }
}

/**
 * Every rollup row of the organization (zero rows left behind by take-backs aside), as JSON: the
 * triggers' result, to compare with what the one-pass insight_rebuild makes from the same base rows.
 */
export async function dumpRollups(t: SeededTestApp) {
  const q = (sql: string) => t.database.sql.query<Record<string, unknown>>(sql, [t.orgId]);
  return JSON.stringify([
    await q(
      `SELECT * FROM "InsightDay" WHERE "orgId" = $1 AND ("orders", "gmvCents", "refunds", "refundedCents", "messages", "joins", "leaves", "buyerShows", "complaintsRaised", "complaintsResolved") <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0) ORDER BY "scope", "scopeId", "day"`,
    ),
    await q(`SELECT * FROM "InsightBuyerDay" WHERE "orgId" = $1 AND ("orders", "gmvCents") <> (0, 0) ORDER BY "scope", "scopeId", "day", "fanId"`),
    await q(`SELECT * FROM "InsightActiveDay" WHERE "orgId" = $1 ORDER BY "fanId", "day"`),
    // The distinct rollups kept at commit (20261204000100_insight_fast_windows); nothing left queued.
    await q(
      `SELECT * FROM "InsightDistinctDay" WHERE "orgId" = $1 AND ("activeMembers", "buyers", "repeatBuyers", "lastActive", "lastBuyers", "lastRepeat") <> (0, 0, 0, 0, 0, 0) ORDER BY "scope", "scopeId", "day"`,
    ),
    await q(`SELECT * FROM "InsightMemberDay" WHERE "orgId" = $1 ORDER BY "communityId", "fanId", "day"`),
    await q(`SELECT * FROM "InsightBuyerMark" WHERE "orgId" = $1 ORDER BY "scope", "scopeId", "fanId", "day"`),
    await q(`SELECT * FROM "InsightRecency" WHERE "orgId" = $1 ORDER BY "scope", "scopeId", "fanId"`),
    // Each current member's latest buying day (20261210000100_insight_member_buys).
    await q(`SELECT * FROM "InsightMemberBuy" WHERE "orgId" = $1 ORDER BY "communityId", "fanId"`),
    await q(`SELECT count(*)::int AS pending FROM "InsightPending" WHERE "orgId" = $1`),
    await q(
      `SELECT * FROM "InsightBlock" WHERE "orgId" = $1 AND ("orders", "gmvCents", "refunds", "refundedCents", "messages", "joins", "leaves", "buyerShows", "complaintsRaised", "complaintsResolved") <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0) ORDER BY "scope", "scopeId", "level", "block"`,
    ),
    // Every 8- and 64-day block holds exactly the sum of its InsightDay rows (20261206000500_insight_day_blocks).
    await q(
      `SELECT count(*)::int AS "blocksOff" FROM (
         SELECT "scope", "scopeId", "level", "block", "orders", "gmvCents", "refunds", "refundedCents", "messages", "joins", "leaves", "buyerShows", "complaintsRaised", "complaintsResolved"
         FROM "InsightBlock" WHERE "orgId" = $1
       ) b FULL JOIN (
         SELECT "scope", "scopeId", l.level, ("day" - DATE '1970-01-01') >> l.level AS "block", sum("orders") AS "orders", sum("gmvCents") AS "gmvCents",
           sum("refunds") AS "refunds", sum("refundedCents") AS "refundedCents", sum("messages") AS "messages", sum("joins") AS "joins", sum("leaves") AS "leaves",
           sum("buyerShows") AS "buyerShows", sum("complaintsRaised") AS "complaintsRaised", sum("complaintsResolved") AS "complaintsResolved"
         FROM "InsightDay" CROSS JOIN (VALUES (3::smallint), (6::smallint)) l(level) WHERE "orgId" = $1 GROUP BY 1, 2, 3, 4
       ) d USING ("scope", "scopeId", "level", "block")
       WHERE (b."orders", b."gmvCents", b."refunds", b."refundedCents", b."messages", b."joins", b."leaves", b."buyerShows", b."complaintsRaised", b."complaintsResolved")
         IS DISTINCT FROM (d."orders", d."gmvCents", d."refunds", d."refundedCents", d."messages", d."joins", d."leaves", d."buyerShows", d."complaintsRaised", d."complaintsResolved")
         AND NOT (d."scope" IS NULL AND (b."orders", b."gmvCents", b."refunds", b."refundedCents", b."messages", b."joins", b."leaves", b."buyerShows", b."complaintsRaised", b."complaintsResolved") = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0))`,
    ),
    // Every running total equals the sum of its scope's days up to it, and every prefixed scope has a row for
    // each day from its first through the horizon (20261207000100_insight_prefix).
    await q(
      `SELECT count(*)::int AS "prefixOff" FROM "InsightPrefix" p
       CROSS JOIN LATERAL (SELECT COALESCE(sum(x."orders"), 0) AS a, COALESCE(sum(x."gmvCents"), 0) AS b, COALESCE(sum(x."refunds"), 0) AS c,
           COALESCE(sum(x."refundedCents"), 0) AS d, COALESCE(sum(x."messages"), 0) AS e, COALESCE(sum(x."joins"), 0) AS f, COALESCE(sum(x."leaves"), 0) AS g,
           COALESCE(sum(x."buyerShows"), 0) AS h, COALESCE(sum(x."complaintsRaised"), 0) AS i, COALESCE(sum(x."complaintsResolved"), 0) AS j
         FROM "InsightDay" x WHERE x."scope" = p."scope" AND x."scopeId" = p."scopeId" AND x."day" <= p."day") x
       WHERE p."orgId" = $1 AND (p."orders", p."gmvCents", p."refunds", p."refundedCents", p."messages", p."joins", p."leaves", p."buyerShows", p."complaintsRaised", p."complaintsResolved")
         IS DISTINCT FROM (x.a, x.b, x.c, x.d, x.e, x.f, x.g, x.h, x.i, x.j)`,
    ),
    await q(
      `SELECT count(*)::int AS "prefixGaps" FROM (
         SELECT "scope", "scopeId", min("day") AS a, max("day") AS b, count(*)::int AS n FROM "InsightPrefix" WHERE "orgId" = $1 GROUP BY 1, 2
       ) s LEFT JOIN "InsightPrefixSpan" h ON h."orgId" = $1
       WHERE h."horizon" IS NULL OR s.b <> h."horizon" OR s.n <> s.b - s.a + 1`,
    ),
    // Once the organization has running totals, a scope with days before its first running total, or with
    // days and none, is marked, or readers would count those days as 0 and the KOC leaderboard would not
    // list it (20261208000100_insight_prefix_ranges, 20261209000100_insight_prefix_unseen).
    await q(
      `SELECT count(*)::int AS "prefixUnmarked" FROM (
         SELECT x."scope", x."scopeId", min(x."day") AS a FROM "InsightDay" x JOIN "InsightPrefixSpan" h ON h."orgId" = x."orgId"
         WHERE x."orgId" = $1 GROUP BY 1, 2
       ) s WHERE NOT EXISTS (SELECT 1 FROM "InsightPrefix" p WHERE p."scope" = s."scope" AND p."scopeId" = s."scopeId" AND p."day" <= s.a)
         AND NOT EXISTS (SELECT 1 FROM "InsightPrefixBackdated" b WHERE b."scope" = s."scope" AND b."scopeId" = s."scopeId")`,
    ),
  ]);
}

/** Carries the organization's running totals (InsightPrefix) through tomorrow, as the hourly job does. */
export async function extendPrefixesNow(t: SeededTestApp) {
  const { extended } = await extendPrefixes({ db: t.database.prisma }, new Date(), [t.orgId]);
  if (extended !== 1) throw new Error('the running totals were not extended');
}

export type Raw = Awaited<ReturnType<typeof loadRaw>>;

/** The base rows of one organization (no rollup table). */
export async function loadRaw(t: SeededTestApp, orgId: string) {
  const db = t.database.prisma;
  const { timeZone } = await db.organization.findUniqueOrThrow({ where: { id: orgId } });
  const fanIds = (await db.fan.findMany({ where: { orgId }, select: { id: true } })).map((f) => f.id);
  const mine = { fanId: { in: fanIds } };
  const stamp = (rows: { fanId: string; at: Date }[]) => rows.map((x) => ({ fanId: x.fanId, day: localDay(x.at, timeZone) }));
  const actions = [
    ...stamp((await db.order.findMany({ where: { orgId } })).map((o) => ({ fanId: o.fanId, at: o.placedAt }))),
    ...stamp(
      (await db.activityEvent.findMany({ where: { orgId, fanId: { not: null }, kind: { not: 'MEMBER_LEFT' } } })).map((e) => ({
        fanId: e.fanId!,
        at: e.occurredAt,
      })),
    ),
    ...stamp((await db.likeContribution.findMany({ where: mine })).map((x) => ({ fanId: x.fanId, at: x.updatedAt }))),
    ...stamp((await db.redemption.findMany({ where: mine })).map((x) => ({ fanId: x.fanId, at: x.createdAt }))),
    ...stamp((await db.reservation.findMany({ where: mine })).map((x) => ({ fanId: x.fanId, at: x.createdAt }))),
    ...stamp((await db.wish.findMany({ where: mine })).map((x) => ({ fanId: x.fanId, at: x.createdAt }))),
    ...stamp((await db.wishVote.findMany({ where: mine })).map((x) => ({ fanId: x.fanId, at: x.createdAt }))),
    ...stamp((await db.lotterySpin.findMany({ where: mine })).map((x) => ({ fanId: x.fanId, at: x.createdAt }))),
    ...stamp((await db.checkIn.findMany({ where: mine })).map((x) => ({ fanId: x.fanId, at: x.createdAt }))),
  ];
  return {
    timeZone,
    communities: await db.community.findMany({ where: { orgId }, orderBy: { id: 'asc' } }),
    orders: (await db.order.findMany({ where: { orgId } })).map((o) => ({ ...o, day: localDay(o.placedAt, timeZone) })),
    events: (await db.activityEvent.findMany({ where: { orgId } })).map((e) => ({ ...e, day: localDay(e.occurredAt, timeZone) })),
    memberships: (await db.membership.findMany({ where: { orgId } })).map((m) => ({
      ...m,
      joinDay: localDay(m.joinedAt, timeZone),
      leaveDay: m.leftAt ? localDay(m.leftAt, timeZone) : null,
    })),
    actions,
  };
}

/** Every group metric over [from, to] for some groups together, or for the organization. */
export function recompute(raw: Raw, target: { communityIds?: string[]; org?: boolean }, from: string, to: string) {
  const inGroups = (id: string | null) => target.org || (id !== null && target.communityIds!.includes(id));
  const inWindow = (day: string) => day >= from && day <= to;
  const orders = raw.orders.filter((o) => inGroups(o.communityId) && inWindow(o.day));
  const paid = orders.filter((o) => o.status === 'PAID');
  const refunded = orders.filter((o) => o.status === 'REFUNDED');
  const perBuyer = new Map<string, number>();
  for (const o of paid) perBuyer.set(o.fanId, (perBuyer.get(o.fanId) ?? 0) + 1);
  const events = raw.events.filter((e) => inGroups(e.communityId));
  const sum = (kind: string, pred: (day: string) => boolean) => events.filter((e) => e.kind === kind && pred(e.day)).reduce((s, e) => s + e.count, 0);
  const since = (day: string) => day >= from;
  let active: Set<string>;
  if (target.org) active = new Set(raw.actions.filter((a) => inWindow(a.day)).map((a) => a.fanId));
  else {
    active = new Set();
    for (const m of raw.memberships.filter((m) => target.communityIds!.includes(m.communityId))) {
      const lo = m.joinDay > from ? m.joinDay : from;
      const hi = m.leaveDay && m.leaveDay < to ? m.leaveDay : to;
      if (raw.actions.some((a) => a.fanId === m.fanId && a.day >= lo && a.day <= hi)) active.add(m.fanId);
    }
  }
  const memberCount = raw.communities.filter((c) => inGroups(c.id)).reduce((s, c) => s + c.memberCount, 0);
  const membersAtStart = memberCount - sum('MEMBER_JOINED', since) + sum('MEMBER_LEFT', since);
  const gmvCents = paid.reduce((s, o) => s + o.amountCents, 0);
  const buyers = [...perBuyer.values()].filter((n) => n >= 1).length;
  const repeatBuyers = [...perBuyer.values()].filter((n) => n >= 2).length;
  const joins = sum('MEMBER_JOINED', inWindow);
  const leaves = sum('MEMBER_LEFT', inWindow);
  return {
    gmvCents,
    orders: paid.length,
    buyers,
    repeatBuyers,
    repeatPurchaseRate: buyers ? repeatBuyers / buyers : null,
    averageOrderValueCents: paid.length ? gmvCents / paid.length : null,
    refunds: refunded.length,
    refundedCents: refunded.reduce((s, o) => s + o.amountCents, 0),
    messages: sum('MESSAGE_POSTED', inWindow),
    activeMembers: active.size,
    joins,
    leaves,
    membersAtStart,
    churnRate: membersAtStart + joins > 0 ? leaves / (membersAtStart + joins) : null,
    buyerShows: sum('BUYER_SHOW_POSTED', inWindow),
    complaintsRaised: sum('COMPLAINT_RAISED', inWindow),
    complaintsResolved: sum('COMPLAINT_RESOLVED', inWindow),
  };
}
