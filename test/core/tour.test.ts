// The README's operator's tour, executed verbatim: each documented step must succeed in order.
import { readFileSync } from 'node:fs';
import { describe, expect } from 'vitest';
import { gid } from '../helpers/ids.js';
import { useTestApp } from '../helpers/test-app.js';

const readme = readFileSync('README.md', 'utf8');
const start = readme.indexOf("## Operator's tour");
// The tour runs to the next top-level section.
const section = readme.slice(start, readme.indexOf('\n## ', start + 3));
const documents = [...section.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);

// Who runs each step, and which returned values later steps refer to as <name>.
const FAN = 'Dev demo/fan:tour-01';
const steps: Record<string, { as?: string; capture?: Record<string, (data: any) => string> }> = {
  ImportTourFans: {},
  ImportTourOrders: {},
  CreateTourGroup: { capture: { inviteCode: (d) => d.inviteCode, communityId: (d) => d.id } },
  JoinTourGroup: { as: FAN },
  CreateTourLikes: { capture: { campaignId: (d) => d.id } },
  ScheduleTourLikes: {},
  StartTourLikes: {},
  TourLikes: { as: FAN },
  TourCheckIn: { as: FAN },
  TourSession: { capture: { sessionId: (d) => d.id } },
  TourItem: { capture: { itemId: (d) => d.item.id } },
  TourReserveSession: { as: FAN },
  TourReserve: { as: FAN },
  TourGoLive: {},
  TourOnSale: {},
  TourFanHome: { as: FAN, capture: { rewardId: (d) => d.rewards[0].id } },
  TourRedeem: { as: FAN },
  TourAddress: { as: FAN },
  TourToShip: { capture: { fulfilmentId: (d) => d.fulfilments.nodes[0].id } },
  TourShip: {},
};

const it = useTestApp({ fans: 10 });

describe("README operator's tour", () => {
  it('documents every step the test knows, in order', () => {
    const names = documents.map((d) => /(?:query|mutation) (\w+)/.exec(d)?.[1]);
    expect(names).toEqual(Object.keys(steps));
  });

  it('runs from import to redemption without a refusal', async ({ t }) => {
    const reward = await t.database.prisma.reward.findFirstOrThrow({
      where: { org: { slug: 'demo' }, active: true },
      orderBy: [{ costPoints: 'asc' }, { id: 'asc' }],
    });
    const inAWeek = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const values: Record<string, string> = { inAWeek };
    const results: Record<string, any> = {};
    for (const doc of documents) {
      const [, kind, name] = /(query|mutation) (\w+)/.exec(doc)!;
      const text = doc.replace(/<(\w+)>/g, (_, key: string) => {
        if (!(key in values)) throw new Error(`${name} needs <${key}> before any step provides it`);
        return values[key];
      });
      const data = await t.ok(text, {}, steps[name].as ?? 'Dev demo');
      // A mutation answers its union: the step must not be a DomainError. A query's data is the result.
      const result = kind === 'query' ? { data } : (Object.values(data)[0] as { code?: string; message?: string; data?: unknown });
      expect(result.code, `${name}: ${result.message}`).toBeUndefined();
      results[name] = result.data;
      for (const [key, pick] of Object.entries(steps[name].capture ?? {})) values[key] = pick(result.data);
    }
    expect(results.ImportTourFans).toEqual({ created: 2, updated: 0, unchanged: 0 });
    expect(results.ImportTourOrders).toEqual({ created: 2, unchanged: 0, pointsAwarded: 299 + 159 });
    expect(results.JoinTourGroup.community).toEqual({ name: 'Tea Lovers', memberCount: 1 });
    expect(results.TourLikes).toMatchObject({ totalLikes: 120, milestonesReached: 1, newlyReached: [1] });
    expect(results.TourCheckIn.streak).toBe(1);
    expect(results.TourGoLive.remindedCount).toBe(1);
    expect(results.TourOnSale.remindedCount).toBe(1);
    expect(results.TourFanHome.viewer.fan).toMatchObject({
      displayName: 'Hangzhou-dry skin·Ning',
      pointsBalance: 458 + results.TourCheckIn.points,
      checkInStreak: 1,
    });
    expect(results.TourFanHome.rewards[0].id).toBe(gid('Reward', reward.id));
    expect(results.TourRedeem.fan.pointsBalance).toBe(458 + results.TourCheckIn.points - reward.costPoints);
    expect(results.TourToShip.fulfilments.nodes).toMatchObject([
      {
        item: reward.name,
        source: 'REDEMPTION',
        fan: { displayName: 'Hangzhou-dry skin·Ning' },
        address: { phone: '13800138000', city: 'Hangzhou' },
      },
    ]);
    expect(results.TourShip).toMatchObject([{ item: reward.name, status: 'SHIPPED', trackingNumber: 'SF1234567890' }]);
  });
});
