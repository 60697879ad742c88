// The dashboard's server part without a browser: where the page is served (development yes,
// production only with DASHBOARD=true), the development-only demo sign-in, the page's operations
// running as persisted hashes where ad-hoc documents are refused (production), and the demo traffic
// that keeps the demo organization moving through the services.
import { describe, expect } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/core/config.js';
import { createLogger } from '../../src/core/logger.js';
import { loadManifest } from '../../src/core/persisted.js';
import { startDemoTraffic } from '../../src/demo/traffic.js';
import { gid } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';
import { hashOf, operatorBearer, persisted, post } from '../security/security-helpers.js';

const it = useTestApp({ fans: 20 });
const PRODUCTION = { NODE_ENV: 'production', AUTH_SECRET: 'p'.repeat(40), LOG_LEVEL: 'silent' };

const appWith = (t: SeededTestApp, env: Record<string, string>) =>
  createApp({ config: loadConfig(env), database: t.database, pubsub: t.pubsub, logger: createLogger('silent'), services: t.services });

describe('/dashboard', () => {
  it('is served outside production, with the one-click demo sign-in whose token works as an operator’s', async ({ t }) => {
    const page = await t.app.fetch('http://test/dashboard');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('data-demo-sign-in="on"');
    expect(html).toContain('<script type="module" src="/dashboard/dashboard.js">');

    const demo = await t.app.fetch('http://test/dashboard/demo-token');
    expect(demo.status).toBe(200);
    const { token } = (await demo.json()) as { token: string };
    const who = await post(t.app, { query: '{ viewer { kind operator { email role } organizationId } }' }, { authorization: `Bearer ${token}` });
    expect(who.body.data.viewer).toMatchObject({ kind: 'OPERATOR', operator: { email: 'owner@demo.test', role: 'OWNER' } });

    expect((await t.app.fetch('http://test/dashboard/nothing-here')).status).toBe(404);
    expect((await t.app.fetch('http://test/dashboard', { method: 'POST' })).status).toBe(405);
  });

  it('is off in production unless DASHBOARD=true, and never offers the demo sign-in there', async ({ t }) => {
    const off = appWith(t, PRODUCTION);
    expect((await off.fetch('http://test/dashboard')).status).toBe(404);
    expect((await off.fetch('http://test/dashboard/demo-token')).status).toBe(404);

    const on = appWith(t, { ...PRODUCTION, DASHBOARD: 'true' });
    const page = await on.fetch('http://test/dashboard');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-demo-sign-in="off"');
    const demo = await on.fetch('http://test/dashboard/demo-token');
    expect(demo.status).toBe(404);
    expect(await demo.text()).not.toMatch(/eyJ/);
  });

  it("runs the page's operations by hash where only persisted operations are accepted, with the signed-in operator's organization only", async ({
    t,
  }) => {
    const app = appWith(t, { ...PRODUCTION, DASHBOARD: 'true' });
    const manifest = loadManifest();
    const authorization = await operatorBearer(t, 'demo', 'owner@demo.test', { settings: { secret: PRODUCTION.AUTH_SECRET } });
    const adhoc = await post(app, { query: '{ campaigns(kinds: [LIKE]) { nodes { id } } }' }, { authorization });
    expect(adhoc.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');

    const campaigns = await post(app, persisted(hashOf(manifest, 'DashboardLikeCampaigns')), { authorization });
    expect(campaigns.body.errors).toBeUndefined();
    const names = campaigns.body.data.campaigns.nodes.map((c: { name: string }) => c.name);
    const running = await t.database.prisma.campaign.findMany({ where: { orgId: t.orgId, kind: 'LIKE', status: 'RUNNING' } });
    expect(names.sort()).toEqual(running.map((c) => c.name).sort());

    for (const name of ['DashboardSignedIn', 'DashboardGroupRanking']) {
      const r = await post(app, persisted(hashOf(manifest, name)), { authorization });
      expect(r.body.errors, name).toBeUndefined();
    }
    const sessions = await post(app, persisted(hashOf(manifest, 'DashboardLiveSessions'), { from: '2026-01-01T00:00:00Z' }), { authorization });
    expect(sessions.body.errors).toBeUndefined();
    const rivalSessions = await t.database.prisma.liveSession.findMany({ where: { orgId: t.rivalOrgId }, select: { title: true, id: true } });
    const ids = sessions.body.data.liveSessions.nodes.map((s: { id: string }) => s.id).join(' ');
    for (const s of rivalSessions) expect(ids).not.toContain(gid('LiveSession', s.id));

    // Without a credential the page gets nothing.
    const anonymous = await post(app, persisted(hashOf(manifest, 'DashboardLikeCampaigns')));
    expect(anonymous.body.data?.campaigns).toBeFalsy();
  });
});

describe('demo traffic', () => {
  it('sends likes to the running demo like campaign and records group activity through the services, until stopped', async ({ t }) => {
    const campaign = await t.database.prisma.campaign.findFirstOrThrow({ where: { orgId: t.orgId, kind: 'LIKE', status: 'RUNNING' } });
    const rivalCampaign = await t.database.prisma.campaign.findFirstOrThrow({ where: { orgId: t.rivalOrgId, kind: 'LIKE', status: 'RUNNING' } });
    const totalOf = async (id: string) => (await t.database.prisma.likeCampaign.findUniqueOrThrow({ where: { campaignId: id } })).totalLikes;
    const eventsOf = (orgId: string) =>
      t.database.prisma.activityEvent.count({ where: { orgId, kind: { in: ['MESSAGE_POSTED', 'LIKE_BURST', 'BUYER_SHOW_POSTED', 'KOC_ACTION'] } } });
    const [likes0, events0, rivalLikes0, rivalEvents0] = await Promise.all([
      totalOf(campaign.id),
      eventsOf(t.orgId),
      totalOf(rivalCampaign.id),
      eventsOf(t.rivalOrgId),
    ]);

    const logger = createLogger('silent');
    const traffic = startDemoTraffic({ db: t.database.prisma, pubsub: t.pubsub, services: t.services, logger, everyMs: 20 });
    try {
      await expect.poll(() => totalOf(campaign.id), { timeout: 20_000 }).toBeGreaterThan(likes0);
      await expect.poll(() => eventsOf(t.orgId), { timeout: 20_000 }).toBeGreaterThan(events0);
    } finally {
      await traffic.stop();
    }
    // The other tenant was never touched.
    expect([await totalOf(rivalCampaign.id), await eventsOf(t.rivalOrgId)]).toEqual([rivalLikes0, rivalEvents0]);
  });
});
