// Like campaigns for the hand-picked like group: `membersOnly` admits only current members of the
// campaign's group, and likes earn intimacy (1 per 10 likes) under a daily cap of 10, however the taps
// are batched and whichever batches commit together.
import { afterEach, describe, expect, vi } from 'vitest';
import { newFan, runningCampaign } from '../../fulfilment/helpers.js';
import { graphql } from '../../generated/index.js';
import { gid, rawId } from '../../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../../helpers/test-app.js';

const it = useTestApp({ fans: 5 });
afterEach(() => vi.useRealTimers());

const SEND = graphql(`
  mutation MembersSend($input: SendLikesInput!) {
    sendLikes(input: $input) {
      __typename
      ... on MutationSendLikesSuccess { data { totalLikes fanLikes } }
      ... on Error { code message field }
    }
  }
`);

let seq = 0;
async function likeGroup(t: SeededTestApp) {
  const c = await t.database.prisma.community.create({
    data: { orgId: t.orgId, name: `Like group ${++seq}`, kind: 'LIKE', inviteCode: `LIKEGRP${seq}` },
  });
  return c.id;
}
const intimacyOf = async (t: SeededTestApp, id: string) => (await t.database.prisma.fan.findUniqueOrThrow({ where: { id } })).intimacy;
const totalOf = async (t: SeededTestApp, campaignId: string) =>
  (await t.database.prisma.likeCampaign.findUniqueOrThrow({ where: { campaignId: rawId(campaignId) } })).totalLikes;

describe('membersOnly', () => {
  it("admits only current members of the campaign's group; others are refused and change nothing", async ({ t }) => {
    const groupId = await likeGroup(t);
    const [member, outsider, leaver] = await Promise.all([newFan(t), newFan(t), newFan(t)]);
    await t.database.prisma.membership.createMany({
      data: [
        { orgId: t.orgId, communityId: groupId, fanId: member.id },
        { orgId: t.orgId, communityId: groupId, fanId: leaver.id, leftAt: new Date() },
      ],
    });
    const like = { targetLikes: 1000, milestoneEvery: 100, membersOnly: true, prizeName: 'Tea set' };
    const id = await runningCampaign(t, { kind: 'LIKE', name: 'Members only', communityId: gid('Community', groupId), like });
    const READ = graphql(`query MembersOnlyRead($id: ID!) { node(id: $id) { ... on Campaign { like { membersOnly prizeName } } } }`);
    expect((await t.ok(READ, { id })).node).toEqual({ like: { membersOnly: true, prizeName: 'Tea set' } });

    expect((await t.ok(SEND, { input: { campaignId: id, taps: 5 } }, member.as)).sendLikes).toMatchObject({ data: { totalLikes: 5 } });
    for (const fan of [outsider, leaver]) {
      const res = await t.ok(SEND, { input: { campaignId: id, taps: 5 } }, fan.as);
      expect(res.sendLikes).toMatchObject({ __typename: 'ForbiddenError', code: 'FORBIDDEN', field: 'input.campaignId' });
    }
    expect(await totalOf(t, id)).toBe(5);
    expect(await t.database.prisma.likeContribution.count({ where: { campaignId: rawId(id) } })).toBe(1);
  });

  it('needs the group: membersOnly without communityId is refused at creation', async ({ t }) => {
    const CREATE = graphql(
      `mutation MembersCreateBad($input: CreateCampaignInput!) { createCampaign(input: $input) { __typename ... on Error { code field } } }`,
    );
    const res = await t.ok(CREATE, { input: { kind: 'LIKE', name: 'x', like: { targetLikes: 10, milestoneEvery: 5, membersOnly: true } } });
    expect(res.createCampaign).toMatchObject({ code: 'VALIDATION', field: 'input.like.membersOnly' });
  });
});

describe('intimacy from likes', () => {
  it('earns 1 per 10 likes of the day across batches, at most 10 a day, and again on the next organization day', async ({ t }) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-20T06:00:00Z'));
    const id = await runningCampaign(t, { kind: 'LIKE', name: 'Intimacy', like: { targetLikes: 100_000, milestoneEvery: 1000 } });
    const fan = await newFan(t);
    // Ten batches of 9 taps: 90 likes earn 9, although no single batch reaches 10.
    for (let i = 0; i < 10; i++) await t.ok(SEND, { input: { campaignId: id, taps: 9 } }, fan.as);
    expect(await intimacyOf(t, fan.id)).toBe(9);
    // Twenty more batches at once (committed together or not): the day's cap of 10 holds.
    const parallel = await Promise.all(Array.from({ length: 20 }, () => t.ok(SEND, { input: { campaignId: id, taps: 10 } }, fan.as)));
    expect(parallel.every((r) => r.sendLikes.__typename === 'MutationSendLikesSuccess')).toBe(true);
    expect(await intimacyOf(t, fan.id)).toBe(10);
    expect(await totalOf(t, id)).toBe(290);
    // 00:30 the next day in Shanghai (still the 20th in UTC): a new day's allowance.
    vi.setSystemTime(new Date('2026-11-20T16:30:00Z'));
    await t.ok(SEND, { input: { campaignId: id, taps: 25 } }, fan.as);
    expect(await intimacyOf(t, fan.id)).toBe(12);
  });
});
