// Read types of referral campaigns that the read API did not have yet: one counted (or voided) invite,
// and the address a claim was made with.
import { builder } from '../../core/builder.js';
import type { AddressSnapshot } from '../../fulfilment/owe.js';
import { ShippingAddressRef } from '../../fulfilment/types.js';

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
