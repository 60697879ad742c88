// Realtime benchmark: starts a server process on loopback, connects N graphql-ws subscribers to a
// like campaign's counter, drives like batches from concurrent senders for a fixed time, and measures
// accepted likes/s, tap-to-subscriber latency (p50/p99), server memory per 1,000 connections, and what
// the server itself says about the drive through /metrics: event-loop delay (monitorEventLoopDelay) and
// GC pauses (a PerformanceObserver on 'gc'), plus the server's CPU time from /proc.
// Bounded in count and time; stops by itself. Results: bench/results/realtime.json + bench/README.md.
//
//   npm run bench:realtime                        # defaults below, embedded PGlite
//   SUBSCRIBERS=20000 SENDERS=64 npm run bench:realtime
//   DATABASE_URL=postgresql://… REDIS_URL=redis://… npm run bench:realtime
import { execSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SERVER_NODE_FLAGS } from '../src/core/node-flags.js';
import { calibrate, describeCalibration, writeResultsBlock } from './calibration.js';
import { connectWatchers, driveLikes, gql, likeSetup, pct, TOKENS, tapToWatcher } from './realtime-load.js';

const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 2000);
const SENDERS = Number(process.env.SENDERS ?? 32);
const TAPS_PER_BATCH = Number(process.env.TAPS_PER_BATCH ?? 200);
const DURATION_S = Number(process.env.DURATION_S ?? 20);
/** The server's live-counter fan-out budget (COUNTER_MESSAGES_PER_SECOND; the server's default unless set). */
const COUNTER_BUDGET = Number(process.env.COUNTER_MESSAGES_PER_SECOND ?? 25_000);
const SAMPLED = Math.min(SUBSCRIBERS, 100); // subscribers whose every message is timed
const here = path.dirname(new URL(import.meta.url).pathname);
/** Names the result file and README block, so runs on different setups are kept side by side. */
const LABEL = process.env.BENCH_LABEL ?? (process.env.DATABASE_URL ? 'postgres' : 'pglite');

const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
/** Server CPU seconds so far (user + system), from /proc/<pid>/stat (clock ticks of 1/100 s). */
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

