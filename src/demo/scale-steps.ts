// The statements that build the scale dataset, in order (see scale.ts for the shape and scale-sql.ts
// for the per-fan plan every statement derives from). Derived facts are never generated separately:
// a fan's order facts, points balance and lifecycle, a group's member count and a campaign's totals are
// computed from the rows themselves by aggregate UPDATEs at the end.

import { OPERATOR_TAGS, PRODUCTS, REGIONS, SKIN, THEMES, VERTICALS } from './catalogue.js';
import {
  ACTIVITY_KINDS,
  arr,
  COUPON_START_DAYS,
  cancelled,
  FISSION_START_DAYS,
  fanPlan,
  ids,
  kocsCte,
  LOTTERY_START_DAYS,
  lit,
  orderRows,
  productName,
  productPrice,
  rnd,
  rnd2,
  rndId,
  type ScaleContext,
  todaySh,
  todayUtc,
} from './scale-sql.js';

export interface Step {
  name: string;
  sql: string;
  /** Runs alongside the step before it (no dependency between them): PostgreSQL uses both cores. */
  parallel?: boolean;
}

/** The 20 large groups, numbered 1…20; SMALL groups follow from 21. */
export const LARGE_GROUPS: { name: string; kind: string; category?: string; minOrders?: number; minIntimacy?: number; lifecycle?: string }[] = [
  ...VERTICALS.map((category) => ({
    name: `${category} Lovers`,
    kind: 'VERTICAL',
    category,
    minOrders: 2,
    lifecycle: category === 'Travel' ? 'DECLINING' : 'ACTIVE',
  })),
  { name: 'Like Squad', kind: 'LIKE', minIntimacy: 50 },
  { name: 'Like Squad 2', kind: 'LIKE', minIntimacy: 50 },
  { name: 'Free Cola Club', kind: 'FISSION' },
  { name: 'Free Cola Club 2', kind: 'FISSION' },
  { name: 'VIP Lounge', kind: 'VIP', minOrders: 5 },
  { name: 'VIP Lounge 2', kind: 'VIP', minOrders: 5 },
  { name: 'KOC Circle', kind: 'KOC' },
  ...[1, 2, 3, 4, 5, 6].map((n) => ({ name: `Lumi Fans #${n}`, kind: 'LARGE', lifecycle: n === 6 ? 'ACTIVATING' : 'ACTIVE' })),
];
/** The referral campaign's group (Free Cola Club): invitees join it. */
const FISSION_GROUP = 10;

export const OPERATORS = [
  { key: 'owner', name: 'Mia Zhang', role: 'OWNER', persona: null },
  { key: 'admin', name: 'Chen Wei', role: 'ADMIN', persona: null },
  { key: 'jujube', name: 'Zao Li', role: 'OPERATOR', persona: 'Assistant Jujube' },
  { key: 'peach', name: 'Tao Wang', role: 'OPERATOR', persona: 'Assistant Peach' },
  { key: 'mango', name: 'Guo Liu', role: 'OPERATOR', persona: 'Assistant Mango' },
  { key: 'analyst', name: 'Sun Qi', role: 'ANALYST', persona: null },
] as const;

const REWARDS: [name: string, shelf: string, cost: number, stock: number][] = [
  ['Full-size repair serum', 'ASPIRATIONAL', 3000, 10],
  ['Premium cream 50ml', 'ASPIRATIONAL', 4500, 5],
  ['Face towels ×3', 'ESSENTIALS', 300, 500],
  ['Cotton bedding set', 'ESSENTIALS', 1800, 40],
  ['Travel toiletry kit', 'ESSENTIALS', 500, 200],
  ['Winter slippers', 'SEASONAL', 400, 150],
  ['Mite remover', 'SEASONAL', 2200, 30],
];
const WISHES = [
  'Silk eye mask',
  'Retinol night cream',
  'Bamboo toothbrushes',
  'Down pillow',
  'Rice cooker',
  'Matcha set',
  'Yoga mat',
  'Phone tripod',
];

export function campaignIds(p: string) {
  return {
    likeEnded: `${p}_cp_like_1`,
    likeLive: `${p}_cp_like_2`,
    likeNext: `${p}_cp_like_3`,
    fission: `${p}_cp_fission`,
    checkIn: `${p}_cp_checkin`,
    lottery: `${p}_cp_lottery`,
    coupon: `${p}_cp_coupon`,
    couponOld: `${p}_cp_coupon_0`,
  };
}

export function smallGroupCount(fans: number) {
  return Math.max(1, Math.floor(fans / 200));
}

