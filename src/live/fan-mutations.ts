// Fan-facing live mutations: reservations and wishes. A fan acts for themself; an operator names the fan.
import { actingFanId, orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { refusals } from '../core/error-types.js';
import { text } from '../core/input-rules.js';
import { FanRef } from '../fans/types.js';
import { cancelReservation, reserveItem, reserveSession } from './reservations.js';
import { LineupItemRef, LiveSessionRef, ReservationRef, WishRef } from './types.js';
import { makeWish, unvoteWish, voteWish, type WishMade } from './wishes.js';

const FAN = 'The fan; omit when the fan calls for themself.';

const ReserveSessionInput = builder.inputType('ReserveSessionInput', {
  description: 'A fan reserving a whole live session, to be reminded when it goes live.',
  fields: (t) => ({
    sessionId: t.globalID({ for: LiveSessionRef, required: true, description: 'The session; SCHEDULED or LIVE.' }),
    fanId: t.globalID({ for: FanRef, required: false, description: FAN }),
  }),
});

const ReserveItemInput = builder.inputType('ReserveItemInput', {
  description: 'A fan reserving one line-up item, to be reminded when it goes on sale.',
  fields: (t) => ({
    itemId: t.globalID({ for: LineupItemRef, required: true, description: 'The item; its session SCHEDULED or LIVE, the item not yet on sale.' }),
    fanId: t.globalID({ for: FanRef, required: false, description: FAN }),
  }),
});

const MakeWishInput = builder.inputType('MakeWishInput', {
  description: 'A product a fan wishes to see in a live session.',
  fields: (t) => ({
    productName: t.string({
      required: true,
      description: 'The product. The same name (ignoring case and spacing) as an open wish votes for it instead.',
      ...text(1, 120),
    }),
    fanId: t.globalID({ for: FanRef, required: false, description: FAN }),
  }),
});

const WishVoteInput = builder.inputType('WishVoteInput', {
  description: 'A fan voting for (or withdrawing a vote from) a wish.',
  fields: (t) => ({
    wishId: t.globalID({ for: WishRef, required: true, description: 'The wish; it must be OPEN.' }),
    fanId: t.globalID({ for: FanRef, required: false, description: FAN }),
  }),
});

const WishMadeRef = builder.objectRef<WishMade>('WishMade').implement({
  description: 'The open wish for the product, new or joined.',
  fields: (t) => ({
    wish: t.field({ type: WishRef, description: 'The wish.', resolve: (r) => r.wish }),
    created: t.exposeBoolean('created', { description: 'True when this call created it; false when an open wish for the same product existed.' }),
    voted: t.exposeBoolean('voted', { description: "True when this call added the fan's vote; false when they had voted already." }),
  }),
});

const fanScopes = { fan: true, operatorWrite: true } as const;

builder.mutationFields((t) => ({
  reserveSession: t.field({
    type: ReservationRef,
    errors: refusals('CONFLICT', 'FORBIDDEN', 'INVALID_STATE', 'NOT_FOUND'),
    description: 'Reserve a live session (once per fan; again → CONFLICT).',
    authScopes: fanScopes,
    args: { input: t.arg({ type: ReserveSessionInput, required: true, description: 'What to reserve, for whom.' }) },
    resolve: (_root, { input }, ctx) => reserveSession(ctx, orgOf(ctx.viewer), actingFanId(ctx.viewer, input.fanId?.id), input.sessionId.id),
  }),
  reserveItem: t.field({
    type: ReservationRef,
    errors: refusals('CONFLICT', 'FORBIDDEN', 'INVALID_STATE', 'NOT_FOUND'),
    description: 'Reserve a line-up item (once per fan; again → CONFLICT).',
    authScopes: fanScopes,
    args: { input: t.arg({ type: ReserveItemInput, required: true, description: 'What to reserve, for whom.' }) },
    resolve: (_root, { input }, ctx) => reserveItem(ctx, orgOf(ctx.viewer), actingFanId(ctx.viewer, input.fanId?.id), input.itemId.id),
  }),
  cancelReservation: t.field({
    type: LiveSessionRef,
    errors: refusals('NOT_FOUND'),
    description: 'Cancel a reservation (a fan only their own); answers the session.',
    authScopes: fanScopes,
    args: { reservationId: t.arg.globalID({ for: ReservationRef, required: true, description: 'The reservation.' }) },
    resolve: (_root, { reservationId }, ctx) =>
      cancelReservation(ctx, orgOf(ctx.viewer), reservationId.id, ctx.viewer.kind === 'fan' ? ctx.viewer.fanId : null),
  }),
  makeWish: t.field({
    type: WishMadeRef,
    errors: refusals('FORBIDDEN', 'NOT_FOUND'),
    description: "Wish for a product; if an open wish for it exists, this votes for it. The maker's wish counts as their vote.",
    authScopes: fanScopes,
    args: { input: t.arg({ type: MakeWishInput, required: true, description: 'The wish.' }) },
    resolve: (_root, { input }, ctx) => makeWish(ctx, orgOf(ctx.viewer), actingFanId(ctx.viewer, input.fanId?.id), input.productName),
  }),
  voteWish: t.field({
    type: WishRef,
    errors: refusals('CONFLICT', 'FORBIDDEN', 'INVALID_STATE', 'NOT_FOUND'),
    description: 'Vote for an open wish, once per fan (again → CONFLICT).',
    authScopes: fanScopes,
    args: { input: t.arg({ type: WishVoteInput, required: true, description: 'The vote.' }) },
    resolve: (_root, { input }, ctx) => voteWish(ctx, orgOf(ctx.viewer), actingFanId(ctx.viewer, input.fanId?.id), input.wishId.id),
  }),
  unvoteWish: t.field({
    type: WishRef,
    errors: refusals('FORBIDDEN', 'INVALID_STATE', 'NOT_FOUND'),
    description: "Withdraw the fan's vote from an open wish.",
    authScopes: fanScopes,
    args: { input: t.arg({ type: WishVoteInput, required: true, description: 'The vote to withdraw.' }) },
    resolve: (_root, { input }, ctx) => unvoteWish(ctx, orgOf(ctx.viewer), actingFanId(ctx.viewer, input.fanId?.id), input.wishId.id),
  }),
}));
