import { orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';

builder.queryFields((t) => ({
  webhookEndpoints: t.prismaField({
    type: ['WebhookEndpoint'],
    description: "The organization's webhook endpoints, newest first (disabled ones included, with the reason).",
    authScopes: { operatorAdmin: true, partner: 'webhooks' },
    resolve: (query, _root, _args, ctx) =>
      ctx.db.webhookEndpoint.findMany({ ...query, where: { orgId: orgOf(ctx.viewer) }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] }),
  }),
}));
