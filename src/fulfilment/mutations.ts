// Fulfilment mutations: fans keep their addresses; operators (and warehouse partners) ship, deliver, cancel.
import { actingFanId, orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { refusals } from '../core/error-types.js';
import { items, text } from '../core/input-rules.js';
import { FanRef } from '../fans/types.js';
import { chooseAddress, saveAddress } from './addresses.js';
import { cancelFulfilment, markDelivered, markShipped } from './service.js';
import { FanAddressRef, FulfilmentRef } from './types.js';

const SaveAddressInput = builder.inputType('SaveShippingAddressInput', {
  description:
    "Add a shipping address, or change one. A fan's first address is their default; saving a default gives every prize waiting for an address (PENDING_ADDRESS) this address and makes it READY.",
  fields: (t) => ({
    fanId: t.globalID({ for: FanRef, required: false, description: 'The fan; omit when the fan calls for themself.' }),
    addressId: t.globalID({ for: FanAddressRef, required: false, description: 'The address to change; omit to add one.' }),
    name: t.string({ required: true, description: 'Recipient.', ...text(1, 40) }),
    phone: t.string({ required: true, description: 'Phone number: 6–15 digits (spaces and dashes are ignored).', ...text(6, 20) }),
    province: t.string({ required: true, description: 'Province.', ...text(1, 40) }),
    city: t.string({ required: true, description: 'City.', ...text(1, 40) }),
    address: t.string({ required: true, description: 'Street address.', ...text(1, 200) }),
    makeDefault: t.boolean({ required: false, description: 'Make it the default address (a first address always is).' }),
  }),
});

const ChooseAddressInput = builder.inputType('ChooseFulfilmentAddressInput', {
  description: 'Ship one prize that has not shipped yet to one of the fan’s addresses.',
  fields: (t) => ({
    fulfilmentId: t.globalID({ for: FulfilmentRef, required: true, description: 'The prize.' }),
    addressId: t.globalID({ for: FanAddressRef, required: true, description: 'One of the same fan’s addresses.' }),
  }),
});

const ShipmentInput = builder.inputType('FulfilmentShipmentInput', {
  description: 'One parcel handed to a carrier.',
  fields: (t) => ({
    fulfilmentId: t.globalID({ for: FulfilmentRef, required: true, description: 'A READY fulfilment.' }),
    carrier: t.string({ required: true, description: 'Carrier, e.g. "SF Express".', ...text(1, 40) }),
    trackingNumber: t.string({ required: true, description: 'The carrier’s tracking number.', ...text(4, 40) }),
  }),
});

const MarkShippedInput = builder.inputType('MarkFulfilmentsShippedInput', {
  description: 'Parcels shipped, all or none.',
  fields: (t) => ({
    items: t.field({ type: [ShipmentInput], required: true, description: 'Each parcel, each fulfilment once.', ...items(1, 500) }),
  }),
});

builder.mutationFields((t) => ({
  saveShippingAddress: t.field({
    type: FanAddressRef,
    errors: refusals('FORBIDDEN', 'NOT_FOUND'),
    description: 'A fan (or an operator for them) adds or changes a shipping address; a default one unblocks prizes waiting for an address.',
    authScopes: { fan: true, operatorWrite: true },
    args: { input: t.arg({ type: SaveAddressInput, required: true, description: 'The address.' }) },
    resolve: (_root, { input }, ctx) =>
      saveAddress(ctx, orgOf(ctx.viewer), actingFanId(ctx.viewer, input.fanId?.id), { ...input, addressId: input.addressId?.id }),
  }),
  chooseFulfilmentAddress: t.field({
    type: FulfilmentRef,
    errors: refusals('INVALID_STATE', 'NOT_FOUND'),
    description:
      "The fan (or an operator for them) picks which of the fan's addresses one prize ships to (PENDING_ADDRESS or READY → READY); refused once shipped.",
    authScopes: { fan: true, operatorWrite: true },
    args: { input: t.arg({ type: ChooseAddressInput, required: true, description: 'The prize and the address.' }) },
    resolve: (_root, { input }, ctx) =>
      chooseAddress(ctx, orgOf(ctx.viewer), {
        fanId: ctx.viewer.kind === 'fan' ? ctx.viewer.fanId : null,
        fulfilmentId: input.fulfilmentId.id,
        addressId: input.addressId.id,
      }),
  }),
  markFulfilmentsShipped: t.field({
    type: [FulfilmentRef],
    errors: refusals('INVALID_STATE', 'NOT_FOUND'),
    description:
      'Mark READY fulfilments SHIPPED with carrier and tracking number, all or nothing: an unknown id (NOT_FOUND), one not READY (INVALID_STATE) or an id listed twice (VALIDATION) refuses the whole batch, `field` naming the first bad item (`input.items.<i>.fulfilmentId`) and the message every one. Operators and partner keys with the `fulfilment` scope.',
    authScopes: { operatorWrite: true, partner: 'fulfilment' },
    args: { input: t.arg({ type: MarkShippedInput, required: true, description: 'The parcels.' }) },
    resolve: (_root, { input }, ctx) =>
      markShipped(
        ctx,
        orgOf(ctx.viewer),
        input.items.map((i) => ({ ...i, fulfilmentId: i.fulfilmentId.id })),
      ),
  }),
  markFulfilmentDelivered: t.field({
    type: FulfilmentRef,
    errors: refusals('INVALID_STATE', 'NOT_FOUND'),
    description: 'Mark a SHIPPED fulfilment DELIVERED. Operators and partner keys with the `fulfilment` scope.',
    authScopes: { operatorWrite: true, partner: 'fulfilment' },
    args: { fulfilmentId: t.arg.globalID({ for: FulfilmentRef, required: true, description: 'The fulfilment.' }) },
    resolve: (_root, { fulfilmentId }, ctx) => markDelivered(ctx, orgOf(ctx.viewer), fulfilmentId.id),
  }),
  cancelFulfilment: t.field({
    type: FulfilmentRef,
    errors: refusals('INVALID_STATE', 'NOT_FOUND'),
    description:
      'Call off a PENDING_ADDRESS or READY fulfilment: a redemption’s reward stock and points, or a wheel prize’s stock, go back exactly once (a second cancel, even a concurrent one, answers INVALID_STATE). Operators only.',
    authScopes: { operatorWrite: true },
    args: { fulfilmentId: t.arg.globalID({ for: FulfilmentRef, required: true, description: 'The fulfilment.' }) },
    resolve: (_root, { fulfilmentId }, ctx) => cancelFulfilment(ctx, orgOf(ctx.viewer), fulfilmentId.id),
  }),
}));
