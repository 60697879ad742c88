// `npm run cluster`: N instances of the API (default 3) on loopback behind HAProxy, sharing one
// PostgreSQL and one Redis — the production topology of README "Deployment", on one machine. Instances
// are stateless (no sticky sessions): any of them answers any request, WebSockets and SSE streams
// spread over them, and a subscriber whose instance dies reconnects through the balancer to another.
// startCluster() is also what the fault tests (test/realtime/cluster.test.ts) and bench:cluster use.
//
//   DATABASE_URL=postgresql://… REDIS_URL=redis://… npm run cluster      # PORT (default 4000) is the balancer's
//   CLUSTER_INSTANCES=5 …
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { redactUrl } from './core/config.js';
import { isEntryPoint } from './core/entry.js';
import { SERVER_NODE_FLAGS } from './core/node-flags.js';

export interface ClusterInstance {
  name: string;
  port: number;
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  output(): string;
}

export interface Cluster {
  /** The balancer's GraphQL URL: clients use only this. */
  url: string;
  instances: ClusterInstance[];
  /** HAProxy's view of each instance: UP, DOWN, DRAIN, MAINT… (from its runtime API). */
  states(): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  instances?: number;
  /** The balancer's port; 0 picks a free one. */
  port?: number;
  /** Environment for every instance (DATABASE_URL and REDIS_URL are required in it). */
  env?: Record<string, string | undefined>;
  /** How long a stopping instance answers /ready with 503 before it stops accepting (SHUTDOWN_DRAIN_MS). */
  drainMs?: number;
  /** Each instance's output lines, prefixed with its name (the CLI prints them). */
  onLine?: (line: string) => void;
  readyTimeoutMs?: number;
}

export class ClusterRefused extends Error {}

