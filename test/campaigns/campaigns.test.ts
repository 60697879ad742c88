// Campaigns of every kind with their own state, filtered by kind and status.
import { describe, expect } from 'vitest';
import { useTestApp } from '../helpers/test-app.js';

const it = useTestApp();

describe('Query.campaigns', () => {
  it('shows each kind with exactly its own detail set', async ({ t }) => {
    const data = await t.ok(`{ campaigns(first: 10) { totalCount nodes { kind status
      like { targetLikes milestoneEvery totalLikes participantCount }
      fission { targetInvites prizeName inviteCodes { totalCount } }
      checkIn { pointsPerCheckIn streakBonuses }
      lottery { perFanDailyCap perFanTotalCap }
      coupon { title discountCents minSpendCents issuedCount redeemedCount }
      prizes { name weight stock } } } }`);
    expect(data.campaigns.totalCount).toBe(5);
    const byKind = Object.fromEntries(data.campaigns.nodes.map((c: { kind: string }) => [c.kind, c]));
    expect(byKind.LIKE.like).toEqual({ targetLikes: 100_000, milestoneEvery: 10_000, totalLikes: 0, participantCount: 0 });
    expect(byKind.LIKE.fission).toBeNull();
    expect(byKind.FISSION.fission).toMatchObject({ targetInvites: 5, inviteCodes: { totalCount: 0 } });
    expect(byKind.CHECK_IN.checkIn).toEqual({ pointsPerCheckIn: 10, streakBonuses: { '7': 50, '30': 300 } });
    expect(byKind.LOTTERY.prizes.map((p: { name: string }) => p.name)).toEqual(['20 points', 'Face towel', 'Full-size essence']);
    expect(byKind.COUPON.coupon).toMatchObject({ discountCents: 300, minSpendCents: 9900, issuedCount: 0, redeemedCount: 0 });
  });

  it('filters by kind and status', async ({ t }) => {
    const running = await t.ok(`{ campaigns(kinds: [LIKE, LOTTERY], statuses: [RUNNING]) { totalCount nodes { kind } } }`);
    expect(running.campaigns.nodes.map((c: { kind: string }) => c.kind).sort()).toEqual(['LIKE', 'LOTTERY']);
    const drafts = await t.ok(`{ campaigns(statuses: [DRAFT]) { totalCount } }`);
    expect(drafts.campaigns.totalCount).toBe(0);
  });

  it('links a like campaign to its group and live session', async ({ t }) => {
    const data = await t.ok(`{ campaigns(kinds: [LIKE]) { nodes { community { kind } liveSession { status } } } }`);
    expect(data.campaigns.nodes[0]).toEqual({ community: { kind: 'LIKE' }, liveSession: { status: 'SCHEDULED' } });
  });
});
