// Recently verified credentials, so a busy client does not pay a signature check and a database
// lookup on every request. Bounded (least recently used first out) and short-lived: a deleted
// operator or fan, or a key revoked from another instance or the CLI, stops working within
// PRINCIPAL_CACHE_MS (FAN_CONFIRMATION_MS for fans); a key revoked through this instance's API is
// forgotten at once. Failures are never cached. One cache per app (created in createApp).
import type { Viewer } from './context.js';

export const PRINCIPAL_CACHE_MS = 5_000;
export const FAN_CONFIRMATION_MS = 10_000;
const MAX_ENTRIES = 20_000;

export class PrincipalCache {
  private readonly entries = new Map<string, { viewer: Viewer; until: number }>();

  constructor(private readonly max = MAX_ENTRIES) {}

  get(credential: string): Viewer | undefined {
    const entry = this.entries.get(credential);
    if (!entry) return undefined;
    this.entries.delete(credential);
    if (entry.until <= Date.now()) return undefined;
    this.entries.set(credential, entry); // most recently used last
    return entry.viewer;
  }

  /** Remembers a verified viewer until `until` (ms), never beyond its kind's bound. */
  set(credential: string, viewer: Viewer, until = Infinity) {
    const bound = Date.now() + (viewer.kind === 'fan' ? FAN_CONFIRMATION_MS : PRINCIPAL_CACHE_MS);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(credential, { viewer: Object.freeze(viewer), until: Math.min(until, bound) });
  }

  /** Drops every cached principal matching `test` (a revoked key, a removed operator). */
  forget(test: (viewer: Viewer) => boolean) {
    for (const [credential, { viewer }] of this.entries) if (test(viewer)) this.entries.delete(credential);
  }
}
