// Cross-tenant probing with real credentials (operator and fan tokens, partner keys): another
// organization's ids answer null or NOT_FOUND on queries, mutations and subscriptions, and nothing changes.
import { afterAll, describe, expect } from 'vitest';
import { loadManifest } from '../../src/core/persisted.js';
import { type RunningServer, startServer } from '../../src/core/server.js';
import { disposeClients, sseSubscribe, wsClient, wsSubscribe } from '../helpers/clients.js';
import { rawId } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';
import { fanBearer, hashOf, operatorBearer, partnerKey, persisted, post } from './security-helpers.js';

let server: RunningServer;
const manifest = loadManifest();
const rival: Record<string, string> = {};
const own: Record<string, string> = {};
let owner: string;
let fan: { authorization: string; fanId: string };

const it = useTestApp({ fans: 20 });
it.beforeAll(async ({ t }) => {
  server = await startServer(t.app, { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2_000 });
  const ids = (slug: string) =>
    t.ok(
      `{ fans(first: 1) { nodes { id } } communities(first: 1) { nodes { id } } liveSessions(first: 1, statuses: [SCHEDULED]) { nodes { id } }
         campaigns(first: 1, kinds: [LIKE]) { nodes { id } } orders(first: 1) { nodes { id } } rewards { id } organization { id } }`,
      {},
      `Dev ${slug}`,
    );
  for (const [slug, into] of [
    ['rival', rival],
    ['demo', own],
  ] as const) {
    const d = await ids(slug);
    Object.assign(into, {
      Fan: d.fans.nodes[0].id,
      Community: d.communities.nodes[0].id,
      LiveSession: d.liveSessions.nodes[0].id,
      Campaign: d.campaigns.nodes[0].id,
      Order: d.orders.nodes[0].id,
      Reward: d.rewards[0].id,
      Organization: d.organization.id,
    });
  }
  owner = await operatorBearer(t, 'demo', 'owner@demo.test');
  const richest = await t.database.prisma.fan.findFirstOrThrow({ where: { org: { slug: 'demo' } }, orderBy: { pointsBalance: 'desc' } });
  fan = await fanBearer(t, 'demo', richest.externalId);
});
afterAll(async () => {
  await disposeClients();
  await server?.stop();
});

/** Row counts and states that a refused mutation must leave as they were. */
async function snapshot(t: SeededTestApp) {
  const db = t.database.prisma;
  const session = await db.liveSession.findUniqueOrThrow({ where: { id: rawId(rival.LiveSession) } });
  const reward = await db.reward.findUniqueOrThrow({ where: { id: rawId(rival.Reward) } });
  return {
    redemptions: await db.redemption.count(),
    memberships: await db.membership.count(),
    contributions: await db.likeContribution.count(),
    likes: await db.likeCampaign.findMany({ select: { totalLikes: true }, orderBy: { campaignId: 'asc' } }),
    points: await db.pointsEntry.count(),
    session: session.status,
    stock: reward.stock,
  };
}

describe('queries', () => {
  it('node and nodes answer null for foreign ids (operator token), and own ids resolve', async ({ t }) => {
    for (const type of Object.keys(rival)) {
      const res = await t.ok(`query($a: ID!, $b: ID!) { a: node(id: $a) { id } b: node(id: $b) { id } }`, { a: rival[type], b: own[type] }, owner);
      expect(res, type).toEqual({ a: null, b: { id: own[type] } });
    }
    const many = await t.ok(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [own.Fan, rival.Fan, rival.Order, own.Order] }, owner);
    expect(many.nodes).toEqual([{ id: own.Fan }, null, null, { id: own.Order }]);
  });

  it('filters by foreign ids return nothing', async ({ t }) => {
    const res = await t.ok(
      `query($c: ID!, $f: ID!, $s: ID!) { fans(filter: { communityId: $c }) { totalCount } byFan: orders(fanId: $f) { totalCount } bySession: orders(liveSessionId: $s) { totalCount } pointsLedger(fanId: $f, first: 5) { nodes { id } } }`,
      { c: rival.Community, f: rival.Fan, s: rival.LiveSession },
      owner,
    );
    expect(res).toEqual({ fans: { totalCount: 0 }, byFan: { totalCount: 0 }, bySession: { totalCount: 0 }, pointsLedger: { nodes: [] } });
  });

  it("a partner key's persisted node lookup of a foreign fan answers null", async ({ t }) => {
    const { authorization } = await partnerKey(t, 'demo', ['read']);
    const hash = hashOf(manifest, 'PartnerFanProfile');
    expect((await post(t.app, persisted(hash, { id: rival.Fan }), { authorization })).body).toEqual({ data: { node: null } });
    expect((await post(t.app, persisted(hash, { id: own.Fan }), { authorization })).body.data.node.id).toBe(own.Fan);
  });
});

