// Processes for bench:api: the API as `npm start` runs it (from BENCH_TARGET_DIR), the raw handler,
// and what /proc says about them (CPU ticks, RSS) and about PostgreSQL's backends serving them.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type pg from 'pg';

export interface Server {
  name: string;
  child: ChildProcess;
  url: string;
  /** application_name its database connections carry, to find their backends. */
  appName: string;
  output: () => string;
  stop: () => Promise<void>;
}

const here = path.dirname(new URL(import.meta.url).pathname);

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export function withAppName(url: string, appName: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', appName);
  return u.toString();
}

async function start(
  name: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  appName: string,
  ready: (url: string, output: string) => Promise<boolean>,
): Promise<Server> {
  const port = await freePort();
  const child = spawn('node', args, {
    cwd,
    env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}/graphql`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${out}`);
    if (await ready(url, out).catch(() => false)) break;
    if (Date.now() > deadline) throw new Error(`${name} not ready in 180 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    name,
    child,
    url,
    appName,
    output: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface ServerSettings {
  targetDir: string;
  databaseUrl: string;
  auth: { secret: string; issuer: string; audience: string };
}

/** The API as `npm start` runs it in production, with ad-hoc documents allowed and rate limits out of the way. */
export function startApi(s: ServerSettings, appName: string): Promise<Server> {
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: withAppName(s.databaseUrl, appName),
    REDIS_URL: '',
    AUTH_SECRET: s.auth.secret,
    JWT_ISSUER: s.auth.issuer,
    JWT_AUDIENCE: s.auth.audience,
    ALLOW_ADHOC_OPERATIONS: 'true',
    RATE_LIMIT_OPERATOR: '1000000',
    RATE_LIMIT_FAN: '1000000',
    RATE_LIMIT_PARTNER: '1000000',
    RATE_LIMIT_ANONYMOUS: '1000000',
  };
  // LOG_LEVEL=warn hides the ready line: poll the health endpoint (or any answer from /graphql on older commits).
  const ready = async (url: string) => {
    const health = await fetch(url.replace(/\/graphql$/, '/health'));
    if (health.ok) return true;
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    return r.status < 500;
  };
  return start('API', ['--import', 'tsx', 'src/main.ts'], s.targetDir, env, appName, ready);
}

export function startRaw(s: ServerSettings, appName: string): Promise<Server> {
  const env = {
    DATABASE_URL: withAppName(s.databaseUrl, appName),
    AUTH_SECRET: s.auth.secret,
    JWT_ISSUER: s.auth.issuer,
    JWT_AUDIENCE: s.auth.audience,
  };
  return start('raw handler', ['--import', 'tsx', path.join(here, 'api-raw.ts')], path.join(here, '..'), env, appName, async (_url, output) =>
    /raw handler ready/.test(output),
  );
}

const CLK_TCK = 100; // getconf CLK_TCK on Linux

/** CPU time (user + system) of a process so far, in milliseconds; 0 once it is gone. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return 0;
  }
}

export function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return Math.round(kb / 102.4) / 10;
}

/** CPU of PostgreSQL backends serving one application_name: pids from pg_stat_activity, time from /proc. */
export async function backendCpuMs(admin: pg.Client, appName: string): Promise<Map<number, number>> {
  const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [appName]);
  return new Map(rows.map((r) => [r.pid, cpuMs(r.pid)]));
}

export function backendCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, t] of after) ms += t - (before.get(pid) ?? 0);
  return ms;
}

/** Share of the machine's CPU busy over `ms` (from /proc/stat), 0..1 per core summed: 2.0 = both cores busy. */
export async function busyCores(ms = 3000): Promise<number> {
  const read = () => {
    const [, ...v] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const n = v.map(Number);
    const idle = n[3] + (n[4] ?? 0);
    return { idle, total: n.reduce((a, b) => a + b, 0) };
  };
  const a = read();
  await new Promise((r) => setTimeout(r, ms));
  const b = read();
  const cores = (readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm) ?? []).length || 1;
  return Math.round((1 - (b.idle - a.idle) / (b.total - a.total)) * cores * 100) / 100;
}
