// Coupons: issued once per fan per campaign (the unique grant row makes re-issuing a no-op), redeemed
// once per grant (a conditional UPDATE on redeemedAt IS NULL decides between parallel redemptions).
import type { Context } from '../../core/context.js';
import type { Tx } from '../../core/db.js';
import { DomainError, notFound } from '../../core/errors.js';
import { fanWhere } from '../../fans/filters.js';
import { segmentFanWhere } from '../../fans/segments.js';
import type { Campaign, Coupon, CouponGrant, Prisma } from '../../generated/prisma/client.js';
import { assertRunning, findCampaign } from '../lookup.js';

type Deps = Pick<Context, 'db'>;

/** Who gets the coupon: exactly one of the three. */
export interface CouponTarget {
  segmentId?: string | null;
  communityId?: string | null;
  fanIds?: string[] | null;
}

export interface IssueResult {
  /** Grants created now. */
  issued: number;
  /** Fans in the target who got nothing now: they already held this coupon or opted out. */
  skipped: number;
  /** Of the skipped, how many opted out of pushes. */
  optedOut: number;
}

const PAGE = 2_000;

async function couponCampaign(tx: Tx, orgId: string, id: string): Promise<Campaign & { coupon: Coupon }> {
  const campaign = await findCampaign(tx, orgId, id, 'input.campaignId', 'COUPON');
  const coupon = await tx.coupon.findUniqueOrThrow({ where: { campaignId: campaign.id } });
  return { ...campaign, coupon };
}

export async function issueCoupon(deps: Deps, orgId: string, campaignId: string, target: CouponTarget, now = new Date()): Promise<IssueResult> {
  if ([target.segmentId, target.communityId, target.fanIds].filter((x) => x != null).length !== 1) {
    throw new DomainError('VALIDATION', 'input: give exactly one of segmentId, communityId and fanIds', 'input');
  }
  const campaign = await couponCampaign(deps.db, orgId, campaignId);
  if (campaign.status === 'ENDED' || campaign.status === 'CANCELLED')
    throw new DomainError('INVALID_STATE', `"${campaign.name}" is ${campaign.status}`, 'input.campaignId');
  if (campaign.coupon.validUntil && campaign.coupon.validUntil < now)
    throw new DomainError('INVALID_STATE', `The coupon expired at ${campaign.coupon.validUntil.toISOString()}`, 'input.campaignId');
  const where = await targetWhere(deps.db, orgId, target);

  // Paged by id so a segment of a million fans never sits in memory at once. Every page is its own
  // statement; a retry after a failure simply skips the grants that already exist.
  const result: IssueResult = { issued: 0, skipped: 0, optedOut: 0 };
  let cursor: string | undefined;
  for (;;) {
    const fans = await deps.db.fan.findMany({
      where: cursor ? { AND: [where, { id: { gt: cursor } }] } : where,
      select: { id: true, optedOut: true },
      orderBy: { id: 'asc' },
      take: PAGE,
    });
    if (!fans.length) break;
    cursor = fans[fans.length - 1].id;
    const eligible = fans.filter((f) => !f.optedOut);
    const { count } = eligible.length
      ? await deps.db.couponGrant.createMany({
          data: eligible.map((f) => ({ orgId, campaignId: campaign.id, fanId: f.id, issuedAt: now })),
          skipDuplicates: true,
        })
      : { count: 0 };
    result.issued += count;
    result.optedOut += fans.length - eligible.length;
    result.skipped += fans.length - count;
  }
  return result;
}

async function targetWhere(tx: Tx, orgId: string, target: CouponTarget): Promise<Prisma.FanWhereInput> {
  if (target.segmentId) {
    const segment = await tx.segment.findFirst({ where: { id: target.segmentId, orgId } });
    if (!segment) throw notFound('Segment', 'input.segmentId');
    // The segment's own reading of its filter (ids stored as global ids), always within its orgId,
    // so a segment can never reach another tenant's fans.
    try {
      return segmentFanWhere(segment);
    } catch {
      throw new DomainError('INVALID_STATE', `The segment "${segment.name}" has a filter this version cannot read`, 'input.segmentId');
    }
  }
  if (target.communityId) {
    if (!(await tx.community.findFirst({ where: { id: target.communityId, orgId }, select: { id: true } })))
      throw notFound('Community', 'input.communityId');
    return fanWhere(orgId, { communityId: target.communityId });
  }
  const fanIds = target.fanIds ?? [];
  const ids = [...new Set(fanIds)];
  const found = new Set((await tx.fan.findMany({ where: { orgId, id: { in: ids } }, select: { id: true } })).map((f) => f.id));
  const missing = fanIds.findIndex((id) => !found.has(id));
  if (missing >= 0) throw notFound('Fan', `input.fanIds.${missing}`);
  return { orgId, id: { in: ids } };
}

