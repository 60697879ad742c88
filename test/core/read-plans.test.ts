// Reads cost what they return, at a seller's scale: every connection and filter the API offers is
// EXPLAINed (ANALYZE) over a generated organization of 12,000 fans (about 24,000 memberships, 36,000
// orders and 120,000 activity events) and must use an index — no sequential scan of a table of more than
// 10,000 rows, no sort of more rows than the page — and nested pages read about what they return.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedScale } from '../../src/demo/scale.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { explainOperation, objectsIn } from '../helpers/plans.js';

const FANS = 12_000;
const AS = 'Dev scale';

let t: TestApp;
let big: Set<string>;
let communityId: string;
let fan: { id: string; displayName: string };

beforeAll(async () => {
  t = await createTestApp({ defaultAs: AS });
  await seedScale(t.database.sql, { fans: FANS, now: new Date('2026-11-20T04:00:00Z') });
  big = new Set(
    (await t.database.sql.query<{ relname: string }>(`SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > 10000`)).map((r) => r.relname),
  );
  const d = await t.ok(`{
    communities(kinds: [VERTICAL], first: 1) { nodes { id } }
    fans(first: 1, orderBy: { field: ORDER_COUNT }) { nodes { id displayName } }
  }`);
  communityId = d.communities.nodes[0].id;
  fan = d.fans.nodes[0];
}, 300_000);
afterAll(() => t?.dispose());

const SORTS = ['CREATED_AT', 'ORDER_COUNT', 'TOTAL_SPEND', 'LAST_ORDER_AT', 'INTIMACY', 'DISPLAY_NAME', 'POINTS_BALANCE'];

/** [label, document, page size] — documents may use $community and $fan. */
const READS: [string, string, number][] = [
  ...SORTS.flatMap((s) =>
    ['ASC', 'DESC'].map((d): [string, string, number] => [
      `fans by ${s} ${d}`,
      `{ fans(first: 20, orderBy: { field: ${s}, direction: ${d} }) { nodes { id displayName } } }`,
      20,
    ]),
  ),
  [
    'reactivation list (README)',
    `{ fans(filter: { lifecycles: [SILENT, DORMANT], minOrders: 2 }, orderBy: { field: TOTAL_SPEND }, first: 20) { totalCount nodes { displayName region orderCount totalSpendCents tags { tag { name } source } } } }`,
    20,
  ],
  ['fans by lifecycle', `{ fans(first: 20, filter: { lifecycles: [DORMANT] }) { nodes { id } } }`, 20],
  ['fans by name', `{ fans(first: 20, filter: { search: "$fanName" }) { nodes { id } } }`, 20],
  ['KOCs', `{ fans(first: 20, filter: { isKoc: true }) { nodes { id } } }`, 20],
  ['fans of a group', `{ fans(first: 20, filter: { communityId: "$community" }) { nodes { id } } }`, 20],
  ['big spenders', `{ fans(first: 20, filter: { minSpendCents: 50000 }, orderBy: { field: TOTAL_SPEND }) { nodes { id } } }`, 20],
  [
    'vertical groups dashboard (README)',
    `{ communities(kinds: [VERTICAL], first: 7) { nodes { name memberCount capacity lifecycle members(first: 5) { nodes { role fan { displayName memberships(first: 5) { nodes { community { name } } } } } } } } }`,
    7,
  ],
  [
    'groups with member pages',
    `{ communities(first: 20) { nodes { name members(first: 5) { nodes { id joinedAt } } activity(first: 5) { nodes { kind } } } } }`,
    20,
  ],
  ['orders', `{ orders(first: 20) { nodes { amountCents fan { displayName } community { name } } } }`, 20],
  ['orders of a group', `{ orders(first: 20, communityId: "$community") { nodes { id } } }`, 20],
  ['points ledger', `{ pointsLedger(first: 20) { nodes { delta fan { displayName } } } }`, 20],
  ['check-in points', `{ pointsLedger(first: 20, reasons: [CHECK_IN]) { nodes { id } } }`, 20],
  ['activity feed', `{ activity(first: 20) { nodes { kind fan { displayName } } } }`, 20],
  ['group feed', `{ activity(first: 20, communityId: "$community") { nodes { kind } } }`, 20],
  ['buyer shows', `{ activity(first: 20, kinds: [BUYER_SHOW_POSTED]) { nodes { id } } }`, 20],
  ['live schedule', `{ liveSessions(first: 20) { nodes { title items { productName } reservations(first: 5) { nodes { id } } } } }`, 20],
  ['campaigns', `{ campaigns(first: 20) { nodes { name community { name } } } }`, 20],
  ['wishes', `{ wishes(first: 20) { nodes { productName voteCount } } }`, 20],
  [
    'fan profile',
    `{ node(id: "$fan") { ... on Fan { displayName orders(first: 10) { nodes { amountCents } } pointsEntries(first: 10) { nodes { delta } } memberships(first: 10) { nodes { community { name } } } } } }`,
    10,
  ],
  ['orders of 50 fans', `{ fans(first: 50) { nodes { orders(first: 3) { nodes { amountCents } } } } }`, 50],
];

const fill = (doc: string) => doc.replace('$community', communityId).replace('$fanName', fan.displayName).replace('$fan', fan.id);

describe('query plans at scale', () => {
  it.each(READS)('%s: indexed, no sort past the page', async (_label, doc, page) => {
    const { plans } = await explainOperation(t, fill(doc), { page, bigTable: (n) => big.has(n) });
    expect(plans.length).toBeGreaterThan(0);
    const problems = plans.flatMap((p) => p.problems.map((x) => `${x}\n  in ${p.sql}`));
    expect(problems).toEqual([]);
  });

  it('the tables are big enough for the checks to mean something', () => {
    for (const table of ['Fan', 'Membership', 'Order', 'ActivityEvent', 'PointsEntry']) expect(big.has(table), table).toBe(true);
  });
});

describe('rows read per request', () => {
  // Nested pages under lists: the executor reads at most twice the rows the answer holds, whatever
  // the size of each group or fan history (before, the dashboard read every member of every group).
  it.each([
    ['vertical groups dashboard (README)', READS.find((r) => r[0].startsWith('vertical'))![1]],
    ['fan profile', READS.find((r) => r[0] === 'fan profile')![1]],
    ['orders of 50 fans', READS.find((r) => r[0] === 'orders of 50 fans')![1]],
    ['groups with member pages', READS.find((r) => r[0] === 'groups with member pages')![1]],
  ])('%s', async (_label, doc) => {
    await t.ok('{ __typename }'); // the credential is verified and remembered before measuring
    const { data, plans } = await explainOperation(t, fill(doc), { page: 100, bigTable: (n) => big.has(n) });
    const read = plans.reduce((n, p) => n + p.rowsRead, 0);
    const returned = Object.values(data).reduce((n: number, v) => n + objectsIn(v), 0);
    expect(returned).toBeGreaterThan(10);
    expect(read, plans.map((p) => `${p.rowsRead}\t${p.sql}`).join('\n')).toBeLessThanOrEqual(2 * returned);
  });
});
