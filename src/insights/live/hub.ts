// Live dashboards: today's numbers of an organization or a group, pushed when they change, at most
// once a second. However many watch, an instance keeps one hub per watched organization or group.
// A hub reads when a change lands: every write that moves an organization's numbers (orders, group
// activity, memberships, a fan's first action of a day) sends NOTIFY insight_changed at its commit
// (migration 20261204000300_insight_notify), whoever wrote it and on whichever instance. The hub
// reads at once if a second has passed since its last message, otherwise just before the next one is
// due, so a change is shown within about a second; when the numbers differ from what it last sent it
// hands one shared snapshot to every watcher — executed once per operation for all of them
// (core/broadcast.ts). A slow poll stays as a safety net (a lost listening connection).

import { localDay } from '../../checkins/days.js';
import { latestOnly, sharedPayload } from '../../core/broadcast.js';
import type { Database, Db } from '../../core/db.js';
import { communityMetrics, organizationMetrics } from '../groups/metrics.js';
import type { GroupMetrics } from '../groups/service.js';
import { timeZoneOf } from '../window.js';

/** At most one message per second per hub. */
export const METRICS_MIN_INTERVAL_MS = 1000;
/** The safety-net poll while notifications flow; without them (no listen), this poll is all there is. */
export const METRICS_FALLBACK_POLL_MS = 5000;
export const METRICS_POLL_MS = 500;
export const METRICS_CHANNEL = 'insight_changed';

type Listen = Database['listen'];

class MetricsHub {
  private readonly watchers = new Set<(m: GroupMetrics) => void>();
  private latest: { json: string; snapshot: GroupMetrics } | undefined;
  private sentAt = 0;
  private readMs = 0;
  private poll: NodeJS.Timeout | undefined;
  private due: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private dirty = false;
  private unlisten: Promise<(() => Promise<void>) | undefined> | undefined;

  constructor(
    private readonly db: Db,
    private readonly orgId: string,
    private readonly communityId: string | null,
    private readonly listen: Listen | undefined,
    private readonly onIdle: () => void,
  ) {}

  /** Today's numbers, in the organization's time zone (the day rolls over at its midnight). */
  private async read(): Promise<GroupMetrics> {
    const tz = await timeZoneOf({ db: this.db }, this.orgId);
    const today = localDay(new Date(), tz);
    const w = { from: today, to: today };
    return this.communityId
      ? communityMetrics({ db: this.db }, this.orgId, tz, this.communityId, w)
      : organizationMetrics({ db: this.db }, this.orgId, w);
  }

  /** Reads now (once more after an in-flight read if a change landed meanwhile); a change is offered to every watcher. */
  private refresh(): Promise<void> {
    if (this.reading) {
      this.dirty = true;
      return this.reading;
    }
    this.reading = (async () => {
      try {
        const t0 = Date.now();
        const m = await this.read();
        this.readMs = Date.now() - t0;
        const json = JSON.stringify(m);
        if (json === this.latest?.json) return;
        this.latest = { json, snapshot: sharedPayload({ ...m }) };
        this.offerWhenDue();
      } catch {
        // The database went away (shutdown) or a read failed: keep the last numbers, try again next change.
      } finally {
        this.reading = undefined;
        if (this.dirty) {
          this.dirty = false;
          this.changed();
        }
      }
    })();
    return this.reading;
  }

  /** Something changed: read now if a message may go out now, else just before the next one may. */
  private changed() {
    if (this.due || !this.watchers.size) return;
    const wait = this.sentAt + METRICS_MIN_INTERVAL_MS - this.readMs - Date.now();
    if (wait <= 0) void this.refresh();
    else
      this.due = setTimeout(() => {
        this.due = undefined;
        void this.refresh();
      }, wait);
  }

  private offerWhenDue() {
    if (this.pending) return;
    const wait = this.sentAt + METRICS_MIN_INTERVAL_MS - Date.now();
    const send = () => {
      this.pending = undefined;
      this.sentAt = Date.now();
      const s = this.latest!.snapshot;
      for (const offer of this.watchers) offer(s);
    };
    if (wait <= 0) send();
    else this.pending = setTimeout(send, wait);
  }

  /** A watcher's stream: the current numbers first, then each change. */
  async watch(): Promise<AsyncIterableIterator<GroupMetrics>> {
    if (!this.latest) await this.refresh();
    if (!this.latest) throw new Error('Metrics are unavailable right now; try again.');
    const watcher = latestOnly<GroupMetrics, GroupMetrics>(
      this.latest.snapshot,
      (m) => m,
      () => {
        this.watchers.delete(watcher.offer);
        if (!this.watchers.size) this.stop();
      },
    );
    this.watchers.add(watcher.offer);
    if (!this.poll) {
      this.unlisten = this.listen
        ? this.listen(METRICS_CHANNEL, (org) => org === this.orgId && this.changed()).catch(() => undefined)
        : Promise.resolve(undefined);
      // Notifications may arrive before LISTEN took effect: read once it has.
      void this.unlisten.then(() => this.changed());
      const every = this.listen ? METRICS_FALLBACK_POLL_MS : METRICS_POLL_MS;
      this.poll = setInterval(() => this.changed(), every);
    }
    return watcher.stream;
  }

  private stop() {
    clearInterval(this.poll);
    clearTimeout(this.pending);
    clearTimeout(this.due);
    this.poll = this.pending = this.due = undefined;
    void this.unlisten?.then((u) => u?.()).catch(() => {});
    this.unlisten = undefined;
    this.onIdle();
  }
}

/** This instance's metric hubs, one per watched organization or group (one per app, src/services.ts). */
export class MetricsHubs {
  private readonly hubs = new Map<string, MetricsHub>();
  constructor(
    private readonly db: Db,
    private readonly listen?: Listen,
  ) {}

  watch(orgId: string, communityId: string | null) {
    const key = `${orgId}|${communityId ?? ''}`;
    let hub = this.hubs.get(key);
    if (!hub) {
      const created = new MetricsHub(this.db, orgId, communityId, this.listen, () => this.hubs.get(key) === created && this.hubs.delete(key));
      this.hubs.set(key, (hub = created));
    }
    return hub.watch();
  }
}

declare module '../../core/context.js' {
  interface Services {
    /** Live dashboard metrics on this instance (see insights/live/hub.ts). */
    insightMetrics: MetricsHubs;
  }
}
