// Prize tiers of a referral campaign (e.g. 3 invites → cola, 10 → tissues, 30 → shampoo). A fan claims
// each tier their code reached once, while the tier has stock; flagged codes cannot claim, and only
// valid (COUNTED) invites count. Three guards, each decided by the database:
// - the claim row is unique per (tier, fan): a parallel second claim of the same fan inserts nothing;
// - the stock decrement is conditional (stock ≥ 1) on the tier's row lock: 100 claims of 10 units → 10;
// - the code is read FOR SHARE, so a voiding run or a burst flag cannot change it under the claim.
// A goods tier owes a fulfilment (the address given, else the fan's default, else PENDING_ADDRESS);
// a points tier credits the points at once (reason CAMPAIGN).
import type { Context } from '../../core/context.js';
import type { Tx } from '../../core/db.js';
import { DomainError, notFound } from '../../core/errors.js';
import { type AddressSnapshot, oweGoods, phoneOf } from '../../fulfilment/owe.js';
import type { FissionTierClaim, Fulfilment } from '../../generated/prisma/client.js';
import { applyPoints } from '../../points/ledger.js';

type Deps = Pick<Context, 'db'>;

export interface ClaimTierInput {
  tierId: string;
  fanId: string;
  shippingAddress?: AddressSnapshot | null;
}

export async function claimFissionTier(deps: Deps, orgId: string, input: ClaimTierInput): Promise<FissionTierClaim> {
  const address = input.shippingAddress
    ? { ...input.shippingAddress, phone: phoneOf(input.shippingAddress.phone, 'input.shippingAddress.phone') }
    : null;
  return deps.db.$transaction(async (tx) => {
    const tier = await tx.fissionTier.findFirst({ where: { id: input.tierId, orgId }, include: { campaign: { include: { campaign: true } } } });
    if (!tier) throw notFound('Fission tier', 'input.tierId');
    const campaign = tier.campaign.campaign;
    // As with the single prize: a fan who reached a tier may still claim it after the campaign ended.
    if (campaign.status !== 'RUNNING' && campaign.status !== 'ENDED')
      throw new DomainError('CAMPAIGN_NOT_RUNNING', `"${campaign.name}" is ${campaign.status}`, 'input.tierId');
    if (!(await tx.fan.findFirst({ where: { id: input.fanId, orgId }, select: { id: true } }))) throw notFound('Fan', 'input.fanId');
    const [code] = await tx.$queryRaw<{ id: string; validInvites: number; flagged: boolean }[]>`
      SELECT "id", "validInvites", "flagged" FROM "InviteCode"
      WHERE "campaignId" = ${campaign.id} AND "fanId" = ${input.fanId} FOR SHARE`;
    const reached = Number(code?.validInvites ?? 0);
    if (!code || reached < tier.invites) throw new DomainError('THRESHOLD_NOT_MET', `${reached} of ${tier.invites} valid invites`, 'input.tierId');
    if (code.flagged)
      throw new DomainError('FORBIDDEN', 'This invite code is flagged for a burst of invites; an operator must review it first', 'input.tierId');
    const { count: inserted } = await tx.fissionTierClaim.createMany({
      data: [{ orgId, campaignId: campaign.id, tierId: tier.id, fanId: input.fanId, inviteCodeId: code.id }],
      skipDuplicates: true,
    });
    if (!inserted) throw new DomainError('CONFLICT', `"${tier.prizeName}" was already claimed by this fan`, 'input.tierId');
    const taken = await tx.fissionTier.updateMany({ where: { id: tier.id, stock: { gte: 1 } }, data: { stock: { decrement: 1 } } });
    // Throwing rolls the claim row back too: an out-of-stock attempt leaves nothing behind.
    if (!taken.count) throw new DomainError('OUT_OF_STOCK', `"${tier.prizeName}" is out of stock`, 'input.tierId');
    const claim = await tx.fissionTierClaim.findUniqueOrThrow({ where: { tierId_fanId: { tierId: tier.id, fanId: input.fanId } } });
    if (tier.kind === 'POINTS')
      await applyPoints(tx, {
        orgId,
        fanId: input.fanId,
        delta: tier.points,
        reason: 'CAMPAIGN',
        reference: `fission-tier:${claim.id}`,
        idempotencyKey: `fission-tier:${claim.id}`,
        note: `${campaign.name}: ${tier.prizeName}`,
      });
    else
      await oweGoods(tx, {
        orgId,
        fanId: input.fanId,
        sourceKind: 'FISSION_TIER',
        sourceId: claim.id,
        campaignId: campaign.id,
        item: tier.prizeName,
        address,
      });
    return claim;
  });
}

/** A cancelled tier fulfilment gives its unit back to the tier's stock, once (registered in services.ts). */
export async function returnTierUnit(tx: Tx, fulfilment: Pick<Fulfilment, 'orgId' | 'sourceId'>): Promise<boolean> {
  const { count } = await tx.fissionTierClaim.updateMany({
    where: { id: fulfilment.sourceId, orgId: fulfilment.orgId, returnedAt: null },
    data: { returnedAt: new Date() },
  });
  if (!count) return false;
  const claim = await tx.fissionTierClaim.findUniqueOrThrow({ where: { id: fulfilment.sourceId }, select: { tierId: true } });
  await tx.fissionTier.update({ where: { id: claim.tierId }, data: { stock: { increment: 1 } } });
  return true;
}
