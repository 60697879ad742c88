// Outbound benchmark: three API processes share one PostgreSQL database and its job queue; producers
// enqueue session.live events in transactions (as a domain service does, emitOutbound inside the
// change's transaction) and a loopback receiver answers 200. Measures events enqueued per second,
// deliveries per second and enqueue-to-delivery latency (p50/p99), with the host's calibration.
// Bounded (EVENTS events); stops by itself. Results: bench/results/outbound-<label>.json + bench/README.md.
//
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:outbound
//   EVENTS=40000 RATE=2000 INSTANCES=3 CONCURRENCY=16 PRODUCERS=16 BATCH=20 npm run bench:outbound
// Then the same events through the ceiling, bench/outbound-raw.ts (INSTANCES processes × RAW_LOOPS
// loops; RAW=0 skips it). CPU per delivery is counted per component from /proc (PostgreSQL backends by
// application_name); CPU_PROF=<dir> writes each API process's V8 profile there.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDatabase } from '../src/core/db.js';
import { emitOutboundMany } from '../src/core/outbound.js';
import { seedDemo } from '../src/demo/seed.js';
import { backendCpuDelta, backendCpuMs, cpuMs, withAppName } from './api-servers.js';
import { calibrate, describeCalibration, writeResultsBlock } from './calibration.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const EVENTS = Number(process.env.EVENTS ?? 20_000);
const INSTANCES = Number(process.env.INSTANCES ?? 3);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const PRODUCERS = Number(process.env.PRODUCERS ?? 16);
const RATE = Number(process.env.RATE ?? 2_000);
const BATCH = Number(process.env.BATCH ?? 20);
const LABEL = process.env.BENCH_LABEL ?? `${INSTANCES}x${CONCURRENCY}`;
const TARGETS = { deliveriesPerSecond: 2_000, p99Ms: 1_000 };
// CPU_PROF=<dir>: each instance writes a V8 CPU profile there when it stops (open in Chrome DevTools).
const CPU_PROF = process.env.CPU_PROF;

