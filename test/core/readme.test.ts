// Every GraphQL example in the README runs as written against the demo organization seeded now (as
// `npm start` seeds it), with the variables the README describes. The operator's tour is run by
// tour.test.ts; every other ```graphql block must have an entry below, so a new or edited example
// cannot drift from what the API answers.
import { readFileSync } from 'node:fs';
import { type OperationDefinitionNode, parse, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo/seed.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { gid } from '../helpers/ids.js';

const readme = readFileSync('README.md', 'utf8');
const tourStart = readme.indexOf("## Operator's tour");
const tourEnd = readme.indexOf('\n## ', tourStart + 1);
const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => ({ text: m[1], inTour: m.index! > tourStart && m.index! < tourEnd }));
const operations = blocks
  .filter((b) => !b.inTour)
  .flatMap((b) => parse(b.text).definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition'));

const DAY = 86_400_000;
type Values = Record<string, any>;
// How each example is run: as whom, with which variables (from the README's own description), and
// what a reader would see in the answer. `values` carries answers forward within the README's order.
const examples: Record<string, { as?: string; variables?: (v: Values) => Values; check: (data: any, v: Values) => Promise<void> | void }> = {
  DormantRepeatBuyers: {
    check: async (data) => {
      const expected = await db().fan.count({ where: { org: { slug: 'demo' }, lifecycle: { in: ['SILENT', 'DORMANT'] }, orderCount: { gte: 2 } } });
      expect(expected).toBeGreaterThan(0);
      expect(data.fans.totalCount).toBe(expected);
      expect(data.fans.nodes.length).toBe(Math.min(expected, 20));
    },
  },
  VerticalGroups: {
    check: async (data) => {
      expect(data.communities.nodes.length).toBe(await db().community.count({ where: { org: { slug: 'demo' }, kind: 'VERTICAL' } }));
      expect(data.communities.nodes.some((c: any) => c.members.nodes.length > 0)).toBe(true);
    },
  },
  WeekSchedule: {
    // "from now to a week later"
    variables: (v) => ({ from: v.now.toISOString(), to: new Date(v.now.getTime() + 7 * DAY).toISOString() }),
    check: (data, v) => {
      const sessions = data.liveSessions.nodes;
      // The seed schedules one session a day for the three days after today: all of them are ahead.
      expect(sessions.length).toBeGreaterThanOrEqual(3);
      for (const s of sessions) {
        expect(new Date(s.scheduledAt).getTime()).toBeGreaterThanOrEqual(v.now.getTime());
        expect(new Date(s.scheduledAt).getTime()).toBeLessThan(v.now.getTime() + 7 * DAY);
        expect(s.items.length).toBeGreaterThan(0);
      }
    },
  },
  AnyObject: {
    variables: (v) => ({ id: v.fanId }),
    check: (data, v) => expect(data.node).toEqual({ id: v.fanId, displayName: v.fanName, pointsBalance: expect.any(Number) }),
  },
  FanHome: {
    as: 'Dev demo/fan:u100000',
    check: (data, v) => {
      expect(data.viewer).toMatchObject({ kind: 'FAN', organization: { name: 'Lumi Live (demo)', timeZone: 'Asia/Shanghai' } });
      expect(data.viewer.fan).toMatchObject({ displayName: v.fanName, pointsBalance: expect.any(Number) });
    },
  },
  TopGroups: {
    check: async (data) => {
      expect(data.communityRanking.totalCount).toBe(await db().community.count({ where: { org: { slug: 'demo' } } }));
      const gmv = data.communityRanking.nodes.map((n: any) => n.metrics.gmvCents);
      expect(gmv).toEqual([...gmv].sort((a, b) => b - a));
      expect(gmv[0]).toBeGreaterThan(0);
    },
  },
  Trends: {
    check: (data) => {
      expect(data.vertical.length).toBeGreaterThanOrEqual(13);
      expect(data.monthly.reduce((s: number, p: any) => s + p.metrics.gmvCents, 0)).toBeGreaterThan(0);
      expect(data.kocLeaderboard.nodes.length).toBeGreaterThan(0);
    },
  },
  RefreshScores: {
    check: async (data) => {
      const buyers = await db().fan.count({ where: { org: { slug: 'demo' }, orderCount: { gt: 0 } } });
      expect(data.refreshFanScores.data).toMatchObject({ buyers, refreshedAt: expect.any(String) });
    },
  },
  AtRisk: {
    check: async (data) => {
      expect(data.rfmSegmentCounts.buyers).toBeGreaterThan(0);
      const cantLose = data.rfmSegmentCounts.segments.find((s: any) => s.segment === 'CANT_LOSE').fans;
      expect(data.fans.totalCount).toBe(cantLose);
      expect(data.gmvPareto.share).toBeGreaterThan(0.2);
    },
  },
  DriftingBuyers: {
    check: async (data) => {
      const expected = await db().fan.count({ where: { org: { slug: 'demo' }, frequencyDrop: true, intimacy: { gte: 20 } } });
      expect(data.fans.totalCount).toBe(expected);
    },
  },
  JoinCohorts: {
    // "e.g. four weeks ago"
    variables: (v) => ({ since: new Date(v.now.getTime() - 28 * DAY).toISOString().slice(0, 10) }),
    check: (data) => {
      expect(data.fanCohorts.length).toBeGreaterThanOrEqual(4);
      for (const c of data.fanCohorts) expect(c.weeks[0].week).toBe(0);
    },
  },
  Results: {
    variables: (v) => v.results,
    check: (data) => {
      expect(data.campaignResults.kind).toBe('LIKE');
      expect(data.campaignResults.like.participants).toBeGreaterThanOrEqual(0);
      expect(data.campaignResults.coupon).toBeNull();
      expect(data.liveSessionResults.reservedFans).toBeGreaterThanOrEqual(0);
    },
  },
  MyParcels: {
    as: 'Dev demo/fan:u100000',
    check: (data) => {
      expect(data.viewer.fan.addresses).toEqual(expect.any(Array));
      expect(data.viewer.fan.fulfilments.totalCount).toBe(data.viewer.fan.fulfilments.nodes.length);
    },
  },
  MemberDayWheel: {
    check: (data) => {
      expect(data.createCampaign.data.lottery).toMatchObject({ missWeight: 6, recurOn: 'FRIDAY', perOccurrenceSpinCap: 500 });
      expect(data.createCampaign.data.lottery.nextOccurrence).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(data.createCampaign.data.prizes).toContainEqual({ name: '50 points', kind: 'POINTS', points: 50, perOccurrence: null });
      expect(data.createCampaign.data.prizes).toContainEqual({ name: 'Face towel', kind: 'GOODS', points: 0, perOccurrence: 50 });
    },
  },
  LikeGroupCampaign: {
    // "a LIKE group's id"
    variables: (v) => ({ communityId: v.likeGroupId }),
    check: (data) => expect(data.createCampaign.data.like).toEqual({ membersOnly: true, prizeName: 'Tea set' }),
  },
  TieredReferral: {
    // "startsAt": any start; the tiers are what the example shows
    variables: (v) => ({ startsAt: v.now.toISOString() }),
    check: (data) => {
      expect(data.createCampaign.data.fission.targetInvites).toBe(3);
      expect(data.createCampaign.data.fission.tiers.map((x: any) => [x.invites, x.kind, x.stock])).toEqual([
        [3, 'GOODS', 500],
        [10, 'GOODS', 100],
        [30, 'POINTS', 50],
      ]);
    },
  },
  Mall: {
    as: 'Dev demo/fan:u100000',
    check: (data) => {
      const shelves = data.rewards.map((r: any) => r.shelf);
      expect([...new Set(shelves)]).toEqual(['ASPIRATIONAL', 'ESSENTIALS', 'SEASONAL']);
      expect(data.rewards.every((r: any) => r.availableNow)).toBe(true);
    },
  },
  CreateCrmKey: {
    // "e.g. 90 days from now"
    variables: (v) => ({ expiresAt: new Date(v.now.getTime() + 90 * DAY).toISOString() }),
    check: (data, v) => {
      expect(data.createApiKey.data.key).toMatch(/^fo_/);
      v.apiKeyId = data.createApiKey.data.apiKey.id;
    },
  },
  ApiKeys: { check: (data, v) => expect(data.apiKeys.map((k: any) => k.id)).toContain(v.apiKeyId) },
  RevokeCrmKey: {
    variables: (v) => ({ id: v.apiKeyId }),
    check: (data) => expect(data.revokeApiKey.data.revokedAt).not.toBeNull(),
  },
};

let t: TestApp;
const db = () => t.database.prisma;
beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.database.prisma, { slug: 'demo', fans: 60 });
});
afterAll(() => t?.dispose());

