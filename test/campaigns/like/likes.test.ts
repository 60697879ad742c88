// Like batches through the API: who may send, typed refusals that change nothing, milestones, the
// realtime event — and 50 parallel batches that must add up exactly with every milestone claimed once.
import { describe, expect } from 'vitest';
import { createLikeCommitter } from '../../../src/campaigns/like/likes.js';
import { createPubSub } from '../../../src/core/pubsub.js';
import { gid } from '../../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../../helpers/test-app.js';

const it = useTestApp({ fans: 20 });

const SEND = /* GraphQL */ `
  mutation Send($input: SendLikesInput!) {
    sendLikes(input: $input) {
      __typename
      ... on MutationSendLikesSuccess { data { totalLikes milestonesReached newlyReached fanLikes } }
      ... on DomainError { code message field }
    }
  }
`;

async function likeCampaign(
  t: SeededTestApp,
  opts: { status?: 'RUNNING' | 'DRAFT' | 'ENDED'; target?: number; every?: number; org?: string; kind?: 'LIKE' | 'COUPON' } = {},
) {
  const { status = 'RUNNING', target = 1000, every = 100, org = t.orgId, kind = 'LIKE' } = opts;
  const c = await t.database.prisma.campaign.create({
    data: {
      orgId: org,
      kind,
      name: `Likes ${Math.random()}`,
      status,
      like: kind === 'LIKE' ? { create: { targetLikes: target, milestoneEvery: every } } : undefined,
    },
  });
  return { id: c.id, gid: gid('Campaign', c.id) };
}

let fanSeq = 0;
async function newFan(t: SeededTestApp, org = t.orgId) {
  const externalId = `like-fan-${++fanSeq}`;
  const fan = await t.database.prisma.fan.create({ data: { orgId: org, externalId, displayName: `Hangzhou-oily·${externalId}` } });
  return { id: fan.id, gid: gid('Fan', fan.id), as: `Dev ${org === t.orgId ? 'demo' : 'rival'}/fan:${externalId}` };
}

const stateOf = async (t: SeededTestApp, campaignId: string) => {
  const lc = await t.database.prisma.likeCampaign.findUniqueOrThrow({ where: { campaignId } });
  const contributions = await t.database.prisma.likeContribution.count({ where: { campaignId } });
  return { totalLikes: lc.totalLikes, milestonesReached: lc.milestonesReached, contributions };
};

