// Referral (FISSION) campaign actions: personal codes, counted invites, voiding leavers, flags, prize claims.
import { actingFanId, orgOf } from '../../core/acting.js';
import { builder } from '../../core/builder.js';
import { refusals } from '../../core/error-types.js';
import { text } from '../../core/input-rules.js';
import { FanRef } from '../../fans/types.js';
import { CampaignRef, InviteCodeRef } from '../types.js';
import { claimFissionPrize } from './claims.js';
import { myInviteCode } from './codes.js';
import { acceptInvite, clearInviteFlag, voidInvitesOfLeavers } from './invites.js';
import { claimFissionTier } from './tiers.js';
import { FissionTierRef } from './types.js';

const AcceptInviteInput = builder.inputType('AcceptInviteInput', {
  description: 'A fan joined through an invite code.',
  fields: (t) => ({
    code: t.string({ required: true, description: 'The invite code from the poster: letters and digits, case-insensitive.', ...text(4, 32) }),
    inviteeFanId: t.globalID({ for: FanRef, required: false, description: 'The fan who joined; omit when the invitee calls for themself.' }),
  }),
});

const ShippingAddressInput = builder.inputType('ShippingAddressInput', {
  description: 'Where to ship a prize.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Recipient.', ...text(1, 40) }),
    phone: t.string({
      required: true,
      description: 'Phone number: 6–15 digits; spaces and dashes are ignored (at most 40 characters in all).',
      ...text(1, 40),
    }),
    province: t.string({ required: true, description: 'Province.', ...text(1, 40) }),
    city: t.string({ required: true, description: 'City.', ...text(1, 40) }),
    address: t.string({ required: true, description: 'Street address.', ...text(5, 200) }),
  }),
});

const ClaimFissionPrizeInput = builder.inputType('ClaimFissionPrizeInput', {
  description: "Claim a referral campaign's prize.",
  fields: (t) => ({
    campaignId: t.globalID({ for: CampaignRef, required: true, description: 'The FISSION campaign.' }),
    fanId: t.globalID({ for: FanRef, required: false, description: 'The inviter; omit when the fan claims for themself.' }),
    shippingAddress: t.field({ type: ShippingAddressInput, required: true, description: 'Where to ship the prize.' }),
  }),
});

const ClaimFissionTierInput = builder.inputType('ClaimFissionTierInput', {
  description: "Claim one prize tier of a referral campaign that the fan's code reached.",
  fields: (t) => ({
    tierId: t.globalID({ for: FissionTierRef, required: true, description: 'The tier (FissionCampaign.tiers).' }),
    fanId: t.globalID({ for: FanRef, required: false, description: 'The inviter; omit when the fan claims for themself.' }),
    shippingAddress: t.field({
      type: ShippingAddressInput,
      required: false,
      description: "Where to ship a GOODS tier; omitted: the fan's default address, else the fulfilment waits for one (PENDING_ADDRESS).",
    }),
  }),
});

