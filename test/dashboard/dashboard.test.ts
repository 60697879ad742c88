// The live dashboard in a real browser (Debian's chromium through playwright-core), against the real
// HTTP + WebSocket server on a random port: signing in (and a refused token), like counters that reach
// the acknowledged total within 2 s, the activity feed and its filters, a live session changing as it
// goes live and puts an item on sale, and nothing of another tenant. Screenshots of the wide and phone
// layouts go to .test-results/screenshots/ (test artifacts).
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { onListening } from '../../src/core/pubsub.js';
import { type RunningServer, startServer } from '../../src/core/server.js';
import { browserRequired, findChromium, launchChromium, MISSING_BROWSER } from '../helpers/browser.js';
import { gid } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

const executable = findChromium();
if (!executable) console.warn(`\n⚠ test/dashboard: ${MISSING_BROWSER}\n`);

const SCREENSHOTS = '.test-results/screenshots';
const it = useTestApp({ fans: 30 });

let server: RunningServer;
let browser: Browser;
let base = '';

/** Resolves when the server has a subscriber on a pub/sub topic starting with `prefix` (e.g. `activity:<org>`). */
function listeningOn(t: SeededTestApp, prefix: string): Promise<void> {
  return new Promise((resolve) => {
    const stop = onListening(t.pubsub, (topic) => {
      if (!topic.startsWith(prefix)) return;
      stop();
      resolve();
    });
  });
}

/** A GraphQL request to the running server, as any client would send it. */
// Each test reads the fields its own document selected.
type Data = Record<string, any>;

async function send(query: string, variables: Record<string, unknown>, authorization = 'Dev demo'): Promise<Data> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Data; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data!;
}

async function signedIn(width = 1280, height = 900): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto(`${base}/dashboard`);
  await page.click('[data-testid=demo-sign-in]');
  await page.waitForSelector('[data-testid=connection][data-state=connected]', { timeout: 15_000 });
  return page;
}

test.runIf(!executable && browserRequired)('chromium is installed (required under CI=true / REQUIRE_BROWSER=1)', () => {
  throw new Error(MISSING_BROWSER);
});

