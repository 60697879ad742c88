// The live schedule: sessions by status and time window, line-ups in slot order, reservations, wishes.
import { describe, expect } from 'vitest';
import { NOW } from '../helpers/fixtures.js';
import { gid } from '../helpers/ids.js';
import { useTestApp } from '../helpers/test-app.js';

const it = useTestApp();

describe('Query.liveSessions', () => {
  it('returns a week of sessions, earliest first, filtered by status and window', async ({ t }) => {
    const all = await t.ok(`{ liveSessions(first: 20) { totalCount nodes { scheduledAt status theme } } }`);
    expect(all.liveSessions.totalCount).toBe(7);
    const times = all.liveSessions.nodes.map((s: { scheduledAt: string }) => s.scheduledAt);
    expect(times).toEqual([...times].sort());
    const ended = await t.ok(`{ liveSessions(statuses: [ENDED]) { totalCount nodes { orderCount gmvCents viewers } } }`);
    expect(ended.liveSessions.totalCount).toBe(3);
    const from = new Date(NOW.getTime() + 86_400_000).toISOString();
    const upcoming = await t.ok(`query($from: DateTime!) { liveSessions(from: $from) { totalCount nodes { status } } }`, { from });
    expect(upcoming.liveSessions.nodes.every((s: { status: string }) => s.status === 'SCHEDULED')).toBe(true);
    expect(upcoming.liveSessions.totalCount).toBeGreaterThanOrEqual(2);
  });

  it('lists each line-up in slot order with reservation counts', async ({ t }) => {
    const s = await t.database.prisma.liveSession.findFirstOrThrow({
      where: { org: { slug: 'demo' }, status: 'SCHEDULED' },
      include: { items: true },
    });
    const fan = await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: s.orgId } });
    const item = s.items[2];
    await t.database.prisma.reservation.create({ data: { orgId: s.orgId, fanId: fan.id, sessionId: s.id, itemId: item.id, targetId: item.id } });
    await t.database.prisma.reservation.create({ data: { orgId: s.orgId, fanId: fan.id, sessionId: s.id, targetId: s.id } });
    const data = await t.ok(
      `query($id: ID!) { node(id: $id) { ... on LiveSession { reservationCount items { position productName reservationCount } } } }`,
      { id: gid('LiveSession', s.id) },
    );
    expect(data.node.reservationCount).toBe(2);
    expect(data.node.items.map((i: { position: number }) => i.position)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(data.node.items[2].reservationCount).toBe(1);
    expect(data.node.items[0].reservationCount).toBe(0);
  });
});

describe('Query.wishes', () => {
  it('orders wishes by votes and filters by status', async ({ t }) => {
    const org = await t.database.prisma.organization.findUniqueOrThrow({ where: { slug: 'demo' } });
    const fan = await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: org.id } });
    await t.database.prisma.wish.createMany({
      data: [
        { orgId: org.id, fanId: fan.id, productName: 'Silk eye mask', normalizedName: 'silk eye mask', voteCount: 3 },
        { orgId: org.id, fanId: fan.id, productName: 'Rice wine', normalizedName: 'rice wine', voteCount: 9 },
        { orgId: org.id, fanId: fan.id, productName: 'Hand cream', normalizedName: 'hand cream', voteCount: 5, status: 'FULFILLED' },
      ],
    });
    const open = await t.ok(`{ wishes(status: OPEN) { nodes { productName voteCount fan { id } } } }`);
    expect(open.wishes.nodes.map((w: { productName: string }) => w.productName)).toEqual(['Rice wine', 'Silk eye mask']);
  });
});
