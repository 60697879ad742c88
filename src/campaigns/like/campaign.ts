// Looking up a campaign of one kind inside the caller's organization, with the typed refusals the
// like and lottery services share.
import type { Tx } from '../../core/db.js';
import { DomainError, notFound } from '../../core/errors.js';
import type { CampaignKind, CampaignStatus } from '../../generated/prisma/enums.js';

export async function campaignOfKind(tx: Tx, orgId: string, id: string, kind: CampaignKind, field = 'input.campaignId') {
  const c = await tx.campaign.findFirst({ where: { id, orgId }, select: { id: true, name: true, kind: true, status: true, communityId: true } });
  if (!c) throw notFound('Campaign', field);
  if (c.kind !== kind) throw new DomainError('INVALID_STATE', `"${c.name}" is a ${c.kind} campaign, not ${kind}`, field);
  return c;
}

export function requireStatus(c: { name: string; status: CampaignStatus }, allowed: CampaignStatus[] = ['RUNNING']) {
  if (!allowed.includes(c.status)) throw new DomainError('CAMPAIGN_NOT_RUNNING', `"${c.name}" is ${c.status.toLowerCase()}`);
}

/** A global id argument that must name a Campaign. */
export function campaignIdOf(id: { typename: string; id: string }, field = 'input.campaignId'): string {
  if (id.typename !== 'Campaign') throw new DomainError('VALIDATION', `${field}: not a campaign id`, field);
  return id.id;
}
