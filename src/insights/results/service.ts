// Campaign results, computed from the campaign's own rows and the organization's paid orders (refunded
// orders never count). Each is a handful of aggregate statements over one campaign's rows, indexed by
// campaign, so it is exact at any moment and costs the campaign's size, not the organization's.

import type { Db } from '../../core/db.js';
import { Prisma } from '../../generated/prisma/client.js';

const DAY = 86_400_000;
const utc = (d: Date) => Prisma.sql`(${d.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
const num = (v: bigint | number | null | undefined) => Number(v ?? 0);

export interface LikeResults {
  participants: number;
  likes: number;
  milestonesReached: number;
  winners: number;
  /** GMV of participants' paid orders from the start to the end (or now, while running). */
  participantGmvDuringCents: number;
  /** … in the 7 days after the end (0 until it ends). */
  participantGmvAfterCents: number;
}

export async function likeResults(
  db: Db,
  campaign: { id: string; orgId: string; startsAt: Date | null; endsAt: Date | null },
  now = new Date(),
): Promise<LikeResults> {
  const start = campaign.startsAt ?? now;
  const end = campaign.endsAt && campaign.endsAt < now ? campaign.endsAt : now;
  const after = campaign.endsAt && campaign.endsAt < now ? new Date(Math.min(campaign.endsAt.getTime() + 7 * DAY, now.getTime())) : end;
  const [row] = await db.$queryRaw<
    { participants: number; likes: number; milestones: number; winners: number; during: bigint | null; after: bigint | null }[]
  >`
    WITH p AS (SELECT "fanId" FROM "LikeContribution" WHERE "campaignId" = ${campaign.id} AND "likes" > 0)
    SELECT (SELECT count(*)::int FROM p) AS participants,
      (SELECT "totalLikes" FROM "LikeCampaign" WHERE "campaignId" = ${campaign.id}) AS likes,
      (SELECT "milestonesReached" FROM "LikeCampaign" WHERE "campaignId" = ${campaign.id}) AS milestones,
      (SELECT count(*)::int FROM "LikeWinner" WHERE "campaignId" = ${campaign.id}) AS winners,
      (SELECT sum(o."amountCents") FILTER (WHERE o."placedAt" >= ${utc(start)} AND o."placedAt" <= ${utc(end)})
         FROM p JOIN "Order" o ON o."fanId" = p."fanId" AND o."status" = 'PAID') AS during,
      (SELECT sum(o."amountCents") FILTER (WHERE o."placedAt" > ${utc(end)} AND o."placedAt" <= ${utc(after)})
         FROM p JOIN "Order" o ON o."fanId" = p."fanId" AND o."status" = 'PAID') AS after`;
  return {
    participants: row.participants,
    likes: num(row.likes),
    milestonesReached: num(row.milestones),
    winners: row.winners,
    participantGmvDuringCents: num(row.during),
    participantGmvAfterCents: num(row.after),
  };
}

export interface FissionResults {
  codes: number;
  validInvites: number;
  voidedInvites: number;
  flaggedCodes: number;
  prizesClaimed: number;
  /** Invitees with a paid order placed after they were invited. */
  inviteesWhoOrdered: number;
  /** GMV of each such invitee's first paid order after the invite. */
  inviteeFirstOrderGmvCents: number;
}

export async function fissionResults(db: Db, campaignId: string): Promise<FissionResults> {
  const [row] = await db.$queryRaw<
    { codes: number; valid: number; voided: number; flagged: number; claimed: number; ordered: number; gmv: bigint | null }[]
  >`
    SELECT
      (SELECT count(*)::int FROM "InviteCode" WHERE "campaignId" = ${campaignId}) AS codes,
      (SELECT count(*)::int FROM "Invite" WHERE "campaignId" = ${campaignId} AND "status" = 'COUNTED') AS valid,
      (SELECT count(*)::int FROM "Invite" WHERE "campaignId" = ${campaignId} AND "status" = 'VOIDED') AS voided,
      (SELECT count(*)::int FROM "InviteCode" WHERE "campaignId" = ${campaignId} AND "flagged") AS flagged,
      (SELECT count(*)::int FROM "InviteCode" WHERE "campaignId" = ${campaignId} AND "claimedAt" IS NOT NULL) AS claimed,
      count(f.amount)::int AS ordered, sum(f.amount) AS gmv
    FROM "Invite" i
    LEFT JOIN LATERAL (
      SELECT o."amountCents" AS amount FROM "Order" o
      WHERE o."fanId" = i."inviteeId" AND o."status" = 'PAID' AND o."placedAt" >= i."createdAt"
      ORDER BY o."placedAt", o."id" LIMIT 1
    ) f ON TRUE
    WHERE i."campaignId" = ${campaignId} AND i."status" = 'COUNTED'`;
  return {
    codes: row.codes,
    validInvites: row.valid,
    voidedInvites: row.voided,
    flaggedCodes: row.flagged,
    prizesClaimed: row.claimed,
    inviteesWhoOrdered: row.ordered,
    inviteeFirstOrderGmvCents: num(row.gmv),
  };
}

export interface CheckInResults {
  checkIns: number;
  fans: number;
  days: { day: string; checkIns: number }[];
  /** Fans by the longest streak they reached in this campaign. */
  streaks: { streak: number; fans: number }[];
}

export async function checkInResults(db: Db, campaignId: string): Promise<CheckInResults> {
  const [days, streaks] = await Promise.all([
    db.$queryRaw<{ day: Date; n: number }[]>`
      SELECT "day", count(*)::int AS n FROM "CheckIn" WHERE "campaignId" = ${campaignId} GROUP BY "day" ORDER BY "day"`,
    db.$queryRaw<{ streak: number; n: number }[]>`
      SELECT best AS streak, count(*)::int AS n FROM (SELECT max("streak") AS best FROM "CheckIn" WHERE "campaignId" = ${campaignId} GROUP BY "fanId") b
      GROUP BY best ORDER BY best`,
  ]);
  return {
    checkIns: days.reduce((s, d) => s + d.n, 0),
    fans: streaks.reduce((s, d) => s + d.n, 0),
    days: days.map((d) => ({ day: d.day.toISOString().slice(0, 10), checkIns: d.n })),
    streaks: streaks.map((s) => ({ streak: s.streak, fans: s.n })),
  };
}

export interface CouponResults {
  issued: number;
  redeemed: number;
  /** GMV of the paid orders the coupon was redeemed on. */
  redeemingGmvCents: number;
  /** Average paid GMV per fan from the first issue to the coupon's end (or now): redeemers, then the others. */
  gmvPerRedeemerCents: number;
  gmvPerNonRedeemerCents: number;
  /** gmvPerRedeemer / gmvPerNonRedeemer − 1; null when the others bought nothing (or there are none). */
  lift: number | null;
}

export async function couponResults(db: Db, campaignId: string, validUntil: Date | null, now = new Date()): Promise<CouponResults> {
  const end = validUntil && validUntil < now ? validUntil : now;
  const [row] = await db.$queryRaw<{ issued: number; redeemed: number; redeeming: bigint | null; r_gmv: bigint | null; n_gmv: bigint | null }[]>`
    WITH g AS (SELECT "fanId", "redeemedAt", "orderId" FROM "CouponGrant" WHERE "campaignId" = ${campaignId}),
    since AS (SELECT min("issuedAt") AS at FROM "CouponGrant" WHERE "campaignId" = ${campaignId}),
    spend AS (
      SELECT g."fanId", g."redeemedAt" IS NOT NULL AS redeemer,
        (SELECT COALESCE(sum(o."amountCents"), 0) FROM "Order" o, since
          WHERE o."fanId" = g."fanId" AND o."status" = 'PAID' AND o."placedAt" >= since.at AND o."placedAt" <= ${utc(end)}) AS gmv
      FROM g
    )
    SELECT (SELECT count(*)::int FROM g) AS issued,
      (SELECT count(*)::int FROM g WHERE "redeemedAt" IS NOT NULL) AS redeemed,
      (SELECT sum(o."amountCents") FROM g JOIN "Order" o ON o."id" = g."orderId" AND o."status" = 'PAID') AS redeeming,
      (SELECT sum(gmv) FROM spend WHERE redeemer) AS r_gmv,
      (SELECT sum(gmv) FROM spend WHERE NOT redeemer) AS n_gmv`;
  const redeemers = row.redeemed,
    others = row.issued - row.redeemed;
  const perRedeemer = redeemers ? num(row.r_gmv) / redeemers : 0;
  const perOther = others ? num(row.n_gmv) / others : 0;
  return {
    issued: row.issued,
    redeemed: row.redeemed,
    redeemingGmvCents: num(row.redeeming),
    gmvPerRedeemerCents: perRedeemer,
    gmvPerNonRedeemerCents: perOther,
    lift: perOther > 0 ? perRedeemer / perOther - 1 : null,
  };
}

export interface SessionFunnel {
  reservedFans: number;
  remindedFans: number;
  orderedFans: number;
  privateDomainOrders: number;
  privateDomainGmvCents: number;
}

/**
 * Reserved → reminded → ordered for one session. Reminded: fans who reserved the session or one of its
 * items and had not opted out, once the session went live (reminders are sent then and when items go on
 * sale; they are not stored, so this counts who the rule reached). Ordered: reserved fans with a paid
 * order in the session. Private-domain orders and GMV: the paid orders imported for the session.
 */
export async function sessionFunnel(db: Db, session: { id: string; startedAt: Date | null }): Promise<SessionFunnel> {
  const [row] = await db.$queryRaw<{ reserved: number; reminded: number; ordered: number; orders: number; gmv: bigint | null }[]>`
    WITH r AS (SELECT DISTINCT "fanId" FROM "Reservation" WHERE "sessionId" = ${session.id})
    SELECT (SELECT count(*)::int FROM r) AS reserved,
      (SELECT count(*)::int FROM r JOIN "Fan" f ON f."id" = r."fanId" WHERE NOT f."optedOut" AND ${session.startedAt !== null}) AS reminded,
      (SELECT count(*)::int FROM r WHERE EXISTS (SELECT 1 FROM "Order" o WHERE o."fanId" = r."fanId" AND o."liveSessionId" = ${session.id} AND o."status" = 'PAID')) AS ordered,
      (SELECT count(*)::int FROM "Order" o WHERE o."liveSessionId" = ${session.id} AND o."status" = 'PAID') AS orders,
      (SELECT sum("amountCents") FROM "Order" o WHERE o."liveSessionId" = ${session.id} AND o."status" = 'PAID') AS gmv`;
  return {
    reservedFans: row.reserved,
    remindedFans: row.reminded,
    orderedFans: row.ordered,
    privateDomainOrders: row.orders,
    privateDomainGmvCents: num(row.gmv),
  };
}
