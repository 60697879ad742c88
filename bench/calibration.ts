import { readFileSync, writeFileSync } from 'node:fs';
// Calibration recorded beside every benchmark's figures, so runs on different hosts (or on this shared
// machine at busier moments) can be compared: a fixed single-core CPU loop, PostgreSQL round trips of
// `SELECT 1` over one connection, and Redis PUBLISH round trips. Each runs about a second; the best of
// three CPU runs is kept because the machine is shared and the question is what one core can do.
import { Redis } from 'ioredis';
import pg from 'pg';

export interface Calibration {
  /** Iterations per second of a fixed integer loop (xorshift32) on one core, in millions. */
  cpuLoopMops: number;
  /** Sequential `SELECT 1` round trips per second over one pg connection (null without a database). */
  pgSelect1PerSecond: number | null;
  /** Sequential Redis PUBLISH round trips per second (null when Redis is not reachable). */
  redisPublishPerSecond: number | null;
  /** /proc/loadavg when calibrated (1, 5 and 15 minutes). */
  loadavg: number[];
}

function cpuLoop(): number {
  const iterations = 50_000_000;
  let best = 0;
  for (let run = 0; run < 3; run++) {
    let x = 2463534242;
    const t = performance.now();
    for (let i = 0; i < iterations; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
    }
    const seconds = (performance.now() - t) / 1000;
    if (x === 42) console.log(''); // keeps the loop from being optimized away
    best = Math.max(best, iterations / seconds / 1e6);
  }
  return Math.round(best * 10) / 10;
}

async function roundTrips(fn: () => Promise<unknown>, seconds = 1): Promise<number> {
  for (let i = 0; i < 50; i++) await fn(); // warm up
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    await fn();
    n++;
  }
  return Math.round(n / ((performance.now() - start) / 1000));
}

export async function calibrate(opts: { databaseUrl?: string; redisUrl?: string }): Promise<Calibration> {
  const loadavg = (await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  const cpuLoopMops = cpuLoop();
  let pgSelect1PerSecond: number | null = null;
  if (opts.databaseUrl) {
    const client = new pg.Client({ connectionString: opts.databaseUrl });
    await client.connect();
    try {
      pgSelect1PerSecond = await roundTrips(() => client.query('SELECT 1'));
    } finally {
      await client.end();
    }
  }
  let redisPublishPerSecond: number | null = null;
  const redisUrl = opts.redisUrl ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    redisPublishPerSecond = await roundTrips(() => redis.publish('bench:calibration', 'x'));
  } catch {
    redisPublishPerSecond = null;
  } finally {
    redis.disconnect();
  }
  return { cpuLoopMops, pgSelect1PerSecond, redisPublishPerSecond, loadavg };
}

/** One line for a README: "CPU loop 812 M/s · pg SELECT 1 9,800/s · Redis PUBLISH 11,000/s · load 1.2 0.9 0.7". */
export function describeCalibration(c: Calibration): string {
  const f = (n: number | null, unit: string) => (n === null ? 'n/a' : `${n.toLocaleString('en')}${unit}`);
  return `CPU loop ${f(c.cpuLoopMops, ' M/s')} · pg \`SELECT 1\` ${f(c.pgSelect1PerSecond, '/s')} · Redis PUBLISH ${f(c.redisPublishPerSecond, '/s')} · load ${c.loadavg.join(' ')}`;
}

/** Replaces the README block between `<!-- results:<label>:start -->` and `…:end -->` (appends it when absent). */
export function writeResultsBlock(file: string, label: string, body: string) {
  const text = readFileSync(file, 'utf8');
  const open = `<!-- results:${label}:start -->`;
  const close = `<!-- results:${label}:end -->`;
  const start = text.indexOf(open);
  const stop = text.indexOf(close);
  const block = `${open}\n${body}\n${close}`;
  writeFileSync(
    file,
    start >= 0 && stop > start ? text.slice(0, start) + block + text.slice(stop + close.length) : `${text.trimEnd()}\n\n${block}\n`,
  );
}
