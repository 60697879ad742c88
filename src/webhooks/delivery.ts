// Delivering outbound events (Standard Webhooks): one job per event fans out to the organization's
// subscribed endpoints; each POST is signed (webhook-id = the event id, so receivers de-duplicate),
// logged, and on failure retried by a job scheduled at an exponential backoff (base · 2^n, ~24 h by
// default) until WEBHOOK_MAX_ATTEMPTS, then FAILED. An endpoint whose deliveries keep failing is disabled
// with its reason. At-least-once: a job interrupted mid-send runs again and posts again.
import { randomUUID } from 'node:crypto';
import type { JobHelpers } from 'graphile-worker';
import type { PoolClient } from 'pg';
import type { Config } from '../core/config.js';
import type { Db } from '../core/db.js';
import { DomainError, notFound } from '../core/errors.js';
import { enqueueJob, type JobQueue } from '../core/jobs/queue.js';
import { OUTBOUND_TASK, type OutboundEvent } from '../core/outbound.js';
import type { WebhookDelivery, WebhookEndpoint } from '../generated/prisma/client.js';
import { type HttpOutcome, HttpSender } from './http.js';
import { Signer } from './sign.js';

export const DELIVER_TASK = 'webhook.deliver';

declare module '../core/context.js' {
  interface Services {
    webhooks: WebhookDeliverer;
  }
}

type Endpoint = Pick<WebhookEndpoint, 'id' | 'orgId' | 'url' | 'secret' | 'eventKinds' | 'active' | 'consecutiveFailures'>;
const ENDPOINT_CACHE_MS = 1_000;

export class WebhookDeliverer {
  private readonly http: HttpSender;
  private readonly signer = new Signer();
  /** Sent by this instance so far, for /metrics: attempts a receiver did not accept, deliveries given up (FAILED). */
  readonly stats = { attemptsFailed: 0, deliveriesFailed: 0 };
  // Endpoints per organization, briefly cached: the fan-out job runs for every event.
  private readonly endpoints = new Map<string, { at: number; list: Promise<Endpoint[]> }>();

  constructor(
    private readonly db: Db,
    private readonly config: Config,
  ) {
    this.http = new HttpSender(config.webhooks.timeoutMs);
  }

  register(jobs: JobQueue): void {
    jobs.register<OutboundEvent | OutboundEvent[]>(OUTBOUND_TASK, async (events, helpers) => {
      // A list is the events of one change: sent side by side; a failure of one is retried on its own.
      const sent = await Promise.all((Array.isArray(events) ? events : [events]).map((event) => this.fanOut(event)));
      const delivered = sent.flat();
      if (delivered.length) await helpers.withPgClient((client) => logDelivered(client, delivered));
    });
    jobs.register<{ deliveryId: string }>(DELIVER_TASK, ({ deliveryId }) => this.retry(deliveryId));
  }

  /** Endpoint changes made here are seen at once; other instances see them within a second. */
  forget(orgId: string): void {
    this.endpoints.delete(orgId);
  }

  close(): void {
    this.http.close();
  }

  private subscribed(orgId: string): Promise<Endpoint[]> {
    const cached = this.endpoints.get(orgId);
    if (cached && Date.now() - cached.at < ENDPOINT_CACHE_MS) return cached.list;
    const list = this.db.webhookEndpoint.findMany({
      where: { orgId, active: true },
      select: { id: true, orgId: true, url: true, secret: true, eventKinds: true, active: true, consecutiveFailures: true },
    });
    this.endpoints.set(orgId, { at: Date.now(), list });
    list.catch(() => this.endpoints.delete(orgId));
    return list;
  }

