// Real server processes (`node --import tsx src/main.ts`, or `npm start` itself) on loopback, for tests
// that need several instances or the real entry point. Every process started here is killed by
// stopAllServers().
import { type ChildProcess, spawn } from 'node:child_process';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** SIGTERM, then the exit code. */
  stop: () => Promise<number | null>;
}

const started = new Set<ChildProcess>();

export async function spawnServer(env: Record<string, string>, timeoutMs = 60_000, command: 'node' | 'npm start' = 'node'): Promise<ServerProcess> {
  const [file, args] = command === 'node' ? ['node', ['--import', 'tsx', 'src/main.ts']] : ['npm', ['start', '--silent']];
  const child = spawn(file, args, {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', DEMO_TRAFFIC: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let output = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = output.match(/GraphQL ready at (\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
  return {
    child,
    url,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      const code = await exited;
      started.delete(child);
      return code;
    },
  };
}

export function stopAllServers() {
  for (const child of started) child.kill('SIGKILL');
  started.clear();
}
