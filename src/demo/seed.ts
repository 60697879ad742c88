// Demo organization: seven vertical groups, a like group, a fission group, VIP and KOC groups,
// ~1,000 fans with orders, tags and points, a week of live sessions and one campaign of each kind.
// Deterministic (seeded PRNG) and idempotent: an existing "demo" organization is left untouched.
import type { Db } from '../core/db.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { CommunityKind, FanLifecycle, FanSource } from '../generated/prisma/enums.js';
import { NAMES, OPERATOR_TAGS, PRODUCTS, REGIONS, SKIN, THEMES, VERTICALS } from './catalogue.js';

export const DEMO_SLUG = 'demo';

function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
  };
}

const DAY = 86_400_000;

export interface SeedOptions {
  /** Organization slug; tests seed a second tenant under another slug. */
  slug?: string;
  name?: string;
  fans?: number;
  now?: Date;
}

export async function seedDemo(db: Db, opts: SeedOptions = {}): Promise<{ created: boolean; orgId: string }> {
  const slug = opts.slug ?? DEMO_SLUG;
  const existing = await db.organization.findUnique({ where: { slug } });
  if (existing) return { created: false, orgId: existing.id };
  const fanCount = opts.fans ?? 1000;
  const now = opts.now ?? new Date();
  const r = prng(20261122);

  const orgId = await db.$transaction(async (tx) => {
    const org = await tx.organization.create({ data: { slug, name: opts.name ?? 'Lumi Live (demo)', timeZone: 'Asia/Shanghai' } });
    const o = org.id;
    const [owner, jujube] = await Promise.all([
      tx.operator.create({ data: { orgId: o, email: `owner@${slug}.test`, displayName: 'Mia Zhang', role: 'OWNER' } }),
      tx.operator.create({ data: { orgId: o, email: `jujube@${slug}.test`, displayName: 'Zao Li', persona: 'Assistant Jujube', role: 'OPERATOR' } }),
    ]);
    await tx.operator.createMany({
      data: [
        { orgId: o, email: `admin@${slug}.test`, displayName: 'Chen Wei', role: 'ADMIN' },
        { orgId: o, email: `analyst@${slug}.test`, displayName: 'Sun Qi', role: 'ANALYST' },
      ],
    });

    // Tags
    const tagNames = [...REGIONS, ...SKIN, ...OPERATOR_TAGS];
    await tx.tag.createMany({ data: tagNames.map((name) => ({ orgId: o, name })) });
    const tags = new Map((await tx.tag.findMany({ where: { orgId: o } })).map((t) => [t.name, t.id]));

    // Communities
    const communityRows: Prisma.CommunityCreateManyInput[] = [
      ...VERTICALS.map((category, i) => ({
        name: `${category} Lovers`,
        kind: 'VERTICAL' as CommunityKind,
        category,
        capacity: 500,
        minOrders: 2,
        lifecycle: i < 5 ? ('ACTIVE' as const) : ('ACTIVATING' as const),
      })),
      { name: 'Like Squad', kind: 'LIKE' as CommunityKind, capacity: 200, minIntimacy: 50, lifecycle: 'ACTIVE' as const },
      { name: 'Free Cola Club', kind: 'FISSION' as CommunityKind, capacity: 500, lifecycle: 'ACTIVE' as const },
      { name: 'VIP Lounge', kind: 'VIP' as CommunityKind, capacity: 200, minOrders: 5, lifecycle: 'ACTIVE' as const },
      { name: 'KOC Circle', kind: 'KOC' as CommunityKind, capacity: 200, lifecycle: 'ACTIVE' as const },
    ].map((c, i) => ({
      ...c,
      orgId: o,
      ownerId: i % 2 ? jujube.id : owner.id,
      inviteCode: `${slug.toUpperCase()}${String(i + 1).padStart(3, '0')}`,
      rules: 'Rename yourself "region-skin type", be kind, no ads.',
    }));
    await tx.community.createMany({ data: communityRows });
    const communities = await tx.community.findMany({ where: { orgId: o }, orderBy: { inviteCode: 'asc' } });
    const byKind = (k: CommunityKind) => communities.filter((c) => c.kind === k);
    await tx.communityAssistant.createMany({ data: communities.map((c) => ({ communityId: c.id, operatorId: jujube.id })) });

    // Live sessions: three days back, today, three days ahead, 20:00 Shanghai (12:00 UTC).
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 12);
    const sessions = [];
    for (let d = -3; d <= 3; d++) {
      const at = new Date(today + d * DAY);
      const past = d < 0;
      sessions.push(
        await tx.liveSession.create({
          data: {
            orgId: o,
            title: `${THEMES[(d + 3) % THEMES.length]} live`,
            host: d % 2 ? 'Lumi' : 'Lumi & Jujube',
            theme: THEMES[(d + 3) % THEMES.length],
            status: past ? 'ENDED' : 'SCHEDULED',
            scheduledAt: at,
            startedAt: past ? at : null,
            endedAt: past ? new Date(at.getTime() + 3 * 3_600_000) : null,
            viewers: past ? r.int(8_000, 15_000) : 0,
            likes: past ? r.int(200_000, 900_000) : 0,
            items: {
              create: Array.from({ length: 6 }, (_, i) => {
                const [productName, priceCents] = PRODUCTS[(i + d + 3) % PRODUCTS.length];
                return {
                  orgId: o,
                  productName,
                  priceCents,
                  position: i,
                  slotAt: new Date(at.getTime() + i * 20 * 60_000),
                  onSaleAt: past ? new Date(at.getTime() + i * 20 * 60_000) : null,
                };
              }),
            },
          },
        }),
      );
    }
    const pastSessions = sessions.slice(0, 3);

    // Fans with orders
    const fans: Prisma.FanCreateManyInput[] = [];
    const orders: Prisma.OrderCreateManyInput[] = [];
    const ledger: Prisma.PointsEntryCreateManyInput[] = [];
    const fanTags: Prisma.FanTagCreateManyInput[] = [];
    const memberships: Prisma.MembershipCreateManyInput[] = [];
    const sessionTotals = new Map<string, { orders: number; gmv: number }>();
    for (let i = 0; i < fanCount; i++) {
      const id = `${slug}fan${String(i + 1).padStart(5, '0')}`;
      const region = r.pick(REGIONS);
      const skin = r.pick(SKIN);
      const joinedDaysAgo = r.int(1, 180);
      const createdAt = new Date(now.getTime() - joinedDaysAgo * DAY);
      // Skewed: most fans have a few orders, a few have many.
      const n = Math.min(Math.floor(-Math.log(1 - r.next()) * 3), 15);
      let spend = 0;
      let last: Date | null = null;
      let balance = 0;
      // Chronological, so each ledger entry's balanceAfter follows the one before it.
      const times = Array.from({ length: n }, () => now.getTime() - r.int(0, Math.min(joinedDaysAgo, 120)) * DAY - r.int(0, DAY - 1)).sort(
        (a, b) => a - b,
      );
      for (let k = 0; k < n; k++) {
        const placedAt = new Date(times[k]);
        const amount = r.int(29, 899) * 100;
        const session = r.next() < 0.3 ? r.pick(pastSessions) : null;
        const externalId = `${id}-o${k + 1}`;
        const orderId = `${id}o${k + 1}`;
        orders.push({
          id: orderId,
          orgId: o,
          externalId,
          fanId: id,
          amountCents: amount,
          itemCount: r.int(1, 3),
          placedAt,
          liveSessionId: session?.id,
          communityId: r.next() < 0.4 ? r.pick(byKind('VERTICAL')).id : null,
        });
        if (session) {
          const t = sessionTotals.get(session.id) ?? { orders: 0, gmv: 0 };
          sessionTotals.set(session.id, { orders: t.orders + 1, gmv: t.gmv + amount });
        }
        spend += amount;
        if (!last || placedAt > last) last = placedAt;
        balance += Math.floor(amount / 100);
        ledger.push({
          orgId: o,
          fanId: id,
          delta: Math.floor(amount / 100),
          balanceAfter: balance,
          reason: 'ORDER',
          reference: `order:${orderId}`,
          idempotencyKey: `order:${orderId}`,
          createdAt: placedAt,
        });
      }
      const activeDaysAgo = last ? Math.floor((now.getTime() - last.getTime()) / DAY) : joinedDaysAgo;
      const lifecycle: FanLifecycle = joinedDaysAgo < 7 ? 'NEW' : activeDaysAgo < 30 ? 'ACTIVE' : activeDaysAgo < 90 ? 'SILENT' : 'DORMANT';
      const isKoc = n >= 4 && r.next() < 0.3;
      fans.push({
        id,
        orgId: o,
        externalId: `u${100000 + i}`,
        displayName: `${region}-${skin}·${r.pick(NAMES)}${i}`,
        region,
        skinType: skin,
        source: r.pick(['LIVE_ROOM', 'LIVE_ROOM', 'POSTER', 'REFERRAL', 'GROUP_QR'] as FanSource[]),
        isKoc,
        lifecycle,
        intimacy: r.int(0, 40) + n * 8 + (isKoc ? 60 : 0),
        pointsBalance: balance,
        orderCount: n,
        totalSpendCents: spend,
        lastOrderAt: last,
        lastActiveAt: last,
        createdAt,
      });
      fanTags.push(
        { orgId: o, fanId: id, tagId: tags.get(region)!, source: 'SELF' },
        { orgId: o, fanId: id, tagId: tags.get(skin)!, source: 'SELF' },
      );
      if (spend > 200_000) fanTags.push({ orgId: o, fanId: id, tagId: tags.get('big spender')!, source: 'OPERATOR' });
      if (r.next() < 0.1) fanTags.push({ orgId: o, fanId: id, tagId: tags.get(r.pick(OPERATOR_TAGS.slice(1)))!, source: 'OPERATOR' });
      // Vertical groups admit fans with ≥ 2 orders, as the operators do.
      const joined = new Set<string>();
      if (n >= 2) for (let g = r.int(1, 2); g > 0; g--) joined.add(r.pick(byKind('VERTICAL')).id);
      if (r.next() < 0.15) joined.add(byKind('FISSION')[0].id);
      if (isKoc) joined.add(byKind('KOC')[0].id);
      for (const communityId of joined)
        memberships.push({ orgId: o, communityId, fanId: id, role: isKoc ? 'KOC' : 'MEMBER', joinedAt: new Date(createdAt.getTime() + DAY) });
    }
    // The like group takes the most engaged fans; VIP the biggest spenders.
    const byIntimacy = [...fans].sort((a, b) => (b.intimacy ?? 0) - (a.intimacy ?? 0)).slice(0, 150);
    for (const f of byIntimacy) memberships.push({ orgId: o, communityId: byKind('LIKE')[0].id, fanId: f.id!, role: f.isKoc ? 'KOC' : 'MEMBER' });
    const bySpend = [...fans]
      .filter((f) => (f.orderCount ?? 0) >= 5)
      .sort((a, b) => (b.totalSpendCents ?? 0) - (a.totalSpendCents ?? 0))
      .slice(0, 120);
    for (const f of bySpend) memberships.push({ orgId: o, communityId: byKind('VIP')[0].id, fanId: f.id!, role: 'MEMBER' });

    await tx.fan.createMany({ data: fans });
    await tx.order.createMany({ data: orders });
    await tx.pointsEntry.createMany({ data: ledger });
    await tx.fanTag.createMany({ data: fanTags, skipDuplicates: true });
    await tx.membership.createMany({ data: memberships });
    for (const c of communities) {
      await tx.community.update({ where: { id: c.id }, data: { memberCount: memberships.filter((m) => m.communityId === c.id).length } });
    }
    for (const [id, t] of sessionTotals) await tx.liveSession.update({ where: { id }, data: { orderCount: t.orders, gmvCents: t.gmv } });

    // Recent activity for the feed
    const events: Prisma.ActivityEventCreateManyInput[] = [];
    const kinds = ['MESSAGE_POSTED', 'MESSAGE_POSTED', 'MESSAGE_POSTED', 'BUYER_SHOW_POSTED', 'CHECK_IN', 'KOC_ACTION', 'RESERVATION_MADE'] as const;
    for (let i = 0; i < 500; i++) {
      const m = r.pick(memberships);
      const kind = r.pick(kinds);
      events.push({
        orgId: o,
        communityId: m.communityId,
        fanId: m.fanId,
        kind,
        count: kind === 'MESSAGE_POSTED' ? r.int(1, 12) : 1,
        occurredAt: new Date(now.getTime() - r.int(0, 7 * DAY)),
      });
    }
    await tx.activityEvent.createMany({ data: events });

    // One campaign of each kind
    const like = byKind('LIKE')[0];
    const tonight = sessions[3];
    await tx.campaign.create({
      data: {
        orgId: o,
        kind: 'LIKE',
        name: 'Tonight: 100k likes',
        status: 'RUNNING',
        communityId: like.id,
        liveSessionId: tonight.id,
        startsAt: tonight.scheduledAt,
        like: { create: { targetLikes: 100_000, milestoneEvery: 10_000, winnersPerMilestone: 3, perFanWinCap: 1 } },
      },
    });
    await tx.campaign.create({
      data: {
        orgId: o,
        kind: 'FISSION',
        name: 'Invite 5, get a free cola',
        status: 'RUNNING',
        communityId: byKind('FISSION')[0].id,
        startsAt: new Date(now.getTime() - 3 * DAY),
        endsAt: new Date(now.getTime() + 11 * DAY),
        fission: { create: { targetInvites: 5, prizeName: 'Free cola (6-pack)' } },
      },
    });
    await tx.campaign.create({
      data: {
        orgId: o,
        kind: 'CHECK_IN',
        name: 'Daily check-in',
        status: 'RUNNING',
        startsAt: new Date(now.getTime() - 30 * DAY),
        checkIn: { create: { pointsPerCheckIn: 10, streakBonuses: { '7': 50, '30': 300 } } },
      },
    });
    await tx.campaign.create({
      data: {
        orgId: o,
        kind: 'LOTTERY',
        name: 'Friday member-day wheel',
        status: 'RUNNING',
        startsAt: new Date(now.getTime() - DAY),
        endsAt: new Date(now.getTime() + 6 * DAY),
        lottery: { create: { perFanDailyCap: 1, perFanTotalCap: 3 } },
        prizes: {
          create: [
            { orgId: o, name: 'Full-size essence', weight: 1, stock: 5 },
            { orgId: o, name: 'Face towel', weight: 10, stock: 100 },
            { orgId: o, name: '20 points', weight: 30, stock: 10_000 },
          ],
        },
      },
    });
    await tx.campaign.create({
      data: {
        orgId: o,
        kind: 'COUPON',
        name: '3 off 99',
        status: 'RUNNING',
        coupon: {
          create: { title: '¥3 off orders over ¥99', discountCents: 300, minSpendCents: 9900, validUntil: new Date(now.getTime() + 7 * DAY) },
        },
      },
    });

    await tx.reward.createMany({
      data: [
        { orgId: o, name: 'Full-size repair serum', shelf: 'ASPIRATIONAL', costPoints: 3000, stock: 10 },
        { orgId: o, name: 'Premium cream 50ml', shelf: 'ASPIRATIONAL', costPoints: 4500, stock: 5 },
        { orgId: o, name: 'Face towels ×3', shelf: 'ESSENTIALS', costPoints: 300, stock: 500 },
        { orgId: o, name: 'Cotton bedding set', shelf: 'ESSENTIALS', costPoints: 1800, stock: 40 },
        { orgId: o, name: 'Travel toiletry kit', shelf: 'ESSENTIALS', costPoints: 500, stock: 200 },
        { orgId: o, name: 'Winter slippers', shelf: 'SEASONAL', costPoints: 400, stock: 150 },
        { orgId: o, name: 'Mite remover', shelf: 'SEASONAL', costPoints: 2200, stock: 30 },
      ].map(
        (x): Prisma.RewardCreateManyInput => ({
          ...x,
          shelf: x.shelf as Prisma.RewardCreateManyInput['shelf'],
          description: `${x.name}, shipped within 7 days.`,
        }),
      ),
    });
    return o;
  });
  return { created: true, orgId };
}
