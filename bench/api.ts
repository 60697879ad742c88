// Read-path benchmark (issue 9): the API against a raw node:http + pg handler answering the same five
// console queries with hand-written SQL, on PostgreSQL with the scale dataset, in one run.
//
//   npm run bench:api                                   # 100,000 fans in database fanops_bench (built if absent)
//   npm run bench:api -- --fans 20000                   # another size (rebuilds the dataset in that database)
//   BENCH_TARGET_DIR=../other-checkout npm run bench:api   # start the API from another checkout (npm ci done there)
//
// Per query and connection count (1 and 50): req/s as the median of interleaved rounds (API, raw, API,
// raw …), p50/p99 latency, server CPU per request (/proc/<pid>/stat around each round) and PostgreSQL
// backend CPU per request; then, in a separate sequential phase through a counting proxy, SQL statements
// and rows read per request (pg_stat_database tup_returned + tup_fetched, read after the backends have
// flushed their statistics). RSS before and after, machine load and a calibration go beside the figures.
// Results: bench/results/api-<label>.json and a table in bench/README.md between markers.
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { loadConfig } from '../src/core/config.js';
import { createDatabase } from '../src/core/db.js';
import { countRows, SCALE_SLUG, seedScale } from '../src/demo/scale.js';
import { campaignIds } from '../src/demo/scale-steps.js';
import { operatorToken } from '../src/organizations/credentials.js';
import { type BenchQuery, objectsIn, QUERIES } from './api-queries.js';
import { type ApiBenchResult, type CostFigures, type RunFigures, writeReport } from './api-report.js';
import { backendCpuDelta, backendCpuMs, busyCores, cpuMs, rssMb, type Server, startApi, startRaw } from './api-servers.js';
import { calibrate } from './calibration.js';
import { startCountingProxy } from './pg-proxy.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const here = path.dirname(new URL(import.meta.url).pathname);
const env = process.env;
const FANS = Number((arg('--fans') ?? env.BENCH_FANS ?? '100000').replace(/[_,]/g, ''));
const ROUNDS = Number(env.BENCH_ROUNDS ?? 3);
const ROUND_S = Number(env.BENCH_ROUND_S ?? 10);
/** A round lasts long enough for a few requests to complete even when one takes seconds under load, but no longer than this. */
const MAX_ROUND_S = Number(env.BENCH_MAX_ROUND_S ?? 40);
const CONNECTIONS = (env.BENCH_CONNECTIONS ?? '1,50').split(',').map(Number);
const STAT_REQUESTS = Number(env.BENCH_STAT_REQUESTS ?? 20);
/** PostgreSQL 15 flushes an idle backend's statistics within 10 s (PGSTAT_IDLE_INTERVAL). */
const STATS_FLUSH_MS = 11_500;
const ADMIN_URL = env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const DB = env.BENCH_DB ?? 'fanops_bench';
const DB_URL = (() => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${DB}`;
  return u.toString();
})();
const TARGET = path.resolve(env.BENCH_TARGET_DIR ?? path.join(here, '..'));
const ONLY = env.BENCH_QUERIES?.split(',');
const AUTH = { secret: 'bench-api-secret-'.padEnd(48, 'x'), issuer: 'fanops', audience: 'fanops-api' };
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const log = (...a: unknown[]) => console.log(new Date().toISOString().slice(11, 19), ...a);

function commitOf(dir: string) {
  try {
    const sha = execSync('git rev-parse --short HEAD', { cwd: dir }).toString().trim();
    const dirty = execSync('git status --porcelain --untracked-files=no', { cwd: dir }).toString().trim() ? '+dirty' : '';
    return sha + dirty;
  } catch {
    return 'unknown';
  }
}

/** Creates the bench database and the scale dataset when absent; mints the operator token; finds ids. */
async function prepareDataset() {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  if (!(await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB])).rowCount) await admin.query(`CREATE DATABASE "${DB}"`);
  await admin.end();
  const database = await createDatabase({ url: DB_URL });
  try {
    await database.migrate();
    const [org] = await database.sql.query<{ id: string; fans: number }>(
      'SELECT o.id, (SELECT count(*) FROM "Fan" f WHERE f."orgId" = o.id)::int AS fans FROM "Organization" o WHERE slug = $1',
      [SCALE_SLUG],
    );
    let build: { seconds: number; steps: { name: string; seconds: number }[] } | null = null;
    if (!org || org.fans !== FANS) {
      log(org ? `dataset has ${org.fans} fans, rebuilding with ${FANS}` : `building the scale dataset (${FANS.toLocaleString('en')} fans) in ${DB}`);
      const s = await seedScale(database.sql, { fans: FANS, replace: true, onStep: (name, sec) => log(`  ${name}: ${sec} s`) });
      build = { seconds: s.seconds, steps: s.steps };
      // A long-lived database has its visibility map set (index-only scans) and no pending autovacuum.
      log('VACUUM ANALYZE');
      await database.sql.exec('VACUUM ANALYZE');
    }
    const [{ id: orgId }] = await database.sql.query<{ id: string }>('SELECT id FROM "Organization" WHERE slug = $1', [SCALE_SLUG]);
    const rows = await countRows(database.sql, orgId);
    const config = loadConfig({
      NODE_ENV: 'production',
      AUTH_SECRET: AUTH.secret,
      JWT_ISSUER: AUTH.issuer,
      JWT_AUDIENCE: AUTH.audience,
      DATABASE_URL: DB_URL,
    });
    const token = await operatorToken(database.prisma, config, SCALE_SLUG, `owner@${SCALE_SLUG}.test`, '48h');
    // A typical profile: a repeat buyer who checks in and is in a few groups.
    const [fan] = await database.sql.query<{ id: string }>(
      `SELECT id FROM "Fan" WHERE "orgId" = $1 AND "orderCount" BETWEEN 5 AND 10 AND "checkInStreak" > 0 ORDER BY id LIMIT 1`,
      [orgId],
    );
    return { orgId, rows, build, token, fanId: gid('Fan', fan.id), campaignId: gid('Campaign', campaignIds(SCALE_SLUG).likeEnded) };
  } finally {
    await database.close();
  }
}

async function post(url: string, token: string, q: BenchQuery) {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: q.query, variables: q.variables }),
  });
  const text = await r.text();
  return { status: r.status, text, json: JSON.parse(text) as { data?: unknown; errors?: unknown[] } };
}

/** The first path where two values differ, for a readable mismatch report. */
function firstDifference(a: unknown, b: unknown, at = 'data'): string | null {
  if (isDeepStrictEqual(a, b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
      if (d) return d;
    }
  }
  return `${at}: API ${JSON.stringify(a)?.slice(0, 200)} ≠ raw ${JSON.stringify(b)?.slice(0, 200)}`;
}

async function load(server: Server, token: string, q: BenchQuery, connections: number, seconds: number, admin: pg.Client): Promise<RunFigures> {
  const pid = server.child.pid!;
  const cpu0 = cpuMs(pid);
  const db0 = await backendCpuMs(admin, server.appName);
  const result = await autocannon({
    url: server.url,
    method: 'POST',
    connections,
    duration: seconds,
    timeout: seconds + 10,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: q.query, variables: q.variables }),
  });
  const cpu1 = cpuMs(pid);
  const db1 = await backendCpuMs(admin, server.appName);
  // Requests still in flight when the round ended keep the server busy; let it finish them before the next round.
  await settle(pid);
  const ok = result['2xx'];
  return {
    seconds: round(result.duration, 1),
    requests: ok,
    reqPerSec: round(ok / result.duration, 1),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    cpuMsPerRequest: ok ? round((cpu1 - cpu0) / ok, 3) : null,
    dbCpuMsPerRequest: ok ? round(backendCpuDelta(db0, db1) / ok, 3) : null,
  };
}

async function main() {
  const queries = QUERIES.filter((q) => !ONLY || ONLY.includes(q.name));
  const started = new Date();
  log(`bench:api — ${FANS.toLocaleString('en')} fans, API from ${TARGET} (${commitOf(TARGET)}), database ${DB}`);
  const loadBefore = { loadavg: readLoad(), busyCores: await busyCores() };
  const calibration = await calibrate({ databaseUrl: ADMIN_URL, redisUrl: env.REDIS_URL });
  const dataset = await prepareDataset();
  for (const q of queries) if (q.idVariable) q.variables = { [q.idVariable]: q.name === 'Q4' ? dataset.fanId : dataset.campaignId };

  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const settings = { targetDir: TARGET, databaseUrl: DB_URL, auth: AUTH };
  const servers: Server[] = [];
  // Stopped by hand (Ctrl-C): take the servers down too.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void Promise.all(servers.map((s) => s.stop())).then(() => process.exit(130)));
  try {
    const api = await startApi(settings, 'bench-api');
    servers.push(api);
    const raw = await startRaw(settings, 'bench-raw');
    servers.push(raw);
    log(`API at ${api.url} (pid ${api.child.pid}), raw handler at ${raw.url} (pid ${raw.child.pid})`);

    // Same answers, or the comparison means nothing.
    const answers: Record<string, { objects: number; bytes: number; apiMs: number; match: boolean; difference: string | null }> = {};
    for (const q of queries) {
      const t0 = performance.now();
      const a = await post(api.url, dataset.token, q);
      const apiMs = performance.now() - t0;
      const b = await post(raw.url, dataset.token, q);
      const difference = a.json.errors ? `API errors: ${JSON.stringify(a.json.errors).slice(0, 300)}` : firstDifference(a.json.data, b.json.data);
      answers[q.name] = { objects: objectsIn(a.json.data), bytes: a.text.length, apiMs: round(apiMs, 1), match: !difference, difference };
      log(
        `${q.name}: ${difference ? `MISMATCH ${difference}` : 'same data from both'} (${answers[q.name].objects} objects, ${a.text.length} bytes, API ${round(apiMs)} ms cold)`,
      );
      if (difference && !env.BENCH_ALLOW_MISMATCH)
        throw new Error(`${q.name}: the API and the raw handler disagree (${difference}); set BENCH_ALLOW_MISMATCH=1 to measure anyway`);
    }
    // Warm up (JIT, pools, plan caches, the heap's working size) at full concurrency, so RSS before/after compares like with like.
    for (const s of [api, raw]) for (const q of queries) for (let i = 0; i < 5; i++) await post(s.url, dataset.token, q);
    for (const s of [api, raw]) {
      for (const q of queries) {
        await autocannon({
          url: s.url,
          method: 'POST',
          connections: Math.max(...CONNECTIONS),
          duration: 2,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${dataset.token}` },
          body: JSON.stringify({ query: q.query, variables: q.variables }),
        });
        await settle(s.child.pid!);
      }
    }
    const rssBefore = { api: rssMb(api.child.pid!), raw: rssMb(raw.child.pid!) };

    // Interleaved rounds: per connection count, round after round, each query on the API then on the raw handler.
    const runs: Record<string, Record<number, { api: RunFigures[]; raw: RunFigures[] }>> = {};
    for (const c of CONNECTIONS) {
      for (let r = 0; r < ROUNDS; r++) {
        for (const q of queries) {
          const slot = ((runs[q.name] ??= {})[c] ??= { api: [], raw: [] });
          // Long enough for a few slow answers to come back under this many connections.
          const expectedMs = answers[q.name].apiMs * c;
          const seconds = Math.min(MAX_ROUND_S, Math.max(ROUND_S, Math.ceil((3 * expectedMs) / 1000)));
          for (const [s, list] of [
            [api, slot.api],
            [raw, slot.raw],
          ] as const) {
            const f = await load(s, dataset.token, q, c, s === raw ? ROUND_S : seconds, admin);
            list.push(f);
            log(
              `${q.name} ${c} conn round ${r + 1} ${s === api ? 'API' : 'raw'}: ${f.reqPerSec} req/s, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, CPU ${f.cpuMsPerRequest} ms/req, db ${f.dbCpuMsPerRequest} ms/req${f.errors ? `, ${f.errors} errors` : ''}`,
            );
          }
        }
      }
    }
    const rssAfter = { api: rssMb(api.child.pid!), raw: rssMb(raw.child.pid!) };

    // Per-request cost, sequential, through the counting proxy (separate instances, so the proxy never slows the load runs).
    const costs = await measureCosts(settings, dataset.token, queries, admin, servers);
    const loadAfter = { loadavg: readLoad(), busyCores: await busyCores() };
    const result: ApiBenchResult = {
      label: env.BENCH_LABEL ?? `${commitOf(TARGET)}-${FANS / 1000}k`,
      date: started.toISOString(),
      finished: new Date().toISOString(),
      target: { dir: TARGET, commit: commitOf(TARGET) },
      bench: { commit: commitOf(path.join(here, '..')) },
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, shared; load generator on the same cores`,
      settings: {
        fans: FANS,
        rounds: ROUNDS,
        roundSeconds: ROUND_S,
        maxRoundSeconds: MAX_ROUND_S,
        connections: CONNECTIONS,
        statRequests: STAT_REQUESTS,
        database: DB,
        apiPoolSize: 10,
        rawPoolSize: 10,
      },
      dataset: { rows: dataset.rows, build: dataset.build },
      calibration,
      load: { before: loadBefore, after: loadAfter },
      rssMb: { before: rssBefore, after: rssAfter },
      queries: queries.map((q) => ({
        name: q.name,
        title: q.title,
        query: q.query,
        target: q.target ?? null,
        answer: answers[q.name],
        runs: Object.fromEntries(
          Object.entries(runs[q.name]).map(([c, v]) => [
            c,
            {
              ...v,
              median: {
                apiReqPerSec: median(v.api.map((x) => x.reqPerSec)),
                rawReqPerSec: median(v.raw.map((x) => x.reqPerSec)),
                ratio: round(median(v.api.map((x) => x.reqPerSec)) / median(v.raw.map((x) => x.reqPerSec)), 3),
                apiP50Ms: median(v.api.map((x) => x.p50Ms)),
                apiP99Ms: median(v.api.map((x) => x.p99Ms)),
                rawP50Ms: median(v.raw.map((x) => x.p50Ms)),
                rawP99Ms: median(v.raw.map((x) => x.p99Ms)),
                apiCpuMs: median(v.api.map((x) => x.cpuMsPerRequest ?? NaN)),
                rawCpuMs: median(v.raw.map((x) => x.cpuMsPerRequest ?? NaN)),
                apiDbCpuMs: median(v.api.map((x) => x.dbCpuMsPerRequest ?? NaN)),
                rawDbCpuMs: median(v.raw.map((x) => x.dbCpuMsPerRequest ?? NaN)),
              },
            },
          ]),
        ),
        cost: costs[q.name],
      })),
    };
    const file = path.join(here, `results/api-${result.label}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    writeReport(path.join(here, 'README.md'), result);
    log(`wrote ${file} and bench/README.md`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await admin.end();
  }
}

