// Read types of fulfilment: what a fan is owed and where it ships, and the fan's addresses.
import { ownFanRow } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { orgIdOf } from '../core/context.js';
import type { AddressSnapshot } from './owe.js';

export const FulfilmentStatusEnum = builder.enumType('FulfilmentStatus', {
  description: 'Where a goods prize is on its way to the fan.',
  values: {
    PENDING_ADDRESS: { description: 'Owed, but the fan has no shipping address yet; becomes READY when they set one.' },
    READY: { description: 'Has an address; waiting to be shipped (what a warehouse pulls).' },
    SHIPPED: { description: 'Handed to a carrier, with a tracking number.' },
    DELIVERED: { description: 'The fan received it.' },
    CANCELLED: { description: 'Called off before shipping; stock and points went back where they came from.' },
  },
});

export const FulfilmentSourceEnum = builder.enumType('FulfilmentSource', {
  description: 'What made a prize owed.',
  values: {
    REDEMPTION: { description: 'A points-mall redemption (cancelling returns the stock and the points).' },
    FISSION_CLAIM: { description: 'A referral prize claim (nothing to return: the prize has no stock).' },
    FISSION_TIER: { description: "A referral prize tier claim (cancelling returns the unit to the tier's stock)." },
    LIKE_DRAW: { description: 'A like-milestone draw win (nothing to return).' },
    LOTTERY_SPIN: { description: 'A goods prize won on the wheel (cancelling returns the prize to stock).' },
  },
});

export const ShippingAddressRef = builder.objectRef<AddressSnapshot>('ShippingAddress').implement({
  description: 'A shipping address as given (a snapshot: later edits of the fan’s addresses do not change it).',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Recipient.' }),
    phone: t.exposeString('phone', { description: 'Phone number, digits only.' }),
    province: t.exposeString('province', { description: 'Province.' }),
    city: t.exposeString('city', { description: 'City.' }),
    address: t.exposeString('address', { description: 'Street address.' }),
  }),
});

export const FanAddressRef = builder.prismaNode('FanAddress', {
  description: "One of a fan's shipping addresses. A fan sees only their own.",
  authScopes: ownFanRow,
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Recipient.' }),
    phone: t.exposeString('phone', { description: 'Phone number, digits only.' }),
    province: t.exposeString('province', { description: 'Province.' }),
    city: t.exposeString('city', { description: 'City.' }),
    address: t.exposeString('address', { description: 'Street address.' }),
    isDefault: t.exposeBoolean('isDefault', { description: 'Prizes owed from now on ship here unless the fan picks another.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'Last change.' }),
  }),
});

export const FulfilmentRef = builder.prismaNode('Fulfilment', {
  description: 'A goods prize owed to a fan and its shipping. A fan sees only their own; another organization sees nothing.',
  authScopes: ownFanRow,
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    fan: t.relation('fan', { description: 'Who is owed it.' }),
    item: t.exposeString('item', { description: 'What is shipped: the reward or prize name.' }),
    quantity: t.exposeInt('quantity', { description: 'How many.' }),
    source: t.expose('sourceKind', { type: FulfilmentSourceEnum, description: 'What made it owed.' }),
    sourceId: t.exposeID('sourceId', {
      description: 'The database id of the source row (redemption, invite code, like draw or lottery spin).',
    }),
    campaign: t.relation('campaign', { nullable: true, description: 'The campaign it was won in; null for points-mall redemptions.' }),
    status: t.expose('status', { type: FulfilmentStatusEnum, description: 'Where it is.' }),
    address: t.field({
      type: ShippingAddressRef,
      nullable: true,
      description: 'Where it ships (a snapshot taken when the address was set); null while PENDING_ADDRESS.',
      select: { address: true },
      resolve: (f) => (f.address as AddressSnapshot | null) ?? null,
    }),
    carrier: t.exposeString('carrier', { nullable: true, description: 'Carrier, once shipped.' }),
    trackingNumber: t.exposeString('trackingNumber', { nullable: true, description: 'Tracking number, once shipped.' }),
    shippedAt: t.expose('shippedAt', { type: 'DateTime', nullable: true, description: 'When it was shipped.' }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true, description: 'When it was marked delivered.' }),
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime', nullable: true, description: 'When it was cancelled.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the prize became owed.' }),
  }),
});

builder.prismaObjectField('Fan', 'fulfilments', (t) =>
  t.relatedConnection('fulfilments', {
    cursor: 'id',
    totalCount: true,
    description: 'Goods prizes owed to the fan and their shipping, newest first.',
    query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
  }),
);

builder.prismaObjectField('Fan', 'addresses', (t) =>
  t.relation('addresses', {
    description: "The fan's shipping addresses, the default first, then the newest.",
    query: { orderBy: [{ isDefault: 'desc' }, { createdAt: 'desc' }, { id: 'desc' }] },
  }),
);
