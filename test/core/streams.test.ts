// Per-subscriber buffering: a slow client loses the oldest feed entries (and is told how many),
// and counters reach it coalesced to at most one message per interval, never stale by more than that.
import { createPubSub } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { boundedFeed, coalesced } from '../../src/core/streams.js';

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

describe('coalesced', () => {
  it('sends the current state first, then at most one message per interval carrying the latest state', async () => {
    const pubsub = createPubSub<{ likes: [number] }>();
    let total = 0;
    const stream = coalesced({ total: 0 }, pubsub.subscribe('likes'), () => ({ total }), 100);
    const received: { total: number; at: number }[] = [];
    const start = Date.now();
    const reading = (async () => {
      for await (const s of stream) {
        received.push({ ...s, at: Date.now() - start });
        if (s.total === 3000) break;
      }
    })();
    await tick(20);
    for (let i = 0; i < 300; i++) {
      total += 10;
      pubsub.publish('likes', 10);
      await tick(2); // ~600 ms of bursts
    }
    await reading;
    expect(received[0].total).toBe(0);
    expect(received[received.length - 1].total).toBe(3000);
    // ~600 ms at ≤ 10 messages per second: a handful of messages, not 300.
    expect(received.length).toBeLessThanOrEqual(1 + Math.ceil((Date.now() - start) / 100) + 1);
    for (let i = 2; i < received.length; i++) expect(received[i].at - received[i - 1].at).toBeGreaterThanOrEqual(95);
  });
});
