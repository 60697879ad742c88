// Read types of referral campaigns that the read API did not have yet: one counted (or voided) invite,
// and the address a claim was made with.
import { ownFanRow } from '../../core/acting.js';
import { builder } from '../../core/builder.js';
import { orgIdOf } from '../../core/context.js';
import type { AddressSnapshot } from '../../fulfilment/owe.js';
import { ShippingAddressRef } from '../../fulfilment/types.js';
import { PrizeKindEnum } from '../lottery/types.js';

export const InviteStatusEnum = builder.enumType('InviteStatus', {
  description: 'Whether an invite still counts toward its inviter.',
  values: {
    COUNTED: { description: 'Counts toward the inviter.' },
    VOIDED: { description: 'No longer counts: the invitee left the group within the campaign window.' },
  },
});

builder.prismaObject('Invite', {
  description: 'A fan who joined through an invite code, counted once per campaign.',
  fields: (t) => ({
    status: t.expose('status', { type: InviteStatusEnum, description: 'Whether it still counts.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the invitee joined through the code.' }),
    voidedAt: t.expose('voidedAt', { type: 'DateTime', nullable: true, description: 'When it was voided, if it was.' }),
    invitee: t.relation('invitee', { description: 'The fan who joined.' }),
    inviteCode: t.relation('inviteCode', { description: "The inviter's code, with its updated count." }),
  }),
});

builder.prismaObjectField('InviteCode', 'shippingAddress', (t) =>
  t.field({
    type: ShippingAddressRef,
    nullable: true,
    description: 'The address the prize was claimed with (null before a claim). Operators, partners with `read`, and the inviter themself.',
    select: { shippingAddress: true, fanId: true },
    // Another fan who accepted the code sees its count, never its owner's address.
    authScopes: (code, _args, ctx) => ctx.viewer.kind !== 'fan' || code.fanId === ctx.viewer.fanId,
    resolve: (code) => (code.shippingAddress as AddressSnapshot | null) ?? null,
  }),
);

export const FissionTierRef = builder.prismaNode('FissionTier', {
  description: 'A prize tier of a referral campaign: a fan whose code has `invites` valid invites may claim it once, while stock lasts.',
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    invites: t.exposeInt('invites', { description: 'Valid (not voided) invites needed to claim this tier.' }),
    prizeName: t.exposeString('prizeName', { description: 'What the fan gets at this tier.' }),
    kind: t.expose('kind', { type: PrizeKindEnum, description: 'GOODS (a claim owes a fulfilment) or POINTS (credited at once).' }),
    points: t.exposeInt('points', { description: 'Points a POINTS tier credits (0 for goods).' }),
    stock: t.exposeInt('stock', { description: 'Units left; a claim takes one, a cancelled fulfilment gives it back.' }),
    claimCount: t.relationCount('claims', {
      where: { returnedAt: null },
      description: 'Claims that hold a unit (cancelled fulfilments not counted).',
    }),
  }),
});

builder.prismaObjectField('FissionCampaign', 'tiers', (t) =>
  t.relation('tiers', {
    description: 'Prize tiers, fewest invites first (empty for a single-prize campaign).',
    query: { orderBy: { invites: 'asc' } },
  }),
);

builder.prismaObject('FissionTierClaim', {
  description: "A fan's claim of one prize tier (one per fan and tier). A fan sees only their own.",
  select: { id: true, fanId: true },
  authScopes: ownFanRow,
  fields: (t) => ({
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the tier was claimed.' }),
    tier: t.relation('tier', { description: 'The tier claimed.' }),
    fan: t.relation('fan', { description: 'Who claimed it.' }),
  }),
});

builder.prismaObjectField('InviteCode', 'tierClaims', (t) =>
  t.relation('tierClaims', {
    description: 'The tiers claimed with this code, fewest invites first.',
    query: { orderBy: { tier: { invites: 'asc' } } },
  }),
);
