// Every connection pages the way a console pages it: forward with first/after and backward with
// last/before, each time returning exactly the rows of one big page, in the same order — at the root
// and nested under another object, for every sort the API offers. (The SQL read path plans these
// pages itself; this is what keeps it honest, alongside the suite's Prisma-verified run.)
import { describe, expect } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 120 });
let communityId: string;
let fanId: string;
let sessionId: string;
let campaignId: string;

it.beforeAll(async ({ t }) => {
  const d = await t.ok(`{
    communities(kinds: [VERTICAL], first: 1) { nodes { id } }
    fans(orderBy: { field: ORDER_COUNT }, first: 1) { nodes { id } }
    liveSessions(statuses: [SCHEDULED], first: 1) { nodes { id } }
    campaigns(kinds: [FISSION], first: 1) { nodes { id } }
  }`);
  communityId = d.communities.nodes[0].id;
  fanId = d.fans.nodes[0].id;
  sessionId = d.liveSessions.nodes[0].id;
  campaignId = d.campaigns.nodes[0].id;
  // Invite codes and reservations, so those connections have something to page through.
  const fans = await t.ok(`{ fans(first: 8) { nodes { id } } }`);
  for (const f of fans.fans.nodes) {
    await t.ok(`mutation($c: ID!, $f: ID!) { myInviteCode(campaignId: $c, fanId: $f) { __typename } }`, { c: campaignId, f: f.id });
    await t.ok(`mutation($s: ID!, $f: ID!) { reserveSession(input: { sessionId: $s, fanId: $f }) { __typename } }`, { s: sessionId, f: f.id });
  }
});

interface Conn {
  name: string;
  /** The connection field with `$args` where its paging arguments go, and `{ ...page }` inside. */
  path: (args: string) => string;
  pick: (data: Record<string, any>) => { nodes: { id: string }[]; pageInfo: PageInfo; totalCount?: number };
}
interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

const page = `pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { id }`;
const root = (field: string, extra = ''): Conn => ({
  name: `${field}(${extra})`,
  path: (args) => `${field}(${[extra, args].filter(Boolean).join(', ')}) { ${page} }`,
  pick: (d) => d[field],
});
const nested = (label: string, id: () => string, type: string, field: string, extra = ''): Conn => ({
  name: label,
  path: (args) => `node(id: "${id()}") { ... on ${type} { ${field}(${[extra, args].filter(Boolean).join(', ')}) { ${page} } } }`,
  pick: (d) => d.node[field],
});

const SORTS = ['CREATED_AT', 'ORDER_COUNT', 'TOTAL_SPEND', 'LAST_ORDER_AT', 'INTIMACY', 'DISPLAY_NAME', 'POINTS_BALANCE'];
const connections: Conn[] = [
  ...SORTS.flatMap((s) => ['ASC', 'DESC'].map((dir) => root('fans', `orderBy: { field: ${s}, direction: ${dir} }`))),
  root('fans', 'filter: { lifecycles: [ACTIVE, SILENT, DORMANT], minOrders: 1 }, orderBy: { field: TOTAL_SPEND }'),
  root('communities'),
  root('orders'),
  root('pointsLedger'),
  root('activity'),
  root('liveSessions'),
  root('campaigns'),
  nested('Community.members', () => communityId, 'Community', 'members'),
  nested('Community.activity', () => communityId, 'Community', 'activity'),
  nested('Fan.memberships', () => fanId, 'Fan', 'memberships'),
  nested('Fan.orders', () => fanId, 'Fan', 'orders'),
  nested('Fan.pointsEntries', () => fanId, 'Fan', 'pointsEntries'),
  nested('LiveSession.reservations', () => sessionId, 'LiveSession', 'reservations'),
  {
    name: 'FissionCampaign.inviteCodes',
    path: (args) => `node(id: "${campaignId}") { ... on Campaign { fission { inviteCodes(${args}) { ${page} } } } }`,
    pick: (d) => d.node.fission.inviteCodes,
  },
];

async function fetchPage(t: TestApp, c: Conn, args: string) {
  return c.pick(await t.ok(`{ ${c.path(args)} }`));
}

describe('cursor pagination', () => {
  it.for(connections.map((c) => [c.name, c] as const))('%s: forward and backward pages equal one big page', async ([_name, c], { t }) => {
    const head = (await fetchPage(t, c, 'first: 100')).nodes.map((n) => n.id);
    const tail = (await fetchPage(t, c, 'last: 100')).nodes.map((n) => n.id);
    expect(head.length, `${c.name} needs data to page through`).toBeGreaterThan(2);
    const size = Math.max(2, Math.ceil(head.length / 4));

    const forward: string[] = [];
    let after: string | null = null;
    while (forward.length < head.length) {
      const p = await fetchPage(t, c, `first: ${size}${after ? `, after: "${after}"` : ''}`);
      forward.push(...p.nodes.map((n) => n.id));
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(forward.slice(0, head.length)).toEqual(head);

    const backward: string[] = [];
    let before: string | null = null;
    while (backward.length < tail.length) {
      const p = await fetchPage(t, c, `last: ${size}${before ? `, before: "${before}"` : ''}`);
      backward.unshift(...p.nodes.map((n) => n.id));
      if (!p.pageInfo.hasPreviousPage) break;
      before = p.pageInfo.startCursor;
    }
    expect(backward.slice(-tail.length)).toEqual(tail);
  });

  it('nested pages under a list each hold their own first n, in order', async ({ t }) => {
    const d = await t.ok(`{ communities(kinds: [VERTICAL], first: 7) { nodes { id members(first: 3) { nodes { id joinedAt } } } } }`);
    for (const c of d.communities.nodes) {
      const alone = await t.ok(`query($id: ID!) { node(id: $id) { ... on Community { members(first: 3) { nodes { id joinedAt } } } } }`, {
        id: c.id,
      });
      expect(c.members.nodes).toEqual(alone.node.members.nodes);
      const times = c.members.nodes.map((m: { joinedAt: string }) => m.joinedAt);
      expect(times).toEqual([...times].sort().reverse());
    }
  });
});
