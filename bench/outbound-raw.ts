// The ceiling for bench:outbound: the least a correct outbox delivery loop does, with bare `pg` and
// `node:http`. Each of LOOPS loops, in a transaction, takes up to TAKE events from `raw_outbox`
// (DELETE … FOR UPDATE SKIP LOCKED: each once, and back in the table if this process dies), POSTs each
// one signed (Standard Webhooks headers, HMAC-SHA256 by node:crypto) on kept-alive sockets, writes one
// log row per delivery and commits. No ORM, no job library, no retries, no endpoint lookup.
//   DATABASE_URL=… RECEIVER_URL=… SECRET=whsec_… LOOPS=8 TAKE=20 node --import tsx bench/outbound-raw.ts
// An idle loop looks again after 10 ms (no LISTEN/NOTIFY: the producers keep it busy).
import { createHmac } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';

const LOOPS = Number(process.env.LOOPS ?? 8);
const TAKE = Number(process.env.TAKE ?? 20);
const target = new URL(process.env.RECEIVER_URL!);
const key = Buffer.from(process.env.SECRET!.replace(/^whsec_/, ''), 'base64');
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE ?? 8) });
pool.on('error', () => {});
let stopping = false;

function post(id: string, body: string): Promise<number> {
  const ts = Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
  return new Promise((resolve) => {
    const req = http.request(
      target,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'webhook-id': id,
          'webhook-timestamp': String(ts),
          'webhook-signature': `v1,${signature}`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

async function loop(): Promise<void> {
  while (!stopping) {
    const client = await pool.connect();
    let taken = 0;
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ id: string; payload: string }>(
        `DELETE FROM raw_outbox WHERE id IN (SELECT id FROM raw_outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING event_id AS id, payload::text`,
        [TAKE],
      );
      taken = rows.length;
      if (taken) {
        const started = performance.now();
        const codes = await Promise.all(rows.map((r) => post(r.id, r.payload)));
        const ms = Math.round(performance.now() - started);
        await client.query(`INSERT INTO raw_delivery (event_id, status, latency_ms) SELECT unnest($1::text[]), unnest($2::int[]), $3::int`, [
          rows.map((r) => r.id),
          codes,
          ms,
        ]);
      }
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      console.error(e);
    } finally {
      client.release();
    }
    if (!taken) await new Promise((r) => setTimeout(r, 10));
  }
}

const loops = Array.from({ length: LOOPS }, loop);
process.send?.({ ready: true });
process.on('SIGTERM', () => {
  stopping = true;
  void Promise.all(loops).then(() => pool.end().then(() => process.exit(0)));
});
