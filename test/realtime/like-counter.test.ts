// The live like counter over both transports: current state first, then coalesced updates
// (≤ ~10 a second) with the exact running total; scoped to the caller's organization.
import { afterAll, describe, expect } from 'vitest';
import { type RunningServer, startServer } from '../../src/core/server.js';
import { createTestApp } from '../helpers/app.js';
import { disposeClients, sseSubscribe, wsClient, wsSubscribe } from '../helpers/clients.js';
import { seedTwoTenants } from '../helpers/fixtures.js';
import { gid, rawId } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

let server: RunningServer;

const it = useTestApp({ fans: 20 });
it.beforeAll(async ({ t }) => {
  server = await startServer(t.app, { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2_000 });
});
afterAll(async () => {
  await disposeClients();
  await server?.stop();
});

const COUNTER = /* GraphQL */ `subscription($c: ID!) { likeCampaign(campaignId: $c) { total target milestonesReached delta ratePerSecond at } }`;
const SEND = /* GraphQL */ `mutation($i: SendLikesInput!) { sendLikes(input: $i) { __typename ... on DomainError { code message } } }`;

async function runningLikeCampaign(t: SeededTestApp, name: string) {
  const c = await t.database.prisma.campaign.create({
    data: { orgId: t.orgId, kind: 'LIKE', name, status: 'RUNNING', like: { create: { targetLikes: 100_000, milestoneEvery: 1_000 } } },
  });
  return gid('Campaign', c.id);
}

async function burst(t: SeededTestApp, campaignId: string, batches: number) {
  const fans = await t.database.prisma.fan.findMany({ where: { orgId: t.orgId }, take: 10, select: { externalId: true } });
  let sum = 0;
  const sends = [];
  for (let i = 0; i < batches; i++) {
    const taps = 1 + ((i * 37) % 50);
    sum += taps;
    sends.push(t.ok(SEND, { i: { campaignId, taps } }, `Dev demo/fan:${fans[i % fans.length].externalId}`));
    if (i % 20 === 19) await Promise.all(sends.splice(0));
  }
  const results = await Promise.all(sends);
  expect(results.every((r) => r.sendLikes.__typename === 'MutationSendLikesSuccess')).toBe(true);
  return sum;
}

describe('likeCampaign subscription', () => {
  it('over graphql-ws: state first, then coalesced exact totals ending at the durable total', async ({ t }) => {
    const campaignId = await runningLikeCampaign(t, 'ws counter');
    await t.ok(SEND, { i: { campaignId, taps: 5 } }, 'Dev demo/fan:u100000');
    const sub = wsSubscribe(wsClient(server.url, 'Dev demo'), COUNTER, { c: campaignId });
    const [first] = await sub.waitFor(1);
    expect(first.likeCampaign).toMatchObject({ total: 5, target: 100_000, milestonesReached: 0, delta: 0 });
    const started = Date.now();
    const sum = await burst(t, campaignId, 200);
    const durable = (await t.database.prisma.likeCampaign.findFirstOrThrow({ where: { campaignId: rawId(campaignId) } })).totalLikes;
    expect(durable).toBe(5 + sum);
    // The last message arrives within ~one interval of the last batch and carries the exact total.
    await expect.poll(() => sub.items.at(-1)?.likeCampaign.total, { timeout: 5_000 }).toBe(durable);
    const elapsed = (Date.now() - started) / 1000;
    const updates = sub.items.slice(1);
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.length).toBeLessThanOrEqual(Math.ceil(elapsed * 10) + 2);
    // Deltas add up to the growth since the first message; totals never go backwards.
    expect(updates.reduce((s, u) => s + u.likeCampaign.delta, 0)).toBe(sum);
    const totals = sub.items.map((m) => m.likeCampaign.total);
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    expect(updates.every((u) => u.likeCampaign.ratePerSecond >= 0)).toBe(true);
    sub.stop();
  });

  it('over SSE: a fan watching the counter sees the running total', async ({ t }) => {
    const campaignId = await runningLikeCampaign(t, 'sse counter');
    const sse = sseSubscribe(server.url, COUNTER, { c: campaignId }, 'Dev demo/fan:u100001');
    const [first] = await sse.waitFor(1);
    expect(first.likeCampaign.total).toBe(0);
    const sum = await burst(t, campaignId, 40);
    await expect.poll(() => sse.items.at(-1)?.likeCampaign.total, { timeout: 5_000 }).toBe(sum);
    sse.stop();
  });

  it('many watchers with different selections share one campaign stream; each gets its own shape and the exact total', async ({ t }) => {
    const campaignId = await runningLikeCampaign(t, 'shared counter');
    const TOTALS = `subscription($c: ID!) { likeCampaign(campaignId: $c) { total delta } }`;
    const STAMPS = `subscription Stamps($c: ID!) { likeCampaign(campaignId: $c) { at total target } }`;
    const client = wsClient(server.url, 'Dev demo');
    const opener = wsSubscribe(client, TOTALS, { c: campaignId });
    await opener.waitFor(1);
    // Once one watcher has read the campaign, later joins read nothing but their credential.
    const { result: watchers, statements } = await t.countStatements(async () => {
      const totals = Array.from({ length: 20 }, () => wsSubscribe(client, TOTALS, { c: campaignId }));
      const stamps = Array.from({ length: 5 }, () => wsSubscribe(wsClient(server.url, 'Dev demo'), STAMPS, { c: campaignId }));
      await Promise.all([...totals, ...stamps].map((s) => s.waitFor(1)));
      return { totals: [opener, ...totals], stamps };
    });
    expect(statements.filter((q) => /LikeCampaign/.test(q))).toEqual([]);
    const { totals, stamps } = watchers;
    const sum = await burst(t, campaignId, 100);
    for (const s of [...totals, ...stamps]) await expect.poll(() => s.items.at(-1)?.likeCampaign.total, { timeout: 5_000 }).toBe(sum);
    for (const s of totals) {
      expect(s.items.every((m) => Object.keys(m.likeCampaign).join() === 'total,delta')).toBe(true);
      expect(s.items.reduce((n, m) => n + m.likeCampaign.delta, 0)).toBe(sum);
    }
    for (const s of stamps)
      expect(s.items.every((m) => Object.keys(m.likeCampaign).join() === 'at,total,target' && m.likeCampaign.target === 100_000)).toBe(true);
    for (const s of [...totals, ...stamps]) s.stop();

    // Once everyone has left, a new watcher of the same campaign still gets live updates.
    await expect.poll(() => t.services.likeCounters.watching(campaignId)).toBe(0);
    const late = wsSubscribe(wsClient(server.url, 'Dev demo'), TOTALS, { c: campaignId });
    const [first] = await late.waitFor(1);
    expect(first.likeCampaign).toEqual({ total: sum, delta: 0 });
    const more = await burst(t, campaignId, 10);
    await expect.poll(() => late.items.at(-1)?.likeCampaign.total, { timeout: 5_000 }).toBe(sum + more);
    late.stop();
  });

  it("refuses another organization's campaign and anonymous callers", async ({ t }) => {
    const rival = await t.database.prisma.campaign.findFirstOrThrow({ where: { org: { slug: 'rival' }, kind: 'LIKE' } });
    const foreign = wsSubscribe(wsClient(server.url, 'Dev demo'), COUNTER, { c: gid('Campaign', rival.id) });
    await expect(foreign.waitFor(1, 5_000)).rejects.toThrow(/not found/i);
    const anon = wsSubscribe(wsClient(server.url), COUNTER, { c: gid('Campaign', rival.id) });
    await expect(anon.waitFor(1, 5_000)).rejects.toThrow(/Authentication required|UNAUTHENTICATED/);
  });
});

