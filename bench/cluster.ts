// Cluster benchmark: the realtime bench's load (bench/realtime-load.ts) through HAProxy, first against
// one instance, then against three (src/cluster.ts), in the same run and on fresh PostgreSQL databases.
// Three instances carry three times the watchers of one; the question is whether they do it at the same
// p99 (the issue's target: ≥ 2.5× the watchers at the same p99). Bounded in count and time; stops by itself.
// Results: bench/results/cluster.json + bench/README.md ("Cluster").
//
//   DATABASE_URL=postgresql://…/postgres REDIS_URL=redis://… npm run bench:cluster
//   WATCHERS_PER_INSTANCE=2000 SENDERS=32 DURATION_S=20 INSTANCES=3 …
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startCluster } from '../src/cluster.js';
import { calibrate, describeCalibration, writeResultsBlock } from './calibration.js';
import { connectWatchers, driveLikes, gql, likeSetup, pct, TOKENS, tapToWatcher } from './realtime-load.js';

const PER_INSTANCE = Number(process.env.WATCHERS_PER_INSTANCE ?? 1000);
const INSTANCES = Number(process.env.INSTANCES ?? 3);
const SENDERS = Number(process.env.SENDERS ?? 32);
const TAPS_PER_BATCH = Number(process.env.TAPS_PER_BATCH ?? 200);
const DURATION_S = Number(process.env.DURATION_S ?? 20);
const COUNTER_BUDGET = Number(process.env.COUNTER_MESSAGES_PER_SECOND ?? 25_000);
const SAMPLED = 100;
const here = path.dirname(new URL(import.meta.url).pathname);

/** A fresh database per run (named for this bench), dropped afterwards. */
async function freshDatabase(base: string, name: string) {
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

async function run(instances: number) {
  const db = await freshDatabase(process.env.DATABASE_URL!, `cluster_bench_${instances}`);
  const watchersWanted = PER_INSTANCE * instances;
  const cluster = await startCluster({
    instances,
    env: {
      DATABASE_URL: db.url,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      NODE_ENV: 'development',
      DEMO_TRAFFIC: 'false',
      AUTH_SECRET: TOKENS.secret,
      JWT_ISSUER: TOKENS.issuer,
      JWT_AUDIENCE: TOKENS.audience,
      RATE_LIMIT_FAN: '1000000',
      RATE_LIMIT_OPERATOR: '1000000',
      COUNTER_MESSAGES_PER_SECOND: String(COUNTER_BUDGET),
    },
  });
  try {
    const { campaignId, fans } = await likeSetup(cluster.url);
    const watchers = await connectWatchers(cluster.url, campaignId, watchersWanted, SAMPLED, Number(process.env.CONNECT_WAVE ?? 500));
    watchers.messages = 0;
    const drive = await driveLikes(cluster.url, { campaignId, fans, senders: SENDERS, taps: TAPS_PER_BATCH, seconds: DURATION_S });
    await new Promise((r) => setTimeout(r, 1_000)); // let the last coalesced messages land
    const messagesPerSecond = watchers.messages / (drive.driveSeconds + 1);
    const { latencies, unseen } = tapToWatcher(drive.batches, watchers.timelines);
    const final = await gql(
      cluster.url,
      `query($id: ID!) { node(id: $id) { ... on Campaign { like { totalLikes } } } }`,
      { id: campaignId },
      'Dev demo',
    );
    await Promise.all(watchers.clients.map((c) => c.dispose()));
    return {
      instances,
      watchers: watchers.firstMessages,
      connectSeconds: Math.round(watchers.connectSeconds * 10) / 10,
      likesPerSecond: Math.round(drive.accepted / drive.driveSeconds),
      batchesAccepted: drive.batches.length,
      batchesRefused: drive.refused,
      latencyMs: { p50: Math.round(pct(latencies, 50)), p99: Math.round(pct(latencies, 99)), samples: latencies.length, unseen },
      messagesPerWatcherPerSecond: Math.round((messagesPerSecond / watchersWanted) * 10) / 10,
      finalTotalMatches: final.data.node.like.totalLikes === Math.max(0, ...drive.batches.map((b) => b.total)),
    };
  } finally {
    await cluster.stop();
    await db.drop();
  }
}

async function main() {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL)
    throw new Error('bench:cluster needs DATABASE_URL (a database to create others from) and REDIS_URL');
  const calibration = await calibrate({ databaseUrl: process.env.DATABASE_URL, redisUrl: process.env.REDIS_URL });
  const one = await run(1);
  const many = await run(INSTANCES);
  const result = {
    date: new Date().toISOString(),
    machine: '2 cores, 24 GiB, shared by the instances, HAProxy, PostgreSQL, Redis and the load generator',
    watchersPerInstance: PER_INSTANCE,
    senders: SENDERS,
    tapsPerBatch: TAPS_PER_BATCH,
    durationSeconds: DURATION_S,
    counterMessageBudgetPerSecondPerInstance: COUNTER_BUDGET,
    runs: [one, many],
    ratio: {
      watchers: Math.round((many.watchers / one.watchers) * 100) / 100,
      likesPerSecond: Math.round((many.likesPerSecond / one.likesPerSecond) * 100) / 100,
      p99: Math.round((many.latencyMs.p99 / one.latencyMs.p99) * 100) / 100,
    },
    target: `${INSTANCES} instances carry ≥ 2.5× the watchers of one at the same p99`,
    calibration,
    loadAfter: (await import('node:os')).loadavg().map((l) => Math.round(l * 100) / 100),
  };
  console.log(JSON.stringify(result, null, 2));
  writeFileSync(path.join(here, 'results/cluster.json'), `${JSON.stringify(result, null, 2)}\n`);
  const row = (r: typeof one) =>
    `| ${r.instances} | ${r.watchers.toLocaleString('en')} | ${r.likesPerSecond.toLocaleString('en')} | ${r.latencyMs.p50} / ${r.latencyMs.p99} ms | ${r.messagesPerWatcherPerSecond} | ${r.finalTotalMatches ? 'yes' : 'NO'} |`;
  writeResultsBlock(
    path.join(here, 'README.md'),
    'cluster',
    [
      `### cluster: 1 vs ${INSTANCES} instances behind HAProxy, PostgreSQL + Redis`,
      '',
      `Last run: ${result.date}, ${PER_INSTANCE.toLocaleString('en')} watchers per instance, ${SENDERS} senders × ${TAPS_PER_BATCH} taps, ${DURATION_S} s, ${result.machine}.`,
      `Calibration: ${describeCalibration(calibration)} (load after the run: ${result.loadAfter.join(' ')}).`,
      '',
      '| instances | watchers | likes/s | tap-to-watcher p50 / p99 | messages per watcher per s | final total exact |',
      '|---|---|---|---|---|---|',
      row(one),
      row(many),
      '',
      `Ratios (${INSTANCES} ÷ 1): watchers ${result.ratio.watchers}×, likes/s ${result.ratio.likesPerSecond}×, p99 ${result.ratio.p99}×.`,
    ].join('\n'),
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
