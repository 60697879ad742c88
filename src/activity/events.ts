// The activity kernel, below every domain: events are written to the feed table inside the caller's
// transaction and published after commit; any module may record them, and reactions.ts lets a module
// react to another module's events without importing it.
import { cuid } from '../core/cuid.js';
import type { Tx } from '../core/db.js';
import type { PubSub } from '../core/pubsub.js';
import type { RawSql } from '../core/sql-tx.js';
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

/**
 * recordActivity for a raw-SQL transaction (src/core/sql-tx.ts), e.g. the like group commit: the same
 * rows in one statement, with the ids and the time Prisma would give them (cuid, the client's clock).
 * The feed's database triggers (insight rollups) fire on the insert as they do for Prisma's. Hand the
 * result to publishActivity after commit.
 */
export async function recordActivitySql(tx: RawSql, events: ActivityInput[]): Promise<ActivityMessage[]> {
  if (!events.length) return [];
  const now = new Date();
  const rows = events.map((e) => ({
    id: cuid(),
    orgId: e.orgId,
    communityId: e.communityId ?? null,
    fanId: e.fanId ?? null,
    kind: e.kind,
    count: e.count ?? 1,
    payload: e.payload ?? null,
    occurredAt: (e.occurredAt ?? now).toISOString(),
  }));
  await tx.$executeRaw`
    INSERT INTO "ActivityEvent" ("id", "orgId", "communityId", "fanId", "kind", "count", "payload", "occurredAt")
    SELECT r."id", r."orgId", r."communityId", r."fanId", r."kind"::"ActivityKind", r."count", r."payload", r."occurredAt"::timestamp(3)
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS r("id" text, "orgId" text, "communityId" text, "fanId" text, "kind" text, "count" int, "payload" jsonb, "occurredAt" text)`;
  return rows;
}

export function publishActivity(pubsub: PubSub, events: ActivityMessage[]): void {
  for (const e of events) pubsub.publish('activity', e.orgId, e);
}
