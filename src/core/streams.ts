// Async-iterator plumbing for subscriptions. Each subscriber gets its own bounded buffer that is filled
// eagerly from the shared pub/sub, so one slow client never holds up publishers or other clients:
// feeds drop their oldest entries (and say how many), counters coalesce to their latest state.
import { Repeater } from 'graphql-yoga';

/** Feed entries a subscriber may fall behind by before the oldest are dropped (with a notice). */
export const FEED_BUFFER = 256;

/** A feed item plus how many items were dropped just before it because the client fell behind. */
export type Notified<T> = T & { missedBefore: number };

/** Buffers up to `max` items; beyond that the oldest are dropped and counted on the next item. */
export function boundedFeed<T extends object>(source: AsyncIterable<T>, max: number): AsyncIterableIterator<Notified<T>> {
  return new Repeater<Notified<T>>(async (push, stop) => {
    const queue: T[] = [];
    let dropped = 0;
    let waiting: (() => void) | undefined;
    const it = source[Symbol.asyncIterator]();
    let done = false;
    stop.then(() => {
      done = true;
      waiting?.();
      void it.return?.();
    });
    // Producer: drain the source as fast as it yields, keeping at most `max` items.
    void (async () => {
      try {
        for (;;) {
          const next = await it.next();
          if (next.done || done) break;
          queue.push(next.value);
          if (queue.length > max) {
            queue.shift();
            dropped++;
          }
          waiting?.();
        }
      } finally {
        done = true;
        waiting?.();
      }
    })();
    // Consumer: push waits until the client has taken the previous item (Repeater backpressure).
    while (!done || queue.length) {
      if (!queue.length) {
        await new Promise<void>((r) => (waiting = r));
        waiting = undefined;
        continue;
      }
      const item = queue.shift()!;
      const missedBefore = dropped;
      dropped = 0;
      await push({ ...item, missedBefore });
    }
    stop();
  });
}

/**
 * Emits `initial` at once, then at most one value per `intervalMs`: whenever updates arrive, the
 * latest `state()` is sent no later than `intervalMs` after the previous message (so never staler
 * than that), however many updates came in between.
 */
export function coalesced<T>(initial: T, updates: AsyncIterable<unknown>, state: () => T, intervalMs: number): AsyncIterableIterator<T> {
  return new Repeater<T>(async (push, stop) => {
    let last = Date.now();
    let timer: NodeJS.Timeout | undefined;
    // At most one message in flight: a slow client gets the latest state when it catches up,
    // never a backlog of stale ones.
    let inFlight: Promise<unknown> | undefined;
    let dirty = false;
    const flush = () => {
      timer = undefined;
      if (inFlight) {
        dirty = true;
        return;
      }
      last = Date.now();
      inFlight = push(state()).then(() => {
        inFlight = undefined;
        if (dirty) {
          dirty = false;
          schedule();
        }
      });
    };
    const schedule = () => {
      if (timer) return;
      const wait = last + intervalMs - Date.now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    };
    const it = updates[Symbol.asyncIterator]();
    stop.then(() => {
      clearTimeout(timer);
      void it.return?.();
    });
    inFlight = push(initial).then(() => (inFlight = undefined));
    for (;;) {
      const next = await Promise.race([it.next(), stop.then(() => ({ done: true as const, value: undefined }))]);
      if (next.done) break;
      schedule();
    }
    clearTimeout(timer);
    stop();
  });
}