describe.skipIf(!executable)(`the live dashboard in chromium${executable ? '' : ' (skipped: chromium not installed)'}`, () => {
  it.beforeAll(async ({ t }) => {
    server = await startServer(t.app, { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 1_000 });
    base = server.url.replace(/\/graphql$/, '');
    browser = await launchChromium(executable!);
    mkdirSync(SCREENSHOTS, { recursive: true });
    return async () => {
      await browser?.close();
      await server?.stop();
    };
  });

  it('a wrong token gets a clear message and no dashboard', async ({ t }) => {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/dashboard`);
      await page.fill('textarea[name=token]', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJub2JvZHkifQ.bm90LXNpZ25lZA');
      await page.click('button[type=submit]');
      const message = await page.waitForSelector('[data-testid=signin-error]', { timeout: 5_000 });
      expect(await message.textContent()).toMatch(/^Sign-in failed: the token was refused \(.+\)\. Paste a current operator token\.$/);
      expect(await page.$('[data-testid=connection]')).toBeNull();
      // A fan's credential is refused too: the dashboard is for operators.
      const fan = await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: t.orgId } });
      await page.fill('textarea[name=token]', `Dev demo/fan:${fan.externalId}`);
      await page.click('button[type=submit]');
      await page.waitForFunction(() => document.querySelector('[data-testid=signin-error]')?.textContent?.includes('for operators'), null, {
        timeout: 5_000,
      });
    } finally {
      await page.close();
    }
  });

  it('signs in, and the like counter reaches the acknowledged total within 2 s; no other tenant shows', async ({ t }) => {
    const campaign = await t.database.prisma.campaign.create({
      data: {
        orgId: t.orgId,
        kind: 'LIKE',
        name: 'Browser test: 5k likes',
        status: 'RUNNING',
        like: { create: { targetLikes: 5_000, milestoneEvery: 500 } },
      },
    });
    const page = await signedIn();
    try {
      const card = `[data-testid=campaign][data-campaign="${gid('Campaign', campaign.id)}"]`;
      await page.waitForSelector(card, { timeout: 5_000 });
      expect(await page.textContent(`${card} [data-testid=campaign-total]`)).toBe('0');

      // Twelve fans tap at once, three batches each, through the server's API.
      const fans = await t.database.prisma.fan.findMany({ where: { orgId: t.orgId }, take: 12, orderBy: { externalId: 'asc' } });
      const answers = await Promise.all(
        fans.flatMap((f) =>
          [37, 50, 13].map((taps) =>
            send(
              'mutation Tap($i: SendLikesInput!) { sendLikes(input: $i) { ... on MutationSendLikesSuccess { data { totalLikes } } } }',
              { i: { campaignId: gid('Campaign', campaign.id), taps } },
              `Dev demo/fan:${f.externalId}`,
            ),
          ),
        ),
      );
      const acknowledged = Math.max(...answers.map((a) => a.sendLikes.data.totalLikes));
      expect(acknowledged).toBe(12 * 100);
      await page.waitForFunction(
        ([selector, text]) => document.querySelector(selector!)?.textContent === text,
        [`${card} [data-testid=campaign-total]`, '1,200'],
        { timeout: 2_000 },
      );
      expect(await page.textContent(`${card} [data-testid=campaign-milestones]`)).toContain('2 milestones');

      // Only this organization's running like campaigns are on the page.
      const shown = await page.$$eval('[data-testid=campaign]', (cards) => cards.map((c) => c.getAttribute('data-campaign')));
      const ours = await t.database.prisma.campaign.findMany({ where: { orgId: t.orgId, kind: 'LIKE', status: 'RUNNING' }, select: { id: true } });
      expect(shown.sort()).toEqual(ours.map((c) => gid('Campaign', c.id)).sort());
      const rivals = await t.database.prisma.campaign.findMany({ where: { orgId: t.rivalOrgId }, select: { id: true } });
      const html = await page.content();
      for (const r of rivals) expect(html).not.toContain(gid('Campaign', r.id));
    } finally {
      await page.close();
    }
  });

  it('shows recorded activity in the feed, filtered by group kind, and never another tenant’s', async ({ t }) => {
    const listening = listeningOn(t, `activity:${t.orgId}`);
    const page = await signedIn();
    try {
      await listening;
      const groups = await t.database.prisma.community.findMany({
        where: { orgId: { in: [t.orgId, t.rivalOrgId] } },
        select: { id: true, kind: true, orgId: true },
      });
      const vip = groups.find((g) => g.orgId === t.orgId && g.kind === 'VIP')!;
      const vertical = groups.find((g) => g.orgId === t.orgId && g.kind === 'VERTICAL')!;
      const rivalVip = groups.find((g) => g.orgId === t.rivalOrgId && g.kind === 'VIP')!;
      const record = (communityId: string, count: number, as = 'Dev demo') =>
        send(
          'mutation Record($i: RecordActivityBatchInput!) { recordActivityBatch(input: $i) { ... on MutationRecordActivityBatchSuccess { data { accepted } } } }',
          { i: { events: [{ communityId: gid('Community', communityId), kind: 'MESSAGE_POSTED', count }] } },
          as,
        );
      await record(rivalVip.id, 4_321, 'Dev rival');
      await record(vertical.id, 17);
      await page.waitForSelector('[data-testid=feed-item][data-kind=MESSAGE_POSTED]:has-text("message posted ×17")', { timeout: 5_000 });
      expect(await page.textContent('[data-testid=feed]')).not.toContain('4,321');

      // Only VIP groups: the page subscribes again with the filter.
      const refiltered = listeningOn(t, `activity:${t.orgId}`);
      await page.selectOption('[data-testid=filter-group]', 'VIP');
      await refiltered;
      await record(vertical.id, 18);
      await record(vip.id, 19);
      await page.waitForSelector('[data-testid=feed-item]:has-text("×19")', { timeout: 5_000 });
      const feed = await page.$$eval('[data-testid=feed-item]', (items) => items.map((i) => i.textContent));
      expect(feed).toHaveLength(1);
      expect(feed[0]).toContain('vip');
    } finally {
      await page.close();
    }
  });

  it('follows a live session: going live, an item on sale, reservations, reported numbers', async ({ t }) => {
    const session = await t.database.prisma.liveSession.create({
      data: {
        orgId: t.orgId,
        title: 'Browser test live',
        host: 'Lumi',
        status: 'SCHEDULED',
        scheduledAt: new Date(Date.now() - 30 * 3_600_000),
        items: { create: [{ orgId: t.orgId, productName: 'Jade bracelet', priceCents: 19_900, position: 0 }] },
      },
      include: { items: true },
    });
    const sessionId = gid('LiveSession', session.id);
    const listening = listeningOn(t, `liveSession:${session.id}`);
    const page = await signedIn();
    try {
      const card = `[data-testid=session][data-session="${sessionId}"]`;
      await page.waitForSelector(card, { timeout: 5_000 });
      await listening;
      expect(await page.textContent(`${card} [data-testid=session-status]`)).toBe('SCHEDULED');
      expect(await page.textContent(`${card} [data-testid=session-on-sale]`)).toBe('—');

      await send('mutation Go($s: ID!) { goLive(sessionId: $s) { __typename } }', { s: sessionId });
      await page.waitForFunction((s) => document.querySelector(s)?.textContent === 'LIVE', `${card} [data-testid=session-status]`, {
        timeout: 5_000,
      });

      await send('mutation Sale($i: ID!) { putItemOnSale(itemId: $i) { __typename } }', { i: gid('LineupItem', session.items[0]!.id) });
      await page.waitForFunction((s) => document.querySelector(s)?.textContent === 'Jade bracelet', `${card} [data-testid=session-on-sale]`, {
        timeout: 5_000,
      });

      const fan = await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: t.orgId }, orderBy: { externalId: 'desc' } });
      await send(
        'mutation Reserve($i: ReserveSessionInput!) { reserveSession(input: $i) { __typename } }',
        { i: { sessionId } },
        `Dev demo/fan:${fan.externalId}`,
      );
      await page.waitForFunction((s) => document.querySelector(s)?.textContent === '1 reservations', `${card} [data-testid=session-reservations]`, {
        timeout: 5_000,
      });

      await send('mutation Stats($i: ReportLiveStatsInput!) { reportLiveStats(input: $i) { __typename } }', {
        i: { sessionId, viewers: 12_345, likes: 67_890, orderCount: 42, gmvCents: 1_234_500 },
      });
      await page.waitForFunction((s) => document.querySelector(s)?.textContent?.includes('12,345 viewers'), card, { timeout: 5_000 });
      expect(await page.textContent(card)).toContain('¥12,345 GMV');
    } finally {
      await page.close();
    }
  });

  it('lays out wide and phone-sized (screenshots saved as test artifacts)', async () => {
    for (const [name, width, height] of [
      ['wide', 1280, 900],
      ['phone', 390, 844],
    ] as const) {
      const page = await signedIn(width, height);
      try {
        await page.waitForSelector('[data-testid=groups-panel] tbody tr', { timeout: 10_000 });
        const columns = await page.$eval('main.grid', (el) => getComputedStyle(el).gridTemplateColumns.split(' ').length);
        expect(columns).toBe(name === 'wide' ? 2 : 1);
        // Nothing wider than the screen on a phone.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
        await page.screenshot({ path: `${SCREENSHOTS}/dashboard-${name}.png`, fullPage: true });
      } finally {
        await page.close();
      }
    }
  });
});
