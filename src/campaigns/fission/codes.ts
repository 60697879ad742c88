// Personal invite codes: one per fan per referral campaign, created on first ask. The database's
// unique (campaignId, fanId) decides between parallel first asks; the loser answers with the winner's code.
import { randomInt } from 'node:crypto';
import type { Context } from '../../core/context.js';
import { DomainError, notFound } from '../../core/errors.js';
import { isUniqueViolation } from '../../core/prisma-errors.js';
import type { InviteCode } from '../../generated/prisma/client.js';
import { findCampaign } from '../lookup.js';

type Deps = Pick<Context, 'db'>;

// No 0/O, 1/I/L: codes are read off posters and typed on phones.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 10; // 31^10 ≈ 8·10^14 codes: not guessable by trying, still short enough to type.

export function newInviteCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

export async function myInviteCode(deps: Deps, orgId: string, input: { campaignId: string; fanId: string }): Promise<InviteCode> {
  const campaign = await findCampaign(deps.db, orgId, input.campaignId, 'campaignId', 'FISSION');
  // Posters may be handed out before the start, never after the end.
  if (campaign.status !== 'RUNNING' && campaign.status !== 'SCHEDULED')
    throw new DomainError('CAMPAIGN_NOT_RUNNING', `"${campaign.name}" is ${campaign.status}`, 'campaignId');
  if (!(await deps.db.fan.findFirst({ where: { id: input.fanId, orgId }, select: { id: true } }))) throw notFound('Fan', 'fanId');
  const where = { campaignId_fanId: { campaignId: campaign.id, fanId: input.fanId } };
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await deps.db.inviteCode.findUnique({ where });
    if (existing) return existing;
    try {
      return await deps.db.inviteCode.create({ data: { orgId, campaignId: campaign.id, fanId: input.fanId, code: newInviteCode() } });
    } catch (e) {
      // Either a parallel first ask won (found on the next loop) or, astronomically rarely, the code was taken.
      if (!isUniqueViolation(e)) throw e;
    }
  }
  throw new Error('Could not allocate an invite code');
}