  /** Sends one event to its endpoints; failures are logged and scheduled here, successes returned to log. */
  private async fanOut(event: OutboundEvent): Promise<Delivered[]> {
    const targets = (await this.subscribed(event.orgId)).filter((e) => e.eventKinds.includes(event.kind));
    if (!targets.length) return [];
    const payload = toPayload(event);
    const outcomes = await Promise.all(targets.map((e) => this.send(e, event.id, payload)));
    const delivered = outcomes.filter((o) => o.ok);
    for (const o of outcomes.filter((x) => !x.ok)) {
      this.stats.attemptsFailed += 1;
      const runAt = new Date(Date.now() + this.config.webhooks.retryBaseMs);
      await this.db.$transaction(async (tx) => {
        const failedOnce = this.config.webhooks.maxAttempts <= 1;
        const rows = await tx.webhookDelivery.createManyAndReturn({
          data: [{ ...this.row(o, event, payload), status: failedOnce ? 'FAILED' : 'PENDING', nextAttemptAt: failedOnce ? null : runAt }],
          skipDuplicates: true,
          select: { id: true },
        });
        if (rows[0] && !failedOnce) await enqueueRetry(tx, rows[0].id, runAt);
      });
      if (this.config.webhooks.maxAttempts <= 1) {
        this.stats.deliveriesFailed += 1;
        await this.endpointFailed(o.endpoint.id, o.error);
      }
    }
    for (const o of delivered) if (o.endpoint.consecutiveFailures > 0) await this.endpointSucceeded(o.endpoint.id);
    return delivered.map((sent) => ({ event, payload, sent }));
  }

  private row(o: Sent, event: OutboundEvent, payload: string) {
    return {
      orgId: event.orgId,
      endpointId: o.endpoint.id,
      eventId: event.id,
      kind: event.kind,
      payload: JSON.parse(payload),
      attempts: 1,
      responseCode: o.status ?? null,
      latencyMs: o.latencyMs,
      error: o.error ?? null,
      lastAttemptAt: o.at,
    };
  }

  private async send(endpoint: Endpoint, eventId: string, payload: string): Promise<Sent> {
    const at = new Date();
    const signature = this.signer.sign(endpoint.secret, eventId, at, payload);
    const headers = {
      'content-type': 'application/json',
      'webhook-id': eventId,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signature,
      // Which instance sent it, for operators tracing a delivery (and the multi-instance test).
      'user-agent': `fanops-webhooks (pid ${process.pid})`,
    };
    const outcome: HttpOutcome = await this.http.post(endpoint.url, headers, payload);
    return { endpoint, at, ...outcome };
  }

  /** A retry (or a replay) of one logged delivery. */
  private async retry(deliveryId: string): Promise<void> {
    const delivery = await this.db.webhookDelivery.findUnique({ where: { id: deliveryId }, include: { endpoint: true } });
    if (!delivery || delivery.status !== 'PENDING') return;
    if (!delivery.endpoint.active) {
      await this.db.webhookDelivery.update({
        where: { id: deliveryId },
        data: { status: 'FAILED', nextAttemptAt: null, error: `endpoint disabled: ${delivery.endpoint.disabledReason ?? 'by an operator'}` },
      });
      return;
    }
    const o = await this.send(delivery.endpoint, delivery.eventId, JSON.stringify(delivery.payload));
    const attempts = delivery.attempts + 1;
    const common = { attempts, responseCode: o.status ?? null, latencyMs: o.latencyMs, error: o.error ?? null, lastAttemptAt: o.at };
    if (o.ok) {
      await this.db.webhookDelivery.update({
        where: { id: deliveryId },
        data: { ...common, status: 'DELIVERED', deliveredAt: o.at, nextAttemptAt: null },
      });
      if (delivery.endpoint.consecutiveFailures > 0) await this.endpointSucceeded(delivery.endpointId);
      return;
    }
    this.stats.attemptsFailed += 1;
    if (attempts >= this.config.webhooks.maxAttempts) {
      this.stats.deliveriesFailed += 1;
      await this.db.webhookDelivery.update({ where: { id: deliveryId }, data: { ...common, status: 'FAILED', nextAttemptAt: null } });
      await this.endpointFailed(delivery.endpointId, o.error);
      return;
    }
    const runAt = new Date(Date.now() + this.config.webhooks.retryBaseMs * 2 ** (attempts - 1));
    await this.db.$transaction(async (tx) => {
      await tx.webhookDelivery.update({ where: { id: deliveryId }, data: { ...common, nextAttemptAt: runAt } });
      await enqueueRetry(tx, deliveryId, runAt);
    });
  }

  private async endpointSucceeded(endpointId: string): Promise<void> {
    await this.db.webhookEndpoint.updateMany({ where: { id: endpointId, consecutiveFailures: { gt: 0 } }, data: { consecutiveFailures: 0 } });
  }

