// The loopback receiver of bench:outbound, in a process of its own so its CPU is counted apart from the
// producers' and neither slows the other's event loop. Answers 200, de-duplicates by webhook-id,
// verifies one signature in 100 with `standardwebhooks` (as a partner would), and measures
// enqueue-to-delivery from the time carried in each event. Talks to its parent over IPC:
//   → { secret }                 the endpoint's signing secret, once registered
//   → { report: true }           ← { seen, duplicates, badSignatures, lastDelivery, latencies }
//   ← { port } once listening;   a `reset` message forgets what was seen (between phases).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

let secret = '';
let seen = new Set<string>();
let latencies: number[] = [];
let duplicates = 0;
let badSignatures = 0;
let lastDelivery = 0;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const now = Date.now();
    const id = String(req.headers['webhook-id']);
    if (seen.has(id)) duplicates++;
    else {
      seen.add(id);
      const body = Buffer.concat(chunks).toString('utf8');
      latencies.push(now - JSON.parse(body).data.enqueuedAt);
      if (seen.size % 100 === 0)
        try {
          new Webhook(secret).verify(body, req.headers as Record<string, string>);
        } catch {
          badSignatures++;
        }
    }
    lastDelivery = now;
    res.writeHead(200).end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));

process.on('message', (m: { secret?: string; report?: boolean; reset?: boolean }) => {
  if (m.secret) secret = m.secret;
  if (m.reset) {
    seen = new Set();
    latencies = [];
    duplicates = 0;
    badSignatures = 0;
    lastDelivery = 0;
  }
  if (m.report) process.send!({ seen: seen.size, duplicates, badSignatures, lastDelivery, latencies });
});
process.on('disconnect', () => process.exit(0));
