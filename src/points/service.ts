// Points-mall rules: gifts, redemptions (no oversell, no double spend, idempotent) and cancellations.
import { publishActivity, recordActivity } from '../activity/events.js';
import type { Context } from '../core/context.js';
import type { Tx } from '../core/db.js';
import { DomainError, notFound } from '../core/errors.js';
import { emitOutbound } from '../core/outbound.js';
import { isUniqueViolation } from '../core/prisma-errors.js';
import { cancelOwed, oweGoods } from '../fulfilment/owe.js';
import type { Redemption, Reward } from '../generated/prisma/client.js';
import type { RewardShelf } from '../generated/prisma/enums.js';
import { parseMonthDay, unavailability } from './availability.js';
import { applyPoints } from './ledger.js';

type Deps = Pick<Context, 'db' | 'pubsub'>;

export async function giftPoints(deps: Deps, orgId: string, input: { fanId: string; points: number; note: string; idempotencyKey: string }) {
  try {
    return await deps.db.$transaction((tx) =>
      applyPoints(tx, {
        orgId,
        fanId: input.fanId,
        delta: input.points,
        reason: 'GIFT',
        reference: `gift:${input.idempotencyKey}`,
        idempotencyKey: `gift:${input.idempotencyKey}`,
        note: input.note,
      }),
    );
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    // A retry of the same gift: answer with the entry that already exists.
    const existing = await deps.db.pointsEntry.findUnique({
      where: { orgId_idempotencyKey: { orgId, idempotencyKey: `gift:${input.idempotencyKey}` } },
    });
    if (!existing || existing.fanId !== input.fanId || existing.delta !== input.points)
      throw new DomainError('CONFLICT', 'This idempotency key was used for a different gift', 'input.idempotencyKey');
    return existing;
  }
}

/** When a reward may be redeemed, as given: an absolute window and/or a yearly season ("MM-DD" days). */
export interface AvailabilityInput {
  from?: Date | null;
  until?: Date | null;
  seasonStart?: string | null;
  seasonEnd?: string | null;
}

/** The four availability columns, all of them (an update replaces the whole availability). */
function availabilityColumns(a: AvailabilityInput | null | undefined) {
  const field = (f: string) => `input.availability.${f}`;
  if (a?.from && a.until && a.until <= a.from) throw new DomainError('VALIDATION', `${field('until')}: must be after from`, field('until'));
  if ((a?.seasonStart == null) !== (a?.seasonEnd == null))
    throw new DomainError(
      'VALIDATION',
      `${field('seasonEnd')}: give seasonStart and seasonEnd together`,
      field(a?.seasonStart == null ? 'seasonStart' : 'seasonEnd'),
    );
  const seasonStartMmdd = a?.seasonStart ? parseMonthDay(a.seasonStart, field('seasonStart')) : null;
  const seasonEndMmdd = a?.seasonEnd ? parseMonthDay(a.seasonEnd, field('seasonEnd')) : null;
  if (seasonStartMmdd != null && seasonStartMmdd === seasonEndMmdd)
    throw new DomainError(
      'VALIDATION',
      `${field('seasonEnd')}: a season of one day ends the day it starts; omit the season for all year`,
      field('seasonEnd'),
    );
  return { availableFrom: a?.from ?? null, availableUntil: a?.until ?? null, seasonStartMmdd, seasonEndMmdd };
}

export async function createReward(
  deps: Deps,
  orgId: string,
  input: {
    name: string;
    description?: string | null;
    shelf: RewardShelf;
    costPoints: number;
    stock: number;
    availability?: AvailabilityInput | null;
  },
): Promise<Reward> {
  const { availability, ...fields } = input;
  return deps.db.reward.create({ data: { orgId, ...fields, ...availabilityColumns(availability) } });
}

export async function updateReward(
  deps: Deps,
  orgId: string,
  id: string,
  patch: {
    name?: string;
    description?: string | null;
    shelf?: RewardShelf;
    costPoints?: number;
    stock?: number;
    active?: boolean;
    availability?: AvailabilityInput | null;
  },
): Promise<Reward> {
  const { availability, ...fields } = patch;
  const data = availability === undefined ? fields : { ...fields, ...availabilityColumns(availability) };
  const { count } = await deps.db.reward.updateMany({ where: { id, orgId }, data });
  if (!count) throw notFound('Reward', 'input.rewardId');
  return deps.db.reward.findUniqueOrThrow({ where: { id } });
}

