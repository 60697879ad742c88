// GraphQL management of partner API keys, for an organization's OWNER and ADMIN operators only.

import { orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { orgIdOf } from '../core/context.js';
import { refusals } from '../core/error-types.js';
import { text } from '../core/input-rules.js';
import type { ApiKey } from '../generated/prisma/client.js';
import { createApiKey, type PARTNER_SCOPES, revokeApiKey } from './api-key-service.js';

const PartnerScopeEnum = builder.enumType('PartnerScope', {
  description: 'What a partner API key may do.',
  values: {
    READ: { value: 'read', description: 'Read the organization: fans, communities, orders, sessions, campaigns, activity.' },
    IMPORT: { value: 'import', description: 'Import fans and orders, refund orders, redeem coupons.' },
    EVENTS: { value: 'events', description: 'Report community activity and invite acceptances.' },
    LIKES: { value: 'likes', description: 'Forward like batches from the live room.' },
    LIVE: { value: 'live', description: 'Report live statistics, put items on sale, follow live-session events.' },
  } satisfies Record<Uppercase<(typeof PARTNER_SCOPES)[number]>, { value: (typeof PARTNER_SCOPES)[number]; description: string }>,
});

// Type-level scopes: even through node(id) only admins see keys, never partners or analysts.
export const ApiKeyRef = builder.prismaNode('ApiKey', {
  description: "A partner system's credential. Only its prefix is shown after creation; the secret is stored hashed.",
  id: { field: 'id' },
  nullable: true,
  authScopes: { operatorAdmin: true },
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'What the key is for, e.g. "Douyin live bridge".' }),
    prefix: t.exposeString('prefix', { description: 'The public part of the key ("fo_<prefix>_…"), to recognise it in logs.' }),
    scopes: t.field({ type: [PartnerScopeEnum], description: 'What the key may do.', resolve: (k) => k.scopes as (typeof PARTNER_SCOPES)[number][] }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true, description: 'When the key stops working; null for never.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'When the key was revoked; null while it is not.' }),
    lastUsedAt: t.expose('lastUsedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the key last authenticated a request, to the minute (updated at most once a minute); null if never used.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the key was created.' }),
    active: t.boolean({
      description: 'Neither revoked nor expired.',
      resolve: (k) => !k.revokedAt && (!k.expiresAt || k.expiresAt > new Date()),
    }),
  }),
});

const CreatedApiKey = builder.objectRef<{ key: string; apiKey: ApiKey }>('CreatedApiKey').implement({
  description: 'A new API key. `key` is shown this once; store it in the partner system now.',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'The full key "fo_<prefix>_<secret>", sent as `Authorization: ApiKey <key>`.' }),
    apiKey: t.field({ type: ApiKeyRef, nullable: false, description: 'The stored key (without its secret).', resolve: (p) => p.apiKey }),
  }),
});

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  description: 'A new partner API key.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'What the key is for.', ...text(1, 80) }),
    scopes: t.field({ type: [PartnerScopeEnum], required: true, description: 'What the key may do (at least one).' }),
    expiresAt: t.field({ type: 'DateTime', required: false, description: 'When the key stops working (in the future); omit for never.' }),
  }),
});

builder.queryFields((t) => ({
  apiKeys: t.prismaField({
    type: ['ApiKey'],
    description: "The organization's partner API keys, newest first (revoked ones included).",
    authScopes: { operatorAdmin: true },
    resolve: (query, _root, _args, ctx) =>
      ctx.db.apiKey.findMany({ ...query, where: { orgId: orgOf(ctx.viewer) }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] }),
  }),
}));

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreatedApiKey,
    errors: refusals(),
    description: 'Create a partner API key. The full key is returned once and never again.',
    authScopes: { operatorAdmin: true },
    args: { input: t.arg({ type: CreateApiKeyInput, required: true, description: 'Name, scopes and expiry.' }) },
    resolve: (_root, { input }, ctx) =>
      createApiKey(ctx.db, orgOf(ctx.viewer), { name: input.name, scopes: input.scopes, expiresAt: input.expiresAt }),
  }),
  revokeApiKey: t.field({
    type: ApiKeyRef,
    nullable: false,
    errors: refusals('NOT_FOUND'),
    description: 'Revoke a partner API key: its next request is refused. Revoking twice is harmless.',
    authScopes: { operatorAdmin: true },
    args: { id: t.arg.globalID({ for: ApiKeyRef, required: true, description: 'The key to revoke.' }) },
    resolve: async (_root, { id }, ctx) => {
      const key = await revokeApiKey(ctx.db, orgOf(ctx.viewer), { id: id.id });
      ctx.principals.forget((v) => v.kind === 'partner' && v.apiKeyId === key.id);
      return key;
    },
  }),
}));
