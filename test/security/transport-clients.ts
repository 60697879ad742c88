// One operation over each transport a client can use — POST, GET, SSE and graphql-ws — against a real
// server, answered in one shape, so a table of refusals can run over all four. The graphql-ws client
// speaks the protocol by hand: the tests assert on close codes and on which operation an `error`
// message answers, which a full client library hides.
import WebSocket from 'ws';

export type Transport = 'POST' | 'GET' | 'SSE' | 'WS';
export const TRANSPORTS: Transport[] = ['POST', 'GET', 'SSE', 'WS'];

export interface Operation {
  query?: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  extensions?: Record<string, unknown>;
}

export interface Answer {
  /** HTTP status (HTTP transports), or the close code when graphql-ws closed the socket. */
  status?: number;
  closed?: { code: number; reason: string };
  data?: unknown;
  errors: { message: string; extensions?: Record<string, unknown> }[];
}

export const codesOf = (a: Answer) => a.errors.map((e) => e.extensions?.code);

const headersFor = (authorization?: string): Record<string, string> => (authorization ? { authorization } : {});

async function http(url: string, transport: Exclude<Transport, 'WS'>, op: Operation, authorization?: string): Promise<Answer> {
  let res: Response;
  if (transport === 'GET') {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(op)) if (v !== undefined) qs.set(k, typeof v === 'string' ? v : JSON.stringify(v));
    res = await fetch(`${url}?${qs}`, {
      headers: { accept: 'application/graphql-response+json', 'x-graphql-yoga-csrf': '1', ...headersFor(authorization) },
    });
  } else {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: transport === 'SSE' ? 'text/event-stream' : 'application/graphql-response+json',
        ...headersFor(authorization),
      },
      body: JSON.stringify(op),
    });
  }
  if (!res.headers.get('content-type')?.includes('text/event-stream')) {
    const body = (await res.json().catch(() => ({}))) as Partial<Answer>;
    return { status: res.status, data: body.data, errors: body.errors ?? [] };
  }
  // SSE: the first `next` event is the answer (a subscription would go on; this one is not kept).
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { status: res.status, errors: [] };
      buffer += decoder.decode(value, { stream: true });
      for (let end; (end = buffer.indexOf('\n\n')) >= 0; buffer = buffer.slice(end + 2)) {
        const block = buffer.slice(0, end);
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trim())
          .join('\n');
        if (data && /^event: next/m.test(block)) {
          const body = JSON.parse(data) as Partial<Answer>;
          return { status: res.status, data: body.data, errors: body.errors ?? [] };
        }
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

type Message = { id?: string; type: string; payload?: unknown };

/** A graphql-ws connection driven message by message; every message is queued so none is missed. */
export class WsConnection {
  readonly messages: Message[] = [];
  closed?: { code: number; reason: string };
  private waiters: (() => void)[] = [];
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.push(JSON.parse(String(data)) as Message));
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      this.push();
    });
  }

  private push(m?: Message) {
    if (m) this.messages.push(m);
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits until `test` holds for the received messages or the socket closes. */
  async until<T>(test: () => T | undefined): Promise<T | undefined> {
    for (;;) {
      const found = test();
      if (found !== undefined || this.closed) return found;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** Opens a socket and sends connection_init; resolves once acknowledged or closed. */
  static async open(url: string, payload: unknown): Promise<WsConnection> {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const c = new WsConnection(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.send(JSON.stringify({ type: 'connection_init', payload }));
    await c.until(() => c.messages.find((m) => m.type === 'connection_ack'));
    return c;
  }

  subscribe(id: string, op: Operation) {
    this.socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query: '', ...op } }));
  }

  /** The first `next` or `error` message for `id`. */
  async answer(id: string): Promise<Answer> {
    const m = await this.until(() => this.messages.find((x) => x.id === id && (x.type === 'next' || x.type === 'error')));
    if (!m) return { closed: this.closed, errors: [] };
    if (m.type === 'error') return { errors: m.payload as Answer['errors'] };
    const p = m.payload as Partial<Answer>;
    return { data: p.data, errors: p.errors ?? [] };
  }

  /** All `next` payloads received so far for `id`. */
  nexts(id: string) {
    return this.messages.filter((m) => m.id === id && m.type === 'next').map((m) => m.payload as Partial<Answer>);
  }

  close() {
    this.socket.close(1000);
  }
}

let seq = 0;
/** One operation over `transport`; graphql-ws opens a socket for it and closes it after. */
export async function send(url: string, transport: Transport, op: Operation, authorization?: string): Promise<Answer> {
  if (transport !== 'WS') return http(url, transport, op, authorization);
  const c = await WsConnection.open(url, authorization ? { authorization } : {});
  try {
    if (c.closed) return { closed: c.closed, errors: [] };
    const id = `op${++seq}`;
    c.subscribe(id, op);
    return await c.answer(id);
  } finally {
    c.close();
  }
}
