// Real clients for subscription tests: graphql-ws over a real socket and SSE over real HTTP.
// Each queues every message it receives, so a test waits for the one it asserts on and never misses one.
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface Received<T = any> {
  items: T[];
  errors: unknown[];
  /** Resolves once `n` items have arrived (or rejects after `ms`). */
  waitFor(n: number, ms?: number): Promise<T[]>;
  stop(): void;
}

function queue<T>() {
  const items: T[] = [];
  const errors: unknown[] = [];
  let notify = () => {};
  return {
    items,
    errors,
    push(x: T) {
      items.push(x);
      notify();
    },
    fail(e: unknown) {
      errors.push(e);
      notify();
    },
    waitFor(n: number, ms = 10_000) {
      return new Promise<T[]>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`got ${items.length}/${n} messages; errors: ${JSON.stringify(errors)}`)), ms);
        const check = () => {
          if (items.length >= n) {
            clearTimeout(timer);
            resolve(items.slice(0, n));
          } else if (errors.length) {
            clearTimeout(timer);
            reject(new Error(`subscription failed: ${JSON.stringify(errors)}`));
          }
        };
        notify = check;
        check();
      });
    },
  };
}

const clients = new Set<Client>();

export function wsClient(url: string, authorization?: string): Client {
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: authorization ? { authorization } : {},
    retryAttempts: 0,
    lazy: true,
  });
  clients.add(client);
  return client;
}

/** Disposes every client a test file created ("if you forget to dispose, the fixture won't"). */
export async function disposeClients() {
  await Promise.all([...clients].map((c) => c.dispose()));
  clients.clear();
}

// Whether the server is listening yet is the server's to say: see TestApp.listening (pub/sub) or a
// subscription's first message (like counters send their current state first).
export function wsSubscribe<T = any>(client: Client, query: string, variables?: Record<string, unknown>): Received<T> {
  const q = queue<T>();
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (msg) => (msg.errors ? q.fail(msg.errors) : q.push(msg.data as T)),
      error: (e) => q.fail(e instanceof Error ? e.message : e),
      complete: () => {},
    },
  );
  return { ...q, stop: unsubscribe };
}

/** Subscribes over SSE (Yoga's "distinct connections" mode) with a real HTTP request. */
export function sseSubscribe<T = any>(url: string, query: string, variables: Record<string, unknown>, authorization?: string): Received<T> {
  const q = queue<T>();
  const abort = new AbortController();
  void (async () => {
    try {
      const res = await fetch(url, {
        method: 'POST',
        signal: abort.signal,
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trim())
            .join('\n');
          if (!data) continue;
          const msg = JSON.parse(data);
          if (msg.errors) q.fail(msg.errors);
          else if (msg.data) q.push(msg.data);
        }
      }
    } catch (e) {
      if (!abort.signal.aborted) q.fail(String(e));
    }
  })();
  return { ...q, stop: () => abort.abort() };
}