  private async endpointFailed(endpointId: string, error: string | undefined): Promise<void> {
    const endpoint = await this.db.webhookEndpoint.update({ where: { id: endpointId }, data: { consecutiveFailures: { increment: 1 } } });
    const limit = this.config.webhooks.disableAfter;
    if (!endpoint.active || endpoint.consecutiveFailures < limit) return;
    const reason = `Disabled automatically on ${new Date().toISOString()}: ${endpoint.consecutiveFailures} deliveries in a row failed after every retry (last error: ${error ?? 'unknown'}). Fix the receiver, then set active: true.`;
    await this.db.webhookEndpoint.updateMany({ where: { id: endpointId, active: true }, data: { active: false, disabledReason: reason } });
    this.forget(endpoint.orgId);
  }
}

type Sent = HttpOutcome & { endpoint: Endpoint; at: Date };
type Delivered = { event: OutboundEvent; payload: string; sent: Sent };

// The common case (2xx) is logged in one statement per job, on the job's own connection: one JSON
// parameter whatever the count (the statement is prepared once per connection), the bodies spliced in
// as sent rather than serialized again. At thousands of deliveries a second, the ORM's per-call cost is
// what would limit it. A rerun of this job (at-least-once) finds its rows already there.
async function logDelivered(client: PoolClient, delivered: Delivered[]): Promise<void> {
  const rows = delivered.map(
    ({ event, payload, sent: o }) =>
      `{"id":"${randomUUID()}","org":${JSON.stringify(event.orgId)},"endpoint":${JSON.stringify(o.endpoint.id)},"event":${JSON.stringify(event.id)},"kind":"${event.kind}","payload":${payload},"code":${o.status ?? null},"ms":${o.latencyMs},"at":"${o.at.toISOString()}"}`,
  );
  await client.query({
    name: 'webhooks-log-delivered',
    text: `INSERT INTO "WebhookDelivery" (id, "orgId", "endpointId", "eventId", kind, payload, status, attempts, "responseCode", "latencyMs", "createdAt", "lastAttemptAt", "deliveredAt")
     SELECT d.id, d.org, d.endpoint, d.event, d.kind, d.payload, 'DELIVERED'::"WebhookDeliveryStatus", 1, d.code, d.ms,
            d.at AT TIME ZONE 'UTC', d.at AT TIME ZONE 'UTC', d.at AT TIME ZONE 'UTC'
     FROM json_to_recordset($1::json) AS d(id text, org text, endpoint text, event text, kind text, payload jsonb, code int, ms int, at timestamptz)
     ON CONFLICT ("endpointId", "eventId") DO NOTHING`,
    values: [`[${rows.join(',')}]`],
  });
}

/** The JSON body (Standard Webhooks' type / timestamp / data envelope, with the event id). */
function toPayload(event: OutboundEvent): string {
  return JSON.stringify({ id: event.id, type: event.kind, timestamp: event.occurredAt, data: event.data });
}

function enqueueRetry(tx: Pick<Db, '$executeRaw'>, deliveryId: string, runAt: Date) {
  // One pending job per delivery: a replay while a retry waits replaces it instead of doubling it.
  return enqueueJob(tx, DELIVER_TASK, { deliveryId }, { runAt, jobKey: `webhook:${deliveryId}` });
}

/** Sends a logged delivery again now, with a fresh set of attempts. */
export async function replayDelivery(db: Db, orgId: string, deliveryId: string): Promise<WebhookDelivery> {
  return db.$transaction(async (tx) => {
    const delivery = await tx.webhookDelivery.findFirst({ where: { id: deliveryId, orgId }, include: { endpoint: true } });
    if (!delivery) throw notFound('Webhook delivery', 'deliveryId');
    if (!delivery.endpoint.active)
      throw new DomainError(
        'INVALID_STATE',
        `The endpoint is disabled (${delivery.endpoint.disabledReason ?? 'by an operator'}); reactivate it first`,
        'deliveryId',
      );
    const now = new Date();
    const updated = await tx.webhookDelivery.update({
      where: { id: deliveryId },
      data: { status: 'PENDING', attempts: 0, nextAttemptAt: now, error: null },
    });
    await enqueueRetry(tx, deliveryId, now);
    return updated;
  });
}
