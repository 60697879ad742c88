// Webhook endpoints: registered by admins (or partners with the `webhooks` scope), each with its own
// signing secret. The secret is stored in plaintext (it must be, to sign every delivery) and shown to
// the caller only in createWebhookEndpoint's answer.
import { randomBytes } from 'node:crypto';
import type { Config } from '../core/config.js';
import type { Db } from '../core/db.js';
import { DomainError, notFound } from '../core/errors.js';
import type { OutboundKind } from '../core/outbound.js';
import type { WebhookEndpoint } from '../generated/prisma/client.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

/** https anywhere; http only to loopback, and only where allowed (development and tests). */
export function checkEndpointUrl(raw: string, config: Pick<Config, 'webhooks'>, field = 'input.url'): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DomainError('VALIDATION', `${field}: must be an absolute https:// URL`, field);
  }
  if (url.username || url.password) throw new DomainError('VALIDATION', `${field}: must not carry credentials`, field);
  if (url.protocol === 'https:') return url.toString();
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname) && config.webhooks.allowLoopback) return url.toString();
  throw new DomainError('VALIDATION', `${field}: must be an https:// URL (http:// only to loopback in development)`, field);
}

function checkKinds(kinds: OutboundKind[], field = 'input.eventKinds'): string[] {
  const unique = [...new Set(kinds)];
  if (!unique.length) throw new DomainError('VALIDATION', `${field}: at least one event kind is required`, field);
  return unique;
}

export interface EndpointInput {
  url: string;
  eventKinds: OutboundKind[];
  description?: string | null;
}

export async function createEndpoint(db: Db, config: Config, orgId: string, input: EndpointInput) {
  const data = { url: checkEndpointUrl(input.url, config), eventKinds: checkKinds(input.eventKinds), description: input.description ?? null };
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const endpoint = await db.webhookEndpoint.create({ data: { orgId, ...data, secret } });
  return { secret, endpoint };
}

export async function updateEndpoint(
  db: Db,
  config: Config,
  orgId: string,
  id: string,
  patch: { url?: string; eventKinds?: OutboundKind[]; description?: string | null; active?: boolean },
): Promise<WebhookEndpoint> {
  const data: Partial<WebhookEndpoint> = {};
  if (patch.url !== undefined) data.url = checkEndpointUrl(patch.url, config);
  if (patch.eventKinds !== undefined) data.eventKinds = checkKinds(patch.eventKinds);
  if (patch.description !== undefined) data.description = patch.description;
  // Turning an endpoint back on clears why it was off and starts its failure count again.
  if (patch.active !== undefined)
    Object.assign(data, patch.active ? { active: true, disabledReason: null, consecutiveFailures: 0 } : { active: false });
  const { count } = await db.webhookEndpoint.updateMany({ where: { id, orgId }, data });
  if (!count) throw notFound('Webhook endpoint', 'input.endpointId');
  return db.webhookEndpoint.findUniqueOrThrow({ where: { id } });
}

export async function deleteEndpoint(db: Db, orgId: string, id: string): Promise<WebhookEndpoint> {
  const endpoint = await db.webhookEndpoint.findFirst({ where: { id, orgId } });
  if (!endpoint) throw notFound('Webhook endpoint', 'endpointId');
  await db.webhookEndpoint.deleteMany({ where: { id, orgId } });
  return endpoint;
}
