// The one campaign lookup every campaign service uses, so a campaign is refused the same way whatever
// the action: missing or another organization's → NOT_FOUND; another kind than the action needs (a
// LOTTERY id sent to sendLikes) → VALIDATION, on the argument's field; not open for the action →
// CAMPAIGN_NOT_RUNNING. An id of another type altogether never gets here: the schema's `for:` on
// every campaign id argument refuses it as VALIDATION (mutations) or BAD_USER_INPUT (queries).
import type { Tx } from '../core/db.js';
import { DomainError, notFound } from '../core/errors.js';
import type { Campaign } from '../generated/prisma/client.js';
import type { CampaignKind, CampaignStatus } from '../generated/prisma/enums.js';

type Looked = Pick<Campaign, 'orgId' | 'name' | 'kind'>;

/** Why `campaign` cannot be used as a `kind` campaign of `orgId` (null when it can). For batch paths that read many at once. */
export function campaignRefusal(campaign: Looked | null | undefined, orgId: string, field: string, kind?: CampaignKind): DomainError | null {
  if (!campaign || campaign.orgId !== orgId) return notFound('Campaign', field);
  if (kind && campaign.kind !== kind)
    return new DomainError('VALIDATION', `${field}: "${campaign.name}" is a ${campaign.kind} campaign, not ${kind}`, field);
  return null;
}

export async function findCampaign(tx: Tx, orgId: string, id: string, field: string, kind?: CampaignKind): Promise<Campaign> {
  const campaign = await tx.campaign.findFirst({ where: { id, orgId } });
  const refusal = campaignRefusal(campaign, orgId, field, kind);
  if (refusal) throw refusal;
  return campaign!;
}

/** The campaign's status must be one of `allowed`. */
export function assertStatus(campaign: Pick<Campaign, 'name' | 'status'>, allowed: CampaignStatus[], field?: string): void {
  if (!allowed.includes(campaign.status))
    throw new DomainError('CAMPAIGN_NOT_RUNNING', `"${campaign.name}" is ${campaign.status}, not ${allowed.join(' or ')}`, field);
}

/** Open to fans: RUNNING, and its end (if any) not yet passed. */
export function assertRunning(campaign: Pick<Campaign, 'name' | 'status' | 'endsAt'>, field: string, now = new Date()): void {
  assertStatus(campaign, ['RUNNING'], field);
  if (campaign.endsAt && campaign.endsAt < now)
    throw new DomainError('CAMPAIGN_NOT_RUNNING', `"${campaign.name}" ended at ${campaign.endsAt.toISOString()}`, field);
}
