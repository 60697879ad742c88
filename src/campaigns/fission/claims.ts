// Claiming the single referral prize (campaigns with tiers claim them in tiers.ts): once per code, only at the target, never while flagged. One conditional
// UPDATE (claimedAt IS NULL AND NOT flagged AND validInvites >= target) decides, so parallel claims
// and a claim racing a voiding run cannot both pass.
import type { Context } from '../../core/context.js';
import { DomainError, notFound } from '../../core/errors.js';
import { type AddressSnapshot, oweGoods, phoneOf } from '../../fulfilment/owe.js';
import type { InviteCode } from '../../generated/prisma/client.js';
import { findCampaign } from '../lookup.js';

type Deps = Pick<Context, 'db'>;

export type ShippingAddress = AddressSnapshot;

export async function claimFissionPrize(
  deps: Deps,
  orgId: string,
  input: { campaignId: string; fanId: string; shippingAddress: ShippingAddress },
  now = new Date(),
): Promise<InviteCode> {
  const shippingAddress = { ...input.shippingAddress, phone: phoneOf(input.shippingAddress.phone, 'input.shippingAddress.phone') };
  return deps.db.$transaction(async (tx) => {
    const campaign = await findCampaign(tx, orgId, input.campaignId, 'input.campaignId', 'FISSION');
    // A fan who reached the target may still claim after the campaign ended.
    if (campaign.status !== 'RUNNING' && campaign.status !== 'ENDED')
      throw new DomainError('CAMPAIGN_NOT_RUNNING', `"${campaign.name}" is ${campaign.status}`, 'input.campaignId');
    const fission = await tx.fissionCampaign.findUniqueOrThrow({ where: { campaignId: campaign.id } });
    if (await tx.fissionTier.count({ where: { campaignId: campaign.id } }))
      throw new DomainError('INVALID_STATE', `"${campaign.name}" has prize tiers: claim each with claimFissionTier`, 'input.campaignId');
    if (!(await tx.fan.findFirst({ where: { id: input.fanId, orgId }, select: { id: true } }))) throw notFound('Fan', 'input.fanId');
    const code = await tx.inviteCode.findUnique({ where: { campaignId_fanId: { campaignId: campaign.id, fanId: input.fanId } } });
    if (!code) throw new DomainError('THRESHOLD_NOT_MET', `0 of ${fission.targetInvites} valid invites`, 'input.campaignId');
    const { count } = await tx.inviteCode.updateMany({
      where: { id: code.id, claimedAt: null, flagged: false, validInvites: { gte: fission.targetInvites } },
      data: { claimedAt: now, shippingAddress: { ...shippingAddress } },
    });
    const current = await tx.inviteCode.findUniqueOrThrow({ where: { id: code.id } });
    if (count) {
      // The claim owes the prize, shipped to the address given with it.
      const owed = { orgId, fanId: input.fanId, sourceKind: 'FISSION_CLAIM', sourceId: code.id, campaignId: campaign.id } as const;
      await oweGoods(tx, { ...owed, item: fission.prizeName, address: shippingAddress });
      return current;
    }
    if (current.claimedAt)
      throw new DomainError('CONFLICT', `The prize was already claimed at ${current.claimedAt.toISOString()}`, 'input.campaignId');
    if (current.flagged)
      throw new DomainError('FORBIDDEN', 'This invite code is flagged for a burst of invites; an operator must review it first', 'input.campaignId');
    throw new DomainError('THRESHOLD_NOT_MET', `${current.validInvites} of ${fission.targetInvites} valid invites`, 'input.campaignId');
  });
}
