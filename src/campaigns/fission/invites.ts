// Counting invites, with the anti-fraud rules of referral campaigns: never yourself, once per invitee
// per campaign (whatever the code), only fans new since the start, bursts flagged, leavers voided.

import type { ActivityReactions } from '../../activity/reactions.js';
import type { Context } from '../../core/context.js';
import type { Tx } from '../../core/db.js';
import { DomainError, notFound } from '../../core/errors.js';
import { emitOutbound } from '../../core/outbound.js';
import { isUniqueViolation } from '../../core/prisma-errors.js';
import { type Invite, type InviteCode, Prisma } from '../../generated/prisma/client.js';
import { assertRunning, findCampaign } from '../lookup.js';

type Deps = Pick<Context, 'db'>;

/** Codes are stored in capitals; the poster's code may be typed in any case. */
function inviteCodeOf(given: string, field = 'input.code'): string {
  const code = given.toUpperCase();
  if (!/^[A-Z0-9]+$/.test(code)) throw new DomainError('VALIDATION', `${field}: must be letters and digits only`, field);
  return code;
}

export async function acceptInvite(deps: Deps, orgId: string, input: { code: string; inviteeId: string }, now = new Date()): Promise<Invite> {
  const given = inviteCodeOf(input.code);
  try {
    return await deps.db.$transaction(async (tx) => {
      const code = await tx.inviteCode.findFirst({ where: { code: given, orgId }, include: { campaign: { include: { campaign: true } } } });
      if (!code) throw notFound('Invite code', 'input.code');
      const { campaign, burstLimit, burstWindowSecs } = code.campaign;
      assertRunning(campaign, 'input.code', now);
      const invitee = await tx.fan.findFirst({ where: { id: input.inviteeId, orgId }, select: { id: true, createdAt: true } });
      if (!invitee) throw notFound('Fan', 'input.inviteeFanId');
      if (invitee.id === code.fanId) throw new DomainError('FORBIDDEN', 'A fan cannot invite themself', 'input.inviteeFanId');
      const since = campaign.startsAt ?? campaign.createdAt;
      if (invitee.createdAt < since)
        throw new DomainError(
          'THRESHOLD_NOT_MET',
          `Only fans who are new since the campaign started (${since.toISOString()}) count as invitees`,
          'input.inviteeFanId',
        );

      // Increment first: it takes the code's row lock, so the burst count below sees every earlier
      // invite through this code. A second invite of the same invitee fails on the unique
      // (campaignId, inviteeId) insert and the whole transaction, increment included, rolls back.
      await tx.inviteCode.update({ where: { id: code.id }, data: { validInvites: { increment: 1 } } });
      const invite = await tx.invite.create({
        data: { orgId, campaignId: campaign.id, inviteCodeId: code.id, inviteeId: invitee.id, createdAt: now },
      });
      const recent = await tx.invite.count({ where: { inviteCodeId: code.id, createdAt: { gt: new Date(now.getTime() - burstWindowSecs * 1000) } } });
      // Flagged codes keep counting, but cannot claim until an operator clears them.
      if (recent > burstLimit) {
        const flagged = await tx.inviteCode.updateMany({ where: { id: code.id, flagged: false }, data: { flagged: true } });
        if (flagged.count)
          await emitOutbound(tx, orgId, 'invite.flagged', {
            inviteCodeId: code.id,
            campaignId: campaign.id,
            fanId: code.fanId,
            invitesInWindow: recent,
          });
      }
      await tx.fan.updateMany({ where: { id: invitee.id, referredById: null }, data: { referredById: code.fanId } });
      return invite;
    });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    throw new DomainError('CONFLICT', 'This fan already counts as an invitee in this campaign', 'input.inviteeFanId');
  }
}

export async function clearInviteFlag(deps: Deps, orgId: string, inviteCodeId: string): Promise<InviteCode> {
  const { count } = await deps.db.inviteCode.updateMany({ where: { id: inviteCodeId, orgId, flagged: true }, data: { flagged: false } });
  const code = await deps.db.inviteCode.findFirst({ where: { id: inviteCodeId, orgId } });
  if (!code) throw notFound('Invite code', 'inviteCodeId');
  if (!count) throw new DomainError('INVALID_STATE', 'This invite code is not flagged', 'inviteCodeId');
  return code;
}

/**
 * Voids the invites of helpers who left the campaign's group within the campaign window
 * [startsAt, endsAt or now]; without a group, leaving any group of the organization counts.
 * Each invite flips COUNTED → VOIDED once (the status is re-checked under the row lock), and its
 * code loses exactly one valid invite. Runs in the caller's transaction, so the communities leave
 * path can call it too. Returns how many invites were voided.
 */
export async function voidInvitesOfLeavers(tx: Tx, orgId: string, campaignId: string): Promise<number> {
  const campaign = await findCampaign(tx, orgId, campaignId, 'campaignId', 'FISSION');
  const from = campaign.startsAt ?? campaign.createdAt;
  const to = campaign.endsAt ?? new Date();
  const sameGroup = campaign.communityId ? Prisma.sql`AND m."communityId" = ${campaign.communityId}` : Prisma.empty;
  const rows = await tx.$queryRaw<{ n: number }[]>`
    WITH voided AS (
      UPDATE "Invite" i SET "status" = 'VOIDED', "voidedAt" = now()
      WHERE i."campaignId" = ${campaign.id} AND i."orgId" = ${orgId} AND i."status" = 'COUNTED'
        AND EXISTS (SELECT 1 FROM "Membership" m WHERE m."fanId" = i."inviteeId" AND m."orgId" = ${orgId}
                    AND m."leftAt" >= ${from} AND m."leftAt" <= ${to} ${sameGroup})
      RETURNING i."inviteCodeId"
    ), per_code AS (SELECT "inviteCodeId", count(*)::int AS n FROM voided GROUP BY "inviteCodeId")
    UPDATE "InviteCode" c SET "validInvites" = c."validInvites" - p.n FROM per_code p WHERE c."id" = p."inviteCodeId"
    RETURNING p.n`;
  return rows.reduce((sum, r) => sum + Number(r.n), 0);
}

/**
 * Called when a fan leaves a group: voids the invites that counted this fan as a helper in every
 * RUNNING referral campaign of that group (or of no particular group). Runs in the caller's transaction.
 */
/** Registers the fission module's reaction: a helper who leaves a group during a campaign no longer counts. */
export function voidInvitesWhenHelpersLeave(activity: ActivityReactions): void {
  activity.on('MEMBER_LEFT', (tx, e) => (e.fanId && e.communityId ? voidInvitesOfLeaver(tx, e.orgId, e.fanId, e.communityId) : Promise.resolve(0)));
}

async function voidInvitesOfLeaver(tx: Tx, orgId: string, fanId: string, communityId: string): Promise<number> {
  const campaigns = await tx.invite.findMany({
    where: { orgId, inviteeId: fanId, status: 'COUNTED' },
    select: { campaignId: true },
  });
  if (!campaigns.length) return 0;
  const running = await tx.campaign.findMany({
    where: {
      id: { in: campaigns.map((c) => c.campaignId) },
      orgId,
      kind: 'FISSION',
      status: 'RUNNING',
      OR: [{ communityId }, { communityId: null }],
    },
    select: { id: true },
  });
  let voided = 0;
  for (const c of running) voided += await voidInvitesOfLeavers(tx, orgId, c.id);
  return voided;
}
