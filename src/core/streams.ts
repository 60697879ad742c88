// Async-iterator plumbing for subscriptions. Each subscriber gets its own bounded buffer that is filled
// eagerly from the shared pub/sub, so one slow client never holds up publishers or other clients:
// feeds drop their oldest entries (and say how many). Counters coalesce instead: see broadcast.ts.
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