describe('fan-out budget', () => {
  it('an instance past its message budget slows every watcher evenly, and totals stay exact', async ({ t }) => {
    // A budget of 20 messages a second shared by 4 watchers: one update every 200 ms each, not every 100.
    const small = await createTestApp({ env: { COUNTER_MESSAGES_PER_SECOND: '20' } });
    const own = await startServer(small.app, { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2_000 });
    try {
      const { demoOrgId } = await seedTwoTenants(small, 10);
      const c = await small.database.prisma.campaign.create({
        data: {
          orgId: demoOrgId,
          kind: 'LIKE',
          name: 'budget',
          status: 'RUNNING',
          like: { create: { targetLikes: 100_000, milestoneEvery: 1_000 } },
        },
      });
      const campaignId = gid('Campaign', c.id);
      const watchers = Array.from({ length: 4 }, () => wsSubscribe(wsClient(own.url, 'Dev demo'), COUNTER, { c: campaignId }));
      await Promise.all(watchers.map((w) => w.waitFor(1)));
      const fan = (await small.database.prisma.fan.findFirstOrThrow({ where: { orgId: demoOrgId } })).externalId;
      const started = Date.now();
      let sum = 0;
      while (Date.now() - started < 1_500) {
        await small.ok(SEND, { i: { campaignId, taps: 7 } }, `Dev demo/fan:${fan}`);
        sum += 7;
      }
      for (const w of watchers) await expect.poll(() => w.items.at(-1)?.likeCampaign.total, { timeout: 5_000 }).toBe(sum);
      const elapsed = (Date.now() - started) / 1000;
      for (const w of watchers) {
        expect(w.items.length - 1).toBeLessThanOrEqual(Math.ceil(elapsed * 5) + 2);
        expect(w.items.slice(1).reduce((n, m) => n + m.likeCampaign.delta, 0)).toBe(sum);
      }
      for (const w of watchers) w.stop();
    } finally {
      await own.stop();
      await small.dispose();
    }
  });
});

describe('shutdown', () => {
  it('closes graphql-ws sockets with 1001 so clients reconnect, and ends SSE streams', async ({ t }) => {
    const own = await startServer(t.app, { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2_000 });
    const client = wsClient(own.url, 'Dev demo');
    const closed = new Promise<number>((resolve) => client.on('closed', (e) => resolve((e as { code: number }).code)));
    const campaignId = await runningLikeCampaign(t, 'shutdown');
    const sub = wsSubscribe(client, COUNTER, { c: campaignId });
    const sse = sseSubscribe(own.url, COUNTER, { c: campaignId }, 'Dev demo');
    await Promise.all([sub.waitFor(1), sse.waitFor(1)]);
    const stopping = Date.now();
    await own.stop();
    expect(await closed).toBe(1001);
    // Open streams do not hold the stop up until the shutdown timeout: they are ended at once.
    expect(Date.now() - stopping).toBeLessThan(1_500);
    sse.stop();
  });
});
