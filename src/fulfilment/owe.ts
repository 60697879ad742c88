// Owing a goods prize: every source (a points-mall redemption, a fission claim, a like-draw win, a wheel
// win) calls oweGoods in its own transaction, so a prize is owed exactly when the source row commits
// (Fulfilment is unique per source row). It starts READY with the given address or the fan's default
// one, else PENDING_ADDRESS until the fan sets one.
import type { Tx } from '../core/db.js';
import { DomainError } from '../core/errors.js';
import type { Fulfilment } from '../generated/prisma/client.js';
import type { FulfilmentSource } from '../generated/prisma/enums.js';

export interface AddressSnapshot {
  name: string;
  phone: string;
  province: string;
  city: string;
  address: string;
}

export interface Owed {
  orgId: string;
  fanId: string;
  sourceKind: FulfilmentSource;
  sourceId: string;
  campaignId?: string | null;
  /** What is shipped: the reward's or prize's name. */
  item: string;
  quantity?: number;
  /** An address given with the claim itself (fission claims); otherwise the fan's default is used. */
  address?: AddressSnapshot | null;
}

export const snapshotOf = (a: AddressSnapshot): AddressSnapshot => ({
  name: a.name,
  phone: a.phone,
  province: a.province,
  city: a.city,
  address: a.address,
});

export async function oweGoods(tx: Tx, owed: Owed): Promise<Fulfilment> {
  const fallback = owed.address ? null : await tx.fanAddress.findFirst({ where: { orgId: owed.orgId, fanId: owed.fanId, isDefault: true } });
  const address = owed.address ? snapshotOf(owed.address) : fallback ? snapshotOf(fallback) : null;
  return tx.fulfilment.create({
    data: {
      orgId: owed.orgId,
      fanId: owed.fanId,
      sourceKind: owed.sourceKind,
      sourceId: owed.sourceId,
      campaignId: owed.campaignId ?? null,
      item: owed.item,
      quantity: owed.quantity ?? 1,
      status: address ? 'READY' : 'PENDING_ADDRESS',
      address: address ? { ...address } : undefined,
      addressId: fallback?.id ?? null,
    },
  });
}

/**
 * The source is being cancelled from its own side (e.g. cancelRedemption): its fulfilment, if any, is
 * cancelled too — refused while the parcel is already out. Call it before touching the source row, so
 * every cancel path locks the fulfilment first and then the source (no deadlock between the two paths).
 */
export async function cancelOwed(tx: Tx, orgId: string, sourceKind: FulfilmentSource, sourceId: string, now = new Date()): Promise<void> {
  const { count } = await tx.fulfilment.updateMany({
    where: { orgId, sourceKind, sourceId, status: { in: ['PENDING_ADDRESS', 'READY'] } },
    data: { status: 'CANCELLED', cancelledAt: now },
  });
  if (count) return;
  const f = await tx.fulfilment.findFirst({ where: { orgId, sourceKind, sourceId }, select: { status: true } });
  if (f && (f.status === 'SHIPPED' || f.status === 'DELIVERED'))
    throw new DomainError('INVALID_STATE', `The prize was already ${f.status.toLowerCase()}; it cannot be cancelled`);
}

/** The phone number as digits only: people type "138-0013 8000". */
export function phoneOf(given: string, field: string): string {
  const digits = given.replace(/[\s-]/g, '');
  if (!/^\d{6,15}$/.test(digits)) throw new DomainError('VALIDATION', `${field}: must be 6–15 digits (spaces and dashes are ignored)`, field);
  return digits;
}
