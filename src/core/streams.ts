// Async-iterator plumbing for subscriptions. Each subscriber gets its own bounded buffer that is filled
// eagerly from the shared pub/sub, so one slow client never holds up publishers or other clients:
// feeds drop their oldest entries (and say how many). Counters coalesce instead: see broadcast.ts.
import { Repeater } from 'graphql-yoga';
import { onResumed, type PubSub } from './pubsub.js';

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

/** Ids a catch-up remembers having delivered, so a replay never repeats them (bounded). */
const SEEN_IDS = 2_000;

/**
 * A live feed that survives a pub/sub outage: when Redis comes back (onResumed), `catchUp(lostAt)` reads
 * what the database recorded since the loss and the entries this subscriber never received follow the
 * live ones. Entries are told apart by `idOf`.
 */
export function withCatchUp<T>(
  pubsub: PubSub,
  live: AsyncIterable<T>,
  catchUp: (since: Date) => Promise<T[]>,
  idOf: (item: T) => string,
): AsyncIterable<T> {
  return new Repeater<T>(async (push, stop) => {
    const seen = new Set<string>();
    const remember = (item: T) => {
      seen.add(idOf(item));
      if (seen.size > SEEN_IDS) seen.delete(seen.values().next().value as string);
    };
    const off = onResumed(pubsub, (lostAt) => {
      void catchUp(lostAt).then(
        async (items) => {
          for (const item of items) {
            if (seen.has(idOf(item))) continue;
            remember(item);
            await push(item);
          }
        },
        () => {},
      );
    });
    const it = live[Symbol.asyncIterator]();
    stop.then(() => {
      off();
      void it.return?.();
    });
    try {
      for (;;) {
        const next = await Promise.race([it.next(), stop.then(() => ({ done: true as const, value: undefined }))]);
        if (next.done) break;
        // A publish held in the client's queue during the outage may arrive after its replay.
        if (seen.has(idOf(next.value))) continue;
        remember(next.value);
        await push(next.value);
      }
    } finally {
      off();
      stop();
    }
  });
}
