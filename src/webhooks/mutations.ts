// Registering and managing webhook endpoints; replaying a delivery. Admins do all of it; partners with
// the `webhooks` scope register endpoints (and list them, see queries.ts).
import { orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { refusals } from '../core/error-types.js';
import { items, text } from '../core/input-rules.js';
import type { WebhookEndpoint } from '../generated/prisma/client.js';
import { replayDelivery } from './delivery.js';
import { createEndpoint, deleteEndpoint, updateEndpoint } from './endpoints.js';
import { WebhookDeliveryRef, WebhookEndpointRef, WebhookEventKindEnum } from './types.js';

const CreatedWebhookEndpoint = builder.objectRef<{ secret: string; endpoint: WebhookEndpoint }>('CreatedWebhookEndpoint').implement({
  description: 'A new endpoint with its signing secret, shown this once: store it in the receiver now.',
  fields: (t) => ({
    secret: t.exposeString('secret', { description: 'The Standard Webhooks secret ("whsec_…") to verify `webhook-signature` with.' }),
    endpoint: t.field({ type: WebhookEndpointRef, nullable: false, description: 'The stored endpoint.', resolve: (p) => p.endpoint }),
  }),
});

const CreateWebhookEndpointInput = builder.inputType('CreateWebhookEndpointInput', {
  description: 'A receiver of outbound events.',
  fields: (t) => ({
    url: t.string({ required: true, description: 'https:// URL to POST events to (http:// only to loopback, in development).', ...text(8, 500) }),
    eventKinds: t.field({ type: [WebhookEventKindEnum], required: true, description: 'The kinds to send (at least one).', ...items(1, 20) }),
    description: t.string({ required: false, description: 'What it is for, e.g. "WeChat group bridge".', ...text(0, 200) }),
  }),
});

const UpdateWebhookEndpointInput = builder.inputType('UpdateWebhookEndpointInput', {
  description: 'Changes to an endpoint; omitted fields stay as they are.',
  fields: (t) => ({
    endpointId: t.globalID({ for: WebhookEndpointRef, required: true, description: 'The endpoint.' }),
    url: t.string({ required: false, description: 'New URL.', ...text(8, 500) }),
    eventKinds: t.field({ type: [WebhookEventKindEnum], required: false, description: 'New event kinds.', ...items(1, 20) }),
    description: t.string({ required: false, description: 'New description.', ...text(0, 200) }),
    active: t.boolean({ required: false, description: 'Turn off (false) or back on (true, clearing the failure count and reason).' }),
  }),
});

builder.mutationFields((t) => ({
  createWebhookEndpoint: t.field({
    type: CreatedWebhookEndpoint,
    errors: refusals(),
    description: 'Register a webhook endpoint. Its signing secret is returned once and never again.',
    authScopes: { operatorAdmin: true, partner: 'webhooks' },
    args: { input: t.arg({ type: CreateWebhookEndpointInput, required: true, description: 'URL and event kinds.' }) },
    resolve: async (_root, { input }, ctx) => {
      const created = await createEndpoint(ctx.db, ctx.config, orgOf(ctx.viewer), input);
      ctx.services.webhooks.forget(created.endpoint.orgId);
      return created;
    },
  }),
  updateWebhookEndpoint: t.field({
    type: WebhookEndpointRef,
    nullable: false,
    errors: refusals('NOT_FOUND'),
    description: 'Change an endpoint, or turn it off or back on.',
    authScopes: { operatorAdmin: true },
    args: { input: t.arg({ type: UpdateWebhookEndpointInput, required: true, description: 'The changes.' }) },
    resolve: async (_root, { input }, ctx) => {
      const { endpointId, url, eventKinds, description, active } = input;
      const endpoint = await updateEndpoint(ctx.db, ctx.config, orgOf(ctx.viewer), endpointId.id, {
        url: url ?? undefined,
        eventKinds: eventKinds ?? undefined,
        description: description === undefined ? undefined : description,
        active: active ?? undefined,
      });
      ctx.services.webhooks.forget(endpoint.orgId);
      return endpoint;
    },
  }),
  deleteWebhookEndpoint: t.field({
    type: WebhookEndpointRef,
    nullable: false,
    errors: refusals('NOT_FOUND'),
    description: 'Remove an endpoint and its delivery log; nothing more is sent to it.',
    authScopes: { operatorAdmin: true },
    args: { endpointId: t.arg.globalID({ for: WebhookEndpointRef, required: true, description: 'The endpoint.' }) },
    resolve: async (_root, { endpointId }, ctx) => {
      const endpoint = await deleteEndpoint(ctx.db, orgOf(ctx.viewer), endpointId.id);
      ctx.services.webhooks.forget(endpoint.orgId);
      return endpoint;
    },
  }),
  replayWebhookDelivery: t.field({
    type: WebhookDeliveryRef,
    nullable: false,
    errors: refusals('INVALID_STATE', 'NOT_FOUND'),
    description: 'Send a logged delivery again now (same event id, fresh retries), e.g. after fixing the receiver.',
    authScopes: { operatorAdmin: true },
    args: { deliveryId: t.arg.globalID({ for: WebhookDeliveryRef, required: true, description: 'The delivery to send again.' }) },
    resolve: (_root, { deliveryId }, ctx) => replayDelivery(ctx.db, orgOf(ctx.viewer), deliveryId.id),
  }),
}));
