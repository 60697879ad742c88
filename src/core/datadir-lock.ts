// One writer per embedded data directory. PGlite is a whole PostgreSQL in this process: a second
// process opening the same directory writes to its own copy (and risks corrupting the files), so the
// server and the CLI each take DATA_DIR/fanops.lock first. The file names the holder's pid; a lock
// whose process is gone (or whose pid now belongs to a process started later) is stale and taken over.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface LockHolder {
  pid: number;
  role: 'server' | 'cli';
  /** The holder's start time in clock ticks since boot (Linux), to tell a reused pid apart. */
  started: string | null;
  /** The server's admin socket, where the CLI sends its commands while the server runs. */
  socket?: string;
  since: string;
  token: string;
}

export interface DataDirLock {
  file: string;
  holder: LockHolder;
  release(): void;
}

export class DataDirBusy extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | null,
  ) {
    super(
      holder
        ? `DATA_DIR ${dataDir} is in use by ${holder.role === 'server' ? 'the server' : 'a CLI command'} (pid ${holder.pid}); stop it first or choose another DATA_DIR`
        : `DATA_DIR ${dataDir} is being locked by another process right now; retry in a moment`,
    );
  }
}

export const lockFileOf = (dataDir: string) => path.join(dataDir, 'fanops.lock');

/** Takes the lock or throws DataDirBusy naming the live holder. Released on release() or process exit. */
export function acquireDataDirLock(dataDir: string, role: LockHolder['role'], extra: { socket?: string } = {}): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = lockFileOf(dataDir);
  const holder: LockHolder = {
    pid: process.pid,
    role,
    started: startTime(process.pid),
    ...extra,
    since: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(holder), { flag: 'wx', mode: 0o600 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const seen = readHolder(file);
      if (seen === 'unreadable') throw new DataDirBusy(dataDir, null);
      if (seen && isAlive(seen)) throw new DataDirBusy(dataDir, seen);
      removeStale(file, seen);
      continue;
    }
    const onExit = () => release();
    const release = () => {
      process.off('exit', onExit);
      const current = readHolder(file);
      if (current && current !== 'unreadable' && current.token === holder.token) unlinkSync(file);
    };
    process.on('exit', onExit);
    return { file, holder, release };
  }
  throw new DataDirBusy(dataDir, null);
}

/** The live holder of the directory's lock, or null when it is free (or the lock is stale). */
export function lockHolder(dataDir: string): LockHolder | null {
  const seen = readHolder(lockFileOf(dataDir));
  return seen && seen !== 'unreadable' && isAlive(seen) ? seen : null;
}

/** null: no lock file; 'unreadable': being written right now (or garbage younger than a few seconds). */
function readHolder(file: string): LockHolder | null | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const parsed = JSON.parse(text) as LockHolder;
    if (Number.isInteger(parsed.pid) && parsed.pid > 0) return parsed;
  } catch {
    // fall through
  }
  // An empty file is a lock being written this instant; a garbled old one is stale.
  try {
    return Date.now() - statSync(file).mtimeMs < 5_000 ? 'unreadable' : ({ pid: 0 } as LockHolder);
  } catch {
    return null;
  }
}

function isAlive(holder: LockHolder): boolean {
  if (!holder.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false; // ESRCH: no such process
  }
  // The pid is taken; by the same process only if it started when the holder did (pid 1 in a
  // restarted container, for one, is alive but is not the holder).
  const now = startTime(holder.pid);
  return !(holder.started && now && holder.started !== now);
}

/** Moves a stale lock aside; if another process replaced it meanwhile, puts theirs back. */
function removeStale(file: string, seen: LockHolder | null) {
  if (!seen) return;
  const aside = `${file}.stale-${process.pid}`;
  try {
    renameSync(file, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const moved = readHolder(aside);
  if (moved && moved !== 'unreadable' && moved.token !== seen.token) {
    try {
      renameSync(aside, file); // a fresh lock: not ours to remove
    } catch {
      // ignore: the next attempt reads whatever is there
    }
    return;
  }
  unlinkSync(aside);
}

function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) in parentheses; starttime is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}
