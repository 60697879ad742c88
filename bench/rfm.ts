// RFM at scale: one organization of RFM_FANS fans (default 1,000,000; 70 % buyers) and RFM_ORDERS paid
// orders over the last 120 days (default 2,000,000 — the window the frequency drop reads; older orders
// only live in the fans' commerce facts, which is all the scores read), on PostgreSQL (DATABASE_URL, a
// database this script may fill). Reports the load and refresh times, then p95 at 4 concurrent clients of
// the segment counts and of the first page of each segment, through the API in-process (yoga.fetch).
//   DATABASE_URL=postgresql://root@127.0.0.1:5432/rfm_bench npx tsx bench/rfm.ts
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/core/config.js';
import { createDatabase } from '../src/core/db.js';
import { createLogger } from '../src/core/logger.js';
import { createPubSubHandle } from '../src/core/pubsub.js';
import { refreshFanScores } from '../src/insights/rfm/service.js';

const FANS = Number(process.env.RFM_FANS ?? 1_000_000);
const ORDERS = Number(process.env.RFM_ORDERS ?? 2_000_000);
const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL: a PostgreSQL database this benchmark may fill');

const database = await createDatabase({ url, poolSize: 8 });
await database.migrate();
const db = database.prisma;
const slug = `rfm-${FANS}`;
let org = await db.organization.findUnique({ where: { slug } });
const t0 = Date.now();
if (!org) {
  org = await db.organization.create({ data: { slug, name: `RFM bench ${FANS}` } });
  await db.operator.create({ data: { orgId: org.id, email: 'owner@bench.test', displayName: 'Owner', role: 'OWNER' } });
  await db.$executeRawUnsafe(
    `
    INSERT INTO "Fan" (id, "orgId", "externalId", "displayName", "orderCount", "totalSpendCents", "lastOrderAt", "lastActiveAt", intimacy, "createdAt", "updatedAt")
    SELECT 'f' || g, $1, 'u' || g, 'Fan ' || g, c, CASE WHEN c = 0 THEN 0 ELSE c * (990 + (g * 7919) % 30000) END,
      CASE WHEN c = 0 THEN NULL ELSE now() - ((g * 104729) % 365) * interval '1 day' - (g % 86400) * interval '1 second' END,
      now() - ((g * 15485863) % 200) * interval '1 day', g % 300, now() - ((g * 31) % 700) * interval '1 day', now()
    FROM generate_series(1::bigint, ${FANS}) g, LATERAL (SELECT CASE WHEN g % 10 < 3 THEN 0 ELSE 1 + (g * 2654435761) % 12 END AS c) x`,
    org.id,
  );
  await db.$executeRawUnsafe(
    `
    INSERT INTO "Order" (id, "orgId", "externalId", "fanId", "amountCents", "placedAt", "createdAt")
    SELECT 'o' || g, $1, 'e' || g, 'f' || (1 + (g * 48271) % ${FANS}), 990 + g % 30000, now() - ((g * 16807) % (120 * 86400)) * interval '1 second', now()
    FROM generate_series(1::bigint, ${ORDERS}) g`,
    org.id,
  );
  await db.$executeRawUnsafe('VACUUM ANALYZE "Fan"');
  await db.$executeRawUnsafe('VACUUM ANALYZE "Order"');
}
console.log(`load: ${((Date.now() - t0) / 1000).toFixed(1)} s (${FANS} fans, ${ORDERS} orders)`);

const first = await refreshFanScores(db, org.id);
console.log(`refresh: ${first.tookMs} ms, ${first.buyers} buyers, ${first.frequencyDrops} drops, ${first.changed} fans written`);
const again = await refreshFanScores(db, org.id);
console.log(`refresh again (nothing new): ${again.tookMs} ms, ${again.changed} fans written`);
await db.$executeRawUnsafe('VACUUM ANALYZE "Fan"');

const events = await createPubSubHandle(undefined);
const app = createApp({
  config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMIT_OPERATOR: '1000000' }),
  database,
  pubsub: events.pubsub,
  logger: createLogger('silent'),
});
const as = `Dev ${slug}`;
async function run(query: string, variables: Record<string, unknown> = {}) {
  const res = await app.fetch('http://bench/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: as },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

async function measure(name: string, op: () => Promise<void>, n = 200, clients = 4) {
  const times: number[] = [];
  let left = n;
  await op(); // warm
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (left-- > 0) {
        const s = performance.now();
        await op();
        times.push(performance.now() - s);
      }
    }),
  );
  times.sort((a, b) => a - b);
  const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
  console.log(`${name}: p50 ${p(0.5)} ms, p95 ${p(0.95)} ms (${times.length} requests, ${clients} clients)`);
}

const SEGMENTS = ['CHAMPIONS', 'LOYAL', 'PROMISING', 'AT_RISK', 'CANT_LOSE', 'HIBERNATING', 'LOST'];
let i = 0;
await measure('rfmSegmentCounts', () => run('{ rfmSegmentCounts { buyers unscored frequencyDrops segments { segment fans } } }'));
await measure('first page of a segment (20 fans, totalCount)', () =>
  run(
    'query($s: RfmSegment) { fans(filter: { rfmSegment: $s }, first: 20) { totalCount nodes { id displayName totalSpendCents rfm { recency frequency monetary } } } }',
    { s: SEGMENTS[i++ % 7] },
  ),
);
await measure('first page of a segment (20 fans, no totalCount)', () =>
  run(
    'query($s: RfmSegment) { fans(filter: { rfmSegment: $s }, first: 20) { nodes { id displayName totalSpendCents rfm { recency frequency monetary } } } }',
    { s: SEGMENTS[i++ % 7] },
  ),
);
await measure('frequency-drop list (20 fans, totalCount)', () =>
  run('{ fans(filter: { frequencyDrop: true }, first: 20) { totalCount nodes { id frequencyDrop { ordersLast30Days ordersPrevious90Days } } } }'),
);
await measure('gmvPareto (organization)', () => run('{ gmvPareto { buyers share } }'), 40);
await events.close();
await database.close();
