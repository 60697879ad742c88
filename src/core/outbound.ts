// Outbound events: what the API tells partner systems (live-platform and chat bridges, CRMs) through
// webhooks. A domain service calls emitOutbound inside the transaction of the change, which enqueues one
// fan-out job there (transactional outbox): the event leaves exactly when the change committed. The
// webhooks module handles that job (one delivery per subscribed endpoint); core knows no endpoint.
import { randomUUID } from 'node:crypto';
import type { Tx } from './db.js';
import { enqueueJob } from './jobs/queue.js';

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
] as const;
export type OutboundKind = (typeof OUTBOUND_KINDS)[number];

/** Kinds that market to a fan: never emitted for a fan who opted out. */
export const MARKETING_KINDS: readonly OutboundKind[] = ['reminder.due', 'item.on_sale', 'broadcast.requested'];

/** The job that fans an event out to endpoints (registered by the webhooks module). */
export const OUTBOUND_TASK = 'outbound.event';

export interface OutboundEvent {
  /** Unique per event: the webhook-id receivers de-duplicate by. */
  id: string;
  orgId: string;
  kind: OutboundKind;
  occurredAt: string;
  data: Record<string, unknown>;
}

type EmitTx = Pick<Tx, '$executeRaw' | '$queryRaw'>;

/**
 * Enqueues `kind` in `tx`. With `data.fanId`, a marketing kind is dropped for an opted-out fan.
 * Returns the event, or null when nothing was emitted.
 */
export async function emitOutbound(tx: EmitTx, orgId: string, kind: OutboundKind, data: Record<string, unknown>): Promise<OutboundEvent | null> {
  if (MARKETING_KINDS.includes(kind) && typeof data.fanId === 'string') {
    const [fan] = await tx.$queryRaw<{ optedOut: boolean }[]>`SELECT "optedOut" FROM "Fan" WHERE id = ${data.fanId} AND "orgId" = ${orgId}`;
    if (!fan || fan.optedOut) return null;
  }
  const event: OutboundEvent = { id: `evt_${randomUUID()}`, orgId, kind, occurredAt: new Date().toISOString(), data };
  await enqueueJob(tx, OUTBOUND_TASK, event);
  return event;
}
