// Private Redis, PostgreSQL and PgBouncer processes for fault tests: each on a free loopback port, started,
// stopped and restarted by the test that owns it, and removed at the end. The shared PostgreSQL (5432)
// and Redis (6379) other tests use are never touched. PostgreSQL and PgBouncer refuse to run as root, so
// as root they run as the `postgres` user, in a directory that user owns.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import path from 'node:path';
import { pollUntil } from './poll.js';

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = (what: string, check: () => boolean | Promise<boolean>) => pollUntil(what, check, 20_000, 50);

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
const asRoot = process.getuid?.() === 0;

/** A command run as the postgres user when we are root (initdb, pg_ctl and pgbouncer refuse root). */
function asPostgres(file: string, args: string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
}

/** A scratch directory the postgres user can own (the test run's TMPDIR is private to root). */
function ownedDir(label: string): string {
  const dir = mkdtempSync(path.join('/tmp', `fanops-${label}-`));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  return dir;
}

// ---------------------------------------------------------------------------------------------- Redis

export interface PrivateRedis {
  port: number;
  url: string;
  /** Stops the server (SIGTERM, waits for the exit). */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: nothing is saved). */
  start(): Promise<void>;
  /** Stops it for good. */
  remove(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], {
      stdio: 'ignore',
    });
    await until(`redis-server on ${port}`, () => accepts(port));
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, start, stop, remove: stop };
}

// ----------------------------------------------------------------------------------------- PostgreSQL

export interface PrivatePostgres {
  port: number;
  /** The cluster's data directory (postmaster.pid names its server process). */
  dataDir: string;
  /** postgres:// URL of a database on this cluster. */
  url(database?: string): string;
  stop(): void;
  start(): void;
  /** Stops the cluster and deletes its directory. */
  remove(): void;
}

/** The directory holding initdb/pg_ctl: the newest /usr/lib/postgresql/<major>/bin, else PATH. */
export function postgresBin(name: string): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const majors = readdirSync(root)
      .filter((d) => existsSync(path.join(root, d, 'bin', name)))
      .sort((a, b) => Number(b) - Number(a));
    if (majors.length) return path.join(root, majors[0], 'bin', name);
  }
  return name;
}

/** A throwaway cluster (initdb, trust on loopback, no fsync) with a database `name` created in it. */
export async function startPrivatePostgres(name: string): Promise<PrivatePostgres> {
  const port = await freePort();
  const dir = ownedDir('pg');
  const data = path.join(dir, 'data');
  const run = (file: string, args: string[]) => {
    const [f, a] = asPostgres(file, args);
    execFileSync(f, a, { stdio: 'pipe', cwd: '/tmp' });
  };
  run(postgresBin('initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const start = () => run(postgresBin('pg_ctl'), ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', '-t', '30', 'start']);
  const stop = () => run(postgresBin('pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
  start();
  const url = (database = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  run(postgresBin('createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name]);
  return {
    port,
    dataDir: data,
    url,
    start,
    stop,
    remove: () => {
      try {
        stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ----------------------------------------------------------------------------------------- PgBouncer

export interface PrivatePgBouncer {
  port: number;
  /** The URL of `database` through the bouncer. */
  url: string;
  /** The database's name (as in the bouncer's SHOW STATS). */
  database: string;
  /** The bouncer's admin console (SHOW STATS, SHOW POOLS). */
  adminUrl: string;
  stop(): Promise<void>;
}

/** The pgbouncer executable, or null when it is not installed. */
export function findPgBouncer(): string | null {
  for (const candidate of ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer']) if (existsSync(candidate)) return candidate;
  return null;
}

export const pgbouncerRequired = process.env.CI === 'true' || process.env.REQUIRE_PGBOUNCER === '1';

/**
 * PgBouncer in transaction pooling mode in front of `target` (a postgres:// URL of one database), with
 * its own ini in a scratch directory; clients log in as the target's user without a password.
 */
export async function startPgBouncer(target: string, poolSize = 5): Promise<PrivatePgBouncer> {
  const exe = findPgBouncer();
  if (!exe) throw new Error('pgbouncer is not installed');
  const t = new URL(target);
  const database = t.pathname.slice(1);
  const user = decodeURIComponent(t.username || 'postgres');
  const port = await freePort();
  const dir = ownedDir('pgbouncer');
  const ini = path.join(dir, 'pgbouncer.ini');
  writeFileSync(path.join(dir, 'users.txt'), `"${user}" ""\n`);
  writeFileSync(
    ini,
    [
      '[databases]',
      `${database} = host=${t.hostname} port=${t.port || 5432} dbname=${database} user=${user}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      `unix_socket_dir = ${dir}`,
      'auth_type = trust',
      `admin_users = ${user}`,
      `auth_file = ${path.join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      `default_pool_size = ${poolSize}`,
      'max_client_conn = 200',
      // node-postgres sends these at connect; PgBouncer refuses unknown startup parameters otherwise.
      'ignore_startup_parameters = extra_float_digits,options,statement_timeout',
      `logfile = ${path.join(dir, 'log')}`,
      `pidfile = ${path.join(dir, 'pid')}`,
      '',
    ].join('\n'),
  );
  if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  const [file, args] = asPostgres(exe, [ini]);
  const child = spawn(file, args, { stdio: 'ignore' });
  await until(`pgbouncer on ${port}`, () => accepts(port));
  return {
    port,
    url: `postgresql://${encodeURIComponent(user)}@127.0.0.1:${port}/${database}`,
    database,
    adminUrl: `postgresql://${encodeURIComponent(user)}@127.0.0.1:${port}/pgbouncer`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        // runuser passes SIGTERM on to pgbouncer.
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(5_000)]);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
