// The scale dataset (src/demo/scale.ts) at a small size: what an operator sees through the API agrees
// with itself — a fan's order count with their orders, a balance with the ledger, a group's member
// count with its members, lifecycles with the documented rule — and every kind of group, campaign
// and activity is there. Whole-population checks that the API cannot express in one query run in SQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, type ScaleSummary, seedScale } from '../../src/demo/scale.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

const FANS = 2_000;
const AS = 'Dev scale';
let t: TestApp;
let summary: ScaleSummary;

beforeAll(async () => {
  t = await createTestApp({ defaultAs: AS });
  summary = await seedScale(t.database.sql, { fans: FANS });
});
afterAll(() => t?.dispose());

const sql = <T = Record<string, unknown>>(text: string, params?: unknown[]) => t.database.sql.query<T>(text, params ?? [summary.orgId]);
const count = async (text: string, params?: unknown[]) => Number((await sql<{ n: number }>(text, params))[0].n);

type OrderNode = { amountCents: number; status: string; placedAt: string };
type FanNode = {
  orderCount: number;
  totalSpendCents: number;
  lastOrderAt: string | null;
  pointsBalance: number;
  orders: { totalCount: number; nodes: OrderNode[] };
  pointsEntries: { totalCount: number; nodes: { delta: number; balanceAfter: number }[] };
};

