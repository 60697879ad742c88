// Per-principal rate limits: a fixed one-second window per operator, fan, partner key or client
// address. With Redis the counters are shared, so the limit holds across every instance.
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { Redis } from 'ioredis';
import type { Config } from './config.js';
import type { Context, Viewer } from './context.js';
import { connectRedis } from './pubsub.js';

export interface RateLimiter {
  /** Counts one hit for `key` in the current window; true when still within `limit`. */
  hit(key: string, limit: number): Promise<boolean>;
  close(): Promise<void>;
}

const WINDOW_MS = 1000;

export function memoryRateLimiter(): RateLimiter {
  // Windows are aligned to the clock, as in Redis, so both limiters count the same way.
  const windows = new Map<string, { window: number; count: number }>();
  return {
    async hit(key, limit) {
      const window = Math.floor(Date.now() / WINDOW_MS);
      const w = windows.get(key);
      if (!w || w.window !== window) {
        if (windows.size > 100_000) windows.clear(); // bounded memory under key churn
        windows.set(key, { window, count: 1 });
        return 1 <= limit;
      }
      w.count++;
      return w.count <= limit;
    },
    close: async () => {},
  };
}

// INCR, and set the expiry when the window's key is new: one command (EVALSHA) per hit where MULTI/
// INCR/PEXPIRE/EXEC were four, and auto-pipelined, so the hits of one event-loop turn (a like storm's
// hundreds of requests a second) share one write to Redis and one reply read.
const HIT_SCRIPT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/**
 * Counters shared through Redis. When Redis is unreachable (stopped, restarting, or not answering
 * within two seconds) each instance counts on its own until it is back: the limits then hold per
 * instance instead of across all of them, and no request waits on Redis or fails because of it —
 * failing closed would turn a Redis restart into a full outage of the API.
 */
export async function redisRateLimiter(url: string, opts: { timeoutMs?: number; onFallback?: () => void } = {}): Promise<RateLimiter> {
  // No offline queue: while disconnected a command fails at once instead of waiting for the reconnect.
  // A connected Redis that stops answering gets 2 s: on a busy machine a slow reply is not an outage, and
  // counting per instance then (a test sends parallel requests at a limit of 3) would let a burst through.
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    commandTimeout: opts.timeoutMs ?? 2_000,
    enableAutoPipelining: true,
  });
  redis.defineCommand('fanopsHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
  const hit = (redis as unknown as { fanopsHit(key: string, ttlMs: number): Promise<number> }).fanopsHit.bind(redis);
  await connectRedis(redis);
  const local = memoryRateLimiter();
  return {
    async hit(key, limit) {
      const window = Math.floor(Date.now() / WINDOW_MS);
      try {
        const count = await hit(`fanops:rl:${key}:${window}`, WINDOW_MS * 2);
        return count <= limit;
      } catch {
        opts.onFallback?.();
        return local.hit(key, limit);
      }
    },
    close: async () => void (await redis.quit().catch(() => {})),
  };
}

function principal(viewer: Viewer, clientAddress: string | undefined): { key: string; kind: keyof Config['rateLimits'] } {
  switch (viewer.kind) {
    case 'operator':
      return { key: `op:${viewer.operatorId}`, kind: 'operator' };
    case 'fan':
      return { key: `fan:${viewer.fanId}`, kind: 'fan' };
    case 'partner':
      return { key: `key:${viewer.apiKeyId}`, kind: 'partner' };
    default:
      return { key: `anon:${clientAddress ?? 'local'}`, kind: 'anonymous' };
  }
}

/** Refuses an operation with RATE_LIMITED (HTTP 429) before any resolver runs. */
export function useRateLimit(
  limiter: RateLimiter,
  limits: Config['rateLimits'],
  onRefused: (principalKind: string) => void = () => {},
): Plugin<Context & { request?: Request }> {
  const check = async (ctx: Context & { request?: Request }) => {
    const p = principal(ctx.viewer, ctx.clientAddress);
    if (!(await limiter.hit(p.key, limits[p.kind]))) {
      onRefused(p.kind);
      throw new GraphQLError(
        `Rate limit exceeded: at most ${limits[p.kind]} requests per second for this ${p.kind === 'partner' ? 'API key' : p.kind}`,
        {
          extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: { 'retry-after': '1' } } },
        },
      );
    }
  };
  return {
    onExecute: async ({ args }) => check(args.contextValue),
    onSubscribe: async ({ args }) => check(args.contextValue),
  };
}
