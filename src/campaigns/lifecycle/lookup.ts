// Finding a campaign of the caller's organization, of the right kind, in the right state.
// Shared by the lifecycle, fission and coupon services.
import type { Tx } from '../../core/db.js';
import { DomainError, notFound } from '../../core/errors.js';
import type { Campaign } from '../../generated/prisma/client.js';
import type { CampaignKind } from '../../generated/prisma/enums.js';

/** A decoded global id must name a Campaign; any other type is a malformed argument. */
export function campaignIdOf(gid: { typename: string; id: string }, field = 'input.campaignId'): string {
  if (gid.typename !== 'Campaign') throw new DomainError('VALIDATION', `${field}: must be the id of a Campaign`, field);
  return gid.id;
}

export async function findCampaign(tx: Tx, orgId: string, id: string, field: string, kind?: CampaignKind): Promise<Campaign> {
  const campaign = await tx.campaign.findFirst({ where: { id, orgId } });
  if (!campaign) throw notFound('Campaign', field);
  if (kind && campaign.kind !== kind) throw new DomainError('VALIDATION', `${field}: is a ${campaign.kind} campaign, not ${kind}`, field);
  return campaign;
}

/** Open to fans: RUNNING, and its end (if any) not yet passed. */
export function assertRunning(campaign: Campaign, field: string, now = new Date()): void {
  if (campaign.status !== 'RUNNING') throw new DomainError('CAMPAIGN_NOT_RUNNING', `"${campaign.name}" is ${campaign.status}, not RUNNING`, field);
  if (campaign.endsAt && campaign.endsAt < now) throw new DomainError('CAMPAIGN_NOT_RUNNING', `"${campaign.name}" ended at ${campaign.endsAt.toISOString()}`, field);
}