export function buildSteps(c: ScaleContext): Step[] {
  const { p, now } = c;
  const org = lit(c.orgId);
  const id = ids(c);
  const cp = campaignIds(p);
  const N = c.fans;
  const G = smallGroupCount(N);
  const ago = (d: number | string) => `(${now} - (${d}) * INTERVAL '1 day')`;
  const op = (key: string) => lit(`${p}_op_${key}`);
  const plan = `plan AS MATERIALIZED (${fanPlan(c)})`;
  const session = (k: number) => `(${todayUtc(c)}::timestamp + INTERVAL '12 hours' + ${k} * INTERVAL '1 day')`;
  const fanIdx = (fanId: string) => `substr(${fanId}, ${p.length + 4})::int`;

  return [
    {
      name: 'operators, tags, rewards, segments',
      sql: `
      INSERT INTO "Operator" (id, "orgId", email, "displayName", persona, role, "createdAt") VALUES
        ${OPERATORS.map((o, n) => `(${op(o.key)}, ${org}, ${lit(`${o.key}@${p}.test`)}, ${lit(o.name)}, ${o.persona ? lit(o.persona) : 'NULL'}, '${o.role}', ${ago(800 - n)})`).join(',\n')};
      INSERT INTO "Tag" (id, "orgId", name, "createdAt")
        SELECT ${lit(`${p}_t_`)} || lpad(n::text, 2, '0'), ${org}, name, ${ago(800)} FROM unnest(${arr([...REGIONS, ...SKIN, ...OPERATOR_TAGS])}) WITH ORDINALITY AS t(name, n);
      INSERT INTO "Reward" (id, "orgId", name, description, shelf, "costPoints", stock, "createdAt") VALUES
        ${REWARDS.map(([name, shelf, cost, stock], n) => `(${lit(`${p}_rw_${n + 1}`)}, ${org}, ${lit(name)}, ${lit(`${name}, shipped within 7 days.`)}, '${shelf}', ${cost}, ${stock}, ${ago(400)})`).join(',\n')};
      INSERT INTO "Segment" (id, "orgId", name, filter, "createdAt") VALUES
        (${lit(`${p}_sg_1`)}, ${org}, 'Dormant big spenders', '{"lifecycles":["DORMANT"],"minSpendCents":100000}', ${ago(30)}),
        (${lit(`${p}_sg_2`)}, ${org}, 'Quiet repeat buyers', '{"lifecycles":["SILENT","DORMANT"],"minOrders":2}', ${ago(20)}),
        (${lit(`${p}_sg_3`)}, ${org}, 'KOCs', '{"isKoc":true}', ${ago(10)})`,
    },
    {
      name: 'live sessions and line-ups',
      sql: `
      INSERT INTO "LiveSession" (id, "orgId", title, host, theme, status, "scheduledAt", "startedAt", "endedAt", viewers, likes, "orderCount", "gmvCents", "createdAt")
      SELECT ${id.session('k')}, ${org}, theme || ' live', CASE WHEN k % 2 = 0 THEN 'Lumi' ELSE 'Lumi & Jujube' END, theme, status::"LiveSessionStatus", at,
        CASE WHEN status IN ('ENDED', 'LIVE') THEN at END, CASE WHEN status = 'ENDED' THEN at + INTERVAL '3 hours' END,
        CASE WHEN status IN ('ENDED', 'LIVE') THEN 8000 + floor(${rnd('k + 2000', 1)} * 7000)::int ELSE 0 END,
        CASE WHEN status = 'ENDED' THEN 200000 + floor(${rnd('k + 2000', 2)} * 700000)::int WHEN status = 'LIVE' THEN 50000 ELSE 0 END,
        0, 0, at - INTERVAL '14 days'
      FROM (
        SELECT k, ${arr(THEMES)}[1 + ((k + 3647) % ${THEMES.length})] AS theme, ${session(0)} + k * INTERVAL '1 day' AS at,
          CASE WHEN k < 0 THEN CASE WHEN ${cancelled('k')} THEN 'CANCELLED' ELSE 'ENDED' END
               WHEN k > 0 THEN 'SCHEDULED'
               WHEN ${now} >= ${session(0)} + INTERVAL '3 hours' THEN 'ENDED'
               WHEN ${now} >= ${session(0)} THEN 'LIVE' ELSE 'SCHEDULED' END AS status
        FROM generate_series(-365, 7) k
      ) s;
      INSERT INTO "LineupItem" (id, "orgId", "sessionId", "productName", sku, "priceCents", "slotAt", position, "onSaleAt")
      SELECT ${id.item('k', 'pos')}, ${org}, ${id.session('k')}, ${productName('pi')}, 'SKU-' || lpad(pi::text, 3, '0'), ${productPrice('pi')},
        at + pos * INTERVAL '15 minutes', pos,
        CASE WHEN at + pos * INTERVAL '15 minutes' <= ${now} AND (k < 0 AND NOT ${cancelled('k')} OR k = 0) THEN at + pos * INTERVAL '15 minutes' END
      FROM (SELECT k, pos, ((k + 3650) * 5 + pos) % ${PRODUCTS.length} AS pi, ${session(0)} + k * INTERVAL '1 day' AS at
            FROM generate_series(-365, 7) k CROSS JOIN generate_series(0, 9) pos) s`,
    },
    {
      name: 'communities',
      sql: `
      INSERT INTO "Community" (id, "orgId", name, kind, category, capacity, "minOrders", "minIntimacy", rules, lifecycle, "ownerId", "inviteCode", "memberCount", "createdAt")
      SELECT ${id.community('n')}, ${org}, name, kind::"CommunityKind", category, 500, min_orders, min_intimacy,
        'Rename yourself "region-skin type", be kind, no ads.', lifecycle::"CommunityLifecycle",
        (${arr(OPERATORS.filter((o) => o.role !== 'ANALYST').map((o) => `${p}_op_${o.key}`))})[1 + n % 5], ${lit(`${p.toUpperCase()}-G`)} || n, 0, ${ago(731)}
      FROM (VALUES ${LARGE_GROUPS.map((g, n) => `(${n + 1}, ${lit(g.name)}, '${g.kind}', ${g.category ? lit(g.category) : 'NULL'}, ${g.minOrders ?? 0}, ${g.minIntimacy ?? 0}, '${g.lifecycle ?? 'ACTIVE'}')`).join(', ')}
      ) g(n, name, kind, category, min_orders, min_intimacy, lifecycle)
      UNION ALL
      SELECT ${id.community('20 + s')}, ${org}, ${arr(REGIONS)}[1 + s % ${REGIONS.length}] || ' ' || ${arr(SKIN)}[1 + s % ${SKIN.length}] || ' circle #' || s, 'SMALL', NULL, 30, 0, 0,
        'Precise members only; introduce yourself.',
        (CASE WHEN ${rnd('s', 60)} < 0.7 THEN 'ACTIVE' WHEN ${rnd('s', 60)} < 0.8 THEN 'ACTIVATING' WHEN ${rnd('s', 60)} < 0.92 THEN 'DECLINING' ELSE 'DORMANT' END)::"CommunityLifecycle",
        (${arr(OPERATORS.filter((o) => o.role === 'OPERATOR').map((o) => `${p}_op_${o.key}`))})[1 + s % 3], ${lit(`${p.toUpperCase()}-G`)} || (20 + s), 0, ${ago(731)}
      FROM generate_series(1, ${G}) s;
      INSERT INTO "CommunityAssistant" ("communityId", "operatorId")
      SELECT c.id, o.id FROM "Community" c JOIN "Operator" o ON o."orgId" = ${org}
      WHERE c."orgId" = ${org} AND o.role = 'OPERATOR' AND o.id IS DISTINCT FROM c."ownerId"
        AND (c.kind <> 'SMALL' OR o.id = ${op('jujube')})`,
    },
    {
      name: 'campaigns',
      sql: `
      INSERT INTO "Campaign" (id, "orgId", kind, name, status, "communityId", "liveSessionId", "startsAt", "endsAt", "createdAt") VALUES
        (${lit(cp.likeEnded)}, ${org}, 'LIKE', 'Last night: 100k likes', 'ENDED', ${id.community('8')}, ${id.session('-1')}, ${session(-1)}, ${session(-1)} + INTERVAL '3 hours', ${session(-3)}),
        (${lit(cp.likeLive)}, ${org}, 'LIKE', 'Tonight: 100k likes', 'RUNNING', ${id.community('9')}, ${id.session('0')}, ${session(0)}, NULL, ${session(-2)}),
        (${lit(cp.likeNext)}, ${org}, 'LIKE', 'Tomorrow: like rain', 'SCHEDULED', ${id.community('8')}, ${id.session('1')}, ${session(1)}, NULL, ${ago(1)}),
        (${lit(cp.fission)}, ${org}, 'FISSION', 'Invite 5, get a free cola', 'RUNNING', ${id.community(String(FISSION_GROUP))}, NULL, ${ago(FISSION_START_DAYS)}, ${ago(-14)}, ${ago(FISSION_START_DAYS + 2)}),
        (${lit(cp.checkIn)}, ${org}, 'CHECK_IN', 'Daily check-in', 'RUNNING', NULL, NULL, ${ago(90)}, NULL, ${ago(91)}),
        (${lit(cp.lottery)}, ${org}, 'LOTTERY', 'Friday member-day wheel', 'RUNNING', NULL, NULL, ${ago(LOTTERY_START_DAYS)}, ${ago(-1)}, ${ago(LOTTERY_START_DAYS + 1)}),
        (${lit(cp.coupon)}, ${org}, 'COUPON', '3 off 99', 'RUNNING', NULL, NULL, ${ago(COUPON_START_DAYS)}, ${ago(-7)}, ${ago(COUPON_START_DAYS + 1)}),
        (${lit(cp.couponOld)}, ${org}, 'COUPON', '20 off 199 (withdrawn)', 'CANCELLED', NULL, NULL, ${ago(60)}, ${ago(50)}, ${ago(61)});
      INSERT INTO "LikeCampaign" ("campaignId", "targetLikes", "milestoneEvery", "winnersPerMilestone", "perFanWinCap") VALUES
        (${lit(cp.likeEnded)}, ${100 * N}, ${20 * N}, 3, 1), (${lit(cp.likeLive)}, 100000, 10000, 3, 1), (${lit(cp.likeNext)}, 200000, 20000, 5, 1);
      INSERT INTO "FissionCampaign" ("campaignId", "targetInvites", "prizeName") VALUES (${lit(cp.fission)}, 5, 'Free cola (6-pack)');
      INSERT INTO "CheckInCampaign" ("campaignId", "pointsPerCheckIn", "streakBonuses") VALUES (${lit(cp.checkIn)}, 10, '{"7": 50, "30": 300}');
      INSERT INTO "LotteryCampaign" ("campaignId", "perFanDailyCap", "perFanTotalCap", "missWeight") VALUES (${lit(cp.lottery)}, 1, 3, 60);
      INSERT INTO "Prize" (id, "orgId", "campaignId", name, weight, stock) VALUES
        (${lit(`${p}_pz_1`)}, ${org}, ${lit(cp.lottery)}, 'Full-size essence', 1, 3),
        (${lit(`${p}_pz_2`)}, ${org}, ${lit(cp.lottery)}, 'Face towel', 10, 57),
        (${lit(`${p}_pz_3`)}, ${org}, ${lit(cp.lottery)}, '20 points', 30, 5000);
      INSERT INTO "Coupon" ("campaignId", title, "discountCents", "minSpendCents", "validUntil") VALUES
        (${lit(cp.coupon)}, '¥3 off orders over ¥99', 300, 9900, ${ago(-7)}), (${lit(cp.couponOld)}, '¥20 off orders over ¥199', 2000, 19900, ${ago(50)})`,
    },
    {
      name: 'fans',
      sql: `
      WITH ${plan}
      INSERT INTO "Fan" (id, "orgId", "externalId", "displayName", region, "skinType", source, "isKoc", "optedOut", lifecycle, intimacy,
        "pointsBalance", "checkInStreak", "lastCheckInDay", "orderCount", "totalSpendCents", "lastOrderAt", "lastActiveAt", "createdAt", "updatedAt")
      SELECT ${id.fan('i')}, ${org}, 'u' || lpad(i::text, ${c.width}, '0'),
        CASE WHEN region IS NULL OR skin IS NULL THEN person ELSE region || '-' || skin || '·' || person END, region, skin,
        (CASE WHEN invitee THEN 'REFERRAL' WHEN r_source < 0.5 THEN 'LIVE_ROOM' WHEN r_source < 0.65 THEN 'POSTER' WHEN r_source < 0.85 THEN 'GROUP_QR'
              WHEN r_source < 0.95 OR age < ${FISSION_START_DAYS} THEN 'IMPORT' ELSE 'REFERRAL' END)::"FanSource",
        koc_draw AND k >= 2, opted_out, 'NEW',
        (CASE bucket WHEN 'a' THEN 20 + floor(r_intimacy * 80) + 5 * LEAST(k, 10) WHEN 's' THEN floor(r_intimacy * 40) + 3 * LEAST(k, 10)
              ELSE floor(r_intimacy * 20) + 2 * LEAST(k, 10) END)::int + CASE WHEN koc_draw AND k >= 2 THEN 60 ELSE 0 END + ci_len,
        0, ci_len, CASE WHEN ci_len > 0 THEN ci_last END, 0, 0, NULL, last_at, created, ${now}
      FROM plan`,
    },
    {
      name: 'orders',
      sql: `
      SET LOCAL work_mem = '64MB';
      WITH ${plan}, ${kocsCte}
      INSERT INTO "Order" (id, "orgId", "externalId", "fanId", "amountCents", "itemCount", items, status, "placedAt", "refundedAt", "liveSessionId", "communityId", "kocId", "createdAt")
      SELECT ${lit(`${p}_o_`)} || lpad(o.i::text, ${c.width}, '0') || '_' || lpad(o.j::text, 2, '0'), ${org}, 'PO' || lpad(o.i::text, ${c.width}, '0') || '-' || o.j, ${id.fan('o.i')},
        ${productPrice('o.pi')} * o.qty, o.qty,
        jsonb_build_array(jsonb_build_object('name', ${productName('o.pi')}, 'priceCents', ${productPrice('o.pi')}, 'quantity', o.qty)),
        (CASE WHEN o.refunded THEN 'REFUNDED' ELSE 'PAID' END)::"OrderStatus", o.placed_at,
        CASE WHEN o.refunded THEN LEAST(o.placed_at + o.refund_days * INTERVAL '1 day', ${now}) END,
        o.session_id, o.community_id, CASE WHEN kocs.koc_i <> o.i THEN ${id.fan('kocs.koc_i')} END, o.placed_at
      FROM (${orderRows(c)}) o LEFT JOIN kocs ON kocs.rn = o.koc_pick`,
    },
    {
      name: 'check-ins',
      parallel: true,
      sql: `
      WITH ${plan}
      INSERT INTO "CheckIn" (id, "orgId", "campaignId", "fanId", day, streak, points, "createdAt")
      SELECT ${lit(`${p}_ci_`)} || lpad(i::text, ${c.width}, '0') || '_' || lpad(m::text, 2, '0'), ${org}, ${lit(cp.checkIn)}, ${id.fan('i')},
        ci_last - m, ci_len - m, 10 + CASE ci_len - m WHEN 7 THEN 50 WHEN 30 THEN 300 ELSE 0 END,
        ((ci_last - m)::timestamp - INTERVAL '8 hours') + INTERVAL '9 hours' + ${rnd2('i', 'm', 53)} * INTERVAL '10 hours'
      FROM plan CROSS JOIN LATERAL generate_series(0, ci_len - 1) m
      WHERE ci_len > 0`,
    },
    {
      name: 'memberships',
      sql: `
      SET LOCAL work_mem = '64MB';
      WITH ${plan},
        paid AS (SELECT "fanId", count(*)::int AS n FROM "Order" WHERE "orgId" = ${org} AND status = 'PAID' GROUP BY 1),
        x AS (
          SELECT pl.i, pl.bucket, pl.last_at, pl.created, pl.invitee, f.id AS fan_id, f."isKoc" AS is_koc, f.intimacy, COALESCE(paid.n, 0) AS n_paid,
            1 + floor(${rnd('pl.i', 45)} * 7)::int AS v1, floor(${rnd('pl.i', 46)} * 6)::int AS v2off
          FROM plan pl JOIN "Fan" f ON f.id = ${id.fan('pl.i')} LEFT JOIN paid ON paid."fanId" = f.id
        ),
        m AS (
          SELECT x.*, g.n AS g,
            CASE WHEN g.n = ${FISSION_GROUP} AND x.invitee THEN x.created + (x.last_at - x.created) * 0.1
                 ELSE x.created + (x.last_at - x.created) * ${rnd2('x.i', 'g.n', 40)} END AS joined_at
          FROM x CROSS JOIN LATERAL (VALUES
            (x.v1, x.n_paid >= 2), (1 + (x.v1 + x.v2off) % 7, x.n_paid >= 2),
            (8 + x.i % 2, x.intimacy >= 50 AND ${rnd('x.i', 47)} < 0.4),
            (10 + x.i % 2, NOT x.invitee AND ${rnd('x.i', 48)} < 0.2), (${FISSION_GROUP}, x.invitee),
            (12 + x.i % 2, x.n_paid >= 5), (14, x.is_koc),
            (15 + floor(${rnd('x.i', 49)} * 6)::int, ${rnd('x.i', 44)} < 0.6 OR x.bucket = 'c')
          ) g(n, ok)
          WHERE g.ok
        )
      INSERT INTO "Membership" (id, "orgId", "communityId", "fanId", role, "joinedAt", "leftAt")
      SELECT ${lit(`${p}_m_`)} || lpad(m.i::text, ${c.width}, '0') || '_' || lpad(m.g::text, 2, '0'), ${org}, ${id.community('m.g')}, m.fan_id,
        (CASE WHEN m.is_koc THEN 'KOC' ELSE 'MEMBER' END)::"MemberRole", m.joined_at,
        CASE WHEN m.bucket = 'c' THEN m.last_at
             WHEN m.g = ${FISSION_GROUP} AND m.invitee THEN CASE WHEN ${rnd('m.i', 43)} < 0.1 THEN m.joined_at + (m.last_at - m.joined_at) * ${rnd('m.i', 42)} END
             WHEN ${rnd2('m.i', 'm.g', 41)} < 0.035 THEN m.joined_at + (m.last_at - m.joined_at) * ${rnd2('m.i', 'm.g', 39)} END
      FROM m;
      WITH ${plan}
      INSERT INTO "Membership" (id, "orgId", "communityId", "fanId", role, "joinedAt", "leftAt")
      SELECT ${lit(`${p}_ms_`)} || lpad(s::text, 5, '0') || '_' || lpad(j::text, 2, '0'), ${org}, ${id.community('20 + s')}, ${id.fan('pl.i')},
        (CASE WHEN pl.koc_draw AND pl.k >= 2 THEN 'KOC' ELSE 'MEMBER' END)::"MemberRole", pl.created + (pl.last_at - pl.created) * ${rnd2('s', 'j', 40)},
        CASE WHEN pl.bucket = 'c' THEN pl.last_at
             WHEN ${rnd2('s', 'j', 41)} < 0.05 THEN pl.created + (pl.last_at - pl.created) * (0.5 + 0.5 * ${rnd2('s', 'j', 40)}) END
      FROM generate_series(1, ${G}) s CROSS JOIN LATERAL generate_series(1, 10 + floor(${rnd('s', 42)} * 21)::int) j
      JOIN plan pl ON pl.i = 1 + ((s::bigint * 104729 + j * ${Math.floor(N / 31) + 1}) % ${N})
      ON CONFLICT ("communityId", "fanId") DO NOTHING;
      UPDATE "Membership" m SET role = (CASE WHEN r.rn = 1 THEN 'OWNER' ELSE 'ASSISTANT' END)::"MemberRole"
      FROM (SELECT id, row_number() OVER (PARTITION BY "communityId" ORDER BY "joinedAt", id) AS rn
            FROM "Membership" WHERE "orgId" = ${org} AND "leftAt" IS NULL AND role = 'MEMBER') r
      WHERE m.id = r.id AND r.rn <= 4`,
    },
    ...(c.groupSize ? [rolloverStep(c)] : []),
    {
      // A redemption never spends more than what the fan had earned by then from paid orders and
      // check-ins, so the running balance stays ≥ 0 whatever refunds come later (refunds only take
      // back points of refunded orders, which are not counted here).
      name: 'redemptions',
      parallel: true,
      sql: `
      INSERT INTO "Redemption" (id, "orgId", "fanId", "rewardId", points, status, "idempotencyKey", "createdAt")
      SELECT c.id || '_rd', ${org}, c.id, r.id, r."costPoints", 'COMPLETED', 'redeem-1', c.t
      FROM (
        SELECT f.id, GREATEST(f."createdAt" + INTERVAL '1 day', ${now} - (0.25 + ${rndId('f.id', 63)} * 60) * INTERVAL '1 day') AS t
        FROM "Fan" f WHERE f."orgId" = ${org} AND ${rndId('f.id', 62)} < 0.12 AND f."createdAt" < ${ago(2)}
      ) c
      CROSS JOIN LATERAL (
        SELECT (SELECT COALESCE(sum(o."amountCents" / 100), 0) FROM "Order" o WHERE o."fanId" = c.id AND o.status = 'PAID' AND o."placedAt" < c.t)
             + (SELECT COALESCE(sum(ci.points), 0) FROM "CheckIn" ci WHERE ci."fanId" = c.id AND ci."createdAt" < c.t) AS earned
      ) e
      CROSS JOIN LATERAL (SELECT r.id, r."costPoints" FROM "Reward" r WHERE r."orgId" = ${org} AND r."costPoints" <= e.earned ORDER BY hashtext(c.id || r.id) LIMIT 1) r`,
    },
    {
      name: 'points ledger',
      sql: `
      SET LOCAL work_mem = '128MB';
      INSERT INTO "PointsEntry" (id, "orgId", "fanId", delta, "balanceAfter", reason, reference, "idempotencyKey", note, "createdAt")
      SELECT id, ${org}, fan_id, delta, (sum(delta) OVER (PARTITION BY fan_id ORDER BY created_at, id))::int, reason::"PointsReason", reference, key, note, created_at
      FROM (
        SELECT o.id || '_pe' AS id, o."fanId" AS fan_id, (o."amountCents" / 100) AS delta, 'ORDER' AS reason, 'order:' || o.id AS reference,
          'order:' || o.id AS key, 'Order ' || o."externalId" AS note, o."placedAt" AS created_at
        FROM "Order" o WHERE o."orgId" = ${org}
        UNION ALL
        SELECT o.id || '_rf', o."fanId", -(o."amountCents" / 100), 'REFUND', 'order:' || o.id, 'order-refund:' || o.id, 'Refund of order ' || o."externalId", o."refundedAt"
        FROM "Order" o WHERE o."orgId" = ${org} AND o.status = 'REFUNDED'
        UNION ALL
        SELECT ci.id || '_pe', ci."fanId", ci.points, 'CHECK_IN', 'checkin:' || ci.id, 'checkin:' || ci."fanId" || ':' || ci.day,
          CASE WHEN ci.points > 10 THEN 'Check-in ' || ci.day || ': day ' || ci.streak || ' of the streak, +' || (ci.points - 10) || ' bonus' ELSE 'Check-in ' || ci.day END, ci."createdAt"
        FROM "CheckIn" ci WHERE ci."orgId" = ${org}
        UNION ALL
        SELECT f.id || '_gift', f.id, 100, 'GIFT', 'gift:welcome-' || f.id, 'gift:welcome-' || f.id, 'Welcome gift', f."createdAt" + INTERVAL '2 hours'
        FROM "Fan" f WHERE f."orgId" = ${org} AND ${rndId('f.id', 64)} < 0.02
        UNION ALL
        SELECT r.id || '_pe', r."fanId", -r.points, 'REDEMPTION', 'redemption:' || r.id, 'redemption:' || r.id, NULL, r."createdAt"
        FROM "Redemption" r WHERE r."orgId" = ${org}
      ) e`,
    },
    {
      name: 'activity events',
      parallel: true,
      sql: `
      INSERT INTO "ActivityEvent" (id, "orgId", "communityId", "fanId", kind, count, payload, "occurredAt")
      SELECT e.id, ${org}, e.community_id, e.fan_id, e.kind::"ActivityKind",
        CASE e.kind WHEN 'MESSAGE_POSTED' THEN 1 + floor(e.r2 * 20)::int WHEN 'LIKE_BURST' THEN 10 + floor(e.r2 * 490)::int ELSE 1 END,
        CASE WHEN e.kind IN ('COMPLAINT_RAISED', 'COMPLAINT_RESOLVED') THEN jsonb_build_object('complaintId', 'cp-' || e.id) END,
        e.lo + (e.hi - e.lo) * e.r3
      FROM (
        SELECT r.*, CASE ${ACTIVITY_KINDS.map(([kind, upTo]) => `WHEN r.r1 < ${upTo} THEN '${kind}'`).join(' ')} ELSE 'MESSAGE_POSTED' END AS kind
        FROM (
          SELECT m.id || '_a' || n AS id, m."communityId" AS community_id, m."fanId" AS fan_id, m.lo, m.hi,
            ${rnd2('m.h', 'n', 91)} AS r1, ${rnd2('m.h', 'n', 92)} AS r2, ${rnd2('m.h', 'n', 93)} AS r3
          FROM (
            SELECT m.id, m."communityId", m."fanId", hashtext(m.id)::bigint AS h,
              GREATEST(${ago(90)}, m."joinedAt") AS lo, LEAST(f."lastActiveAt", COALESCE(m."leftAt", ${now})) AS hi
            FROM "Membership" m JOIN "Fan" f ON f.id = m."fanId" WHERE m."orgId" = ${org}
          ) m CROSS JOIN LATERAL generate_series(1, floor(${rnd('m.h', 90)} * 13)::int) n
          WHERE m.hi > m.lo
        ) r
      ) e`,
    },
    {
      name: 'like contributions and totals',
      parallel: true,
      sql: `
      INSERT INTO "LikeContribution" ("campaignId", "fanId", likes, "updatedAt")
      SELECT ${lit(cp.likeEnded)}, f.id, 1 + floor(${rndId('f.id', 71)} ^ 3 * 2000)::int, ${session(-1)} + ${rndId('f.id', 72)} * INTERVAL '3 hours'
      FROM "Fan" f WHERE f."orgId" = ${org} AND ${rndId('f.id', 70)} < 0.2 AND f."createdAt" < ${session(-1)}
      UNION ALL
      SELECT ${lit(cp.likeLive)}, f.id, 1 + floor(${rndId('f.id', 74)} * 50)::int, LEAST(${now}, ${session(0)} + ${rndId('f.id', 75)} * INTERVAL '1 hour')
      FROM "Fan" f WHERE f."orgId" = ${org} AND ${rndId('f.id', 73)} < 0.01 AND ${now} > ${session(0)} AND f."createdAt" < ${session(0)};
      UPDATE "LikeCampaign" lc SET "totalLikes" = t.total, "milestonesReached" = t.total / lc."milestoneEvery"
      FROM (SELECT "campaignId", sum(likes)::int AS total FROM "LikeContribution" WHERE "campaignId" IN (${lit(cp.likeEnded)}, ${lit(cp.likeLive)}) GROUP BY 1) t
      WHERE lc."campaignId" = t."campaignId"`,
    },
    {
      // Invitees are the REFERRAL fans who joined after the campaign started; they joined its group
      // through the invite, and those who left it since have their invite voided (as the service does).
      name: 'referral codes and invites',
      parallel: true,
      sql: `
      INSERT INTO "InviteCode" (id, "orgId", "campaignId", "fanId", code, "createdAt")
      SELECT f.id || '_ic', ${org}, ${lit(cp.fission)}, f.id, 'SC' || upper(substr(md5(${lit(p)} || ':' || f.id), 1, 14)),
        ${ago(FISSION_START_DAYS)} + ${rndId('f.id', 81)} * INTERVAL '1 hour'
      FROM "Fan" f WHERE f."orgId" = ${org} AND ${rndId('f.id', 80)} < 0.05 AND f."createdAt" < ${ago(FISSION_START_DAYS)};
      WITH codes AS (SELECT id, "fanId", row_number() OVER (ORDER BY id) AS rn FROM "InviteCode" WHERE "campaignId" = ${lit(cp.fission)}),
        n AS (SELECT count(*)::int AS n FROM codes),
        picks AS (
          SELECT f.id AS invitee, m."joinedAt" AS at, m."leftAt" AS left_at, 1 + floor(${rndId('f.id', 82)} ^ 3 * n.n)::int AS rn, n.n
          FROM "Fan" f JOIN "Membership" m ON m."fanId" = f.id
            AND (m."communityId" = ${id.community(String(FISSION_GROUP))} OR m."communityId" LIKE ${id.community(String(FISSION_GROUP))} || '\\_r%') CROSS JOIN n
          WHERE f."orgId" = ${org} AND f.source = 'REFERRAL' AND f."createdAt" > ${ago(FISSION_START_DAYS)} AND n.n > 1
        )
      INSERT INTO "Invite" (id, "orgId", "campaignId", "inviteCodeId", "inviteeId", status, "createdAt", "voidedAt")
      SELECT pk.invitee || '_inv', ${org}, ${lit(cp.fission)}, c.id, pk.invitee, (CASE WHEN pk.left_at IS NULL THEN 'COUNTED' ELSE 'VOIDED' END)::"InviteStatus", pk.at, pk.left_at
      FROM picks pk JOIN codes c0 ON c0.rn = pk.rn
      JOIN codes c ON c.rn = CASE WHEN c0."fanId" = pk.invitee THEN pk.rn % pk.n + 1 ELSE pk.rn END;
      UPDATE "InviteCode" ic SET "validInvites" = v.n,
        "claimedAt" = CASE WHEN v.n >= 5 AND ${rndId('ic.id', 83)} < 0.6 THEN LEAST(${now}, v.fifth + INTERVAL '2 hours') END,
        "shippingAddress" = CASE WHEN v.n >= 5 AND ${rndId('ic.id', 83)} < 0.6 THEN jsonb_build_object('name', 'Fan ' || ic."fanId", 'phone', '138' || lpad(((hashtext(ic.id) & 2147483647) % 100000000)::text, 8, '0'), 'province', 'Zhejiang', 'city', 'Hangzhou', 'address', (1 + (hashtext(ic.id) & 2147483647) % 300) || ' Wensan Road') END
      FROM (SELECT "inviteCodeId", count(*)::int AS n, (array_agg("createdAt" ORDER BY "createdAt"))[5] AS fifth FROM "Invite" WHERE "campaignId" = ${lit(cp.fission)} AND status = 'COUNTED' GROUP BY 1) v
      WHERE ic.id = v."inviteCodeId";
      UPDATE "Fan" f SET "referredById" = ic."fanId" FROM "Invite" i JOIN "InviteCode" ic ON ic.id = i."inviteCodeId"
      WHERE i."campaignId" = ${lit(cp.fission)} AND f.id = i."inviteeId"`,
    },
    {
      name: 'lottery spins, coupons, reservations, wishes',
      parallel: true,
      sql: `
      INSERT INTO "LotterySpin" (id, "orgId", "campaignId", "fanId", "prizeId", day, seed, "createdAt")
      SELECT f.id || '_sp' || m, ${org}, ${lit(cp.lottery)}, f.id,
        CASE WHEN w < 1 THEN ${lit(`${p}_pz_1`)} WHEN w < 11 THEN ${lit(`${p}_pz_2`)} WHEN w < 41 THEN ${lit(`${p}_pz_3`)} END,
        ${todaySh(c)} - m, md5(f.id || ':' || m), ((${todaySh(c)} - m)::timestamp - INTERVAL '8 hours') + INTERVAL '9 hours' + ${rnd2('hashtext(f.id)', 'm', 86)} * INTERVAL '12 hours'
      FROM "Fan" f CROSS JOIN LATERAL generate_series(1, 1 + (hashtext(f.id) & 2147483647) % 3) m
      CROSS JOIN LATERAL (SELECT ${rnd2('hashtext(f.id)', 'm', 85)} * 101 AS w) x
      WHERE f."orgId" = ${org} AND ${rndId('f.id', 84)} < 0.1 AND f."createdAt" < ${ago(LOTTERY_START_DAYS)};
      INSERT INTO "CouponGrant" (id, "orgId", "campaignId", "fanId", "issuedAt", "redeemedAt", "orderId")
      SELECT g.fan_id || '_cg', ${org}, ${lit(cp.coupon)}, g.fan_id, g.issued, o."placedAt", o.id
      FROM (SELECT f.id AS fan_id, ${ago(COUPON_START_DAYS)} + ${rndId('f.id', 88)} * INTERVAL '1 day' AS issued, ${rndId('f.id', 89)} < 0.7 AS uses
            FROM "Fan" f WHERE f."orgId" = ${org} AND ${rndId('f.id', 87)} < 0.2 AND f."createdAt" < ${ago(COUPON_START_DAYS)}) g
      LEFT JOIN LATERAL (SELECT o.id, o."placedAt" FROM "Order" o WHERE g.uses AND o."fanId" = g.fan_id AND o.status = 'PAID' AND o."placedAt" > g.issued
                           AND o."amountCents" >= 9900 ORDER BY o."placedAt" LIMIT 1) o ON true;
      INSERT INTO "Reservation" (id, "orgId", "fanId", "sessionId", "itemId", "targetId", "createdAt")
      SELECT r.fan_id || '_rs', ${org}, r.fan_id, ${id.session('r.k')}, CASE WHEN r.item THEN ${id.item('r.k', 'r.pos')} END,
        CASE WHEN r.item THEN ${id.item('r.k', 'r.pos')} ELSE ${id.session('r.k')} END, r.at
      FROM (SELECT f.id AS fan_id, 1 + (hashtext(f.id) & 2147483647) % 7 AS k, ${rndId('f.id', 101)} < 0.4 AS item, (hashtext(f.id || 'pos') & 2147483647) % 10 AS pos,
              GREATEST(f."createdAt", ${ago(7)}) + (${now} - GREATEST(f."createdAt", ${ago(7)})) * ${rndId('f.id', 102)} AS at
            FROM "Fan" f WHERE f."orgId" = ${org} AND ${rndId('f.id', 100)} < 0.5) r;
      INSERT INTO "Wish" (id, "orgId", "fanId", "productName", "normalizedName", status, "voteCount", "fulfilledByItemId", "createdAt")
      SELECT ${lit(`${p}_w_`)} || w, ${org}, f.id, name, lower(name), (CASE WHEN ful THEN 'FULFILLED' ELSE 'OPEN' END)::"WishStatus", 0,
        CASE WHEN ful THEN ${id.item(`-1 - (w % 300)`, 'w % 10')} END, GREATEST(f."createdAt", ${ago(365)}) + INTERVAL '1 hour'
      FROM (SELECT w, ${arr(WISHES)}[1 + w % ${WISHES.length}] || ' no. ' || w AS name, ${rnd('w', 103)} < 0.1 AND NOT ${cancelled('-1 - (w % 300)')} AS ful
            FROM generate_series(1, ${Math.max(5, Math.floor(N / 100))}) w) x
      JOIN "Fan" f ON f.id = ${id.fan(`1 + (w::bigint * 7919) % ${N}`)};
      INSERT INTO "WishVote" ("wishId", "fanId", "createdAt")
      SELECT w.id, CASE WHEN v = 0 THEN w."fanId" ELSE ${id.fan(`1 + (${fanIdx('w.id')}::bigint * 7919 + v * 104729) % ${N}`)} END, w."createdAt" + v * INTERVAL '1 minute'
      FROM "Wish" w CROSS JOIN LATERAL generate_series(0, (hashtext(w.id) & 2147483647) % 20) v
      WHERE w."orgId" = ${org}
      ON CONFLICT DO NOTHING;
      UPDATE "Wish" w SET "voteCount" = v.n FROM (SELECT "wishId", count(*)::int AS n FROM "WishVote" v JOIN "Wish" w ON w.id = v."wishId" WHERE w."orgId" = ${org} GROUP BY 1) v
      WHERE w.id = v."wishId"`,
    },
    {
      // Facts derived from the rows, never generated on their own: what the API and its services keep in step.
      name: 'derived facts (fans, groups, sessions, tags)',
      sql: `
      SET LOCAL work_mem = '128MB';
      UPDATE "Fan" f SET "orderCount" = a.n, "totalSpendCents" = a.cents, "lastOrderAt" = a.last_order, "pointsBalance" = a.balance,
        lifecycle = (CASE
          WHEN a.has_membership AND NOT a.has_current THEN 'CHURNED'
          WHEN f."createdAt" > ${ago(7)} THEN 'NEW'
          WHEN GREATEST(f."lastActiveAt", a.last_order) > ${ago(30)} THEN 'ACTIVE'
          WHEN COALESCE(GREATEST(f."lastActiveAt", a.last_order), f."createdAt") > ${ago(90)} THEN 'SILENT'
          ELSE 'DORMANT' END)::"FanLifecycle"
      FROM (
        SELECT x.id, COALESCE(o.n, 0) AS n, COALESCE(o.cents, 0) AS cents, o.last_order, COALESCE(pe.balance, 0) AS balance,
          m."fanId" IS NOT NULL AS has_membership, COALESCE(m.cur, false) AS has_current
        FROM "Fan" x
        LEFT JOIN (SELECT "fanId", count(*)::int AS n, sum("amountCents")::int AS cents, max("placedAt") AS last_order FROM "Order"
                   WHERE "orgId" = ${org} AND status = 'PAID' GROUP BY 1) o ON o."fanId" = x.id
        LEFT JOIN (SELECT "fanId", sum(delta)::int AS balance FROM "PointsEntry" WHERE "orgId" = ${org} GROUP BY 1) pe ON pe."fanId" = x.id
        LEFT JOIN (SELECT "fanId", bool_or("leftAt" IS NULL) AS cur FROM "Membership" WHERE "orgId" = ${org} GROUP BY 1) m ON m."fanId" = x.id
        WHERE x."orgId" = ${org}
      ) a WHERE f.id = a.id;
      UPDATE "Community" c SET "memberCount" = x.n,
        capacity = CASE WHEN c.kind = 'SMALL' THEN 30 WHEN c.id = ${id.community(String(FISSION_GROUP))} THEN GREATEST(x.n, 1) ELSE GREATEST(500, ceil(x.n * 1.2 / 500.0)::int * 500) END
      FROM (SELECT c2.id, count(m.id) FILTER (WHERE m."leftAt" IS NULL)::int AS n FROM "Community" c2 LEFT JOIN "Membership" m ON m."communityId" = c2.id
            WHERE c2."orgId" = ${org} GROUP BY c2.id) x
      WHERE c.id = x.id;
      UPDATE "Community" SET "rolledOverFromId" = ${id.community(String(FISSION_GROUP))} WHERE id = ${id.community(String(FISSION_GROUP + 1))}
        AND NOT EXISTS (SELECT 1 FROM "Community" WHERE "rolledOverFromId" = ${id.community(String(FISSION_GROUP))});
      UPDATE "LiveSession" s SET "orderCount" = o.n, "gmvCents" = o.cents
      FROM (SELECT "liveSessionId", count(*)::int AS n, sum("amountCents")::int AS cents FROM "Order" WHERE "orgId" = ${org} AND status = 'PAID' AND "liveSessionId" IS NOT NULL GROUP BY 1) o
      WHERE s.id = o."liveSessionId";
      INSERT INTO "FanTag" ("orgId", "fanId", "tagId", source, "createdAt")
      SELECT ${org}, f.id, t.id, 'SELF'::"TagSource", f."createdAt" + INTERVAL '1 hour' FROM "Fan" f JOIN "Tag" t ON t."orgId" = ${org} AND t.name = f.region WHERE f."orgId" = ${org}
      UNION ALL
      SELECT ${org}, f.id, t.id, 'SELF'::"TagSource", f."createdAt" + INTERVAL '61 minutes' FROM "Fan" f JOIN "Tag" t ON t."orgId" = ${org} AND t.name = f."skinType" WHERE f."orgId" = ${org}
      UNION ALL
      SELECT ${org}, f.id, t.id, 'OPERATOR'::"TagSource", f."lastOrderAt" FROM "Fan" f JOIN "Tag" t ON t."orgId" = ${org} AND t.name = 'big spender'
      WHERE f."orgId" = ${org} AND f."totalSpendCents" > 200000
      UNION ALL
      SELECT ${org}, f.id, t.id, 'OPERATOR'::"TagSource", f."createdAt" + INTERVAL '2 days' FROM "Fan" f
      JOIN "Tag" t ON t."orgId" = ${org} AND t.name = (${arr(OPERATOR_TAGS.slice(1))})[1 + (hashtext(f.id) & 2147483647) % ${OPERATOR_TAGS.length - 1}]
      WHERE f."orgId" = ${org} AND ${rndId('f.id', 65)} < 0.1 AND f."createdAt" < ${ago(2)}`,
    },
  ];
}