function spawnInstance(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const prof = CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(CPU_PROF)] : [];
  const child = spawn('node', [...prof, '--import', 'tsx', path.join(here, '../src/main.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance not ready:\n${out}`)), 120_000);
    const on = (b: Buffer) => {
      out += b.toString();
      const m = /GraphQL ready at (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.once('exit', (c) => reject(new Error(`instance exited ${c}:\n${out}`)));
  });
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;

interface ReceiverReport {
  seen: number;
  duplicates: number;
  badSignatures: number;
  lastDelivery: number;
  latencies: number[];
}

/** The receiver process (bench/outbound-receiver.ts) and a way to ask it what arrived. */
async function startReceiver() {
  const child = fork(path.join(here, 'outbound-receiver.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number }));
    child.once('exit', (c) => reject(new Error(`receiver exited ${c}`)));
  });
  const report = () =>
    new Promise<ReceiverReport>((resolve) => {
      child.once('message', (m) => resolve(m as ReceiverReport));
      child.send({ report: true });
    });
  return { child, url: `http://127.0.0.1:${port}/hook`, report, send: (m: object) => child.send(m) };
}

/** CPU (ms) used so far by each part: API or raw worker processes, producers (this process), receiver, PostgreSQL backends. */
async function cpuSnapshot(admin: pg.Client, workers: ChildProcess[], receiver: ChildProcess, appNames: string[]) {
  const self = process.cpuUsage();
  return {
    workers: workers.reduce((sum, w) => sum + cpuMs(w.pid!), 0),
    producers: (self.user + self.system) / 1000,
    receiver: cpuMs(receiver.pid!),
    backends: await Promise.all(appNames.map((n) => backendCpuMs(admin, n))),
  };
}
type CpuSnapshot = Awaited<ReturnType<typeof cpuSnapshot>>;

/** CPU ms per delivery by component between two snapshots, and the cores the run kept busy. */
function cpuPerDelivery(a: CpuSnapshot, b: CpuSnapshot, delivered: number, seconds: number) {
  const ms = {
    workers: b.workers - a.workers,
    producers: b.producers - a.producers,
    receiver: b.receiver - a.receiver,
    postgres: b.backends.reduce((sum, after, i) => sum + backendCpuDelta(a.backends[i]!, after), 0),
  };
  const total = ms.workers + ms.producers + ms.receiver + ms.postgres;
  return {
    msPerDelivery: {
      workers: round(ms.workers / delivered),
      producers: round(ms.producers / delivered),
      receiver: round(ms.receiver / delivered),
      postgres: round(ms.postgres / delivered),
      total: round(total / delivered),
    },
    coresUsed: round(total / 1000 / seconds, 2),
  };
}

/**
 * Producers: an offered load of RATE events a second (RATE=0: as fast as they go), BATCH events per
 * transaction, at most PRODUCERS transactions in flight; a producer behind schedule does not wait.
 */
async function produce(commit: (first: number, n: number) => Promise<unknown>): Promise<number> {
  const started = Date.now();
  let next = 0;
  const producer = async () => {
    while (next < EVENTS) {
      const first = next;
      const n = Math.min(BATCH, EVENTS - next);
      next += n;
      const due = started + (RATE > 0 ? (first / RATE) * 1000 : 0);
      if (due > Date.now()) await sleep(due - Date.now());
      await commit(first, n);
    }
  };
  await Promise.all(Array.from({ length: PRODUCERS }, producer));
  return started;
}

/** Waits (bounded) until every event arrived, then summarizes what the receiver saw. */
async function delivered(receiver: Awaited<ReturnType<typeof startReceiver>>, started: number, enqueuedAt: number) {
  const deadline = Date.now() + 600_000;
  let r = await receiver.report();
  while (r.seen < EVENTS && Date.now() < deadline) {
    await sleep(250);
    r = await receiver.report();
  }
  const latencies = r.latencies.sort((a, b) => a - b);
  const seconds = (r.lastDelivery - started) / 1000;
  return {
    seconds,
    delivered: r.seen,
    duplicates: r.duplicates,
    badSignaturesInSample: r.badSignatures,
    enqueuedPerSecond: Math.round(EVENTS / ((enqueuedAt - started) / 1000)),
    deliveredPerSecond: Math.round(r.seen / seconds),
    latencyMs: { p50: pct(latencies, 50), p99: pct(latencies, 99), max: latencies.at(-1) ?? 0 },
  };
}

async function main() {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('bench:outbound needs DATABASE_URL (three instances share one PostgreSQL); see the header of bench/outbound.ts');
  const calibration = await calibrate({ databaseUrl: base, redisUrl: process.env.REDIS_URL });

  // A database of the benchmark's own, dropped at the end.
  const name = `fanops_bench_outbound_${Date.now()}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const db = await createDatabase({ url: withAppName(url.toString(), 'outbound-producer'), poolSize: PRODUCERS + 2 });
  await db.migrate();
  const { orgId } = await seedDemo(db.prisma, { fans: 12 });
  const receiver = await startReceiver();

  const env = {
    DATABASE_URL: withAppName(url.toString(), 'outbound-api'),
    HOST: '127.0.0.1',
    PORT: '0',
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    SEED_ON_START: 'false',
    DEMO_TRAFFIC: 'false',
    JOBS_CONCURRENCY: String(CONCURRENCY),
    // PostgreSQL allows 100 connections here, shared with other work: 2 pools × POOL per instance.
    DB_POOL_SIZE: process.env.POOL ?? '6',
  };
  let instances = await Promise.all(Array.from({ length: INSTANCES }, () => spawnInstance({ ...env, LOG_LEVEL: 'info' })));
  let raw: ChildProcess[] = [];
  try {
    const created = await fetch(instances[0]!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Dev demo' },
      body: JSON.stringify({
        query: `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { ... on MutationCreateWebhookEndpointSuccess { data { secret } } } }`,
        variables: { i: { url: receiver.url, eventKinds: ['SESSION_LIVE'] } },
      }),
    }).then((r) => r.json() as Promise<any>);
    const secret: string = created.data.createWebhookEndpoint.data.secret;
    receiver.send({ secret });
    await sleep(1_200); // instances cache an organization's endpoints for a second

    // Phase 1, the API: one change emitting BATCH events (emitOutboundMany in its transaction), as a reminder run does.
    const pids = instances.map((i) => i.child);
    const cpu0 = await cpuSnapshot(admin, pids, receiver.child, ['outbound-api', 'outbound-producer']);
    let enqueuedAt = 0;
    const started = await produce(async (first, n) => {
      await db.prisma.$transaction((tx) =>
        emitOutboundMany(
          tx,
          orgId,
          'session.live',
          Array.from({ length: n }, (_, i) => ({ sessionId: `bench-${first + i}`, enqueuedAt: Date.now() })),
        ),
      );
      enqueuedAt = Date.now();
    });
    const api = await delivered(receiver, started, enqueuedAt);
    const cpu1 = await cpuSnapshot(admin, pids, receiver.child, ['outbound-api', 'outbound-producer']);
    // Each job logs its deliveries after the receiver answered: wait (bounded) for the log to catch up.
    const countLogged = async () =>
      (await db.pool.query(`SELECT count(*)::int AS n FROM "WebhookDelivery" WHERE status = 'DELIVERED'`)).rows[0].n as number;
    let logged = await countLogged();
    for (let i = 0; i < 100 && logged < EVENTS; i++) {
      await sleep(100);
      logged = await countLogged();
    }
    const apiCpu = cpuPerDelivery(cpu0, cpu1, api.delivered, api.seconds);
    console.log('API', JSON.stringify({ ...api, logged, ...apiCpu }));
    await Promise.all(instances.map((i) => stopChild(i.child)));
    instances = [];

    // Phase 2, the ceiling (RAW=0 skips it): bare pg producers and bare pg + node:http delivery loops.
    let rawPhase: (Awaited<ReturnType<typeof delivered>> & ReturnType<typeof cpuPerDelivery>) | null = null;
    if (process.env.RAW !== '0') {
      await db.pool.query(`CREATE TABLE raw_outbox (id bigserial PRIMARY KEY, event_id text NOT NULL, payload jsonb NOT NULL);
        CREATE TABLE raw_delivery (event_id text PRIMARY KEY, status int NOT NULL, latency_ms int NOT NULL, at timestamptz NOT NULL DEFAULT now())`);
      receiver.send({ reset: true });
      const rawEnv = {
        ...process.env,
        DATABASE_URL: withAppName(url.toString(), 'outbound-raw'),
        RECEIVER_URL: receiver.url,
        SECRET: secret,
        LOOPS: process.env.RAW_LOOPS ?? '8',
        DB_POOL_SIZE: env.DB_POOL_SIZE,
      };
      raw = Array.from({ length: INSTANCES }, () => fork(path.join(here, 'outbound-raw.ts'), [], { execArgv: ['--import', 'tsx'], env: rawEnv }));
      await Promise.all(raw.map((c) => new Promise((r) => c.once('message', r))));
      const rawPool = new pg.Pool({ connectionString: withAppName(url.toString(), 'outbound-raw-producer'), max: PRODUCERS });
      const r0 = await cpuSnapshot(admin, raw, receiver.child, ['outbound-raw', 'outbound-raw-producer']);
      let rawEnqueuedAt = 0;
      const rawStarted = await produce(async (first, n) => {
        const events = Array.from({ length: n }, (_, i) => {
          const id = `evt_raw_${first + i}`;
          return {
            id,
            payload: {
              id,
              type: 'session.live',
              timestamp: new Date().toISOString(),
              data: { sessionId: `bench-${first + i}`, enqueuedAt: Date.now() },
            },
          };
        });
        await rawPool.query(`INSERT INTO raw_outbox (event_id, payload) SELECT e->>'id', e->'payload' FROM json_array_elements($1::json) e`, [
          JSON.stringify(events),
        ]);
        rawEnqueuedAt = Date.now();
      });
      const result = await delivered(receiver, rawStarted, rawEnqueuedAt);
      const r1 = await cpuSnapshot(admin, raw, receiver.child, ['outbound-raw', 'outbound-raw-producer']);
      rawPhase = { ...result, ...cpuPerDelivery(r0, r1, result.delivered, result.seconds) };
      console.log('raw', JSON.stringify(rawPhase));
      await rawPool.end();
    }

    const result = {
      label: LABEL,
      date: new Date().toISOString(),
      machine: `${cpus().length} cores, load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} at the end`,
      database: 'PostgreSQL',
      instances: INSTANCES,
      concurrencyPerInstance: CONCURRENCY,
      producers: PRODUCERS,
      offeredPerSecond: RATE,
      eventsPerTransaction: BATCH,
      events: EVENTS,
      ...api,
      deliveriesLogged: logged,
      cpu: apiCpu,
      rawLoops: Number(process.env.RAW_LOOPS ?? 8),
      raw: rawPhase,
      targets: TARGETS,
      calibration,
    };
    console.log(JSON.stringify(result, null, 2));
    writeFileSync(path.join(here, `results/outbound-${LABEL}.json`), `${JSON.stringify(result, null, 2)}\n`);
    writeReadme(result);
  } finally {
    await Promise.all([...instances.map((i) => stopChild(i.child)), ...raw.map(stopChild)]);
    receiver.child.disconnect();
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

function stopChild(child: ChildProcess): Promise<unknown> {
  if (child.exitCode !== null) return Promise.resolve();
  child.kill('SIGTERM');
  return new Promise((r) => child.once('exit', r));
}

function writeReadme(r: any) {
  const file = path.join(here, 'README.md');
  const n = (x: number) => x.toLocaleString('en');
  const raw = r.raw;
  const cpu = (c: any) =>
    `${c.msPerDelivery.total} (workers ${c.msPerDelivery.workers} · producers ${c.msPerDelivery.producers} · receiver ${c.msPerDelivery.receiver} · PostgreSQL ${c.msPerDelivery.postgres}); ${c.coresUsed} cores busy`;
  const table = [
    `| measure | target | API | raw pg + node:http loop (ceiling) |`,
    '|---|---|---|---|',
    `| events enqueued per second (offered ${r.offeredPerSecond ? n(r.offeredPerSecond) : 'as fast as they go'}; ≤ ${r.producers} transactions of ${r.eventsPerTransaction} in flight) | — | ${n(r.enqueuedPerSecond)} | ${raw ? n(raw.enqueuedPerSecond) : '—'} |`,
    `| deliveries per second (${r.instances} processes × ${r.concurrencyPerInstance} workers; raw: × ${r.rawLoops} loops) | ≥ ${n(r.targets.deliveriesPerSecond)} | ${n(r.deliveredPerSecond)} | ${raw ? n(raw.deliveredPerSecond) : '—'} |`,
    `| enqueue-to-delivery p50 / p99 (max) | p99 < ${r.targets.p99Ms} ms | ${r.latencyMs.p50} ms / ${r.latencyMs.p99} ms (${r.latencyMs.max} ms) | ${raw ? `${raw.latencyMs.p50} ms / ${raw.latencyMs.p99} ms (${raw.latencyMs.max} ms)` : '—'} |`,
    `| CPU ms per delivery (by component); cores kept busy | — | ${cpu(r.cpu)} | ${raw ? cpu(raw) : '—'} |`,
    `| delivered / duplicates / logged | ${n(r.events)} / 0 / ${n(r.events)} | ${n(r.delivered)} / ${r.duplicates} / ${n(r.deliveriesLogged)} | ${raw ? `${n(raw.delivered)} / ${raw.duplicates} / —` : '—'} |`,
  ].join('\n');
  writeResultsBlock(
    file,
    `outbound-${r.label}`,
    `### outbound ${r.label}: ${r.database}, ${n(r.events)} events\n\nLast run: ${r.date}, ${r.machine}.\nCalibration: ${describeCalibration(r.calibration)}.\n\n${table}`,
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