describe('README examples', () => {
  it('every example outside the tour is a named operation this test runs', () => {
    const names = operations.map((o) => o.name?.value);
    expect(names.length).toBeGreaterThan(0);
    expect(names).toEqual(Object.keys(examples));
  });

  it('each runs as written against the demo organization, without an error', async () => {
    const fan = await db().fan.findFirstOrThrow({ where: { org: { slug: 'demo' }, externalId: 'u100000' } });
    const like = await db().campaign.findFirstOrThrow({ where: { org: { slug: 'demo' }, kind: 'LIKE' } });
    const session = await db().liveSession.findFirstOrThrow({ where: { org: { slug: 'demo' }, status: 'ENDED' } });
    const results = { campaignId: gid('Campaign', like.id), sessionId: gid('LiveSession', session.id) };
    const likeGroup = await db().community.findFirstOrThrow({ where: { org: { slug: 'demo' }, kind: 'LIKE' } });
    const values: Values = {
      now: new Date(),
      fanId: gid('Fan', fan.id),
      fanName: fan.displayName,
      results,
      likeGroupId: gid('Community', likeGroup.id),
    };
    for (const op of operations) {
      const name = op.name!.value;
      const example = examples[name];
      const res = await t.gql(print(op), example.variables?.(values) ?? {}, example.as ?? 'Dev demo');
      expect(res.errors, name).toBeUndefined();
      await example.check(res.data, values);
    }
  });
});