/**
 * Large groups rolled over at the chat platform's capacity (ScaleOptions.groupSize): each of the 20 large
 * groups keeps its first `groupSize` memberships (by join time) and the later ones move to new groups of
 * the same kind, `<group>_r1`, `_r2` … (named "<group> (2)" …), each rolled over from the one before, as a full group's invite code
 * does (the referral campaign's group included: its invitees join its family). Orders attributed to a large group go to the buyer's own group of that family, or to one of the
 * family's groups by hash when the buyer is not a member. Runs before activity, likes and invites, which
 * are drawn from memberships.
 */
function rolloverStep(c: ScaleContext): Step {
  const org = lit(c.orgId);
  const id = ids(c);
  // The referral campaign's group too: without a cap it held every invitee (36,533 members at 300k fans),
  // a group the platform's cap of 200 or 500 rules out, and every KOC in it reached them all.
  const rolling = LARGE_GROUPS.map((_, n) => n + 1);
  const large = `ARRAY[${rolling.map((n) => id.community(String(n))).join(', ')}]`;
  return {
    name: `large groups rolled over at ${c.groupSize} members`,
    sql: `
      SET LOCAL work_mem = '64MB';
      CREATE TEMP TABLE rollover ON COMMIT DROP AS
        SELECT m.id, m."fanId", m."communityId" AS base,
          ((row_number() OVER (PARTITION BY m."communityId" ORDER BY m."joinedAt", m.id) - 1) / ${c.groupSize})::int AS k
        FROM "Membership" m WHERE m."orgId" = ${org} AND m."communityId" = ANY(${large});
      CREATE TEMP TABLE family ON COMMIT DROP AS SELECT base, max(k) + 1 AS n FROM rollover GROUP BY base;
      INSERT INTO "Community" (id, "orgId", name, kind, category, capacity, "minOrders", "minIntimacy", rules, lifecycle, "ownerId",
        "inviteCode", "memberCount", "rolledOverFromId", "createdAt")
      SELECT c.id || '_r' || s.k, c."orgId", c.name || ' (' || (s.k + 1) || ')', c.kind, c.category, c.capacity, c."minOrders", c."minIntimacy",
        c.rules, c.lifecycle, c."ownerId", c."inviteCode" || '-' || s.k, 0,
        CASE WHEN s.k = 1 THEN c.id ELSE c.id || '_r' || (s.k - 1) END, c."createdAt" + s.k * INTERVAL '1 day'
      FROM family f CROSS JOIN LATERAL generate_series(1, f.n - 1) s(k) JOIN "Community" c ON c.id = f.base;
      INSERT INTO "CommunityAssistant" ("communityId", "operatorId")
      SELECT a."communityId" || '_r' || s.k, a."operatorId"
      FROM family f JOIN "CommunityAssistant" a ON a."communityId" = f.base CROSS JOIN LATERAL generate_series(1, f.n - 1) s(k);
      UPDATE "Membership" m SET "communityId" = r.base || '_r' || r.k FROM rollover r WHERE m.id = r.id AND r.k > 0;
      UPDATE "Order" o SET "communityId" = r.base || '_r' || r.k
      FROM rollover r WHERE o."orgId" = ${org} AND o."communityId" = r.base AND o."fanId" = r."fanId" AND r.k > 0;
      UPDATE "Order" o SET "communityId" = o."communityId" || '_r' || ((hashtext(o.id) & 2147483647) % f.n)
      FROM family f WHERE o."orgId" = ${org} AND o."communityId" = f.base AND f.n > 1
        AND NOT EXISTS (SELECT 1 FROM rollover r WHERE r.base = f.base AND r."fanId" = o."fanId")
        AND (hashtext(o.id) & 2147483647) % f.n > 0;
      UPDATE "Membership" m SET role = (CASE WHEN x.rn = 1 THEN 'OWNER' ELSE 'ASSISTANT' END)::"MemberRole"
      FROM (SELECT id, row_number() OVER (PARTITION BY "communityId" ORDER BY "joinedAt", id) AS rn
            FROM "Membership" WHERE "orgId" = ${org} AND "communityId" IN (SELECT DISTINCT base || '_r' || k FROM rollover WHERE k > 0) AND "leftAt" IS NULL AND role = 'MEMBER') x
      WHERE m.id = x.id AND x.rn <= 4`,
  };
}