builder.mutationFields((t) => ({
  myInviteCode: t.prismaField({
    type: 'InviteCode',
    errors: refusals('CAMPAIGN_NOT_RUNNING', 'FORBIDDEN', 'NOT_FOUND'),
    description:
      "The fan's personal invite code in a SCHEDULED or RUNNING referral campaign, created on first ask; asking again returns the same code.",
    authScopes: { fan: true, operatorWrite: true },
    args: {
      campaignId: t.arg.globalID({ for: CampaignRef, required: true, description: 'The FISSION campaign.' }),
      fanId: t.arg.globalID({ for: FanRef, required: false, description: 'The inviter; omit when the fan asks for themself.' }),
    },
    resolve: async (query, _root, args, ctx) => {
      const code = await myInviteCode(ctx, orgOf(ctx.viewer), {
        campaignId: args.campaignId.id,
        fanId: actingFanId(ctx.viewer, args.fanId?.id, 'fanId'),
      });
      return ctx.db.inviteCode.findUniqueOrThrow({ ...query, where: { id: code.id } });
    },
  }),
  acceptInvite: t.prismaField({
    type: 'Invite',
    errors: refusals('CAMPAIGN_NOT_RUNNING', 'CONFLICT', 'FORBIDDEN', 'NOT_FOUND', 'THRESHOLD_NOT_MET'),
    description:
      'Count a fan who joined through an invite code (reported by the chat platform, an operator, or the invitee). The campaign must be RUNNING (CAMPAIGN_NOT_RUNNING); ' +
      'inviting yourself is FORBIDDEN; an invitee counts once per campaign whatever the code (CONFLICT); only fans created since the campaign started count (THRESHOLD_NOT_MET). ' +
      'More than burstLimit invites within burstWindowSecs through one code flag it.',
    authScopes: { partner: 'events', operatorWrite: true, fan: true },
    args: { input: t.arg({ type: AcceptInviteInput, required: true, description: 'The code and the invitee.' }) },
    resolve: async (query, _root, { input }, ctx) => {
      const invite = await acceptInvite(ctx, orgOf(ctx.viewer), {
        code: input.code,
        inviteeId: actingFanId(ctx.viewer, input.inviteeFanId?.id, 'input.inviteeFanId'),
      });
      return ctx.db.invite.findUniqueOrThrow({ ...query, where: { id: invite.id } });
    },
  }),
  voidLeftHelpers: t.int({
    errors: refusals('NOT_FOUND'),
    description:
      "Void the invites of helpers who left the campaign's group (any group, if it has none) between startsAt and endsAt (or now); each inviter loses one valid invite per voided helper. Returns how many were voided; running it again voids only new leavers.",
    authScopes: { operatorWrite: true },
    args: { campaignId: t.arg.globalID({ for: CampaignRef, required: true, description: 'The FISSION campaign.' }) },
    resolve: (_root, { campaignId }, ctx) => ctx.db.$transaction((tx) => voidInvitesOfLeavers(tx, orgOf(ctx.viewer), campaignId.id)),
  }),
  clearInviteFlag: t.prismaField({
    type: 'InviteCode',
    errors: refusals('INVALID_STATE', 'NOT_FOUND'),
    description: 'Clear the burst flag of an invite code after review, so its fan can claim (INVALID_STATE when not flagged).',
    authScopes: { operatorWrite: true },
    args: { inviteCodeId: t.arg.globalID({ for: InviteCodeRef, required: true, description: 'The flagged invite code.' }) },
    resolve: async (query, _root, { inviteCodeId }, ctx) => {
      const code = await clearInviteFlag(ctx, orgOf(ctx.viewer), inviteCodeId.id);
      return ctx.db.inviteCode.findUniqueOrThrow({ ...query, where: { id: code.id } });
    },
  }),
  claimFissionPrize: t.prismaField({
    type: 'InviteCode',
    errors: refusals('CAMPAIGN_NOT_RUNNING', 'CONFLICT', 'FORBIDDEN', 'INVALID_STATE', 'NOT_FOUND', 'THRESHOLD_NOT_MET'),
    description:
      "Claim the referral prize with a shipping address, once (CONFLICT after), when the fan's code has at least targetInvites valid invites (THRESHOLD_NOT_MET) and is not flagged (FORBIDDEN). " +
      'Possible while the campaign is RUNNING or after it ENDED. A campaign with prize tiers answers INVALID_STATE: claim each tier with claimFissionTier.',
    authScopes: { fan: true, operatorWrite: true },
    args: { input: t.arg({ type: ClaimFissionPrizeInput, required: true, description: 'The campaign, the inviter and the address.' }) },
    resolve: async (query, _root, { input }, ctx) => {
      const code = await claimFissionPrize(ctx, orgOf(ctx.viewer), {
        campaignId: input.campaignId.id,
        fanId: actingFanId(ctx.viewer, input.fanId?.id),
        shippingAddress: input.shippingAddress,
      });
      return ctx.db.inviteCode.findUniqueOrThrow({ ...query, where: { id: code.id } });
    },
  }),
  claimFissionTier: t.prismaField({
    type: 'FissionTierClaim',
    errors: refusals('CAMPAIGN_NOT_RUNNING', 'CONFLICT', 'FORBIDDEN', 'NOT_FOUND', 'OUT_OF_STOCK', 'THRESHOLD_NOT_MET'),
    description:
      "Claim one prize tier, once per fan (CONFLICT after), when the fan's code has at least the tier's `invites` valid invites — voided invites do not count (THRESHOLD_NOT_MET) — " +
      'and is not flagged (FORBIDDEN), while the tier has stock (OUT_OF_STOCK). Each tier reached is claimed separately. A GOODS tier owes a fulfilment; a POINTS tier credits its points at once. ' +
      'Possible while the campaign is RUNNING or after it ENDED (CAMPAIGN_NOT_RUNNING otherwise).',
    authScopes: { fan: true, operatorWrite: true },
    args: { input: t.arg({ type: ClaimFissionTierInput, required: true, description: 'The tier, the inviter and optionally the address.' }) },
    resolve: async (query, _root, { input }, ctx) => {
      const claim = await claimFissionTier(ctx, orgOf(ctx.viewer), {
        tierId: input.tierId.id,
        fanId: actingFanId(ctx.viewer, input.fanId?.id),
        shippingAddress: input.shippingAddress,
      });
      return ctx.db.fissionTierClaim.findUniqueOrThrow({ ...query, where: { id: claim.id } });
    },
  }),
}));