/** The job that marks a coupon's unredeemed grants expired at its validUntil (registered in services.ts). */
export const COUPON_EXPIRY_TASK = 'coupons.expire';
export interface CouponExpiryJob {
  orgId: string;
  campaignId: string;
}

/**
 * Marks every grant still unredeemed as expired (expiredAt = validUntil). The job's run time is the
 * clock (queued at validUntil when the campaign is created); redeeming is refused from validUntil on anyway.
 * Returns how many grants expired now; a second run finds none.
 */
export async function expireCoupon(deps: Deps, job: CouponExpiryJob): Promise<number> {
  const coupon = await deps.db.coupon.findFirst({ where: { campaignId: job.campaignId, campaign: { orgId: job.orgId } } });
  if (!coupon?.validUntil) return 0;
  const { count } = await deps.db.couponGrant.updateMany({
    where: { orgId: job.orgId, campaignId: job.campaignId, redeemedAt: null, expiredAt: null },
    data: { expiredAt: coupon.validUntil },
  });
  return count;
}

export interface RedeemInput {
  campaignId: string;
  fanId: string;
  orderId?: string | null;
  orderExternalId?: string | null;
  amountCents?: number | null;
}

export async function redeemCoupon(deps: Deps, orgId: string, input: RedeemInput, now = new Date()): Promise<CouponGrant> {
  return deps.db.$transaction(async (tx) => {
    const campaign = await couponCampaign(tx, orgId, input.campaignId);
    assertRunning(campaign, 'input.campaignId', now);
    if (campaign.coupon.validUntil && campaign.coupon.validUntil < now)
      throw new DomainError('INVALID_STATE', `The coupon expired at ${campaign.coupon.validUntil.toISOString()}`, 'input.campaignId');
    if (!(await tx.fan.findFirst({ where: { id: input.fanId, orgId }, select: { id: true } }))) throw notFound('Fan', 'input.fanId');
    const order = await resolveOrder(tx, orgId, input);
    const grant = await tx.couponGrant.findUnique({ where: { campaignId_fanId: { campaignId: campaign.id, fanId: input.fanId } } });
    if (!grant) throw new DomainError('NOT_FOUND', 'This coupon was not issued to this fan', 'input.fanId');
    if (grant.expiredAt) throw new DomainError('INVALID_STATE', `This coupon expired at ${grant.expiredAt.toISOString()}`, 'input.campaignId');
    if (order.amountCents < campaign.coupon.minSpendCents) {
      throw new DomainError(
        'THRESHOLD_NOT_MET',
        `The order is ${order.amountCents} cents; the coupon needs at least ${campaign.coupon.minSpendCents}`,
        'input.amountCents',
      );
    }
    const { count } = await tx.couponGrant.updateMany({
      where: { id: grant.id, redeemedAt: null, expiredAt: null },
      data: { redeemedAt: now, orderId: order.reference },
    });
    if (!count) throw new DomainError('CONFLICT', 'This coupon was already redeemed', 'input.fanId');
    return tx.couponGrant.findUniqueOrThrow({ where: { id: grant.id } });
  });
}

/**
 * The order paying with the coupon: one of ours (by id or external id), or an external order not
 * imported yet, whose amount the caller states. The grant records our order id, or "ext:<externalId>".
 */
async function resolveOrder(tx: Tx, orgId: string, input: RedeemInput): Promise<{ amountCents: number; reference: string }> {
  if (!input.orderId === !input.orderExternalId)
    throw new DomainError('VALIDATION', 'input.orderId: give exactly one of orderId and orderExternalId', 'input.orderId');
  const field = input.orderId ? 'input.orderId' : 'input.orderExternalId';
  const order = input.orderId
    ? await tx.order.findFirst({ where: { id: input.orderId, orgId } })
    : await tx.order.findUnique({ where: { orgId_externalId: { orgId, externalId: input.orderExternalId! } } });
  if (!order) {
    if (input.orderId) throw notFound('Order', field);
    if (input.amountCents == null)
      throw new DomainError('VALIDATION', 'input.amountCents: required for an order not imported yet', 'input.amountCents');
    return { amountCents: input.amountCents, reference: `ext:${input.orderExternalId}` };
  }
  if (order.fanId !== input.fanId) throw new DomainError('VALIDATION', `${field}: the order belongs to another fan`, field);
  if (order.status !== 'PAID') throw new DomainError('INVALID_STATE', 'The order was refunded', field);
  if (input.amountCents != null && input.amountCents !== order.amountCents)
    throw new DomainError('VALIDATION', `input.amountCents: the order's amount is ${order.amountCents}`, 'input.amountCents');
  return { amountCents: order.amountCents, reference: order.id };
}
