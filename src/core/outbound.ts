// Outbound events: what the API tells partner systems (live-platform and chat bridges, CRMs) through
// webhooks. A domain service calls emitOutbound inside the transaction of the change, which enqueues one
// fan-out job there (transactional outbox): the event leaves exactly when the change committed. The
// webhooks module handles that job (one delivery per subscribed endpoint); core knows no endpoint.
import { randomUUID } from 'node:crypto';
import { Prisma } from '../generated/prisma/client.js';
import { enqueueJobs } from './jobs/queue.js';
import type { RawSql } from './sql-tx.js';

export const OUTBOUND_KINDS = [
  'campaign.started',
  'campaign.ended',
  'milestone.reached',
  'draw.made',
  'prize.to_fulfil',
  'redemption.created',
  'invite.flagged',
  'session.live',
  'item.on_sale',
  'reminder.due',
  'broadcast.requested',
  'fan.lifecycle_changed',
  'wish.fulfilled',
] as const;
export type OutboundKind = (typeof OUTBOUND_KINDS)[number];

/** Kinds that market to a fan: never emitted for a fan who opted out. */
export const MARKETING_KINDS: readonly OutboundKind[] = ['reminder.due', 'item.on_sale', 'broadcast.requested', 'wish.fulfilled'];

const BATCH = 50;

/** The job that fans an event (or a list of events) out to endpoints (registered by the webhooks module). */
export const OUTBOUND_TASK = 'outbound.event';

export interface OutboundEvent {
  /** Unique per event: the webhook-id receivers de-duplicate by. */
  id: string;
  orgId: string;
  kind: OutboundKind;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** A Prisma transaction or a raw-SQL one (src/core/sql-tx.ts). */
type EmitTx = Pick<RawSql, '$queryRaw'>;

/**
 * Enqueues `kind` in `tx`. With `data.fanId`, a marketing kind is dropped for an opted-out fan; and
 * nothing is enqueued while no active endpoint of the organization subscribes to the kind.
 * Returns the event, or null when nothing was emitted.
 */
export async function emitOutbound(tx: EmitTx, orgId: string, kind: OutboundKind, data: Record<string, unknown>): Promise<OutboundEvent | null> {
  return (await emitOutboundMany(tx, orgId, kind, [data]))[0] ?? null;
}

/**
 * One event per item, enqueued in one statement (reminders to every fan who reserved, a broadcast to
 * many groups). Marketing kinds skip opted-out fans. Returns the events emitted.
 */
export async function emitOutboundMany(tx: EmitTx, orgId: string, kind: OutboundKind, items: Record<string, unknown>[]): Promise<OutboundEvent[]> {
  if (!items.length) return [];
  let kept = items;
  const fanIds = items.map((d) => d.fanId).filter((id): id is string => typeof id === 'string');
  if (MARKETING_KINDS.includes(kind) && fanIds.length) {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Fan" WHERE id = ANY(${fanIds}) AND "orgId" = ${orgId} AND NOT "optedOut"`;
    const reachable = new Set(rows.map((r) => r.id));
    kept = items.filter((d) => typeof d.fanId !== 'string' || reachable.has(d.fanId));
    if (!kept.length) return [];
  }
  const occurredAt = new Date().toISOString();
  const events: OutboundEvent[] = kept.map((data) => ({ id: `evt_${randomUUID()}`, orgId, kind, occurredAt, data }));
  // Events of one change travel together: one job per BATCH events (the fan-out job takes an event or
  // a list), so a reminder run for thousands of fans costs a few jobs, not thousands.
  const batches: (OutboundEvent | OutboundEvent[])[] = [];
  for (let i = 0; i < events.length; i += BATCH) batches.push(events.length === 1 ? events[0]! : events.slice(i, i + BATCH));
  // Enqueued only while an active endpoint of the organization subscribes to the kind (nothing for
  // seeding, bulk lifecycle refreshes, orgs without partners); the check rides in the same statement.
  const added = await enqueueJobs(
    tx,
    OUTBOUND_TASK,
    batches,
    Prisma.sql`SELECT 1 FROM "WebhookEndpoint" WHERE "orgId" = ${orgId} AND active AND ${kind} = ANY("eventKinds") LIMIT 1`,
  );
  return added ? events : [];
}
