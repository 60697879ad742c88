// Webhook endpoints and their delivery log, as operators (and partners with the `webhooks` scope) see them.
import { builder } from '../core/builder.js';
import { orgIdOf } from '../core/context.js';
import { OUTBOUND_KINDS, type OutboundKind } from '../core/outbound.js';

const KIND_DESCRIPTIONS: Record<OutboundKind, string> = {
  'campaign.started': 'A campaign started running.',
  'campaign.ended': 'A campaign ended.',
  'milestone.reached': 'A like campaign passed a milestone.',
  'draw.made': 'A lottery draw picked winners.',
  'prize.to_fulfil': 'A won prize must be shipped or handed over.',
  'redemption.created': 'A fan redeemed a points-mall reward.',
  'invite.flagged': 'A fission invite was flagged as suspicious.',
  'session.live': 'A live session went live.',
  'item.on_sale': 'A line-up item went on sale (per reserving fan; marketing).',
  'reminder.due': 'A session reminder is due for a fan (marketing).',
  'broadcast.requested': 'A group broadcast should be sent (marketing).',
  'fan.lifecycle_changed': "A fan's lifecycle stage changed.",
  'wish.fulfilled': 'A line-up item fulfilled wishes: one event per fan who made or voted for them (marketing).',
};

/** GraphQL enum names (CAMPAIGN_STARTED) for the event kinds on the wire (campaign.started). */
export const WebhookEventKindEnum = builder.enumType('WebhookEventKind', {
  description: 'A kind of outbound event; the webhook body\'s `type` is its value in dotted form (e.g. "campaign.started").',
  values: Object.fromEntries(
    OUTBOUND_KINDS.map((k) => [k.replace('.', '_').toUpperCase(), { value: k, description: KIND_DESCRIPTIONS[k] }]),
  ) as Record<string, { value: OutboundKind; description: string }>,
});

export const WebhookDeliveryStatusEnum = builder.enumType('WebhookDeliveryStatus', {
  description: 'Where a delivery stands.',
  values: {
    PENDING: { description: 'Not delivered yet; a retry is scheduled (`nextAttemptAt`).' },
    DELIVERED: { description: 'The receiver answered 2xx.' },
    FAILED: { description: 'Every attempt failed (or the endpoint was disabled); `replayWebhookDelivery` sends it again.' },
  },
});

export const WebhookEndpointRef = builder.prismaNode('WebhookEndpoint', {
  description: 'A receiver of outbound events (Standard Webhooks). Its signing secret is shown only when it is created.',
  id: { field: 'id' },
  nullable: true,
  authScopes: { operatorAdmin: true, partner: 'webhooks' },
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    url: t.exposeString('url', { description: 'Where events are POSTed.' }),
    description: t.exposeString('description', { nullable: true, description: 'What the endpoint is for.' }),
    eventKinds: t.field({
      type: [WebhookEventKindEnum],
      description: 'The event kinds sent to it.',
      resolve: (e) => e.eventKinds as OutboundKind[],
    }),
    active: t.exposeBoolean('active', { description: 'Whether events are sent to it.' }),
    disabledReason: t.exposeString('disabledReason', {
      nullable: true,
      description: 'Why it was disabled automatically (persistent failures); null while active or when turned off by hand.',
    }),
    consecutiveFailures: t.exposeInt('consecutiveFailures', { description: 'Deliveries in a row that failed after every retry.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was registered.' }),
    deliveries: t.relatedConnection('deliveries', {
      cursor: 'id',
      totalCount: true,
      description: 'Its delivery log, newest first.',
      args: { status: t.arg({ type: WebhookDeliveryStatusEnum, required: false, description: 'Only deliveries in this state.' }) },
      query: (args) => ({ where: args.status ? { status: args.status } : {}, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    }),
  }),
});

export const WebhookDeliveryRef = builder.prismaNode('WebhookDelivery', {
  description: 'One event sent to one endpoint: attempts, the last answer, timing.',
  id: { field: 'id' },
  nullable: true,
  authScopes: { operatorAdmin: true, partner: 'webhooks' },
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    eventId: t.exposeString('eventId', { description: 'The event id, sent as `webhook-id` (receivers de-duplicate by it).' }),
    kind: t.field({ type: WebhookEventKindEnum, description: 'The event kind.', resolve: (d) => d.kind as OutboundKind }),
    payload: t.expose('payload', { type: 'JSON', description: 'The JSON body that was signed and sent.' }),
    status: t.expose('status', { type: WebhookDeliveryStatusEnum, description: 'Delivered, pending a retry, or failed.' }),
    attempts: t.exposeInt('attempts', { description: 'POSTs made so far (since the last replay).' }),
    responseCode: t.exposeInt('responseCode', { nullable: true, description: "The receiver's last HTTP status; null when it did not answer." }),
    latencyMs: t.exposeInt('latencyMs', { nullable: true, description: 'How long the last attempt took, in milliseconds.' }),
    error: t.exposeString('error', { nullable: true, description: 'What went wrong on the last attempt.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the first attempt was made.' }),
    lastAttemptAt: t.expose('lastAttemptAt', { type: 'DateTime', nullable: true, description: 'When the last attempt was made.' }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true, description: 'When the next retry is due (PENDING only).' }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true, description: 'When the receiver accepted it.' }),
    endpoint: t.relation('endpoint', { description: 'The endpoint it was sent to.' }),
  }),
});
