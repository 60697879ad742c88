// A partner's webhook receiver on loopback: endpoints registered through the API (createWebhookEndpoint)
// post here, and every body is verified with the `standardwebhooks` package and the secret returned at
// registration, as a bridge would. Tests read what arrived (`events(kind)`), verified events only.
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
  register(t: TestApp, kinds: string[], as?: string): Promise<string>;
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
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        const event = new Webhook(secrets.get(req.url ?? '') ?? 'whsec_AAAA').verify(body, req.headers as Record<string, string>) as ReceivedEvent;
        // At-least-once: a retry repeats the id, and a receiver de-duplicates by it.
        if (!received.some((e) => e.id === event.id)) received.push(event);
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
    get forged() {
      return state.forged;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
