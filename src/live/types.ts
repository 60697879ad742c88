// Live sessions, their line-ups, fans' reservations and wish lists.
import { ownFanRow } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { orgIdOf } from '../core/context.js';
import { anyOf, within } from '../core/filters.js';
import { reminderInstants, reminderStatus } from './reminders.js';

export const LiveSessionStatusEnum = builder.enumType('LiveSessionStatus', {
  description: 'Where a live session is: SCHEDULED → LIVE → ENDED, or CANCELLED.',
  values: {
    SCHEDULED: { description: 'On the schedule, not started.' },
    LIVE: { description: 'Streaming now.' },
    ENDED: { description: 'Finished.' },
    CANCELLED: { description: 'Called off.' },
  },
});

export const WishStatusEnum = builder.enumType('WishStatus', {
  description: 'Whether a wished-for product has appeared in a line-up.',
  values: {
    OPEN: { description: 'Still waiting for the product.' },
    FULFILLED: { description: 'A matching item joined a live session line-up.' },
  },
});

export const ReminderStatusEnum = builder.enumType('SessionReminderStatus', {
  description: 'Where one reminder time of a session stands.',
  values: {
    PLANNED: { description: 'Still to come (sent at its time while the session is SCHEDULED).' },
    SENT: { description: 'Sent: a `reminder.due` event per reserving fan who has not opted out.' },
    SKIPPED: {
      description:
        'Never sent: at or after the start (e.g. 15:00 for a session at 11:00), or already past when the times were planned (scheduled, set or rescheduled).',
    },
  },
});

const SessionReminderTimeRef = builder
  .objectRef<{ localTime?: string | null; minutesBefore?: number | null; at: Date; status: 'PLANNED' | 'SENT' | 'SKIPPED' }>('SessionReminderTime')
  .implement({
    description: 'One reminder time of a live session: a wall-clock time on the session day, or minutes before the start.',
    fields: (t) => ({
      localTime: t.string({
        nullable: true,
        description: '"HH:MM" on the session day in the organization\'s time zone; null for a minutesBefore time.',
        resolve: (r) => r.localTime ?? null,
      }),
      minutesBefore: t.int({
        nullable: true,
        description: 'Minutes before the planned start; null for a localTime.',
        resolve: (r) => r.minutesBefore ?? null,
      }),
      at: t.field({ type: 'DateTime', description: 'The instant it falls on for the current plan.', resolve: (r) => r.at }),
      status: t.field({ type: ReminderStatusEnum, description: 'Planned, sent or skipped.', resolve: (r) => r.status }),
    }),
  });

