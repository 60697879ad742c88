// Claiming the referral prize: once per code, only at the target, never while flagged. One conditional
// UPDATE (claimedAt IS NULL AND NOT flagged AND validInvites >= target) decides, so parallel claims
// and a claim racing a voiding run cannot both pass.
import type { Context } from '../../core/context.js';
import { DomainError, notFound } from '../../core/errors.js';
import type { InviteCode } from '../../generated/prisma/client.js';
import { findCampaign } from '../lookup.js';

type Deps = Pick<Context, 'db'>;

export interface ShippingAddress {
  name: string;
  phone: string;
  province: string;
  city: string;
  address: string;
}

/** The phone number as digits only: people type "138-0013 8000". */
function phoneOf(given: string): string {
  const digits = given.replace(/[\s-]/g, '');
  if (!/^\d{6,15}$/.test(digits))
    throw new DomainError(
      'VALIDATION',
      'input.shippingAddress.phone: must be 6–15 digits (spaces and dashes are ignored)',
      'input.shippingAddress.phone',
    );
  return digits;
}

export async function claimFissionPrize(
  deps: Deps,
  orgId: string,
  input: { campaignId: string; fanId: string; shippingAddress: ShippingAddress },
  now = new Date(),
): Promise<InviteCode> {
  const shippingAddress = { ...input.shippingAddress, phone: phoneOf(input.shippingAddress.phone) };
  return deps.db.$transaction(async (tx) => {
    const campaign = await findCampaign(tx, orgId, input.campaignId, 'input.campaignId', 'FISSION');
    // A fan who reached the target may still claim after the campaign ended.
    if (campaign.status !== 'RUNNING' && campaign.status !== 'ENDED')
      throw new DomainError('CAMPAIGN_NOT_RUNNING', `"${campaign.name}" is ${campaign.status}`, 'input.campaignId');
    const fission = await tx.fissionCampaign.findUniqueOrThrow({ where: { campaignId: campaign.id } });
    if (!(await tx.fan.findFirst({ where: { id: input.fanId, orgId }, select: { id: true } }))) throw notFound('Fan', 'input.fanId');
    const code = await tx.inviteCode.findUnique({ where: { campaignId_fanId: { campaignId: campaign.id, fanId: input.fanId } } });
    if (!code) throw new DomainError('THRESHOLD_NOT_MET', `0 of ${fission.targetInvites} valid invites`, 'input.campaignId');
    const { count } = await tx.inviteCode.updateMany({
      where: { id: code.id, claimedAt: null, flagged: false, validInvites: { gte: fission.targetInvites } },
      data: { claimedAt: now, shippingAddress: { ...shippingAddress } },
    });
    const current = await tx.inviteCode.findUniqueOrThrow({ where: { id: code.id } });
    if (count) return current;
    if (current.claimedAt)
      throw new DomainError('CONFLICT', `The prize was already claimed at ${current.claimedAt.toISOString()}`, 'input.campaignId');
    if (current.flagged)
      throw new DomainError('FORBIDDEN', 'This invite code is flagged for a burst of invites; an operator must review it first', 'input.campaignId');
    throw new DomainError('THRESHOLD_NOT_MET', `${current.validInvites} of ${fission.targetInvites} valid invites`, 'input.campaignId');
  });
}
