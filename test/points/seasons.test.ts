// Rewards with seasons: an absolute window and/or a yearly season (month-days in the organization's time
// zone, wrapping the new year) decide when a reward can be redeemed; `active: false` overrides both. The
// catalogue hides what is not available now and shows the shelves in the mall's order.
import { describe, expect } from 'vitest';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 3 });

const DAY = 86_400_000;
/** MM-DD of today + `days` in Asia/Shanghai (the demo organization's zone). */
function monthDay(days: number): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit' }).formatToParts(
    new Date(Date.now() + days * DAY),
  );
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('month')}-${get('day')}`;
}

const CREATE = /* GraphQL */ `mutation($i: CreateRewardInput!) { createReward(input: $i) { __typename
  ... on MutationCreateRewardSuccess { data { id name shelf availableNow availableFrom availableUntil season { start end } } }
  ... on Error { code message field } } }`;
const UPDATE = /* GraphQL */ `mutation($i: UpdateRewardInput!) { updateReward(input: $i) { __typename
  ... on MutationUpdateRewardSuccess { data { availableNow season { start end } availableFrom } } ... on Error { code message field } } }`;
const REDEEM = /* GraphQL */ `mutation($i: RedeemRewardInput!) { redeemReward(input: $i) { __typename
  ... on MutationRedeemRewardSuccess { data { id } } ... on Error { code message field } } }`;
const CATALOGUE = /* GraphQL */ `query($all: Boolean, $order: RewardOrder, $shelf: RewardShelf) {
  rewards(activeOnly: $all, orderBy: $order, shelf: $shelf) { id name shelf costPoints availableNow } }`;

let seq = 0;
async function reward(t: SeededTestApp, availability?: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const r = await t.ok(CREATE, { i: { name: `Seasonal ${++seq}`, shelf: 'SEASONAL', costPoints: 100, stock: 5, availability, ...extra } });
  expect(r.createReward.__typename, JSON.stringify(r)).toBe('MutationCreateRewardSuccess');
  return r.createReward.data as { id: string; name: string; availableNow: boolean; season: { start: string; end: string } | null };
}
async function fanWithPoints(t: SeededTestApp, points = 1_000) {
  const externalId = `season-${++seq}`;
  const fan = await t.database.prisma.fan.create({ data: { orgId: t.orgId, externalId, displayName: externalId, pointsBalance: points } });
  return { id: fan.id, as: `Dev demo/fan:${externalId}` };
}
const redeem = (t: SeededTestApp, fan: { as: string }, rewardId: string) =>
  t.ok(REDEEM, { i: { rewardId, idempotencyKey: `season-key-${++seq}` } }, fan.as).then((r) => r.redeemReward);

describe('yearly seasons', () => {
  it('a season containing today (plain or wrapping the new year) is redeemable; one that does not is refused with NOT_AVAILABLE and nothing changes', async ({
    t,
  }) => {
    const plainIn = await reward(t, { seasonStart: monthDay(-3), seasonEnd: monthDay(3) });
    const wrapIn = await reward(t, { seasonStart: monthDay(5), seasonEnd: monthDay(3) }); // all year but the next days 4–5
    const plainOut = await reward(t, { seasonStart: monthDay(3), seasonEnd: monthDay(5) });
    const wrapOut = await reward(t, { seasonStart: monthDay(5), seasonEnd: monthDay(-3) });
    expect([plainIn, wrapIn, plainOut, wrapOut].map((r) => r.availableNow)).toEqual([true, true, false, false]);
    expect(wrapOut.season).toEqual({ start: monthDay(5), end: monthDay(-3) });

    const fan = await fanWithPoints(t);
    for (const r of [plainIn, wrapIn]) expect((await redeem(t, fan, r.id)).__typename).toBe('MutationRedeemRewardSuccess');
    for (const r of [plainOut, wrapOut]) {
      const refused = await redeem(t, fan, r.id);
      expect(refused).toMatchObject({ __typename: 'NotAvailableError', code: 'NOT_AVAILABLE', field: 'input.rewardId' });
      expect(refused.message).toContain('is in season from');
    }
    const after = await t.database.prisma.fan.findUniqueOrThrow({ where: { id: fan.id } });
    expect(after.pointsBalance).toBe(800);
    const stocks = await t.database.prisma.reward.findMany({ where: { name: { in: [plainOut.name, wrapOut.name] } } });
    expect(stocks.map((s) => s.stock)).toEqual([5, 5]);
    expect(await t.database.prisma.redemption.count({ where: { fanId: fan.id } })).toBe(2);
  });

  it('the catalogue hides rewards out of season or window by default and lists them with activeOnly: false', async ({ t }) => {
    const inSeason = await reward(t, { seasonStart: monthDay(-1), seasonEnd: monthDay(1) });
    const outOfSeason = await reward(t, { seasonStart: monthDay(10), seasonEnd: monthDay(20) });
    const notYet = await reward(t, { from: new Date(Date.now() + DAY).toISOString() });
    const over = await reward(t, { from: new Date(Date.now() - 2 * DAY).toISOString(), until: new Date(Date.now() - DAY).toISOString() });
    const fan = await fanWithPoints(t);
    const shown = (await t.ok(CATALOGUE, { shelf: 'SEASONAL' }, fan.as)).rewards.map((r: { id: string }) => r.id);
    expect(shown).toContain(inSeason.id);
    for (const hidden of [outOfSeason, notYet, over]) expect(shown).not.toContain(hidden.id);
    const all = (await t.ok(CATALOGUE, { shelf: 'SEASONAL', all: false })).rewards as { id: string; availableNow: boolean }[];
    expect(all.filter((r) => [outOfSeason.id, notYet.id, over.id].includes(r.id)).map((r) => r.availableNow)).toEqual([false, false, false]);
    expect((await redeem(t, fan, notYet.id)).code).toBe('NOT_AVAILABLE');
    expect((await redeem(t, fan, over.id)).message).toContain('was available until');
  });
});

describe('the manual toggle and changes', () => {
  it('active: false overrides an open season (INVALID_STATE); a new availability replaces the old, {} makes it always available', async ({ t }) => {
    const r = await reward(t, { seasonStart: monthDay(3), seasonEnd: monthDay(5) });
    const fan = await fanWithPoints(t);
    const moved = await t.ok(UPDATE, { i: { rewardId: r.id, availability: { seasonStart: monthDay(-1), seasonEnd: monthDay(1) } } });
    expect(moved.updateReward.data).toMatchObject({ availableNow: true, season: { start: monthDay(-1), end: monthDay(1) } });
    await t.ok(UPDATE, { i: { rewardId: r.id, active: false } });
    expect(await redeem(t, fan, r.id)).toMatchObject({ code: 'INVALID_STATE' });
    const back = await t.ok(UPDATE, { i: { rewardId: r.id, active: true, availability: {} } });
    expect(back.updateReward.data).toEqual({ availableNow: true, season: null, availableFrom: null });
    expect((await redeem(t, fan, r.id)).__typename).toBe('MutationRedeemRewardSuccess');
  });

  it('refuses a day that does not exist, half a season, a one-day loop and a window that ends before it starts; nothing is written', async ({
    t,
  }) => {
    const before = await t.database.prisma.reward.count({ where: { orgId: t.orgId } });
    const cases: [Record<string, unknown>, string][] = [
      [{ seasonStart: '02-30', seasonEnd: '03-10' }, 'input.availability.seasonStart'],
      [{ seasonStart: '13-01', seasonEnd: '03-10' }, 'input.availability.seasonStart'],
      [{ seasonStart: '11-01' }, 'input.availability.seasonEnd'],
      [{ seasonStart: '11-01', seasonEnd: '11-01' }, 'input.availability.seasonEnd'],
      [{ from: '2027-01-02T00:00:00Z', until: '2027-01-01T00:00:00Z' }, 'input.availability.until'],
    ];
    for (const [availability, field] of cases) {
      const r = await t.ok(CREATE, { i: { name: 'Broken season', shelf: 'SEASONAL', costPoints: 100, stock: 5, availability } });
      expect(r.createReward, JSON.stringify(availability)).toMatchObject({ code: 'VALIDATION', field });
    }
    expect(await t.database.prisma.reward.count({ where: { orgId: t.orgId } })).toBe(before);
    const r = await reward(t);
    const bad = await t.ok(UPDATE, { i: { rewardId: r.id, availability: { seasonStart: '04-31', seasonEnd: '05-10' } } });
    expect(bad.updateReward).toMatchObject({ code: 'VALIDATION' });
    expect((await t.database.prisma.reward.findFirstOrThrow({ where: { name: r.name } })).seasonStartMmdd).toBeNull();
  });
});

describe('shelf order', () => {
  it('the mall shows ASPIRATIONAL, then ESSENTIALS, then SEASONAL, cheapest first within each; orderBy: COST ignores shelves', async ({ t }) => {
    const mall = (await t.ok(CATALOGUE, {})).rewards as { shelf: string; costPoints: number }[];
    const shelves = mall.map((r) => r.shelf);
    expect([...new Set(shelves)]).toEqual(['ASPIRATIONAL', 'ESSENTIALS', 'SEASONAL']);
    expect(shelves).toEqual(
      [...shelves].sort((a, b) => ['ASPIRATIONAL', 'ESSENTIALS', 'SEASONAL'].indexOf(a) - ['ASPIRATIONAL', 'ESSENTIALS', 'SEASONAL'].indexOf(b)),
    );
    for (const shelf of ['ASPIRATIONAL', 'ESSENTIALS', 'SEASONAL']) {
      const costs = mall.filter((r) => r.shelf === shelf).map((r) => r.costPoints);
      expect(costs).toEqual([...costs].sort((a, b) => a - b));
    }
    const byCost = ((await t.ok(CATALOGUE, { order: 'COST' })).rewards as { costPoints: number }[]).map((r) => r.costPoints);
    expect(byCost).toEqual([...byCost].sort((a, b) => a - b));
  });
});
