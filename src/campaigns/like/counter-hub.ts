// One live counter per like campaign per instance. However many fans watch a live room, the instance
// listens to the campaign's channel once, keeps the exact running total, and at most ten times a
// second hands the same snapshot to every watcher (executed once, see core/broadcast.ts). Watchers
// that fell behind get the latest state with their own delta when they catch up.
//
// Each message is still one socket write per watcher, and writes are what an instance runs out of
// first: past its budget (COUNTER_MESSAGES_PER_SECOND across all watchers) the ticks slow down
// evenly — 20,000 watchers at a budget of 25,000 get a fresh total every 0.8 s — rather than
// saturating the process until likes themselves queue for seconds.
import { latestOnly, sharedPayload } from '../../core/broadcast.js';
import type { Db } from '../../core/db.js';
import { onResumed, type PubSub } from '../../core/pubsub.js';
import './events.js';

/** Coalescing interval: ≤ 10 messages a second per campaign, never staler than this. */
export const LIKE_COUNTER_INTERVAL_MS = 100;

export interface LikeCounter {
  total: number;
  target: number;
  milestonesReached: number;
  /** Likes since the previous message to this watcher. */
  delta: number;
  ratePerSecond: number;
  at: Date;
}

/** A broadcast snapshot also says which total it follows, so a watcher can tell whether its delta fits. */
interface Snapshot extends LikeCounter {
  previousTotal: number;
}

/** Watchers offered a snapshot per turn of the event loop (see CounterHub.offer). */
const OFFER_SLICE = 250;

const round1 = (x: number) => Math.round(x * 10) / 10;
const rate = (delta: number, ms: number) => round1(delta / Math.max(ms / 1000, 0.001));

class CounterHub {
  private readonly watchers = new Set<(s: Snapshot) => void>();
  private readonly events: AsyncIterator<{ total: number; milestonesReached: number }>;
  private state = { total: 0, milestonesReached: 0, target: 0 };
  /** What the last broadcast said (or, before the first one, the state the first watchers started from). */
  private sent: { total: number; at: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private holds = 0;
  /** Which organization the campaign belongs to, once a watcher's durable read has shown it. */
  private orgId: string | undefined;

  constructor(
    pubsub: PubSub,
    campaignId: string,
    private readonly budget: FanoutBudget,
    private readonly onIdle: () => void,
  ) {
    this.events = pubsub.subscribe('likeCampaign', campaignId)[Symbol.asyncIterator]();
    void this.listen();
  }

  // Batches on different instances may publish out of commit order; totals only grow, so the
  // largest one seen is the exact running total.
  private async listen() {
    for (;;) {
      const next = await this.events.next();
      if (next.done) return;
      this.state.total = Math.max(this.state.total, next.value.total);
      this.state.milestonesReached = Math.max(this.state.milestonesReached, next.value.milestonesReached);
      this.schedule();
    }
  }

  /** Keeps the hub alive while a new watcher reads the durable state. */
  hold() {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.idleCheck();
    };
  }

  /**
   * The current state for a watcher of `orgId`, without reading the database, once an earlier watcher's
   * read has shown the campaign belongs to that organization: the hub has applied every batch published
   * since it started listening, so it is as fresh as the row (a live room's thousands of joins cost no
   * query each). Undefined means: read the row.
   */
  known(orgId: string) {
    return this.orgId === orgId ? { ...this.state } : undefined;
  }

  /** Adds a watcher whose durable read (or known()) said `durable`; its first message is the state as of now. */
  watch(orgId: string, durable: { total: number; milestonesReached: number; target: number }) {
    this.orgId = orgId;
    this.state.total = Math.max(this.state.total, durable.total);
    this.state.milestonesReached = Math.max(this.state.milestonesReached, durable.milestonesReached);
    this.state.target = durable.target;
    const now = Date.now();
    this.sent ??= { total: this.state.total, at: now };
    let last = { total: this.state.total, at: now };
    const initial: LikeCounter = { ...this.state, delta: 0, ratePerSecond: 0, at: new Date(now) };
    const watcher = latestOnly<Snapshot, LikeCounter>(
      initial,
      (s) => {
        if (s.total <= last.total) return undefined;
        // Caught up: the shared snapshot (executed once for everyone). Behind: this watcher's own delta.
        const message =
          s.previousTotal === last.total
            ? s
            : { ...s, delta: s.total - last.total, ratePerSecond: rate(s.total - last.total, s.at.getTime() - last.at) };
        last = { total: s.total, at: s.at.getTime() };
        return message;
      },
      () => {
        this.watchers.delete(watcher.offer);
        this.idleCheck();
      },
    );
    this.watchers.add(watcher.offer);
    // Anything that arrived while this watcher read the database goes out on the next tick.
    if (this.state.total > this.sent.total) this.schedule();
    return watcher.stream;
  }

