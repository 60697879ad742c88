// Outbound benchmark: three API processes share one PostgreSQL database and its job queue; producers
// enqueue session.live events in transactions (as a domain service does, emitOutbound inside the
// change's transaction) and a loopback receiver answers 200. Measures events enqueued per second,
// deliveries per second and enqueue-to-delivery latency (p50/p99), with the host's calibration.
// Bounded (EVENTS events); stops by itself. Results: bench/results/outbound-<label>.json + bench/README.md.
//
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:outbound
//   EVENTS=40000 INSTANCES=3 CONCURRENCY=48 PRODUCERS=8 BATCH=20 npm run bench:outbound
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { createDatabase } from '../src/core/db.js';
import { emitOutboundMany } from '../src/core/outbound.js';
import { seedDemo } from '../src/demo/seed.js';
import { calibrate, describeCalibration, writeResultsBlock } from './calibration.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const EVENTS = Number(process.env.EVENTS ?? 20_000);
const INSTANCES = Number(process.env.INSTANCES ?? 3);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 48);
const PRODUCERS = Number(process.env.PRODUCERS ?? 8);
const BATCH = Number(process.env.BATCH ?? 20);
const LABEL = process.env.BENCH_LABEL ?? `${INSTANCES}x${CONCURRENCY}`;
const TARGETS = { deliveriesPerSecond: 2_000, p99Ms: 1_000 };

function spawnInstance(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn('node', ['--import', 'tsx', path.join(here, '../src/main.ts')], {
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
  const db = await createDatabase({ url: url.toString(), poolSize: PRODUCERS + 2 });
  await db.migrate();
  const { orgId } = await seedDemo(db.prisma, { fans: 12 });

  // The receiver: latency from the enqueue time carried in the event; one signature in 100 verified.
  const seen = new Map<string, number>();
  const latencies: number[] = [];
  let duplicates = 0;
  let badSignatures = 0;
  let secret = '';
  let lastDelivery = 0;
  const receiver = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const now = Date.now();
      const id = String(req.headers['webhook-id']);
      const body = Buffer.concat(chunks).toString('utf8');
      if (seen.has(id)) duplicates++;
      else {
        seen.set(id, now);
        latencies.push(now - JSON.parse(body).data.enqueuedAt);
        if (seen.size % 100 === 0)
          try {
            new Webhook(secret).verify(body, req.headers as Record<string, string>);
          } catch {
            badSignatures++;
          }
      }
      lastDelivery = now;
      res.writeHead(200).end();
    });
  });
  receiver.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

  const env = {
    DATABASE_URL: url.toString(),
    HOST: '127.0.0.1',
    PORT: '0',
    NODE_ENV: 'development',
    DEMO_TRAFFIC: 'false', // the demo organization's simulated likes would add to the measured totals
    LOG_LEVEL: 'warn',
    SEED_ON_START: 'false',
    JOBS_CONCURRENCY: String(CONCURRENCY),
    // PostgreSQL allows 100 connections here, shared with other work: 2 pools × POOL per instance.
    DB_POOL_SIZE: process.env.POOL ?? '8',
  };
  const instances = await Promise.all(Array.from({ length: INSTANCES }, () => spawnInstance({ ...env, LOG_LEVEL: 'info' })));
  try {
    const created = await fetch(instances[0]!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Dev demo' },
      body: JSON.stringify({
        query: `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { ... on MutationCreateWebhookEndpointSuccess { data { secret } } } }`,
        variables: { i: { url: receiverUrl, eventKinds: ['SESSION_LIVE'] } },
      }),
    }).then((r) => r.json() as Promise<any>);
    secret = created.data.createWebhookEndpoint.data.secret;
    await new Promise((r) => setTimeout(r, 1_200)); // instances cache an organization's endpoints for a second

    // Producers: PRODUCERS concurrent loops, BATCH events per transaction.
    const started = Date.now();
    let next = 0;
    const producer = async () => {
      while (next < EVENTS) {
        const n = Math.min(BATCH, EVENTS - next);
        next += n;
        const first = next - n;
        // One change emitting BATCH events (one statement: emitOutboundMany), as a reminder run does.
        await db.prisma.$transaction((tx) =>
          emitOutboundMany(
            tx,
            orgId,
            'session.live',
            Array.from({ length: n }, (_, i) => ({ sessionId: `bench-${first + i}`, enqueuedAt: Date.now() })),
          ),
        );
      }
    };
    await Promise.all(Array.from({ length: PRODUCERS }, producer));
    const enqueuedIn = (Date.now() - started) / 1000;
    const deadline = Date.now() + 600_000;
    while (seen.size < EVENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const deliveredIn = (lastDelivery - started) / 1000;
    latencies.sort((a, b) => a - b);
    // Each job logs its deliveries after the receiver answered: wait (bounded) for the log to catch up.
    const countLogged = async () =>
      (await db.pool.query(`SELECT count(*)::int AS n FROM "WebhookDelivery" WHERE status = 'DELIVERED'`)).rows[0].n as number;
    let logged = await countLogged();
    for (let i = 0; i < 100 && logged < EVENTS; i++) {
      await new Promise((r) => setTimeout(r, 100));
      logged = await countLogged();
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
      eventsPerTransaction: BATCH,
      events: EVENTS,
      delivered: seen.size,
      duplicates,
      badSignaturesInSample: badSignatures,
      deliveriesLogged: logged,
      enqueuedPerSecond: Math.round(EVENTS / enqueuedIn),
      deliveredPerSecond: Math.round(seen.size / deliveredIn),
      latencyMs: { p50: pct(latencies, 50), p99: pct(latencies, 99), max: latencies.at(-1) ?? 0 },
      targets: TARGETS,
      calibration,
    };
    console.log(JSON.stringify(result, null, 2));
    writeFileSync(path.join(here, `results/outbound-${LABEL}.json`), `${JSON.stringify(result, null, 2)}\n`);
    writeReadme(result);
  } finally {
    for (const i of instances) i.child.kill('SIGTERM');
    await Promise.all(instances.map((i) => new Promise((r) => (i.child.exitCode !== null ? r(null) : i.child.once('exit', r)))));
    receiver.closeAllConnections();
    receiver.close();
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

function writeReadme(r: any) {
  const file = path.join(here, 'README.md');
  const table = [
    '| measure | target | measured |',
    '|---|---|---|',
    `| events enqueued per second (${r.producers} producers, ${r.eventsPerTransaction} per transaction) | — | ${r.enqueuedPerSecond.toLocaleString('en')} |`,
    `| deliveries per second (${r.instances} instances × ${r.concurrencyPerInstance} workers) | ≥ ${r.targets.deliveriesPerSecond.toLocaleString('en')} | ${r.deliveredPerSecond.toLocaleString('en')} |`,
    `| enqueue-to-delivery p50 / p99 (max) | p99 < ${r.targets.p99Ms} ms | ${r.latencyMs.p50} ms / ${r.latencyMs.p99} ms (${r.latencyMs.max} ms) |`,
    `| delivered / duplicates / logged | ${r.events.toLocaleString('en')} / 0 / ${r.events.toLocaleString('en')} | ${r.delivered.toLocaleString('en')} / ${r.duplicates} / ${r.deliveriesLogged.toLocaleString('en')} |`,
  ].join('\n');
  writeResultsBlock(
    file,
    `outbound-${r.label}`,
    `### outbound ${r.label}: ${r.database}, ${r.events.toLocaleString('en')} events\n\nLast run: ${r.date}, ${r.machine}.\nCalibration: ${describeCalibration(r.calibration)}.\n\n${table}`,
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
