// Rate limits per principal: operators, fans, partner keys and anonymous callers each get their own
// budget per second; the excess answers RATE_LIMITED with HTTP 429 before anything executes. Two app
// instances sharing one limiter (Redis when REDIS_URL is set) hold the limit in total.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { createLogger } from '../../src/core/logger.js';
import { loadManifest } from '../../src/core/persisted.js';
import { memoryRateLimiter, type RateLimiter, redisRateLimiter } from '../../src/core/ratelimit.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { seedTwoTenants } from '../helpers/fixtures.js';
import { codes, executionCounter, fanBearer, hashOf, operatorBearer, partnerKey, persisted, post, type RawResult } from './security-helpers.js';

const LIMIT = 3;
const REDIS_URL = process.env.REDIS_URL;
const counter = executionCounter();
let t: TestApp;
// Anonymous callers are told apart by client address; a unique one keeps parallel test files apart on a shared Redis.
const anonymous = { 'x-forwarded-for': `203.0.113.${Math.floor(Math.random() * 250)}, 10.0.0.1` };

beforeAll(async () => {
  t = await createTestApp({
    plugins: [counter.plugin],
    env: {
      RATE_LIMIT_OPERATOR: String(LIMIT),
      RATE_LIMIT_FAN: String(LIMIT),
      RATE_LIMIT_PARTNER: String(LIMIT),
      RATE_LIMIT_ANONYMOUS: String(LIMIT),
      TRUST_PROXY: 'true',
    },
  });
  await seedTwoTenants(t, 5);
});
afterAll(() => t?.dispose());

/** Waits for the start of a fresh one-second window, so a burst is never split across two windows. */
async function freshWindow() {
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
}

/** Fires `n` requests at once (spread over `apps` in turn) and sorts the answers. */
async function burst(apps: App[], n: number, body: Record<string, unknown>, headers: Record<string, string>) {
  await freshWindow();
  const results: RawResult[] = await Promise.all(Array.from({ length: n }, (_, i) => post(apps[i % apps.length], body, headers)));
  const limited = results.filter((r) => codes(r.body).includes('RATE_LIMITED'));
  const ok = results.filter((r) => r.status === 200 && !r.body.errors);
  return { ok, limited, results };
}

function expectLimited(r: Awaited<ReturnType<typeof burst>>, allowed: number) {
  expect(r.ok.length).toBe(allowed);
  expect(r.limited.length).toBe(r.results.length - allowed);
  for (const l of r.limited) {
    expect(l.status).toBe(429);
    expect(l.body.errors?.[0].message).toMatch(/Rate limit exceeded: at most 3 requests per second/);
    expect(l.body.data ?? null).toBeNull();
  }
}

describe('per principal', () => {
  it('an operator (token) gets 3 per second; the rest are RATE_LIMITED with 429 and never execute', async () => {
    const authorization = await operatorBearer(t, 'demo', 'analyst@demo.test');
    const before = counter.executed;
    const r = await burst([t.app], 6, { query: '{ viewer { kind } }' }, { authorization });
    expectLimited(r, LIMIT);
    expect(counter.executed - before).toBe(LIMIT);
  });

  it('a fan (token) has a budget of its own, separate from other fans', async () => {
    const a = await fanBearer(t, 'demo', 'u100000');
    const b = await fanBearer(t, 'demo', 'u100001');
    await freshWindow();
    const results = await Promise.all([...Array(5)].map(() => post(t.app, { query: '{ viewer { kind } }' }, { authorization: a.authorization })));
    const other = await post(t.app, { query: '{ viewer { kind } }' }, { authorization: b.authorization });
    expect(results.filter((r) => r.status === 429)).toHaveLength(2);
    expect(other.status).toBe(200);
  });

  it('a partner key is limited per key', async () => {
    const { authorization } = await partnerKey(t, 'demo', ['read']);
    expectLimited(await burst([t.app], 5, persisted(hashOf(loadManifest(), 'PartnerRecentOrders')), { authorization }), LIMIT);
  });

  it('anonymous callers are limited per client address', async () => {
    expectLimited(await burst([t.app], 5, { query: '{ viewer { kind } }' }, anonymous), LIMIT);
  });

  it('the budget comes back in the next second', async () => {
    const authorization = await operatorBearer(t, 'demo', 'owner@demo.test');
    expectLimited(await burst([t.app], 4, { query: '{ viewer { kind } }' }, { authorization }), LIMIT);
    expectLimited(await burst([t.app], 3, { query: '{ viewer { kind } }' }, { authorization }), LIMIT);
  });
});

describe(REDIS_URL ? 'across two instances sharing one Redis' : 'across two instances sharing one limiter (in memory: REDIS_URL is unset)', () => {
  let apps: App[] = [];
  let limiters: RateLimiter[] = [];
  beforeAll(async () => {
    // Each instance gets its own limiter connection, as separate processes would; without Redis they share one object.
    const shared = memoryRateLimiter();
    limiters = REDIS_URL ? [await redisRateLimiter(REDIS_URL), await redisRateLimiter(REDIS_URL)] : [shared, shared];
    apps = limiters.map((rateLimiter) =>
      createApp({ config: t.config, database: t.database, pubsub: t.pubsub, logger: createLogger('silent'), rateLimiter }),
    );
  });
  afterAll(async () => {
    for (const l of new Set(limiters)) await l.close();
  });

  it('requests split across both instances are limited in total, for every principal kind', async () => {
    const op = await operatorBearer(t, 'demo', 'jujube@demo.test');
    expectLimited(await burst(apps, 8, { query: '{ viewer { kind } }' }, { authorization: op }), LIMIT);
    const fan = await fanBearer(t, 'rival', 'u100002');
    expectLimited(await burst(apps, 6, { query: '{ viewer { kind } }' }, { authorization: fan.authorization }), LIMIT);
    const key = await partnerKey(t, 'rival', ['read']);
    expectLimited(await burst(apps, 6, persisted(hashOf(loadManifest(), 'PartnerRecentOrders')), { authorization: key.authorization }), LIMIT);
  });

  it('each instance alone would have let them through (so the sharing is what limits)', async () => {
    const op = await operatorBearer(t, 'rival', 'owner@rival.test');
    const separate = [memoryRateLimiter(), memoryRateLimiter()];
    const unshared = separate.map((rateLimiter) =>
      createApp({ config: t.config, database: t.database, pubsub: t.pubsub, logger: createLogger('silent'), rateLimiter }),
    );
    expectLimited(await burst(unshared, 6, { query: '{ viewer { kind } }' }, { authorization: op }), 6);
  });
});

describe('anonymous callers without a trusted proxy', () => {
  it('a forged X-Forwarded-For does not buy a fresh budget', async () => {
    const app = await createTestApp({ env: { RATE_LIMIT_ANONYMOUS: '3' } });
    try {
      // Eight at once with a limit of 3: even split across two one-second windows, at least two are refused.
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          app.app.fetch('http://test/graphql', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i}` },
            body: JSON.stringify({ query: '{ viewer { kind } }' }),
          }),
        ),
      );
      expect(results.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(2);
    } finally {
      await app.dispose();
    }
  });
});
