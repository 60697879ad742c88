// Real server processes (`node --import tsx src/main.ts`, or `npm start` itself) on loopback, for tests
// that need several instances or the real entry point, and GraphQL over HTTP to them. Every process
// started here is killed by stopAllServers().
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

/** A spawned server's answer to one GraphQL operation, errors included (fault tests assert on them). */
export interface GraphQLReply {
  status: number;
  body: { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
  headers: Headers;
  /** From sending the request to the parsed body. */
  ms: number;
}

/** POSTs one operation to `server` with the credential `as` (a Dev principal by default). */
export async function postGraphQL(
  server: ServerProcess,
  query: string,
  variables: Record<string, unknown> = {},
  as = 'Dev demo',
): Promise<GraphQLReply> {
  const started = Date.now();
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: as },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as GraphQLReply['body'];
  return { status: res.status, body, headers: res.headers, ms: Date.now() - started };
}

/** The operation's data; throws with the errors when there are any (what TestApp.ok does in-process). */
export async function graphqlData(server: ServerProcess, query: string, variables: Record<string, unknown> = {}, as = 'Dev demo'): Promise<any> {
  const { body } = await postGraphQL(server, query, variables, as);
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}
