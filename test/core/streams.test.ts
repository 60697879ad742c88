// Per-subscriber buffering: a slow client loses the oldest feed entries (and is told how many),
// and a counter's watcher gets the latest state when it asks, never a backlog of stale ones.
import { createPubSub } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { latestOnly } from '../../src/core/broadcast.js';
import { boundedFeed } from '../../src/core/streams.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('boundedFeed', () => {
  it('keeps the newest entries for a client that stopped reading, and reports the gap', async () => {
    const pubsub = createPubSub<{ feed: [{ n: number }] }>();
    const feed = boundedFeed(pubsub.subscribe('feed'), 5);
    const first = feed.next(); // the client reads one entry, then stalls
    await tick(10);
    for (let n = 1; n <= 20; n++) pubsub.publish('feed', { n });
    expect((await first).value).toEqual({ n: 1, missedBefore: 0 });
    await tick(10);
    const rest = [];
    for (let i = 0; i < 5; i++) rest.push((await feed.next()).value);
    // Entries 2..15 were dropped while the client stalled; it gets the newest five with the gap counted once.
    expect(rest).toEqual([
      { n: 16, missedBefore: 14 },
      { n: 17, missedBefore: 0 },
      { n: 18, missedBefore: 0 },
      { n: 19, missedBefore: 0 },
      { n: 20, missedBefore: 0 },
    ]);
    await feed.return?.();
  });

  it('a fast client misses nothing', async () => {
    const pubsub = createPubSub<{ feed: [{ n: number }] }>();
    const feed = boundedFeed(pubsub.subscribe('feed'), 5);
    const got: number[] = [];
    const reading = (async () => {
      for await (const x of feed) {
        got.push(x.n);
        if (got.length === 50) break;
      }
    })();
    await tick(10);
    for (let n = 1; n <= 50; n++) {
      pubsub.publish('feed', { n });
      if (n % 4 === 0) await tick(1);
    }
    await reading;
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });
});

describe('latestOnly', () => {
  it('gives the initial state first, then only the latest value a slow reader missed', async () => {
    const prepared: number[] = [];
    const w = latestOnly<number, string>(
      'initial',
      (n) => (prepared.push(n), `total ${n}`),
      () => {},
    );
    for (let n = 1; n <= 1000; n++) w.offer(n); // a reader that has not asked yet
    expect(await w.stream.next()).toEqual({ done: false, value: 'initial' });
    expect(await w.stream.next()).toEqual({ done: false, value: 'total 1000' });
    // Only what is handed over is prepared: 999 stale values were replaced, never built.
    expect(prepared).toEqual([1000]);
    const waiting = w.stream.next();
    w.offer(1001);
    expect(await waiting).toEqual({ done: false, value: 'total 1001' });
  });

  it('skips values prepare() declines, and ends a waiting reader at once on return()', async () => {
    let stopped = 0;
    const w = latestOnly<number, number>(
      0,
      (n) => (n % 2 ? undefined : n),
      () => stopped++,
    );
    await w.stream.next();
    w.offer(1);
    const waiting = w.stream.next();
    w.offer(3);
    await tick(10);
    w.offer(4);
    expect(await waiting).toEqual({ done: false, value: 4 });
    const idle = w.stream.next();
    await w.stream.return!();
    expect(await idle).toEqual({ done: true, value: undefined });
    await w.stream.return!();
    expect(stopped).toBe(1);
    w.offer(6); // after the end: ignored
    expect(await w.stream.next()).toEqual({ done: true, value: undefined });
  });
});
