// The activity kernel, below every domain: events are written to the feed table inside the caller's
// transaction and published after commit; any module may record them, and reactions.ts lets a module
// react to another module's events without importing it.
import type { Tx } from '../core/db.js';
import type { PubSub } from '../core/pubsub.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { ActivityKind } from '../generated/prisma/enums.js';

export interface ActivityMessage {
  id: string;
  orgId: string;
  communityId: string | null;
  fanId: string | null;
  kind: ActivityKind;
  count: number;
  payload: unknown;
  occurredAt: string;
}

declare module '../core/pubsub.js' {
  interface PubSubTopics {
    /** Group activity, one channel per organization. */
    activity: [orgId: string, event: ActivityMessage];
  }
}

export interface ActivityInput {
  orgId: string;
  communityId?: string | null;
  fanId?: string | null;
  kind: ActivityKind;
  count?: number;
  payload?: Prisma.InputJsonValue;
  occurredAt?: Date;
}

/** Writes feed entries in the current transaction; hand the result to publishActivity after commit. */
export async function recordActivity(tx: Tx, events: ActivityInput[]): Promise<ActivityMessage[]> {
  if (!events.length) return [];
  const rows = await tx.activityEvent.createManyAndReturn({
    data: events.map((e) => ({
      orgId: e.orgId,
      communityId: e.communityId ?? null,
      fanId: e.fanId ?? null,
      kind: e.kind,
      count: e.count ?? 1,
      payload: e.payload,
      occurredAt: e.occurredAt,
    })),
  });
  return rows.map((r) => ({ ...r, occurredAt: r.occurredAt.toISOString() }));
}

export function publishActivity(pubsub: PubSub, events: ActivityMessage[]): void {
  for (const e of events) pubsub.publish('activity', e.orgId, e);
}