async function startServer() {
  const env = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    // As in production: one JSON line per request (development's pretty lines are formatted in-process).
    LOG_FORMAT: 'json',
    NODE_ENV: 'development',
    AUTH_SECRET: TOKENS.secret,
    JWT_ISSUER: TOKENS.issuer,
    JWT_AUDIENCE: TOKENS.audience,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'fanops-bench-')),
    // The demo's own likes would land in the counted campaign and break the exactness check.
    DEMO_TRAFFIC: 'false',
    RATE_LIMIT_FAN: '1000000',
    RATE_LIMIT_OPERATOR: '1000000',
    COUNTER_MESSAGES_PER_SECOND: String(COUNTER_BUDGET),
  };
  const child = spawn(
    'node',
    // The flags production runs with, then SERVER_NODE_ARGS (a later V8 flag wins: a variant can override them).
    [...SERVER_NODE_FLAGS, ...(process.env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean), '--import', 'tsx', path.join(here, '../src/main.ts')],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready:\n${out}`)), 120_000);
    let ready = false;
    const on = (b: Buffer) => {
      // Once ready, keep only the last lines (for a crash report): the request log writes a line per
      // like batch, and scanning an ever-growing string would spend the load generator's CPU.
      out = (out + b.toString()).slice(ready ? -8_000 : 0);
      if (ready) return;
      const m = /GraphQL ready at (\S+)/.exec(out);
      if (m) {
        ready = true;
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.once('exit', (c) => reject(new Error(`server exited ${c}:\n${out}`)));
  });
  return {
    child,
    url,
    database: process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite',
    pubsub: process.env.REDIS_URL ? 'Redis' : 'in-process',
  };
}

/** The server's /metrics as name{labels} → value. */
async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(url.replace(/\/graphql$/, '/metrics'))).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

/**
 * Event-loop delay and GC over the drive, as the server measured them: prom-client's event-loop
 * histogram restarts at every scrape (so the second scrape covers the drive alone), its GC histogram
 * only grows (so the drive is the difference between the two scrapes).
 */
function runtimeOver(before: Map<string, number>, after: Map<string, number>, seconds: number) {
  const ms = (s: number | undefined) => Math.round((s ?? NaN) * 1000 * 10) / 10;
  const gc = (suffix: string, labels = '') => {
    let sum = 0;
    for (const [k, v] of after)
      if (k.startsWith(`fanops_nodejs_gc_duration_seconds_${suffix}`) && k.includes(labels)) sum += v - (before.get(k) ?? 0);
    return sum;
  };
  const pauses = gc('count');
  const pauseSeconds = gc('sum');
  const grew = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
  const commits = grew('fanops_like_group_commits_total');
  return {
    /** Like batches per group-commit transaction, and the drive's time per commit (LIKE_COMMITS_IN_FLIGHT may overlap them). */
    groupCommit: {
      batchesPerCommit: Math.round((grew('fanops_like_batches_total') / Math.max(1, commits)) * 10) / 10,
      cycleMs: Math.round(((seconds * 1000) / Math.max(1, commits)) * 10) / 10,
    },
    eventLoopDelayMs: {
      p50: ms(after.get('fanops_nodejs_eventloop_lag_p50_seconds')),
      p99: ms(after.get('fanops_nodejs_eventloop_lag_p99_seconds')),
      max: ms(after.get('fanops_nodejs_eventloop_lag_max_seconds')),
    },
    gc: {
      pauses,
      totalMs: Math.round(pauseSeconds * 1000),
      /** Share of the drive's wall time the server spent in GC pauses. */
      sharePercent: Math.round((pauseSeconds / seconds) * 1000) / 10,
      over10Ms: pauses - gc('bucket', 'le="0.01"'),
      over50Ms: pauses - gc('bucket', 'le="0.05"'),
    },
  };
}

async function main() {
  // Before the server starts, so the host's own speed is measured, not the benchmark's load.
  const calibration = await calibrate({ databaseUrl: process.env.DATABASE_URL, redisUrl: process.env.REDIS_URL });
  const server = await startServer();
  const pid = server.child.pid!;
  try {
    const { campaignId, fans } = await likeSetup(server.url);
    const rssBefore = rssKb(pid);

    // Subscribers, connected in waves, like clients arriving over a few seconds rather than in one instant.
    const watchers = await connectWatchers(server.url, campaignId, SUBSCRIBERS, SAMPLED, Number(process.env.CONNECT_WAVE ?? 500));
    const { clients, timelines, firstMessages, connectSeconds } = watchers;
    const rssConnected = rssKb(pid);

    // Senders: each loops send → ack for DURATION_S, recording when each batch was sent and the total it produced.
    const metricsBefore = await scrape(server.url);
    const cpuBefore = cpuSeconds(pid);
    watchers.messages = 0;
    const { batches, accepted, refused, driveSeconds } = await driveLikes(server.url, {
      campaignId,
      fans,
      senders: SENDERS,
      taps: TAPS_PER_BATCH,
      seconds: DURATION_S,
    });
    const serverCpu = cpuSeconds(pid) - cpuBefore;
    const runtime = runtimeOver(metricsBefore, await scrape(server.url), driveSeconds);
    await new Promise((r) => setTimeout(r, 1_000)); // let the last coalesced messages land
    const messagesPerSecond = watchers.messages / (driveSeconds + 1);

    // Tap-to-subscriber latency: from sending a batch to a sampled subscriber seeing a total that includes it.
    const { latencies, unseen } = tapToWatcher(batches, timelines);
    const final = await gql(
      server.url,
      `query($id: ID!) { node(id: $id) { ... on Campaign { like { totalLikes } } } }`,
      { id: campaignId },
      'Dev demo',
    );
    const result = {
      date: new Date().toISOString(),
      commit: execSync('git describe --always --dirty', { cwd: here }).toString().trim(),
      machine: '2 cores, 24 GiB (shared with the load generator)',
      database: server.database,
      pubsub: server.pubsub,
      subscribers: SUBSCRIBERS,
      subscribersConnected: firstMessages,
      connectSeconds: Math.round(connectSeconds * 10) / 10,
      senders: SENDERS,
      tapsPerBatch: TAPS_PER_BATCH,
      durationSeconds: Math.round(driveSeconds * 10) / 10,
      batchesAccepted: batches.length,
      batchesRefused: refused,
      likesAccepted: accepted,
      likesPerSecond: Math.round(accepted / driveSeconds),
      finalTotalMatches: final.data.node.like.totalLikes === Math.max(0, ...batches.map((b) => b.total)),
      subscriberMessagesPerSecond: Math.round(messagesPerSecond),
      /** Counter updates each watcher received per second (≤ 10; fewer once the instance's message budget is spread thinner). */
      messagesPerSubscriberPerSecond: Math.round((messagesPerSecond / SUBSCRIBERS) * 10) / 10,
      counterMessageBudgetPerSecond: COUNTER_BUDGET,
      /** Group commits the server keeps in flight (LIKE_COMMITS_IN_FLIGHT; the server's default is 1). */
      likeCommitsInFlight: Number(process.env.LIKE_COMMITS_IN_FLIGHT ?? 1),
      /** What differs from the commit's code in this run, when anything does (BENCH_VARIANT). */
      variant: process.env.BENCH_VARIANT,
      /** The server's node flags: production's (src/core/node-flags.ts), then SERVER_NODE_ARGS. */
      serverNodeFlags: [...SERVER_NODE_FLAGS, ...(process.env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)].join(' '),
      latencyMs: { p50: Math.round(pct(latencies, 50)), p99: Math.round(pct(latencies, 99)), samples: latencies.length, unseen },
      /** Server CPU during the drive, in cores (2 = both cores), and per 100,000 accepted likes. */
      serverCpu: {
        cores: Math.round((serverCpu / driveSeconds) * 100) / 100,
        msPer100kLikes: Math.round((serverCpu * 1000 * 100_000) / Math.max(1, accepted)),
      },
      /** The server's event-loop delay and GC pauses during the drive (from its /metrics). */
      ...runtime,
      serverRssMb: { idle: Math.round(rssBefore / 1024), connected: Math.round(rssConnected / 1024) },
      serverRssMbPer1000Connections: Math.round(((rssConnected - rssBefore) / 1024 / SUBSCRIBERS) * 1000 * 10) / 10,
      targets: { subscribers: 20_000, likesPerSecond: 100_000, p99Ms: 250 },
      calibration,
    };
    console.log(JSON.stringify(result, null, 2));
    writeFileSync(path.join(here, `results/realtime-${LABEL}.json`), `${JSON.stringify(result, null, 2)}\n`);
    writeReadme(result);
    await Promise.all(clients.map((c) => c.dispose()));
  } finally {
    server.child.kill('SIGTERM');
  }
}

function writeReadme(r: any) {
  const file = path.join(here, 'README.md');
  const table = [
    '| measure | target | measured |',
    '|---|---|---|',
    `| graphql-ws subscribers on one instance | ${r.targets.subscribers.toLocaleString('en')} | ${r.subscribersConnected.toLocaleString('en')} connected in ${r.connectSeconds} s |`,
    `| likes accepted per second (batches of ${r.tapsPerBatch}, ${r.senders} senders) | ${r.targets.likesPerSecond.toLocaleString('en')} | ${r.likesPerSecond.toLocaleString('en')} |`,
    `| tap-to-subscriber latency p50 / p99 | p99 < ${r.targets.p99Ms} ms | ${r.latencyMs.p50} ms / ${r.latencyMs.p99} ms |`,
    `| server RSS per 1,000 connections | — | ${r.serverRssMbPer1000Connections} MB (idle ${r.serverRssMb.idle} MB → ${r.serverRssMb.connected} MB) |`,
    `| messages delivered to subscribers per second | — | ${r.subscriberMessagesPerSecond.toLocaleString('en')} (${r.messagesPerSubscriberPerSecond} per subscriber; budget ${r.counterMessageBudgetPerSecond.toLocaleString('en')}/s) |`,
    `| server event-loop delay p50 / p99 (max) during the drive | — | ${r.eventLoopDelayMs.p50} ms / ${r.eventLoopDelayMs.p99} ms (${r.eventLoopDelayMs.max} ms) |`,
    `| server GC pauses during the drive | — | ${r.gc.pauses.toLocaleString('en')} pauses, ${r.gc.totalMs.toLocaleString('en')} ms (${r.gc.sharePercent} % of the time); ${r.gc.over10Ms} over 10 ms, ${r.gc.over50Ms} over 50 ms |`,
    `| like batches per group commit (mean commit cycle) | — | ${r.groupCommit.batchesPerCommit} (${r.groupCommit.cycleMs} ms) |`,
    `| server CPU during the drive | — | ${r.serverCpu.cores} cores (${r.serverCpu.msPer100kLikes.toLocaleString('en')} ms per 100,000 likes) |`,
    `| final total equals the last acknowledged total | exact | ${r.finalTotalMatches ? 'yes' : 'NO'} |`,
  ].join('\n');
  writeResultsBlock(
    file,
    LABEL,
    `### ${LABEL}: ${r.database}, ${r.pubsub} pub/sub\n\nLast run: ${r.date} at ${r.commit}, ${r.subscribers.toLocaleString('en')} subscribers, ${r.machine}.\nCalibration: ${describeCalibration(r.calibration)}.\n\n${table}`,
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