export async function redeemReward(
  deps: Deps,
  orgId: string,
  input: { fanId: string; rewardId: string; idempotencyKey: string },
): Promise<Redemption> {
  const existing = await findByKey(deps, input);
  if (existing) return existing;
  try {
    const { redemption, events } = await deps.db.$transaction(async (tx) => {
      const reward = await tx.reward.findFirst({ where: { id: input.rewardId, orgId } });
      if (!reward) throw notFound('Reward', 'input.rewardId');
      if (!reward.active) throw new DomainError('INVALID_STATE', `"${reward.name}" is off the shelves`, 'input.rewardId');
      const { timeZone } = await tx.organization.findUniqueOrThrow({ where: { id: orgId }, select: { timeZone: true } });
      const outside = unavailability(reward, new Date(), timeZone);
      if (outside) throw new DomainError('NOT_AVAILABLE', outside, 'input.rewardId');
      // Conditional decrement: the row lock makes concurrent redemptions of the last unit serialize.
      const taken = await tx.reward.updateMany({ where: { id: reward.id, stock: { gte: 1 } }, data: { stock: { decrement: 1 } } });
      if (!taken.count) throw new DomainError('OUT_OF_STOCK', `"${reward.name}" is out of stock`, 'input.rewardId');
      const redemption = await tx.redemption.create({
        data: { orgId, fanId: input.fanId, rewardId: reward.id, points: reward.costPoints, idempotencyKey: input.idempotencyKey },
      });
      await applyPoints(tx, {
        orgId,
        fanId: input.fanId,
        delta: -reward.costPoints,
        reason: 'REDEMPTION',
        reference: `redemption:${redemption.id}`,
        idempotencyKey: `redemption:${redemption.id}`,
      });
      // Every reward is goods to ship: the redemption owes one fulfilment, in the same transaction.
      await oweGoods(tx, { orgId, fanId: input.fanId, sourceKind: 'REDEMPTION', sourceId: redemption.id, item: reward.name });
      const events = await recordActivity(tx, [
        { orgId, fanId: input.fanId, kind: 'REWARD_REDEEMED', payload: { rewardId: reward.id, points: reward.costPoints } },
      ]);
      await emitOutbound(tx, orgId, 'redemption.created', {
        redemptionId: redemption.id,
        fanId: input.fanId,
        rewardId: reward.id,
        rewardName: reward.name,
        points: reward.costPoints,
      });
      return { redemption, events };
    });
    publishActivity(deps.pubsub, events);
    return redemption;
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    // Two requests with one idempotency key raced; the loser answers with the winner's redemption.
    const winner = await findByKey(deps, input);
    if (!winner) throw e;
    return winner;
  }
}

async function findByKey(deps: Deps, input: { fanId: string; rewardId: string; idempotencyKey: string }) {
  const r = await deps.db.redemption.findUnique({ where: { fanId_idempotencyKey: { fanId: input.fanId, idempotencyKey: input.idempotencyKey } } });
  if (r && r.rewardId !== input.rewardId)
    throw new DomainError('CONFLICT', 'This idempotency key was used for another reward', 'input.idempotencyKey');
  return r;
}

export async function cancelRedemption(deps: Deps, orgId: string, id: string): Promise<Redemption> {
  return deps.db.$transaction(async (tx) => {
    // Its fulfilment first (refused once shipped): every cancel path locks fulfilment, then redemption.
    await cancelOwed(tx, orgId, 'REDEMPTION', id);
    const outcome = await returnRedemption(tx, orgId, id);
    if (!outcome) throw notFound('Redemption', 'input.redemptionId');
    if (!outcome.returned) throw new DomainError('INVALID_STATE', 'The redemption is already cancelled', 'input.redemptionId');
    return outcome.redemption;
  });
}

/**
 * Gives a redemption's stock and points back, once: the status flips first, and only the caller whose
 * flip succeeded returns anything (`returned`). Null when the redemption does not exist.
 */
export async function returnRedemption(tx: Tx, orgId: string, id: string): Promise<{ redemption: Redemption; returned: boolean } | null> {
  const flipped = await tx.redemption.updateMany({ where: { id, orgId, status: 'COMPLETED' }, data: { status: 'CANCELLED' } });
  const redemption = await tx.redemption.findFirst({ where: { id, orgId } });
  if (!redemption) return null;
  if (!flipped.count) return { redemption, returned: false };
  await tx.reward.update({ where: { id: redemption.rewardId }, data: { stock: { increment: 1 } } });
  await applyPoints(tx, {
    orgId,
    fanId: redemption.fanId,
    delta: redemption.points,
    reason: 'REFUND',
    reference: `redemption:${id}`,
    idempotencyKey: `redemption-cancel:${id}`,
  });
  return { redemption, returned: true };
}
