// A partner's webhook receiver on loopback: endpoints registered through the API (createWebhookEndpoint)
// post here, and every body is verified with the `standardwebhooks` package and the secret returned at
// registration, as a bridge would. Tests read what arrived (`events(kind)`), verified events only,
// de-duplicated by id; `attempts(id)` counts every verified POST of an id (retries included) and
// `holdNext(match)` leaves the next matching POST unanswered, resolving with the sending process's pid.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { expect } from 'vitest';
import type { TestApp } from './app.js';

export interface ReceivedEvent {
  id: string;
  type: string;
  data: Record<string, any>;
}

export interface WebhookReceiver {
  /** Registers an endpoint of the caller's organization for these kinds (GraphQL names, e.g. REMINDER_DUE). */
  register(t: Pick<TestApp, 'ok'>, kinds: string[], as?: string): Promise<string>;
  /** Verified POSTs of this event id so far (1 when delivered once; more when a retry repeated it). */
  attempts(id: string): number;
  /** The pids (from the user-agent) that posted this event id, in order. */
  senders(id: string): number[];
  /** The next verified POST matching is left unanswered (its sender sees no reply); resolves with its pid. */
  holdNext(match: (event: ReceivedEvent) => boolean): Promise<number>;
  /** Verified events received so far, of one dotted type (e.g. "reminder.due") or all. */
  events(type?: string): ReceivedEvent[];
  /** Events whose signature did not verify (should stay empty). */
  forged: number;
  close(): Promise<void>;
}

const CREATE = `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) {
  __typename ... on MutationCreateWebhookEndpointSuccess { data { secret endpoint { id } } } ... on Error { code message } } }`;

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const secrets = new Map<string, string>(); // path → secret
  const received: ReceivedEvent[] = [];
  let paths = 0;
  const state = { forged: 0 };
  const posts: { id: string; pid: number }[] = [];
  let hold: { match: (e: ReceivedEvent) => boolean; resolve: (pid: number) => void } | undefined;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        const event = new Webhook(secrets.get(req.url ?? '') ?? 'whsec_AAAA').verify(body, req.headers as Record<string, string>) as ReceivedEvent;
        const pid = Number(/pid (\d+)/.exec(String(req.headers['user-agent']))?.[1]);
        posts.push({ id: event.id, pid });
        // At-least-once: a retry repeats the id, and a receiver de-duplicates by it.
        if (!received.some((e) => e.id === event.id)) received.push(event);
        if (hold?.match(event)) {
          const held = hold;
          hold = undefined; // later POSTs are answered
          return held.resolve(pid);
        }
        res.writeHead(200).end();
      } catch {
        state.forged++;
        res.writeHead(401).end();
      }
    });
  };
  const server: Server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    async register(t, kinds, as) {
      const path = `/hook-${++paths}`;
      const r = await t.ok<any>(CREATE, { i: { url: `${base}${path}`, eventKinds: kinds, description: `receiver ${path}` } }, as);
      expect(r.createWebhookEndpoint.__typename).toBe('MutationCreateWebhookEndpointSuccess');
      secrets.set(path, r.createWebhookEndpoint.data.secret);
      return r.createWebhookEndpoint.data.endpoint.id as string;
    },
    events: (type) => received.filter((e) => !type || e.type === type),
    attempts: (id) => posts.filter((p) => p.id === id).length,
    senders: (id) => posts.filter((p) => p.id === id).map((p) => p.pid),
    holdNext: (match) => new Promise((resolve) => (hold = { match, resolve })),
    get forged() {
      return state.forged;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
