// GraphQL management of partner API keys and quiet hours, for an organization's OWNER and ADMIN operators only.

import { orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { refusals } from '../core/error-types.js';
import { DomainError } from '../core/errors.js';
import { text } from '../core/input-rules.js';
import type { ApiKey } from '../generated/prisma/client.js';
import { createApiKey, revokeApiKey } from './api-keys.js';
import { setQuietHours } from './quiet-hours.js';
import { ApiKeyRef, OrganizationRef, PartnerScopeEnum } from './types.js';

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

const SetQuietHoursInput = builder.inputType('SetQuietHoursInput', {
  description: "Daily quiet hours in the organization's time zone, e.g. 22:00 to 08:00; give both, or neither to remove them.",
  fields: (t) => ({
    start: t.string({ required: false, description: 'When they begin, "HH:MM" (24-hour).', ...text(5, 5) }),
    end: t.string({
      required: false,
      description: 'When they end, "HH:MM" (exclusive); earlier than start crosses midnight; not equal to start.',
      ...text(5, 5),
    }),
  }),
});

builder.mutationFields((t) => ({
  setQuietHours: t.field({
    type: OrganizationRef,
    errors: refusals(),
    description:
      'Set (or, with neither start nor end, remove) the quiet hours: a non-crisis broadcast due inside them is held until they end; crisis broadcasts are sent at once.',
    authScopes: { operatorAdmin: true },
    args: { input: t.arg({ type: SetQuietHoursInput, required: true, description: 'Start and end, or neither.' }) },
    resolve: (_root, { input }, ctx) => {
      if ((input.start == null) !== (input.end == null))
        throw new DomainError('VALIDATION', 'input: give both start and end, or neither', input.start == null ? 'input.start' : 'input.end');
      return setQuietHours(ctx.db, orgOf(ctx.viewer), input.start && input.end ? { start: input.start, end: input.end } : null);
    },
  }),
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
