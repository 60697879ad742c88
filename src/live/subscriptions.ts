// The live domain's subscriptions.
// A fan hears only their own reminders: the channel is keyed by the fan id taken from the credential.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { GraphQLError } from 'graphql';
import { builder } from '../core/builder.js';
import { type Context, orgIdOf } from '../core/context.js';
import { boundedFeed, FEED_BUFFER } from '../core/streams.js';
import type { FanReminderMessage, LiveSessionMessage } from './events.js';
import { LiveSessionRef, LiveSessionStatusEnum } from './types.js';

// The Subscription root itself is declared in src/core/builder.ts.

const FanReminderKindEnum = builder.enumType('FanReminderKind', {
  description: 'What a reminder is about.',
  values: {
    ITEM_ON_SALE: { description: 'An item the fan reserved just went on sale.' },
    SESSION_LIVE: { description: 'A session the fan reserved just went live.' },
    WISH_FULFILLED: {
      description: 'A product the fan wished for (made or voted for the wish) joined a line-up: itemId and sessionId say where to find it.',
    },
  },
});

const LiveSessionEventKindEnum = builder.enumType('LiveSessionEventKind', {
  description: 'What happened in a live session.',
  values: {
    STATUS: { description: 'The session changed status.' },
    ITEM_ON_SALE: { description: 'An item went on sale.' },
    RESERVATIONS: { description: 'The number of reservations changed.' },
    STATS: { description: 'New live numbers were reported.' },
  },
});

const FanReminderRef = builder.objectRef<FanReminderMessage>('FanReminder').implement({
  description: 'A reminder for a fan about something they reserved or wished for.',
  fields: (t) => ({
    kind: t.field({ type: FanReminderKindEnum, description: 'What the reminder is about.', resolve: (m) => m.kind }),
    sessionId: t.id({ description: 'Global id of the live session.', resolve: (m) => encodeGlobalID('LiveSession', m.sessionId) }),
    itemId: t.id({
      nullable: true,
      description: 'Global id of the line-up item, for ITEM_ON_SALE and WISH_FULFILLED.',
      resolve: (m) => m.itemId && encodeGlobalID('LineupItem', m.itemId),
    }),
    productName: t.string({ nullable: true, description: 'The product, for ITEM_ON_SALE and WISH_FULFILLED.', resolve: (m) => m.productName }),
    at: t.field({ type: 'DateTime', description: 'When it happened.', resolve: (m) => new Date(m.at) }),
  }),
});

const LiveSessionEventRef = builder.objectRef<LiveSessionMessage>('LiveSessionEvent').implement({
  description: 'Something that happened in a live session, for dashboards.',
  fields: (t) => ({
    kind: t.field({ type: LiveSessionEventKindEnum, description: 'What happened.', resolve: (m) => m.kind }),
    sessionId: t.id({ description: 'Global id of the session.', resolve: (m) => encodeGlobalID('LiveSession', m.sessionId) }),
    status: t.field({ type: LiveSessionStatusEnum, nullable: true, description: 'The session status, when known.', resolve: (m) => m.status }),
    itemId: t.id({
      nullable: true,
      description: 'Global id of the item, for ITEM_ON_SALE.',
      resolve: (m) => m.itemId && encodeGlobalID('LineupItem', m.itemId),
    }),
    productName: t.string({ nullable: true, description: 'The product, for ITEM_ON_SALE.', resolve: (m) => m.productName }),
    reservationCount: t.int({
      nullable: true,
      description: 'Reservations of the session and its items, for RESERVATIONS.',
      resolve: (m) => m.reservationCount,
    }),
    viewers: t.int({ nullable: true, description: 'Concurrent viewers, for STATS.', resolve: (m) => m.stats?.viewers ?? null }),
    likes: t.int({ nullable: true, description: 'Likes, for STATS.', resolve: (m) => m.stats?.likes ?? null }),
    orderCount: t.int({ nullable: true, description: 'Orders, for STATS.', resolve: (m) => m.stats?.orderCount ?? null }),
    gmvCents: t.int({ nullable: true, description: 'GMV in cents, for STATS.', resolve: (m) => m.stats?.gmvCents ?? null }),
    at: t.field({ type: 'DateTime', description: 'When it happened.', resolve: (m) => new Date(m.at) }),
  }),
});

// Scope-auth checks subscription fields per event, not at subscribe time, so subscribe checks too.
function refuse(ctx: Context, field: string): never {
  const code = ctx.viewer.kind === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN';
  throw new GraphQLError(`Not allowed to use Subscription.${field}`, { extensions: { code } });
}

builder.subscriptionFields((t) => ({
  fanReminders: t.field({
    type: FanReminderRef,
    description: "The signed-in fan's reminders: reserved sessions going live, reserved items going on sale.",
    authScopes: { fan: true },
    subscribe: (_root, _args, ctx) => {
      if (ctx.viewer.kind !== 'fan') refuse(ctx, 'fanReminders');
      return boundedFeed(ctx.pubsub.subscribe('fanReminder', ctx.viewer.fanId), FEED_BUFFER);
    },
    resolve: (m) => m,
  }),
  liveSessionEvents: t.field({
    type: LiveSessionEventRef,
    description: 'What happens in one live session of your organization: status, items on sale, reservations, live numbers.',
    authScopes: { operator: true, partner: 'live' },
    args: { sessionId: t.arg.globalID({ for: LiveSessionRef, required: true, description: 'The session.' }) },
    subscribe: async (_root, { sessionId }, ctx) => {
      const v = ctx.viewer;
      if (v.kind !== 'operator' && !(v.kind === 'partner' && v.scopes.includes('live'))) refuse(ctx, 'liveSessionEvents');
      const session = await ctx.db.liveSession.findFirst({ where: { id: sessionId.id, orgId: orgIdOf(v) }, select: { id: true } });
      if (!session) throw new GraphQLError('Live session not found', { extensions: { code: 'NOT_FOUND' } });
      return boundedFeed(ctx.pubsub.subscribe('liveSession', session.id), FEED_BUFFER);
    },
    resolve: (m) => m,
  }),
}));
