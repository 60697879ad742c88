// Realtime benchmark: starts a server process on loopback, connects N graphql-ws subscribers to a
// like campaign's counter, drives like batches from concurrent senders for a fixed time, and measures
// accepted likes/s, tap-to-subscriber latency (p50/p99) and server memory per 1,000 connections.
// Bounded in count and time; stops by itself. Results: bench/results/realtime.json + bench/README.md.
//
//   npm run bench:realtime                        # defaults below, embedded PGlite
//   SUBSCRIBERS=20000 SENDERS=64 npm run bench:realtime
//   DATABASE_URL=postgresql://… REDIS_URL=redis://… npm run bench:realtime
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

async function startServer() {
  const env = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    NODE_ENV: 'development',
    DEMO_TRAFFIC: 'false', // the demo organization's simulated likes would add to the measured totals
    AUTH_SECRET: TOKENS.secret,
    JWT_ISSUER: TOKENS.issuer,
    JWT_AUDIENCE: TOKENS.audience,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'fanops-bench-')),
    RATE_LIMIT_FAN: '1000000',
    RATE_LIMIT_OPERATOR: '1000000',
    COUNTER_MESSAGES_PER_SECOND: String(COUNTER_BUDGET),
  };
  const child = spawn(
    'node',
    [...(process.env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean), '--import', 'tsx', path.join(here, '../src/main.ts')],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready:\n${out}`)), 120_000);
    const on = (b: Buffer) => {
      out += b.toString();
      const m = /GraphQL ready at (\S+)/.exec(out);
      if (m) {
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
    watchers.messages = 0;
    const { batches, accepted, refused, driveSeconds } = await driveLikes(server.url, {
      campaignId,
      fans,
      senders: SENDERS,
      taps: TAPS_PER_BATCH,
      seconds: DURATION_S,
    });
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
      latencyMs: { p50: Math.round(pct(latencies, 50)), p99: Math.round(pct(latencies, 99)), samples: latencies.length, unseen },
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
    `| final total equals the last acknowledged total | exact | ${r.finalTotalMatches ? 'yes' : 'NO'} |`,
  ].join('\n');
  writeResultsBlock(
    file,
    LABEL,
    `### ${LABEL}: ${r.database}, ${r.pubsub} pub/sub\n\nLast run: ${r.date}, ${r.subscribers.toLocaleString('en')} subscribers, ${r.machine}.\nCalibration: ${describeCalibration(r.calibration)}.\n\n${table}`,
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
