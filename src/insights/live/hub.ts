// Live dashboards: today's numbers of an organization or a group, pushed when they change, at most
// once a second. However many watch, an instance keeps one hub per watched organization or group:
// the hub reads today's numbers from the rollups every half second while anyone watches (orders,
// likes and activity all land in the rollups, whoever wrote them and on whichever instance), and when
// they differ from what it last sent, hands one shared snapshot to every watcher — executed once per
// operation for all of them (core/broadcast.ts). A slow watcher gets the latest snapshot, never a queue.

import { localDay } from '../../checkins/days.js';
import { latestOnly, sharedPayload } from '../../core/broadcast.js';
import type { Db } from '../../core/db.js';
import { communityMetrics, organizationMetrics } from '../groups/metrics.js';
import type { GroupMetrics } from '../groups/service.js';
import { timeZoneOf } from '../window.js';

/** How often a watched hub reads today's numbers. */
export const METRICS_POLL_MS = 500;
/** At most one message per second per hub. */
export const METRICS_MIN_INTERVAL_MS = 1000;

class MetricsHub {
  private readonly watchers = new Set<(m: GroupMetrics) => void>();
  private latest: { json: string; snapshot: GroupMetrics } | undefined;
  private sentAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly orgId: string,
    private readonly communityId: string | null,
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

  /** Reads now; a change becomes the shared snapshot and is offered to every watcher (rate-limited). */
  private refresh(): Promise<void> {
    this.reading ??= (async () => {
      try {
        const m = await this.read();
        const json = JSON.stringify(m);
        if (json === this.latest?.json) return;
        this.latest = { json, snapshot: sharedPayload({ ...m }) };
        this.offerWhenDue();
      } catch {
        // The database went away (shutdown) or a read failed: keep the last numbers, try again next tick.
      } finally {
        this.reading = undefined;
      }
    })();
    return this.reading;
  }

  private pending: NodeJS.Timeout | undefined;
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
    this.timer ??= setInterval(() => void this.refresh(), METRICS_POLL_MS);
    return watcher.stream;
  }

  private stop() {
    clearInterval(this.timer);
    clearTimeout(this.pending);
    this.timer = this.pending = undefined;
    this.onIdle();
  }
}

/** This instance's metric hubs, one per watched organization or group (one per app, src/services.ts). */
export class MetricsHubs {
  private readonly hubs = new Map<string, MetricsHub>();
  constructor(private readonly db: Db) {}

  watch(orgId: string, communityId: string | null) {
    const key = `${orgId}|${communityId ?? ''}`;
    let hub = this.hubs.get(key);
    if (!hub) {
      const created = new MetricsHub(this.db, orgId, communityId, () => this.hubs.get(key) === created && this.hubs.delete(key));
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