/**
 * Statements (counted by the proxy), rows read (pg_stat_database tup_returned + tup_fetched of the
 * bench database) and rows transferred per request, over STAT_REQUESTS sequential requests. Backends
 * flush their statistics lazily, so each reading waits until they have (idle backends flush within
 * 10 s); nothing else uses the bench database meanwhile.
 */
async function measureCosts(
  settings: { targetDir: string; databaseUrl: string; auth: typeof AUTH },
  token: string,
  queries: BenchQuery[],
  admin: pg.Client,
  servers: Server[],
) {
  const u = new URL(settings.databaseUrl);
  const proxy = await startCountingProxy({ host: u.hostname, port: Number(u.port || 5432) });
  u.host = `127.0.0.1:${proxy.port}`;
  const via = { ...settings, databaseUrl: u.toString() };
  const api = await startApi(via, 'bench-api-cost');
  servers.push(api);
  const raw = await startRaw(via, 'bench-raw-cost');
  servers.push(raw);
  const stats = async () => {
    await admin.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await admin.query<{ r: string; f: string; x: string }>(
      'SELECT tup_returned AS r, tup_fetched AS f, xact_commit + xact_rollback AS x FROM pg_stat_database WHERE datname = $1',
      [DB],
    );
    return { returned: Number(rows[0].r), fetched: Number(rows[0].f), xacts: Number(rows[0].x) };
  };
  const out: Record<string, { api: CostFigures; raw: CostFigures }> = {};
  // Each batch starts on fresh connections (the pools close idle ones after 10 s, about when the stats
  // are flushed), so every measurement is the difference of a long and a short batch: connection set-up
  // and catalog reads cancel out.
  const batch = async (s: Server, q: BenchQuery, n: number) => {
    proxy.reset();
    for (let i = 0; i < n; i++) await post(s.url, token, q);
    const counted = { statements: proxy.counts.statements, rowsSent: proxy.counts.rowsSent, texts: [...proxy.counts.texts] };
    const before = last;
    await sleep(STATS_FLUSH_MS);
    last = await stats();
    return { ...counted, returned: last.returned - before.returned, fetched: last.fetched - before.fetched, xacts: last.xacts - before.xacts };
  };
  let last = { returned: 0, fetched: 0, xacts: 0 };
  try {
    for (const s of [api, raw]) for (const q of queries) for (let i = 0; i < 3; i++) await post(s.url, token, q);
    await sleep(STATS_FLUSH_MS);
    last = await stats();
    for (const q of queries) {
      for (const [key, s] of [
        ['api', api],
        ['raw', raw],
      ] as const) {
        const short = await batch(s, q, 2);
        const long = await batch(s, q, 2 + STAT_REQUESTS);
        const per = (a: number, b: number, d = 1) => round((b - a) / STAT_REQUESTS, d);
        (out[q.name] ??= {} as { api: CostFigures; raw: CostFigures })[key] = {
          statements: per(short.statements, long.statements, 2),
          rowsRead: per(short.returned + short.fetched, long.returned + long.fetched),
          tupReturned: per(short.returned, long.returned),
          tupFetched: per(short.fetched, long.fetched),
          transactions: per(short.xacts, long.xacts, 2),
          rowsSent: per(short.rowsSent, long.rowsSent),
          sql: [...new Set(long.texts)].slice(0, 30),
        };
        log(
          `${q.name} ${key}: ${out[q.name][key].statements} statements, ${out[q.name][key].rowsRead} rows read, ${out[q.name][key].rowsSent} rows sent per request`,
        );
      }
    }
  } finally {
    await api.stop();
    await raw.stop();
    await proxy.close();
  }
  return out;
}

/** Waits until the process uses less than a tenth of a core (at most a minute). */
async function settle(pid: number) {
  const until = Date.now() + 60_000;
  for (;;) {
    const a = cpuMs(pid);
    await sleep(500);
    if (cpuMs(pid) - a < 50 || Date.now() > until) return;
  }
}

const readLoad = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
