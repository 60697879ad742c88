// The realtime benchmark's load: graphql-ws watchers of a like campaign's counter, fans sending like
// batches with their own tokens, and tap-to-watcher latency from the two. Used by bench/realtime.ts (one
// server) and bench/cluster.ts (instances behind HAProxy), so both measure the same thing.
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { signToken } from '../src/core/tokens.js';

/** The servers' token settings: the bench signs fans' tokens with them. */
export const TOKENS = { secret: 'bench-only-secret-'.padEnd(40, 'x'), issuer: 'fanops', audience: 'fanops-api', maxLifetimeSeconds: 168 * 3600 };
export const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':').slice(1).join(':');
export const pct = (xs: number[], p: number) =>
  xs.length ? xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN;

export async function gql(url: string, query: string, variables: Record<string, unknown>, as: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: as },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: unknown[] };
}

/** The demo's running like campaign and up to 200 fans' signed tokens. */
export async function likeSetup(url: string) {
  const setup = await gql(
    url,
    `{ organization { id } campaigns(kinds: [LIKE], statuses: [RUNNING]) { nodes { id } } fans(first: 200) { nodes { id } } }`,
    {},
    'Dev demo',
  );
  const campaignId = setup.data.campaigns.nodes[0].id as string;
  // Fans send likes the way the mini-program does: with their own signed token.
  const orgId = rawId(setup.data.organization.id);
  const fans = await Promise.all(
    (setup.data.fans.nodes as { id: string }[]).map(async (f) => `Bearer ${await signToken(TOKENS, { kind: 'fan', orgId, fanId: rawId(f.id) })}`),
  );
  return { campaignId, fans };
}

export interface Watchers {
  clients: Client[];
  /** Every message of the first `sampled` watchers, timed. */
  timelines: { total: number; at: number }[][];
  /** Messages received by all watchers (reset it to count a window). */
  messages: number;
  firstMessages: number;
  connectSeconds: number;
}

/** Connects `count` watchers in waves (clients arriving over a few seconds); resolves once each has its first message. */
export async function connectWatchers(url: string, campaignId: string, count: number, sampled: number, wave: number): Promise<Watchers> {
  const w: Watchers = { clients: [], timelines: Array.from({ length: sampled }, () => []), messages: 0, firstMessages: 0, connectSeconds: 0 };
  const connectStart = performance.now();
  for (let from = 0; from < count; from += wave) {
    await new Promise<void>((resolve, reject) => {
      const to = Math.min(from + wave, count);
      let opened = 0;
      const timer = setTimeout(() => reject(new Error(`wave ${from}-${to}: only ${opened} subscribers got their first message in 120 s`)), 120_000);
      for (let i = from; i < to; i++) {
        const client = createClient({
          url: url.replace('http', 'ws'),
          webSocketImpl: WebSocket,
          connectionParams: { authorization: 'Dev demo' },
          retryAttempts: 0,
        });
        w.clients.push(client);
        let first = true;
        client.subscribe<{ likeCampaign: { total: number } }>(
          { query: `subscription($c: ID!) { likeCampaign(campaignId: $c) { total } }`, variables: { c: campaignId } },
          {
            next: (m) => {
              w.messages++;
              if (i < sampled) w.timelines[i].push({ total: m.data!.likeCampaign.total, at: performance.now() });
              if (first) {
                first = false;
                w.firstMessages++;
                if (++opened === to - from) {
                  clearTimeout(timer);
                  resolve();
                }
              }
            },
            error: (e) =>
              reject(e instanceof Error ? e : new Error(`subscriber ${i}: ${JSON.stringify((e as { code?: number; reason?: string }).code ?? e)}`)),
            complete: () => {},
          },
        );
      }
    });
  }
  w.connectSeconds = (performance.now() - connectStart) / 1000;
  return w;
}

/** `senders` fans each loop send → ack for `seconds`, recording when each batch was sent and the total it produced. */
export async function driveLikes(url: string, o: { campaignId: string; fans: string[]; senders: number; taps: number; seconds: number }) {
  const batches: { sentAt: number; total: number }[] = [];
  let accepted = 0;
  let refused = 0;
  const end = performance.now() + o.seconds * 1000;
  const driveStart = performance.now();
  await Promise.all(
    Array.from({ length: o.senders }, async (_, s) => {
      let n = 0;
      while (performance.now() < end) {
        const sentAt = performance.now();
        const r = await gql(
          url,
          `mutation($i: SendLikesInput!) { sendLikes(input: $i) { ... on MutationSendLikesSuccess { data { totalLikes } } ... on DomainError { code } } }`,
          { i: { campaignId: o.campaignId, taps: o.taps } },
          o.fans[(s * 7 + n++) % o.fans.length],
        );
        const total = r.data?.sendLikes?.data?.totalLikes;
        if (typeof total === 'number') {
          accepted += o.taps;
          batches.push({ sentAt, total });
        } else refused++;
      }
    }),
  );
  return { batches, accepted, refused, driveSeconds: (performance.now() - driveStart) / 1000 };
}

/** Tap-to-watcher latency: from sending a batch to a sampled watcher seeing a total that includes it. */
export function tapToWatcher(batches: { sentAt: number; total: number }[], timelines: { total: number; at: number }[][]) {
  const latencies: number[] = [];
  let unseen = 0;
  for (const b of batches) {
    for (const tl of timelines) {
      const seen = tl.find((m) => m.total >= b.total && m.at >= b.sentAt);
      if (seen) latencies.push(seen.at - b.sentAt);
      else unseen++;
    }
  }
  return { latencies, unseen };
}