export const LiveSessionRef = builder.prismaNode('LiveSession', {
  description: 'A scheduled live stream with its line-up of items.',
  select: { id: true },
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    title: t.exposeString('title', { description: 'Session title.' }),
    host: t.exposeString('host', { description: 'Who hosts the stream.' }),
    theme: t.exposeString('theme', { nullable: true, description: 'Theme shown on the check-in calendar, e.g. "Snack Festival".' }),
    status: t.expose('status', { type: LiveSessionStatusEnum, description: 'Where the session is.' }),
    scheduledAt: t.expose('scheduledAt', { type: 'DateTime', description: 'Planned start.' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true, description: 'Actual start.' }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true, description: 'Actual end.' }),
    liveRoomUrl: t.exposeString('liveRoomUrl', {
      nullable: true,
      description: "The live room's https link the mini-program jumps to (null when the operator set none).",
    }),
    liveRoomPassphrase: t.exposeString('liveRoomPassphrase', {
      nullable: true,
      description: 'The passphrase fans paste into the live app to enter the room (4–64 characters; null when none).',
    }),
    viewers: t.exposeInt('viewers', { description: 'Concurrent viewers last reported.' }),
    likes: t.exposeInt('likes', { description: 'Likes reported for the session.' }),
    orderCount: t.exposeInt('orderCount', { description: 'Private domain: paid orders imported for the session (refunds taken off).' }),
    gmvCents: t.exposeInt('gmvCents', {
      description: 'Private domain: gross merchandise value of the paid orders imported for the session, in cents.',
    }),
    platformOrderCount: t.exposeInt('platformOrderCount', {
      description: 'Orders in the whole session as the live platform last reported them (reportLiveStats).',
    }),
    platformGmvCents: t.exposeInt('platformGmvCents', {
      description: 'Gross merchandise value of the whole session as the live platform last reported it, in cents.',
    }),
    reminderTimes: t.field({
      type: [SessionReminderTimeRef],
      select: {
        scheduledAt: true,
        reminderTimes: true,
        remindedThrough: true,
        remindersPlannedFrom: true,
        remindedBeforePlan: true,
        org: { select: { timeZone: true } },
      },
      description:
        "When fans who reserved the session (or an item of it) are reminded (a `reminder.due` webhook event each), in the order set; default 10:00 and 15:00 on the session day in the organization's time zone and 30 minutes before the start.",
      resolve: (s) =>
        reminderInstants(s, s.org.timeZone).map(({ time, at }) => ({
          ...time,
          at,
          status: reminderStatus(s, at),
        })),
    }),
    items: t.relation('items', { description: 'The line-up, in slot order.', query: { orderBy: [{ position: 'asc' }, { id: 'asc' }] } }),
    reservationCount: t.relationCount('reservations', { description: 'Reservations of the session or its items.' }),
    reservations: t.relatedConnection('reservations', {
      cursor: 'id',
      totalCount: true,
      description: 'Reservations of the session or its items, newest first.',
      query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
    }),
  }),
});

export const LineupItemRef = builder.prismaNode('LineupItem', {
  description: 'A product in a live session line-up, with its price and planned slot.',
  select: { id: true },
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    productName: t.exposeString('productName', { description: 'Product name.' }),
    sku: t.exposeString('sku', { nullable: true, description: 'Product code on the live platform.' }),
    priceCents: t.exposeInt('priceCents', { description: 'Live price, in cents.' }),
    slotAt: t.expose('slotAt', { type: 'DateTime', nullable: true, description: 'Planned moment the item is presented.' }),
    position: t.exposeInt('position', { description: 'Order in the line-up.' }),
    onSaleAt: t.expose('onSaleAt', { type: 'DateTime', nullable: true, description: 'When it went on sale; null before.' }),
    plannedOnSaleAt: t.expose('plannedOnSaleAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When a job puts it on sale (if the session is LIVE then); null: only by hand (putItemOnSale).',
    }),
    session: t.relation('session', { description: 'The live session.' }),
    reservationCount: t.relationCount('reservations', { description: 'Fans who reserved this item.' }),
  }),
});

export const ReservationRef = builder.prismaNode('Reservation', {
  description: 'A fan reserving a whole live session or one item of it, to be reminded. A fan sees only their own.',
  authScopes: ownFanRow,
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    fan: t.relation('fan', { description: 'Who reserved.' }),
    session: t.relation('session', { description: 'The live session.' }),
    item: t.relation('item', { nullable: true, description: 'The item, for an item reservation; null for the whole session.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the reservation was made.' }),
  }),
});

export const WishRef = builder.prismaNode('Wish', {
  description: 'A product fans ask for; voted on, fulfilled when it appears in a line-up.',
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    productName: t.exposeString('productName', { description: 'The product wished for.' }),
    status: t.expose('status', { type: WishStatusEnum, description: 'Open or fulfilled.' }),
    voteCount: t.exposeInt('voteCount', { description: 'Votes from fans.' }),
    fan: t.relation('fan', { description: 'Who made the wish.' }),
    fulfilledBy: t.relation('fulfilledByItem', { nullable: true, description: 'The line-up item that fulfilled it.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the wish was made.' }),
  }),
});

export function sessionWhere(orgId: string, args: { statuses?: string[] | null; from?: Date | null; to?: Date | null }) {
  return { orgId, status: anyOf(args.statuses as never[]), scheduledAt: within(args.from, args.to) };
}
