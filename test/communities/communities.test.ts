// Communities by kind and lifecycle, their members, and the activity feed by group, kind and time.
import { describe, expect } from 'vitest';
import { NOW } from '../helpers/fixtures.js';
import { gid } from '../helpers/ids.js';
import { useTestApp } from '../helpers/test-app.js';

const it = useTestApp();

describe('Query.communities', () => {
  it('lists the seven vertical groups and filters by kind and lifecycle', async ({ t }) => {
    const all = await t.ok(`{ communities(first: 50) { totalCount nodes { kind } } }`);
    expect(all.communities.totalCount).toBe(11);
    const vertical = await t.ok(`{ communities(kinds: [VERTICAL]) { totalCount nodes { name kind category minOrders capacity } } }`);
    expect(vertical.communities.totalCount).toBe(7);
    expect(vertical.communities.nodes.map((c: { category: string }) => c.category).sort()).toEqual([
      'Apparel',
      'Beauty',
      'Jewelry',
      'Liquor',
      'Mother & Baby / Daily Chemicals',
      'Tech',
      'Travel',
    ]);
    const activating = await t.ok(`{ communities(kinds: [VERTICAL], lifecycles: [ACTIVATING]) { totalCount } }`);
    expect(activating.communities.totalCount).toBe(2);
  });

  it('shows current members with roles, owner and assistants', async ({ t }) => {
    const data = await t.ok(`{ communities(kinds: [KOC]) { nodes { memberCount owner { displayName } assistants { persona }
      members(first: 100) { totalCount nodes { role fan { isKoc } community { kind } } } } } }`);
    const koc = data.communities.nodes[0];
    expect(koc.members.totalCount).toBe(koc.memberCount);
    expect(koc.assistants).toEqual([{ persona: 'Assistant Jujube' }]);
    for (const m of koc.members.nodes) {
      expect(m.role).toBe('KOC');
      expect(m.fan.isKoc).toBe(true);
      expect(m.community.kind).toBe('KOC');
    }
  });

  it('hides members who left', async ({ t }) => {
    const c = await t.database.prisma.community.findFirstOrThrow({ where: { kind: 'LIKE', org: { slug: 'demo' } } });
    const before = await t.ok(`query($id: ID!) { node(id: $id) { ... on Community { members { totalCount } } } }`, { id: gid('Community', c.id) });
    const leaver = await t.database.prisma.membership.findFirstOrThrow({ where: { communityId: c.id } });
    await t.database.prisma.membership.update({ where: { id: leaver.id }, data: { leftAt: new Date() } });
    const after = await t.ok(`query($id: ID!) { node(id: $id) { ... on Community { members { totalCount } } } }`, { id: gid('Community', c.id) });
    expect(after.node.members.totalCount).toBe(before.node.members.totalCount - 1);
  });
});

describe('Query.activity', () => {
  it('filters the feed by group, kinds and time window, newest first', async ({ t }) => {
    const c = await t.ok(`{ communities(kinds: [LIKE]) { nodes { id } } }`);
    const since = new Date(NOW.getTime() - 3 * 86_400_000).toISOString();
    const data = await t.ok(
      `query($c: ID!, $since: DateTime!) { activity(communityId: $c, kinds: [MESSAGE_POSTED, BUYER_SHOW_POSTED], since: $since, first: 100) {
        nodes { kind count occurredAt community { id } } } }`,
      { c: c.communities.nodes[0].id, since },
    );
    const nodes = data.activity.nodes;
    expect(nodes.length).toBeGreaterThan(0);
    for (const e of nodes) {
      expect(['MESSAGE_POSTED', 'BUYER_SHOW_POSTED']).toContain(e.kind);
      expect(e.community.id).toBe(c.communities.nodes[0].id);
      expect(new Date(e.occurredAt).getTime()).toBeGreaterThanOrEqual(new Date(since).getTime());
    }
    const times = nodes.map((e: { occurredAt: string }) => e.occurredAt);
    expect(times).toEqual([...times].sort().reverse());
  });
});
