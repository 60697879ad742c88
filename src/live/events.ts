// Live-session events: reminders to fans (one channel per fan, so a subscriber only ever hears their
// own) and a per-session channel for dashboards. Published after the transaction commits.
import type { PubSub } from '../core/pubsub.js';
import type { LiveSessionStatus } from '../generated/prisma/enums.js';

export type FanReminderKind = 'ITEM_ON_SALE' | 'SESSION_LIVE' | 'WISH_FULFILLED';

export interface FanReminderMessage {
  kind: FanReminderKind;
  orgId: string;
  fanId: string;
  sessionId: string;
  itemId: string | null;
  productName: string | null;
  at: string;
}

export type LiveSessionEventKind = 'STATUS' | 'ITEM_ON_SALE' | 'RESERVATIONS' | 'STATS';

export interface LiveSessionMessage {
  kind: LiveSessionEventKind;
  orgId: string;
  sessionId: string;
  status: LiveSessionStatus | null;
  itemId: string | null;
  productName: string | null;
  reservationCount: number | null;
  stats: { viewers: number; likes: number; orderCount: number; gmvCents: number } | null;
  at: string;
}

declare module '../core/pubsub.js' {
  interface PubSubTopics {
    /** Reminders for one fan (item on sale, session going live, a wish fulfilled). */
    fanReminder: [fanId: string, reminder: FanReminderMessage];
    /** What happens in one live session: status, items going on sale, reservations, live numbers. */
    liveSession: [sessionId: string, event: LiveSessionMessage];
  }
}

export function publishReminders(pubsub: PubSub, reminders: FanReminderMessage[]): void {
  for (const r of reminders) pubsub.publish('fanReminder', r.fanId, r);
}

type SessionEventInput = Pick<LiveSessionMessage, 'kind' | 'orgId' | 'sessionId'> & Partial<Omit<LiveSessionMessage, 'kind' | 'orgId' | 'sessionId'>>;

export function publishSessionEvent(pubsub: PubSub, e: SessionEventInput): void {
  pubsub.publish('liveSession', e.sessionId, {
    status: null,
    itemId: null,
    productName: null,
    reservationCount: null,
    stats: null,
    at: new Date().toISOString(),
    ...e,
  });
}