  private schedule() {
    if (this.timer || !this.sent || this.state.total <= this.sent.total) return;
    const wait = this.sent.at + this.budget.intervalMs() - Date.now();
    this.timer = setTimeout(() => this.flush(), Math.max(0, wait));
  }

  private flush() {
    this.timer = undefined;
    const sent = this.sent!;
    const now = Date.now();
    const delta = this.state.total - sent.total;
    const snapshot = sharedPayload<Snapshot>({
      ...this.state,
      delta,
      ratePerSecond: rate(delta, now - sent.at),
      at: new Date(now),
      previousTotal: sent.total,
    });
    this.sent = { total: this.state.total, at: now };
    this.budget.messages += this.watchers.size;
    this.offer(snapshot, [...this.watchers], 0);
  }

  /**
   * Hands the snapshot to watchers a slice at a time. Each offer sets off that watcher's whole write
   * (GraphQL result, frame, socket write) as microtasks, so offering to 10,000 at once would hold the
   * event loop for the whole fan-out, and like commits waiting for PostgreSQL's replies behind it;
   * between slices the loop reads its sockets.
   */
  private offer(snapshot: Snapshot, to: ((s: Snapshot) => void)[], from: number) {
    const until = Math.min(to.length, from + OFFER_SLICE);
    for (let i = from; i < until; i++) to[i](snapshot);
    if (until < to.length) setImmediate(() => this.offer(snapshot, to, until));
  }

  get watcherCount() {
    return this.watchers.size;
  }

  /** After a pub/sub outage: batches committed meanwhile were never heard, so take the row's total. */
  async refresh(read: DurableRead) {
    const row = await read().catch(() => null);
    if (!row) return;
    this.state.total = Math.max(this.state.total, row.total);
    this.state.milestonesReached = Math.max(this.state.milestonesReached, row.milestonesReached);
    this.schedule();
  }

  private idleCheck() {
    if (this.watchers.size || this.holds) return;
    clearTimeout(this.timer);
    this.onIdle();
    void this.events.return?.();
  }
}

/** The campaign's committed total, read from the database. */
type DurableRead = () => Promise<{ total: number; milestonesReached: number } | null>;

/** Spreads an instance's message budget over everyone watching any counter on it. */
class FanoutBudget {
  readonly hubs = new Map<string, CounterHub>();
  /** Messages offered to watchers so far, for /metrics. */
  messages = 0;
  constructor(readonly messagesPerSecond: number) {}

  intervalMs() {
    let watchers = 0;
    for (const hub of this.hubs.values()) watchers += hub.watcherCount;
    return Math.max(LIKE_COUNTER_INTERVAL_MS, Math.ceil((1000 * watchers) / this.messagesPerSecond));
  }
}

/** Reads a campaign's committed counter (null when there is no such like campaign). */
type ReadCounter = (campaignId: string) => Promise<{ total: number; milestonesReached: number } | null>;

/** The committed counter from the database: what the hubs re-read when Redis comes back. */
export function committedCounter(db: Db): ReadCounter {
  return async (campaignId) => {
    const row = await db.likeCampaign.findUnique({ where: { campaignId }, select: { totalLikes: true, milestonesReached: true } });
    return row && { total: row.totalLikes, milestonesReached: row.milestonesReached };
  };
}

/** This instance's like counters: one hub per watched campaign, one message budget for all (one per app, src/services.ts). */
export class LikeCounterHubs {
  private readonly budget: FanoutBudget;
  constructor(
    private readonly pubsub: PubSub,
    messagesPerSecond: number,
    /** The committed state of a campaign, read when Redis comes back (see onResumed). */
    read?: ReadCounter,
  ) {
    this.budget = new FanoutBudget(messagesPerSecond);
    if (read) onResumed(pubsub, () => void this.refreshAll(read));
  }

  private async refreshAll(read: ReadCounter) {
    await Promise.all([...this.budget.hubs].map(([id, hub]) => hub.refresh(() => read(id))));
  }

  /** Totals for /metrics: messages offered so far and watchers now. */
  stats() {
    let watchers = 0;
    for (const hub of this.budget.hubs.values()) watchers += hub.watcherCount;
    return { messages: this.budget.messages, watchers };
  }

  /** How many watch the campaign's counter on this instance (0 once its hub has closed). */
  watching(campaignId: string): number {
    return this.budget.hubs.get(campaignId)?.watcherCount ?? 0;
  }

  /** The campaign's counter hub, created (and listening) on first use. */
  hub(campaignId: string): CounterHub {
    const { hubs } = this.budget;
    let hub = hubs.get(campaignId);
    if (!hub) {
      hub = new CounterHub(this.pubsub, campaignId, this.budget, () => hubs.delete(campaignId));
      hubs.set(campaignId, hub);
    }
    return hub;
  }
}

declare module '../../core/context.js' {
  interface Services {
    /** Live like counters on this instance (see counter-hub.ts). */
    likeCounters: LikeCounterHubs;
  }
}
