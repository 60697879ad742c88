// Live activity feeds over both transports: graphql-ws on a real socket and SSE over real HTTP.
import { afterAll, describe, expect } from 'vitest';
import { type RunningServer, startServer } from '../../src/core/server.js';
import { disposeClients, sseSubscribe, wsClient, wsSubscribe } from '../helpers/clients.js';
import { gid } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

let server: RunningServer;
let demoOrgId: string;

const it = useTestApp({ fans: 20 });
it.beforeAll(async ({ t }) => {
  demoOrgId = t.orgId;
  server = await startServer(t.app, { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2_000 });
});
afterAll(async () => {
  await disposeClients();
  await server?.stop();
});

const ORG_FEED = /* GraphQL */ `
  subscription Feed($kinds: [ActivityKind!], $communityKinds: [CommunityKind!]) {
    organizationActivity(kinds: $kinds, communityKinds: $communityKinds) { id kind count fanId communityId communityKind missedBefore }
  }
`;

async function redeemOnce(t: SeededTestApp, as: string, key: string) {
  const org = await t.database.prisma.organization.findUniqueOrThrow({ where: { slug: as === 'Dev rival' ? 'rival' : 'demo' } });
  const fan = await t.database.prisma.fan.create({ data: { orgId: org.id, externalId: key, displayName: key, pointsBalance: 0 } });
  await t.ok(
    `mutation($i: GiftPointsInput!) { giftPoints(input: $i) { __typename } }`,
    { i: { fanId: gid('Fan', fan.id), points: 1000, note: 'feed test', idempotencyKey: `gift-${key}` } },
    as,
  );
  const reward = await t.database.prisma.reward.findFirstOrThrow({ where: { orgId: org.id, stock: { gt: 0 } }, orderBy: { costPoints: 'asc' } });
  const r = await t.ok(
    `mutation($i: RedeemRewardInput!) { redeemReward(input: $i) { __typename } }`,
    { i: { rewardId: gid('Reward', reward.id), fanId: gid('Fan', fan.id), idempotencyKey: `redeem-${key}` } },
    as,
  );
  expect(r.redeemReward.__typename).toBe('MutationRedeemRewardSuccess');
  return gid('Fan', fan.id);
}

describe('organizationActivity over graphql-ws', () => {
  it('delivers a redemption to its organization’s subscriber and nothing to another tenant', async ({ t }) => {
    const listening = t.listening(2);
    const demo = wsSubscribe(wsClient(server.url, 'Dev demo'), ORG_FEED, { kinds: ['REWARD_REDEEMED'] });
    const rival = wsSubscribe(wsClient(server.url, 'Dev rival'), ORG_FEED, { kinds: ['REWARD_REDEEMED'] });
    await listening;
    const fanId = await redeemOnce(t, 'Dev demo', 'feed-ws-1');
    const [notice] = await demo.waitFor(1);
    expect(notice.organizationActivity).toMatchObject({ kind: 'REWARD_REDEEMED', fanId, missedBefore: 0 });
    // The rival sees its own event next — and only that one.
    const rivalFan = await redeemOnce(t, 'Dev rival', 'feed-ws-2');
    const [own] = await rival.waitFor(1);
    expect(own.organizationActivity.fanId).toBe(rivalFan);
    expect(rival.items).toHaveLength(1);
    demo.stop();
    rival.stop();
  });

  it('filters by event kind', async ({ t }) => {
    const listening = t.listening();
    const checkIns = wsSubscribe(wsClient(server.url, 'Dev demo'), ORG_FEED, { kinds: ['CHECK_IN'] });
    await listening;
    await redeemOnce(t, 'Dev demo', 'feed-ws-3');
    const { publishActivity, recordActivity } = await import('../../src/activity/events.js');
    const events = await recordActivity(t.database.prisma, [{ orgId: demoOrgId, kind: 'CHECK_IN' }]);
    publishActivity(t.pubsub, events);
    const [n] = await checkIns.waitFor(1);
    expect(n.organizationActivity.kind).toBe('CHECK_IN');
    expect(checkIns.items).toHaveLength(1);
    checkIns.stop();
  });

  it('refuses anonymous subscribers and foreign communities', async ({ t }) => {
    const anon = wsSubscribe(wsClient(server.url), ORG_FEED, {});
    await expect(anon.waitFor(1, 5_000)).rejects.toThrow(/UNAUTHENTICATED|Authentication required/);
    const rivalCommunity = await t.database.prisma.community.findFirstOrThrow({ where: { org: { slug: 'rival' } } });
    const foreign = wsSubscribe(wsClient(server.url, 'Dev demo'), `subscription($c: ID!) { communityActivity(communityId: $c) { id } }`, {
      c: gid('Community', rivalCommunity.id),
    });
    await expect(foreign.waitFor(1, 5_000)).rejects.toThrow(/not found/i);
  });
});

describe('communityActivity over SSE', () => {
  it('streams one community’s events over real HTTP', async ({ t }) => {
    const community = await t.database.prisma.community.findFirstOrThrow({ where: { orgId: demoOrgId, kind: 'LIKE' } });
    const other = await t.database.prisma.community.findFirstOrThrow({ where: { orgId: demoOrgId, kind: 'VIP' } });
    const listening = t.listening();
    const sse = sseSubscribe(
      server.url,
      `subscription($c: ID!) { communityActivity(communityId: $c) { kind count communityId communityKind } }`,
      { c: gid('Community', community.id) },
      'Dev demo',
    );
    await listening;
    const { publishActivity, recordActivity } = await import('../../src/activity/events.js');
    const events = await recordActivity(t.database.prisma, [
      { orgId: demoOrgId, communityId: other.id, kind: 'MESSAGE_POSTED', count: 4 },
      { orgId: demoOrgId, communityId: community.id, kind: 'MESSAGE_POSTED', count: 7 },
    ]);
    publishActivity(t.pubsub, events);
    const [n] = await sse.waitFor(1);
    expect(n.communityActivity).toEqual({ kind: 'MESSAGE_POSTED', count: 7, communityId: gid('Community', community.id), communityKind: 'LIKE' });
    expect(sse.items).toHaveLength(1);
    sse.stop();
  });
});