describe('mutations with foreign ids answer NOT_FOUND and change nothing', () => {
  const result = `__typename ... on DomainError { code }`;

  it('redeemReward (fan token and operator token)', async ({ t }) => {
    const before = await snapshot(t);
    const q = `mutation($i: RedeemRewardInput!) { redeemReward(input: $i) { ${result} } }`;
    const byFan = await t.ok(q, { i: { rewardId: rival.Reward, idempotencyKey: 'probe-reward-1' } }, fan.authorization);
    expect(byFan.redeemReward).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    const forForeignFan = await t.ok(q, { i: { rewardId: own.Reward, fanId: rival.Fan, idempotencyKey: 'probe-reward-2' } }, owner);
    expect(forForeignFan.redeemReward).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    expect(await snapshot(t)).toEqual(before);
  });

  it("joinCommunity with another organization's invite code (fan token)", async ({ t }) => {
    const before = await snapshot(t);
    const code = (await t.database.prisma.community.findUniqueOrThrow({ where: { id: rawId(rival.Community) } })).inviteCode;
    const res = await t.ok(
      `mutation($i: JoinCommunityInput!) { joinCommunity(input: $i) { ${result} } }`,
      { i: { inviteCode: code } },
      fan.authorization,
    );
    expect(res.joinCommunity).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    expect(await snapshot(t)).toEqual(before);
  });

  it('goLive on a foreign session (operator token)', async ({ t }) => {
    const before = await snapshot(t);
    const res = await t.ok(`mutation($s: ID!) { goLive(sessionId: $s) { ${result} } }`, { s: rival.LiveSession }, owner);
    expect(res.goLive).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    expect(await snapshot(t)).toEqual(before);
  });

  it('sendLikes to a foreign campaign (fan token, operator token, partner key)', async ({ t }) => {
    const before = await snapshot(t);
    const q = `mutation($i: SendLikesInput!) { sendLikes(input: $i) { ${result} } }`;
    expect((await t.ok(q, { i: { campaignId: rival.Campaign, taps: 10 } }, fan.authorization)).sendLikes).toEqual({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
    });
    expect((await t.ok(q, { i: { campaignId: own.Campaign, fanId: rival.Fan, taps: 10 } }, owner)).sendLikes).toEqual({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
    });
    const { authorization } = await partnerKey(t, 'demo', ['likes']);
    const byKey = await post(
      t.app,
      persisted(hashOf(manifest, 'PartnerSendLikes'), { input: { campaignId: rival.Campaign, fanId: own.Fan, taps: 10 } }),
      { authorization },
    );
    expect(byKey.body.data.sendLikes).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    expect(await snapshot(t)).toEqual(before);
    // The same calls with own ids do change things, so the probes above could have.
    expect((await t.ok(q, { i: { campaignId: own.Campaign, taps: 10 } }, fan.authorization)).sendLikes.__typename).toBe('MutationSendLikesSuccess');
  });
});

describe('subscriptions with foreign ids are refused', () => {
  const ACTIVITY = `subscription($c: ID!) { communityActivity(communityId: $c) { kind count } }`;
  const SESSION = `subscription($s: ID!) { liveSessionEvents(sessionId: $s) { kind status } }`;

  it('over graphql-ws with an operator token', async ({ t }) => {
    const client = wsClient(server.url, owner);
    for (const [query, variables] of [
      [ACTIVITY, { c: rival.Community }],
      [SESSION, { s: rival.LiveSession }],
    ] as const) {
      const sub = wsSubscribe(client, query, variables);
      await expect(sub.waitFor(1, 5_000)).rejects.toThrow(/NOT_FOUND|not found/);
      expect(sub.items).toEqual([]);
    }
  });

  it('over SSE with an operator token; an own session streams its events', async ({ t }) => {
    const foreign = sseSubscribe(server.url, SESSION, { s: rival.LiveSession }, owner);
    await expect(foreign.waitFor(1, 5_000)).rejects.toThrow(/not found/i);
    const listening = t.listening();
    const mine = sseSubscribe(server.url, SESSION, { s: own.LiveSession }, owner);
    await listening;
    await t.ok(`mutation($s: ID!) { goLive(sessionId: $s) { __typename } }`, { s: own.LiveSession }, owner);
    expect((await mine.waitFor(1))[0].liveSessionEvents).toEqual({ kind: 'STATUS', status: 'LIVE' });
    mine.stop();
    foreign.stop();
  });

  it('a fan token may not open operator streams at all', async ({ t }) => {
    const sub = wsSubscribe(wsClient(server.url, fan.authorization), ACTIVITY, { c: own.Community });
    await expect(sub.waitFor(1, 5_000)).rejects.toThrow(/FORBIDDEN|Not allowed/);
  });
});
