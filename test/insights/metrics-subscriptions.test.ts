// Live dashboards: organizationMetrics and communityMetrics send today's numbers first, then each
// change within about a second (at most one message a second), over graphql-ws and SSE, and never
// another tenant's numbers or groups. A change wakes the hub through the commit's NOTIFY, not a poll.
import { afterAll, describe, expect } from 'vitest';
import { type RunningServer, startServer } from '../../src/core/server.js';
import { METRICS_FALLBACK_POLL_MS, METRICS_MIN_INTERVAL_MS } from '../../src/insights/live/hub.js';
import { disposeClients, sseSubscribe, wsClient, wsSubscribe } from '../helpers/clients.js';
import { gid } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

let server: RunningServer;
let groupId: string;
let otherGroupId: string;
let n = 0;

const it = useTestApp({ fans: 20 });
it.beforeAll(async ({ t }) => {
  const groups = await t.database.prisma.community.findMany({ where: { orgId: t.orgId }, orderBy: { id: 'asc' }, take: 2 });
  [groupId, otherGroupId] = groups.map((g) => gid('Community', g.id));
  server = await startServer(t.app, { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2_000 });
});
afterAll(async () => {
  await disposeClients();
  await server?.stop();
});

const FIELDS = 'window { from to } orders gmvCents buyers messages activeMembers';
const ORG = `subscription { organizationMetrics { ${FIELDS} } }`;
const GROUP = `subscription($c: ID!) { communityMetrics(communityId: $c) { ${FIELDS} } }`;

async function order(t: SeededTestApp, communityId: string | null, amountCents = 12_345) {
  const res = await t.ok(`mutation($o: [OrderImportRow!]!) { importOrders(input: { orders: $o }) { __typename } }`, {
    o: [{ externalId: `live-${++n}`, fanExternalId: 'u100001', amountCents, placedAt: new Date().toISOString(), communityId }],
  });
  expect(res.importOrders.__typename).toBe('MutationImportOrdersSuccess');
}

describe('metrics subscriptions', () => {
  it("organizationMetrics over graphql-ws: today's numbers first, then each change within about a second", async ({ t }) => {
    const today = await t.ok(`{ organizationMetrics(window: { lastDays: 1 }) { ${FIELDS} } }`);
    const sub = wsSubscribe(wsClient(server.url, 'Dev demo'), ORG);
    const [first] = await sub.waitFor(1);
    expect(first.organizationMetrics).toEqual(today.organizationMetrics);
    const started = Date.now();
    await order(t, null);
    const [, second] = await sub.waitFor(2, 5_000);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(second.organizationMetrics.orders).toBe(first.organizationMetrics.orders + 1);
    expect(second.organizationMetrics.gmvCents).toBe(first.organizationMetrics.gmvCents + 12_345);
    const after = await t.ok(`{ organizationMetrics(window: { lastDays: 1 }) { ${FIELDS} } }`);
    expect(second.organizationMetrics).toEqual(after.organizationMetrics);
    sub.stop();
  });

  it('sends at most one message a second however fast the numbers change, the last one exact', async ({ t }) => {
    const sub = wsSubscribe(wsClient(server.url, 'Dev demo'), ORG);
    await sub.waitFor(1);
    const started = Date.now();
    for (let i = 0; i < 12; i++) {
      await order(t, null, 100);
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 1_500));
    const seconds = (Date.now() - started) / 1000;
    expect(sub.items.length - 1).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    expect(sub.items.length).toBeGreaterThan(2);
    const now = await t.ok(`{ organizationMetrics(window: { lastDays: 1 }) { ${FIELDS} } }`);
    expect(sub.items[sub.items.length - 1].organizationMetrics).toEqual(now.organizationMetrics);
    sub.stop();
  });

  it("communityMetrics over SSE: the group's numbers, changed by its own orders only", async ({ t }) => {
    const sub = sseSubscribe(`${server.url}/graphql`, GROUP, { c: groupId }, 'Dev demo');
    const [first] = await sub.waitFor(1);
    const q = await t.ok(`query($c: ID!) { communityMetrics(communityId: $c, window: { lastDays: 1 }) { ${FIELDS} } }`, { c: groupId });
    expect(first.communityMetrics).toEqual(q.communityMetrics);
    await order(t, otherGroupId);
    await order(t, groupId, 5_000);
    const [, second] = await sub.waitFor(2, 5_000);
    expect(second.communityMetrics.orders).toBe(first.communityMetrics.orders + 1);
    expect(second.communityMetrics.gmvCents).toBe(first.communityMetrics.gmvCents + 5_000);
    sub.stop();
  });

  it('push a change when it lands (the commit notifies), not at the next poll', async ({ t }) => {
    const sub = wsSubscribe(wsClient(server.url, 'Dev demo'), GROUP, { c: groupId });
    const [first] = await sub.waitFor(1);
    // Past the one-message-a-second gate, so the next message may go out as soon as the change is read.
    await new Promise((r) => setTimeout(r, METRICS_MIN_INTERVAL_MS));
    const started = Date.now();
    await order(t, groupId, 777);
    const [, second] = await sub.waitFor(2, 5_000);
    expect(second.communityMetrics.gmvCents).toBe(first.communityMetrics.gmvCents + 777);
    // Well inside the safety-net poll: only the notification can have woken the hub this early.
    expect(Date.now() - started).toBeLessThan(METRICS_FALLBACK_POLL_MS / 2);
    sub.stop();
  });

  it("never reach across tenants: another tenant's group is NOT_FOUND, and its orders never move our numbers", async ({ t }) => {
    const probe = wsSubscribe(wsClient(server.url, 'Dev rival'), GROUP, { c: groupId });
    await expect(probe.waitFor(1, 5_000)).rejects.toThrow(/NOT_FOUND|not found/);
    const rival = sseSubscribe(`${server.url}/graphql`, ORG, {}, 'Dev rival');
    const [first] = await rival.waitFor(1);
    await order(t, null);
    await order(t, groupId);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(rival.items).toEqual([first]);
    rival.stop();
    const fan = wsSubscribe(wsClient(server.url, 'Dev demo/fan:u100001'), ORG);
    await expect(fan.waitFor(1, 5_000)).rejects.toThrow(/FORBIDDEN|Not allowed/);
  });
});
