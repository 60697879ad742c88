// A fan's shipping addresses. Saving one as the default (a fan's first address always is) gives every
// fulfilment still waiting for an address that address, and makes it READY; a fan may also pick an address
// for one fulfilment that has not shipped yet.
import type { Context } from '../core/context.js';
import { DomainError, notFound } from '../core/errors.js';
import type { FanAddress, Fulfilment } from '../generated/prisma/client.js';
import { type AddressSnapshot, phoneOf, snapshotOf } from './owe.js';

type Deps = Pick<Context, 'db'>;

export interface AddressInput extends AddressSnapshot {
  /** Update this address; omit to add one. */
  addressId?: string | null;
  makeDefault?: boolean | null;
}

export async function saveAddress(deps: Deps, orgId: string, fanId: string, input: AddressInput, now = new Date()): Promise<FanAddress> {
  const fields = { ...snapshotOf(input), phone: phoneOf(input.phone, 'input.phone') };
  return deps.db.$transaction(async (tx) => {
    // The fan row serializes a fan's address changes, so "at most one default" never races.
    const fan = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Fan" WHERE "id" = ${fanId} AND "orgId" = ${orgId} FOR NO KEY UPDATE`;
    if (!fan.length) throw notFound('Fan', 'input.fanId');
    const others = await tx.fanAddress.count({ where: { orgId, fanId, id: input.addressId ? { not: input.addressId } : undefined } });
    const makeDefault = Boolean(input.makeDefault) || others === 0;
    if (makeDefault) await tx.fanAddress.updateMany({ where: { orgId, fanId, isDefault: true }, data: { isDefault: false } });
    let saved: FanAddress;
    if (input.addressId) {
      const { count } = await tx.fanAddress.updateMany({
        where: { id: input.addressId, orgId, fanId },
        data: { ...fields, ...(makeDefault ? { isDefault: true } : {}) },
      });
      if (!count) throw notFound('Address', 'input.addressId');
      saved = await tx.fanAddress.findUniqueOrThrow({ where: { id: input.addressId } });
    } else saved = await tx.fanAddress.create({ data: { orgId, fanId, ...fields, isDefault: makeDefault } });
    if (saved.isDefault)
      await tx.fulfilment.updateMany({
        where: { orgId, fanId, status: 'PENDING_ADDRESS' },
        data: { status: 'READY', address: { ...snapshotOf(saved) }, addressId: saved.id, updatedAt: now },
      });
    return saved;
  });
}

/**
 * Ship one fulfilment (not yet shipped) to one of its fan's addresses. `fanId` is the calling fan (they
 * reach only their own fulfilments), or null for an operator acting for the fulfilment's fan.
 */
export async function chooseAddress(
  deps: Deps,
  orgId: string,
  input: { fanId: string | null; fulfilmentId: string; addressId: string },
): Promise<Fulfilment> {
  return deps.db.$transaction(async (tx) => {
    const owed = await tx.fulfilment.findFirst({
      where: { id: input.fulfilmentId, orgId, fanId: input.fanId ?? undefined },
      select: { fanId: true },
    });
    if (!owed) throw notFound('Fulfilment', 'input.fulfilmentId');
    const address = await tx.fanAddress.findFirst({ where: { id: input.addressId, orgId, fanId: owed.fanId } });
    if (!address) throw notFound('Address', 'input.addressId');
    const { count } = await tx.fulfilment.updateMany({
      where: { id: input.fulfilmentId, orgId, status: { in: ['PENDING_ADDRESS', 'READY'] } },
      data: { status: 'READY', address: { ...snapshotOf(address) }, addressId: address.id },
    });
    const f = await tx.fulfilment.findFirstOrThrow({ where: { id: input.fulfilmentId, orgId } });
    if (!count) throw new DomainError('INVALID_STATE', `The fulfilment is ${f.status}; its address can no longer change`, 'input.fulfilmentId');
    return f;
  });
}
