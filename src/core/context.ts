// The per-request context. A fresh one is made for every operation (HTTP or WebSocket) because
// the viewer, and anything cached for it, must never leak between callers.
import type { Config } from './config.js';
import type { Db } from './db.js';
import type { PrincipalCache } from './principals.js';
import type { PubSub } from './pubsub.js';

export type OperatorRole = 'OWNER' | 'ADMIN' | 'OPERATOR' | 'ANALYST';

/** Who is calling. Every read and write is scoped to viewer.orgId; there is no cross-tenant path. */
export type Viewer =
  | { kind: 'anonymous'; orgId: null }
  | { kind: 'operator'; orgId: string; operatorId: string; role: OperatorRole }
  | { kind: 'fan'; orgId: string; fanId: string }
  | { kind: 'partner'; orgId: string; apiKeyId: string; scopes: string[] }
  /** The platform's own administrator (PLATFORM_ADMIN_TOKEN): creates organizations, belongs to none. */
  | { kind: 'platform'; orgId: null };

export const anonymous: Viewer = { kind: 'anonymous', orgId: null };

export interface Context {
  viewer: Viewer;
  db: Db;
  pubsub: PubSub;
  config: Config;
  /** Recently verified credentials (revocations through the API evict from it). */
  principals: PrincipalCache;
  /** The caller's network address, for anonymous rate limits (see TRUST_PROXY). */
  clientAddress?: string;
  /** This app's long-lived services (created once by createApp, shared by its requests). */
  services: Services;
}

/**
 * App-scoped services: anything that outlives a request (a write queue, a per-instance hub, a
 * registry of reactions) lives here, created once per app in src/services.ts, never in module-level
 * state, so two apps in one process (tests, instances) share nothing. Each module declares its own
 * entry by augmenting this interface next to the service (core does not know the domains).
 */
// biome-ignore lint/suspicious/noEmptyInterface: modules augment it (declaration merging)
export interface Services {}

/**
 * The organization every query of this request is confined to. For a caller without one it returns
 * an id no row can have, so a forgotten auth check still cannot read another tenant's rows.
 */
export function orgIdOf(viewer: Viewer): string {
  return viewer.orgId ?? '__no_organization__';
}