describe('seedScale', () => {
  it('builds the shape asked for: about 3 orders, 2 memberships, 10 events and 2 tags per fan', () => {
    const r = summary.rows;
    expect(r.Fan).toBe(FANS);
    expect(r.Order / FANS).toBeGreaterThan(2.5);
    expect(r.Order / FANS).toBeLessThan(3.5);
    expect(r.Membership / FANS).toBeGreaterThan(1.8);
    expect(r.Membership / FANS).toBeLessThan(2.6);
    expect(r.ActivityEvent / FANS).toBeGreaterThan(8);
    expect(r.ActivityEvent / FANS).toBeLessThan(13);
    expect(r.FanTag / FANS).toBeGreaterThan(1.7);
    expect(r.Reservation / FANS).toBeGreaterThan(0.4);
    expect(r.LikeContribution / FANS).toBeGreaterThan(0.15);
    expect(r.LiveSession).toBe(373);
    expect(r.LineupItem).toBe(3730);
    for (const table of [
      'CheckIn',
      'Redemption',
      'PointsEntry',
      'InviteCode',
      'Invite',
      'LotterySpin',
      'CouponGrant',
      'LikeDraw',
      'Wish',
      'WishVote',
    ]) {
      expect(r[table], table).toBeGreaterThan(0);
    }
  });

  it('shows every kind of group, each with as many members as its member count says', async () => {
    const data = await t.ok<{
      communities: { totalCount: number; nodes: { kind: string; memberCount: number; capacity: number; members: { totalCount: number } }[] };
    }>(`{ communities(first: 100) { totalCount nodes { kind memberCount capacity members(first: 1) { totalCount } } } }`);
    const groups = data.communities.nodes;
    expect(data.communities.totalCount).toBe(20 + FANS / 200);
    expect(new Set(groups.map((g) => g.kind))).toEqual(new Set(['VERTICAL', 'LIKE', 'FISSION', 'VIP', 'KOC', 'SMALL', 'LARGE']));
    expect(groups.filter((g) => g.kind === 'VERTICAL')).toHaveLength(7);
    for (const g of groups) {
      expect(g.members.totalCount).toBe(g.memberCount);
      expect(g.memberCount).toBeLessThanOrEqual(g.capacity);
      if (g.kind === 'SMALL') expect(g.memberCount).toBeLessThanOrEqual(30);
    }
    // Large groups hold about a tenth of the fans each (the KOC group holds the KOCs).
    for (const g of groups.filter((x) => !['SMALL', 'KOC'].includes(x.kind))) {
      expect(g.memberCount).toBeGreaterThan(FANS * 0.06);
      expect(g.memberCount).toBeLessThan(FANS * 0.16);
    }
  });

  it("agrees with a fan's own orders and ledger, for the biggest buyers and the richest point holders", async () => {
    const fields = `orderCount totalSpendCents lastOrderAt pointsBalance
      orders(first: 50) { totalCount nodes { amountCents status placedAt } }
      pointsEntries(first: 1) { totalCount nodes { delta balanceAfter } }`;
    const data = await t.ok<{ buyers: { nodes: FanNode[] }; holders: { nodes: FanNode[] } }>(
      `{ buyers: fans(first: 25, orderBy: { field: ORDER_COUNT }) { nodes { ${fields} } }
         holders: fans(first: 25, orderBy: { field: POINTS_BALANCE }) { nodes { ${fields} } } }`,
    );
    const fans = [...data.buyers.nodes, ...data.holders.nodes];
    expect(fans.some((f) => f.orders.nodes.some((o) => o.status === 'REFUNDED'))).toBe(true);
    for (const f of fans) {
      expect(f.orders.totalCount).toBe(f.orders.nodes.length);
      const paid = f.orders.nodes.filter((o) => o.status === 'PAID');
      expect(f.orderCount).toBe(paid.length);
      expect(f.totalSpendCents).toBe(paid.reduce((s, o) => s + o.amountCents, 0));
      expect(f.lastOrderAt).toBe(
        paid.length
          ? paid
              .map((o) => o.placedAt)
              .sort()
              .at(-1)
          : null,
      );
      expect(f.pointsEntries.nodes[0]?.balanceAfter ?? 0).toBe(f.pointsBalance);
    }
  });

  it('keeps every derived fact equal to the rows it is derived from, for every fan, group, session and campaign', async () => {
    const o = '$1';
    const mismatches = {
      fanOrders:
        await count(`SELECT count(*) AS n FROM "Fan" f LEFT JOIN (SELECT "fanId", count(*) AS n, sum("amountCents") AS s, max("placedAt") AS l FROM "Order" WHERE status = 'PAID' GROUP BY 1) x ON x."fanId" = f.id
        WHERE f."orgId" = ${o} AND (f."orderCount" <> COALESCE(x.n, 0) OR f."totalSpendCents" <> COALESCE(x.s, 0) OR f."lastOrderAt" IS DISTINCT FROM x.l)`),
      fanBalance:
        await count(`SELECT count(*) AS n FROM "Fan" f LEFT JOIN (SELECT "fanId", sum(delta) AS b FROM "PointsEntry" GROUP BY 1) x ON x."fanId" = f.id
        WHERE f."orgId" = ${o} AND f."pointsBalance" <> COALESCE(x.b, 0)`),
      runningBalance:
        await count(`SELECT count(*) AS n FROM (SELECT "balanceAfter", sum(delta) OVER (PARTITION BY "fanId" ORDER BY "createdAt", id) AS run FROM "PointsEntry" WHERE "orgId" = ${o}) e
        WHERE e."balanceAfter" <> e.run OR e."balanceAfter" < 0`),
      memberCount: await count(`SELECT count(*) AS n FROM "Community" c WHERE c."orgId" = ${o}
        AND c."memberCount" <> (SELECT count(*) FROM "Membership" m WHERE m."communityId" = c.id AND m."leftAt" IS NULL)`),
      sessions: await count(`SELECT count(*) AS n FROM "LiveSession" s WHERE s."orgId" = ${o} AND (s."orderCount", s."gmvCents") <>
        (SELECT count(*), COALESCE(sum("amountCents"), 0) FROM "Order" WHERE "liveSessionId" = s.id AND status = 'PAID')`),
      likeTotals: await count(`SELECT count(*) AS n FROM "LikeCampaign" lc JOIN "Campaign" c ON c.id = lc."campaignId" WHERE c."orgId" = ${o}
        AND (lc."totalLikes" <> (SELECT COALESCE(sum(likes), 0) FROM "LikeContribution" WHERE "campaignId" = lc."campaignId") OR lc."milestonesReached" <> lc."totalLikes" / lc."milestoneEvery")`),
      validInvites: await count(`SELECT count(*) AS n FROM "InviteCode" ic WHERE ic."orgId" = ${o}
        AND ic."validInvites" <> (SELECT count(*) FROM "Invite" i WHERE i."inviteCodeId" = ic.id AND i.status = 'COUNTED')`),
      voteCounts: await count(
        `SELECT count(*) AS n FROM "Wish" w WHERE w."orgId" = ${o} AND w."voteCount" <> (SELECT count(*) FROM "WishVote" v WHERE v."wishId" = w.id)`,
      ),
      streaks:
        await count(`SELECT count(*) AS n FROM "Fan" f LEFT JOIN LATERAL (SELECT day, streak FROM "CheckIn" c WHERE c."fanId" = f.id ORDER BY day DESC LIMIT 1) c ON true
        WHERE f."orgId" = ${o} AND (f."lastCheckInDay" IS DISTINCT FROM c.day OR f."checkInStreak" <> COALESCE(c.streak, 0))`),
      selfReferrals: await count(
        `SELECT count(*) AS n FROM "Invite" i JOIN "InviteCode" ic ON ic.id = i."inviteCodeId" WHERE i."orgId" = ${o} AND ic."fanId" = i."inviteeId"`,
      ),
    };
    expect(mismatches).toEqual(Object.fromEntries(Object.keys(mismatches).map((k) => [k, 0])));
  });

  it('leaves no row pointing at a row that does not exist (it is built without per-row foreign-key checks)', async () => {
    const fks = await sql<{ child: string; col: string; parent: string; pcol: string }>(
      `SELECT c.conrelid::regclass::text AS child, a.attname AS col, c.confrelid::regclass::text AS parent, pa.attname AS pcol
       FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1]
       WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace AND array_length(c.conkey, 1) = 1`,
      [],
    );
    expect(fks.length).toBeGreaterThan(40);
    const orphans: Record<string, number> = {};
    for (const fk of fks) {
      const n = await count(
        `SELECT count(*) AS n FROM ${fk.child} x WHERE x."${fk.col}" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${fk.parent} y WHERE y."${fk.pcol}" = x."${fk.col}")`,
        [],
      );
      if (n) orphans[`${fk.child}.${fk.col}`] = n;
    }
    expect(orphans).toEqual({});
  });

  it('gives lifecycles the documented rule gives: recomputing changes none, and the mix is realistic', async () => {
    const data = await t.ok<{ refreshFanLifecycles: { data: Record<string, number> } }>(
      `mutation { refreshFanLifecycles { ... on MutationRefreshFanLifecyclesSuccess { data { new active silent dormant churned changed } } } }`,
    );
    const c = data.refreshFanLifecycles.data;
    expect(c.changed).toBe(0);
    expect(c.active / FANS).toBeGreaterThan(0.5);
    expect(c.active / FANS).toBeLessThan(0.7);
    expect(c.churned / FANS).toBeGreaterThan(0.01);
    expect(c.churned / FANS).toBeLessThan(0.06);
    for (const stage of ['new', 'silent', 'dormant']) expect(c[stage], stage).toBeGreaterThan(0);
    const repeat = await t.ok<{ fans: { totalCount: number } }>(`{ fans(filter: { minOrders: 2 }, first: 1) { totalCount } }`);
    expect(repeat.fans.totalCount / FANS).toBeGreaterThan(0.3);
    expect(repeat.fans.totalCount / FANS).toBeLessThan(0.4);
    const kocs = await t.ok<{ fans: { totalCount: number } }>(`{ fans(filter: { isKoc: true }, first: 1) { totalCount } }`);
    expect(kocs.fans.totalCount / FANS).toBeGreaterThan(0.005);
    expect(kocs.fans.totalCount / FANS).toBeLessThan(0.02);
  });

  it('has a campaign of every kind, with reproducible like draws and a feed of every kind of activity', async () => {
    const data = await t.ok<{
      campaigns: {
        nodes: {
          kind: string;
          like: {
            totalLikes: number;
            milestonesReached: number;
            participantCount: number;
            topContributors: { likes: number }[];
            draws: { verified: boolean; winners: { id: string }[] }[];
          } | null;
        }[];
      };
    }>(
      `{ campaigns(first: 20) { nodes { kind like { totalLikes milestonesReached participantCount topContributors(first: 5) { likes } draws { verified winners { id } } } } } }`,
    );
    const kinds = new Set(data.campaigns.nodes.map((c) => c.kind));
    expect(kinds).toEqual(new Set(['LIKE', 'FISSION', 'CHECK_IN', 'LOTTERY', 'COUPON']));
    const like = data.campaigns.nodes.map((c) => c.like).filter((l) => l && l.participantCount > FANS * 0.1)[0]!;
    expect(like.draws.length).toBe(like.milestonesReached);
    expect(like.draws.length).toBeGreaterThan(0);
    for (const d of like.draws) {
      expect(d.verified).toBe(true);
      expect(d.winners).toHaveLength(3);
    }
    const likes = like.topContributors.map((c) => c.likes);
    expect(likes).toEqual([...likes].sort((a, b) => b - a));

    const kinds11 = [
      'MEMBER_JOINED',
      'MEMBER_LEFT',
      'MESSAGE_POSTED',
      'BUYER_SHOW_POSTED',
      'CHECK_IN',
      'LIKE_BURST',
      'RESERVATION_MADE',
      'REWARD_REDEEMED',
      'KOC_ACTION',
      'COMPLAINT_RAISED',
      'COMPLAINT_RESOLVED',
    ];
    const feed = await t.ok<Record<string, { nodes: { count: number }[] }>>(
      `{ ${kinds11.map((k) => `${k}: activity(kinds: [${k}], first: 1) { nodes { count } }`).join(' ')} }`,
    );
    for (const k of kinds11) expect(feed[k].nodes, k).toHaveLength(1);
  });

  it('refuses to overwrite an organization unless asked, and rebuilds the same data when asked', async () => {
    const now = new Date();
    const first = await seedScale(t.database.sql, { fans: 300, slug: 'scale-b', now });
    await expect(seedScale(t.database.sql, { fans: 300, slug: 'scale-b', now })).rejects.toThrow(/already exists.*--replace/);
    expect(await countRows(t.database.sql, first.orgId)).toEqual(first.rows);
    const again = await seedScale(t.database.sql, { fans: 300, slug: 'scale-b', now, replace: true });
    expect(again.rows).toEqual(first.rows);
    // The other organization is untouched.
    expect(await countRows(t.database.sql, summary.orgId)).toEqual(summary.rows);
  });

  it('rolls large groups over at the chat platform capacity, each family keeping the same members and orders', async () => {
    const now = new Date();
    const plain = await seedScale(t.database.sql, { fans: 400, slug: 'scale-p', now });
    const rolled = await seedScale(t.database.sql, { fans: 400, slug: 'scale-r', now, groupSize: 15 });
    // Random draws keyed by row numbers are the same in both (those keyed by slug-prefixed ids, like activity, differ).
    // Invites too: the referral group's invitees are found across its family once it has rolled over.
    for (const table of ['Fan', 'Membership', 'Order', 'Invite']) expect(rolled.rows[table], table).toBe(plain.rows[table]);
    expect(rolled.rows.Invite).toBeGreaterThan(0);
    expect(rolled.rows.Community).toBeGreaterThan(plain.rows.Community + 20);

    // As the rolled organization's operator: groups hold at most 15 members, and each large group's
    // family is one rollover chain (each group rolled over to the next).
    type Group = { id: string; name: string; kind: string; memberCount: number; rolledOverTo: { id: string } | null };
    const { communities } = await t.ok<{ communities: { totalCount: number; nodes: Group[] } }>(
      `{ communities(first: 100) { totalCount nodes { id name kind memberCount rolledOverTo { id } } } }`,
      {},
      'Dev scale-r',
    );
    expect(communities.totalCount).toBe(rolled.rows.Community);
    // SMALL groups hold up to 30 by design; every other group, the referral campaign's included, at most 15.
    for (const g of communities.nodes) if (g.kind !== 'SMALL') expect(g.memberCount, g.name).toBeLessThanOrEqual(15);
    const chained = communities.nodes.filter((g) => / \(\d+\)$/.test(g.name));
    expect(chained.length).toBe(rolled.rows.Community - plain.rows.Community);
    const targets = new Set(communities.nodes.map((g) => g.rolledOverTo?.id).filter(Boolean));
    for (const g of chained) expect(targets.has(g.id), g.name).toBe(true);

    // Per family (a large group and the groups it rolled over to) and fan: the same memberships and the
    // same attributed orders as the organization built without rollover.
    const family = (column: string, slug: string) => `regexp_replace(substr(${column}, ${slug.length + 2}), '_r[0-9]+$', '')`;
    const families = (slug: string) =>
      sql<{ f: string; fan: string; members: number; orders: number }>(
        `SELECT f, fan, sum(members)::int AS members, sum(orders)::int AS orders FROM (
           SELECT ${family('"communityId"', slug)} AS f, substr("fanId", ${slug.length + 2}) AS fan, 1 AS members, 0 AS orders FROM "Membership" WHERE "orgId" = $1
           UNION ALL
           SELECT ${family('"communityId"', slug)}, substr("fanId", ${slug.length + 2}), 0, 1 FROM "Order" WHERE "orgId" = $1 AND "communityId" IS NOT NULL
         ) x GROUP BY 1, 2 ORDER BY 1, 2`,
        [slug === 'scale-p' ? plain.orgId : rolled.orgId],
      );
    const [a, b] = await Promise.all([families('scale-p'), families('scale-r')]);
    expect(b.length).toBeGreaterThan(100);
    expect(b).toEqual(a);
  });

  it('refuses a bad size or slug before writing anything', async () => {
    await expect(seedScale(t.database.sql, { fans: 10 })).rejects.toThrow(/fans/);
    await expect(seedScale(t.database.sql, { fans: 1000, slug: "x'; DROP" })).rejects.toThrow(/slug/);
    expect(await count(`SELECT count(*) AS n FROM "Organization" WHERE id <> $1 AND slug NOT IN ('scale-b', 'scale-p', 'scale-r')`)).toBe(0);
  });
});