describe('sendLikes', () => {
  it('a fan sends taps for themself; totals, milestones and top contributors are readable', async ({ t }) => {
    const c = await likeCampaign(t, { every: 100, target: 1000 });
    const a = await newFan(t);
    const b = await newFan(t);
    const first = await t.ok(SEND, { input: { campaignId: c.gid, taps: 250 } }, a.as);
    expect(first.sendLikes).toEqual({
      __typename: 'MutationSendLikesSuccess',
      data: { totalLikes: 250, milestonesReached: 2, newlyReached: [1, 2], fanLikes: 250 },
    });
    const second = await t.ok(SEND, { input: { campaignId: c.gid, taps: 40 } }, b.as);
    expect(second.sendLikes.data).toEqual({ totalLikes: 290, milestonesReached: 2, newlyReached: [], fanLikes: 40 });
    const third = await t.ok(SEND, { input: { campaignId: c.gid, taps: 10, fanId: b.gid } }, 'Dev demo/jujube@demo.test');
    expect(third.sendLikes.data).toEqual({ totalLikes: 300, milestonesReached: 3, newlyReached: [3], fanLikes: 50 });

    const read = await t.ok(
      `query($id: ID!) { node(id: $id) { ... on Campaign { like { totalLikes milestonesReached participantCount topContributors(first: 5) { likes fan { id } } } } } }`,
      { id: c.gid },
    );
    expect(read.node.like).toEqual({
      totalLikes: 300,
      milestonesReached: 3,
      participantCount: 2,
      topContributors: [
        { likes: 250, fan: { id: a.gid } },
        { likes: 50, fan: { id: b.gid } },
      ],
    });
    // Crossing a milestone writes one LIKE_BURST entry to the feed.
    const feed = await t.database.prisma.activityEvent.findMany({
      where: { orgId: t.orgId, kind: 'LIKE_BURST', payload: { path: ['campaignId'], equals: c.id } },
    });
    expect(feed.map((e) => (e.payload as { milestones: number[] }).milestones)).toEqual(expect.arrayContaining([[1, 2], [3]]));
    expect(feed).toHaveLength(2);
  });

  it('milestones stop at the target; likes keep counting', async ({ t }) => {
    const c = await likeCampaign(t, { every: 100, target: 350 });
    const f = await newFan(t);
    const res = await t.ok(SEND, { input: { campaignId: c.gid, taps: 1000 } }, f.as);
    expect(res.sendLikes.data).toEqual({ totalLikes: 1000, milestonesReached: 3, newlyReached: [1, 2, 3], fanLikes: 1000 });
    const more = await t.ok(SEND, { input: { campaignId: c.gid, taps: 500 } }, f.as);
    expect(more.sendLikes.data).toEqual({ totalLikes: 1500, milestonesReached: 3, newlyReached: [], fanLikes: 1500 });
  });

  it('refuses with a typed error and changes nothing', async ({ t }) => {
    const c = await likeCampaign(t);
    const f = await newFan(t);
    const rivalFan = await newFan(t, t.rivalOrgId);
    const rival = await likeCampaign(t, { org: t.rivalOrgId });
    const draft = await likeCampaign(t, { status: 'DRAFT' });
    const ended = await likeCampaign(t, { status: 'ENDED' });
    const coupon = await likeCampaign(t, { kind: 'COUPON' });
    const cases: [Record<string, unknown>, string, string | null, string][] = [
      [{ campaignId: c.gid, taps: 0, fanId: f.gid }, 'VALIDATION', 'input.taps', c.id],
      [{ campaignId: c.gid, taps: 1001, fanId: f.gid }, 'VALIDATION', 'input.taps', c.id],
      [{ campaignId: c.gid, taps: 5 }, 'VALIDATION', 'input.fanId', c.id],
      [{ campaignId: f.gid, taps: 5, fanId: f.gid }, 'VALIDATION', 'input.campaignId', c.id],
      [{ campaignId: draft.gid, taps: 5, fanId: f.gid }, 'CAMPAIGN_NOT_RUNNING', 'input.campaignId', draft.id],
      [{ campaignId: ended.gid, taps: 5, fanId: f.gid }, 'CAMPAIGN_NOT_RUNNING', 'input.campaignId', ended.id],
      [{ campaignId: coupon.gid, taps: 5, fanId: f.gid }, 'VALIDATION', 'input.campaignId', c.id],
      [{ campaignId: rival.gid, taps: 5, fanId: f.gid }, 'NOT_FOUND', 'input.campaignId', rival.id],
      [{ campaignId: c.gid, taps: 5, fanId: rivalFan.gid }, 'NOT_FOUND', 'input.fanId', c.id],
    ];
    for (const [input, code, field, campaignId] of cases) {
      const res = await t.ok(SEND, { input });
      expect(res.sendLikes, JSON.stringify(input)).toMatchObject({ code, field });
      expect(await stateOf(t, campaignId)).toEqual({ totalLikes: 0, milestonesReached: 0, contributions: 0 });
    }
    // A fan may not like for another fan; a rival operator cannot see the campaign.
    const other = await newFan(t);
    const forOther = await t.ok(SEND, { input: { campaignId: c.gid, taps: 5, fanId: other.gid } }, f.as);
    expect(forOther.sendLikes).toMatchObject({ __typename: 'ForbiddenError', code: 'FORBIDDEN' });
    const fromRival = await t.ok(SEND, { input: { campaignId: c.gid, taps: 5, fanId: rivalFan.gid } }, 'Dev rival');
    expect(fromRival.sendLikes).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND', field: 'input.campaignId' });
    expect(await stateOf(t, c.id)).toEqual({ totalLikes: 0, milestonesReached: 0, contributions: 0 });
  });

  it('analysts and anonymous callers may not send likes', async ({ t }) => {
    const c = await likeCampaign(t);
    const f = await newFan(t);
    const analyst = await t.gql(SEND, { input: { campaignId: c.gid, taps: 5, fanId: f.gid } }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const anonymous = await t.gql(SEND, { input: { campaignId: c.gid, taps: 5, fanId: f.gid } }, null);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const ok = await t.ok(SEND, { input: { campaignId: c.gid, taps: 5, fanId: f.gid } }, 'Dev demo/jujube@demo.test');
    expect(ok.sendLikes.data.totalLikes).toBe(5);
    expect(await stateOf(t, c.id)).toEqual({ totalLikes: 5, milestonesReached: 0, contributions: 1 });
  });

  it('publishes the running total on the campaign channel after commit', async ({ t }) => {
    const c = await likeCampaign(t, { every: 10 });
    const f = await newFan(t);
    const pubsub = createPubSub();
    const events = pubsub.subscribe('likeCampaign', c.id);
    const next = events.next();
    await createLikeCommitter(t.database, pubsub).submit(t.orgId, { campaignId: c.id, fanId: f.id, taps: 25 });
    const { value } = await next;
    expect(value).toMatchObject({ total: 25, delta: 25, milestonesReached: 2, newlyReached: [1, 2] });
    expect(Date.parse(value.at)).not.toBeNaN();
    await events.return?.(undefined);
  });

  it('a statement failing inside the group commit rolls the whole group back: nothing is counted, and the next group commits', async ({ t }) => {
    const c = await likeCampaign(t, { every: 10 });
    const f = await newFan(t);
    // The counting statement (the group's last but the receipts and feed) fails for this campaign only.
    const fn = `fail_likes_${c.id.replace(/\W/g, '')}`;
    await t.database.sql.exec(`
      CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW."campaignId" = '${c.id}' THEN RAISE EXCEPTION 'counting failed'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER ${fn} BEFORE UPDATE ON "LikeCampaign" FOR EACH ROW EXECUTE FUNCTION ${fn}();`);
    const queue = createLikeCommitter(t.database, createPubSub());
    try {
      await expect(queue.submit(t.orgId, { campaignId: c.id, fanId: f.id, taps: 25 })).rejects.toThrow(/counting failed/);
    } finally {
      await t.database.sql.exec(`DROP TRIGGER ${fn} ON "LikeCampaign"; DROP FUNCTION ${fn}();`);
    }
    expect(await stateOf(t, c.id)).toEqual({ totalLikes: 0, milestonesReached: 0, contributions: 0 });
    expect(await t.database.prisma.fanIntimacyDay.count({ where: { fanId: f.id } })).toBe(0);
    expect((await t.database.prisma.fan.findUniqueOrThrow({ where: { id: f.id } })).intimacy).toBe(0);
    expect(await queue.submit(t.orgId, { campaignId: c.id, fanId: f.id, taps: 25 })).toMatchObject({
      totalLikes: 25,
      newlyReached: [1, 2],
      fanLikes: 25,
    });
    expect(await stateOf(t, c.id)).toEqual({ totalLikes: 25, milestonesReached: 2, contributions: 1 });
    // The milestone's feed entry is written as Prisma would (a cuid id, the time of the commit).
    const feed = await t.database.prisma.activityEvent.findMany({
      where: { orgId: t.orgId, kind: 'LIKE_BURST', payload: { path: ['campaignId'], equals: c.id } },
    });
    expect(feed).toHaveLength(1);
    expect(feed[0]).toMatchObject({ fanId: f.id, count: 25, payload: { campaignId: c.id, totalLikes: 25, milestones: [1, 2] } });
    expect(feed[0].id).toMatch(/^c[a-z0-9]{24}$/);
    expect(Math.abs(feed[0].occurredAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('50 parallel batches of random sizes: the total is exact and every milestone is reached exactly once', async ({ t }) => {
    const c = await likeCampaign(t, { every: 250, target: 1_000_000 });
    const fans = await Promise.all(Array.from({ length: 10 }, () => newFan(t)));
    const batches = Array.from({ length: 50 }, (_, i) => ({ fan: fans[i % fans.length], taps: 1 + Math.floor(Math.random() * 1000) }));
    const results = await Promise.all(batches.map((b) => t.ok(SEND, { input: { campaignId: c.gid, taps: b.taps } }, b.fan.as)));
    expect(results.every((r) => r.sendLikes.__typename === 'MutationSendLikesSuccess')).toBe(true);
    const sum = batches.reduce((s, b) => s + b.taps, 0);
    const expected = Math.floor(sum / 250);
    const claimed = results.flatMap((r) => r.sendLikes.data.newlyReached as number[]).sort((a, b) => a - b);
    expect(claimed).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
    expect(Math.max(...results.map((r) => r.sendLikes.data.totalLikes))).toBe(sum);
    // Every batch saw a distinct running total: no two increments overlapped.
    expect(new Set(results.map((r) => r.sendLikes.data.totalLikes)).size).toBe(50);
    expect(await stateOf(t, c.id)).toEqual({ totalLikes: sum, milestonesReached: expected, contributions: 10 });
    const perFan = await t.database.prisma.likeContribution.findMany({ where: { campaignId: c.id } });
    for (const f of fans) {
      const sent = batches.filter((b) => b.fan === f).reduce((s, b) => s + b.taps, 0);
      expect(perFan.find((p) => p.fanId === f.id)?.likes).toBe(sent);
    }
  });
});