/** The haproxy executable: HAPROXY_PATH, else `haproxy` on PATH; null when missing. */
export function findHaproxy(): string | null {
  const given = process.env.HAPROXY_PATH;
  try {
    return execFileSync('sh', ['-c', `command -v ${given ? JSON.stringify(given) : 'haproxy'}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/**
 * The balancer's configuration. Health checks every second on /ready take an instance out after two
 * failures (a draining instance's 503 is immediate: out within ≈ 1.5 s); a stopping instance answers 503
 * for SHUTDOWN_DRAIN_MS (3 s here) first, so nothing new is sent to it before it stops accepting. Only connection failures are retried on another instance
 * (redispatch): a request that reached an instance is never sent twice by the balancer — clients retry
 * with their batch key. `timeout tunnel` covers WebSockets once upgraded; SSE responses are streamed
 * as they are written (HAProxy buffers no response body), and both transports ping every 12 s, well
 * inside the 60 s client/server timeouts.
 */
export function haproxyConfig(o: { port: number; instances: { name: string; port: number }[]; socket: string; maxconn: number }) {
  return `global
  maxconn ${o.maxconn}
  stats socket ${o.socket} mode 600 level admin
  hard-stop-after 15s

defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout tunnel 1h
  timeout http-request 10s
  timeout http-keep-alive 10s
  timeout client-fin 5s
  retries 2
  option redispatch
  retry-on conn-failure

frontend api
  bind 127.0.0.1:${o.port}
  option forwardfor
  option http-no-delay
  default_backend instances

backend instances
  # WebSockets and SSE streams last: spread by open connections, not by requests.
  balance leastconn
  option httpchk GET /ready
  http-check expect status 200
  # A busy instance's /ready waits for a pooled connection: give it 2 s before counting a failure.
  timeout check 2s
  default-server inter 1s fastinter 500ms downinter 1s fall 2 rise 2 maxconn ${o.maxconn}
${o.instances.map((i) => `  server ${i.name} 127.0.0.1:${i.port} check`).join('\n')}
`;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** One command on HAProxy's runtime API. */
function runtime(socket: string, command: string) {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    const c = createConnection(socket, () => c.end(`${command}\n`));
    c.on('data', (d) => {
      out += d.toString();
    });
    c.once('end', () => resolve(out));
    c.once('error', reject);
  });
}

/** The server to spawn: src/main.ts through tsx, or dist/main.js next to a built cluster.js. */
function serverCommand(): string[] {
  const here = fileURLToPath(import.meta.url);
  const main = here.endsWith('.ts') ? ['--import', 'tsx', path.join(path.dirname(here), 'main.ts')] : [path.join(path.dirname(here), 'main.js')];
  return [...SERVER_NODE_FLAGS, ...main];
}

function startInstance(name: string, port: number, env: Record<string, string | undefined>, onLine?: (line: string) => void): ClusterInstance {
  const child = spawn(process.execPath, serverCommand(), {
    env: { ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let partial = '';
  const take = (chunk: Buffer) => {
    output += chunk.toString();
    if (!onLine) return;
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const l of lines) onLine(`[${name}] ${l}`);
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { name, port, child, exited, output: () => output };
}

/** Resolves once the instance answers /ready with 200 (whatever its log level), rejects if it exits first. */
async function ready(instance: ClusterInstance, timeoutMs: number) {
  let exited: number | null | undefined;
  void instance.exited.then((code) => (exited = code));
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (exited !== undefined) throw new Error(`${instance.name} exited with ${exited}:\n${instance.output()}`);
    const ok = await fetch(`http://127.0.0.1:${instance.port}/ready`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${instance.name} not ready within ${timeoutMs} ms:\n${instance.output()}`);
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const env = { ...process.env, ...opts.env };
  if (!env.DATABASE_URL || !env.REDIS_URL)
    throw new ClusterRefused(
      'npm run cluster needs DATABASE_URL (PostgreSQL) and REDIS_URL (Redis): its instances share them, and embedded PGlite belongs to one process',
    );
  const haproxy = findHaproxy();
  if (!haproxy) throw new ClusterRefused('haproxy is not installed (apt-get install -y haproxy, or set HAPROXY_PATH)');
  const count = opts.instances ?? 3;
  const drainMs = opts.drainMs ?? 3_000;
  const timeoutMs = opts.readyTimeoutMs ?? 120_000;
  const instanceEnv = { NODE_ENV: 'development', DEMO_TRAFFIC: 'false', ...env, TRUST_PROXY: 'true', SHUTDOWN_DRAIN_MS: String(drainMs) };

  const dir = mkdtempSync(path.join(tmpdir(), 'fanops-cluster-'));
  const instances: ClusterInstance[] = [];
  let balancer: ChildProcess | undefined;
  const stop = async () => {
    balancer?.kill('SIGTERM');
    for (const i of instances) if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill('SIGTERM');
    await Promise.all(instances.map((i) => i.exited));
    if (balancer && balancer.exitCode === null && balancer.signalCode === null) await new Promise((r) => balancer!.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports = await Promise.all(Array.from({ length: count }, freePort));
    // The first instance migrates and seeds an empty database alone; the others start on the result together.
    const first = startInstance('i1', ports[0], instanceEnv, opts.onLine);
    instances.push(first);
    await ready(first, timeoutMs);
    for (let n = 1; n < count; n++) instances.push(startInstance(`i${n + 1}`, ports[n], instanceEnv, opts.onLine));
    await Promise.all(instances.slice(1).map((i) => ready(i, timeoutMs)));

    const port = opts.port || (await freePort());
    const socket = path.join(dir, 'haproxy.sock');
    const hardLimit = Number(execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim()) || 4096;
    const config = path.join(dir, 'haproxy.cfg');
    // Two file descriptors per proxied connection (client side and instance side).
    writeFileSync(config, haproxyConfig({ port, instances, socket, maxconn: Math.max(256, Math.floor((hardLimit - 200) / 2)) }));
    let haproxyOutput = '';
    // The soft fd limit raised to the hard one: HAProxy refuses a maxconn the limit cannot hold.
    balancer = spawn('sh', ['-c', `ulimit -n ${hardLimit}; exec "$0" -db -f "$1"`, haproxy, config], { stdio: ['ignore', 'pipe', 'pipe'] });
    balancer.stdout!.on('data', (d) => (haproxyOutput += d.toString()));
    balancer.stderr!.on('data', (d) => (haproxyOutput += d.toString()));
    const states = async () => {
      const csv = await runtime(socket, 'show stat');
      const out: Record<string, string> = {};
      for (const line of csv.split('\n')) {
        const f = line.split(',');
        if (f[0] === 'instances' && f[1] !== 'BACKEND') out[f[1]] = f[17];
      }
      return out;
    };
    // Ready when HAProxy's own health checks see every instance UP.
    const until = Date.now() + 20_000;
    for (;;) {
      if (balancer.exitCode !== null) throw new Error(`haproxy exited with ${balancer.exitCode}:\n${haproxyOutput}`);
      const s = await states().catch(() => ({}) as Record<string, string>);
      if (Object.keys(s).length === count && Object.values(s).every((v) => v === 'UP')) break;
      if (Date.now() > until) throw new Error(`haproxy did not see every instance UP in 20 s: ${JSON.stringify(s)}\n${haproxyOutput}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { url: `http://127.0.0.1:${port}/graphql`, instances, states, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

if (isEntryPoint(import.meta.url)) {
  const instances = Number(process.env.CLUSTER_INSTANCES ?? 3);
  if (!Number.isInteger(instances) || instances < 1 || instances > 32) {
    console.error(`CLUSTER_INSTANCES: must be an integer from 1 to 32 (got "${process.env.CLUSTER_INSTANCES}")`);
    process.exit(1);
  }
  // PORT is the balancer's; instances get free ports of their own.
  const port = Number(process.env.PORT ?? 4000);
  const { PORT: _port, ...env } = process.env;
  const cluster = await startCluster({ instances, port, env, onLine: (l) => console.log(l) }).catch((e: Error) => {
    console.error(e instanceof ClusterRefused ? e.message : `Cluster failed to start: ${e.message}`);
    process.exit(1);
  });
  console.log(
    `Cluster ready at ${cluster.url}: ${instances} instance(s) (${cluster.instances.map((i) => `${i.name} :${i.port} pid ${i.child.pid}`).join(', ')}) behind HAProxy, ` +
      `sharing ${redactUrl(process.env.DATABASE_URL!)} and ${redactUrl(process.env.REDIS_URL!)}`,
  );
  let stopping = false;
  for (const i of cluster.instances)
    void i.exited.then((code) => {
      if (!stopping) console.log(`[${i.name}] exited (${code ?? 'killed'}); the balancer routes around it`);
    });
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.on(signal, async () => {
      if (stopping) return;
      stopping = true;
      console.log(`${signal}: draining and stopping every instance…`);
      await cluster.stop();
      process.exit(0);
    });
}
