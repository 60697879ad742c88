// The member-day wheel as operators set it up through the API: "no prize" has a weight (unset, it weighs
// as much as all prizes together, so a wheel no longer wins every spin), and a wheel can recur on a
// weekday of the organization's time zone with a spin cap per occurrence.
import { afterEach, describe, expect, vi } from 'vitest';
import { spinWheel } from '../../../src/campaigns/lottery/wheel.js';
import { address, newFan, runningCampaign, SAVE_ADDRESS, SPIN } from '../../fulfilment/helpers.js';
import { graphql } from '../../generated/index.js';
import { rawId } from '../../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../../helpers/test-app.js';

const it = useTestApp({ fans: 5 });
afterEach(() => vi.useRealTimers());

const WHEEL = graphql(`query WheelSettings($id: ID!) { node(id: $id) { ... on Campaign {
  lottery { missWeight recurOn perOccurrenceSpinCap nextOccurrence } prizes { id weight stock } } } }`);

/** `n` spins by one fan; every spin's outcome must be the one its recorded seed gives (reproducible). */
async function spinMany(t: SeededTestApp, campaignId: string, n: number) {
  const fan = await newFan(t);
  await t.ok(SAVE_ADDRESS, { input: address() }, fan.as);
  const wheel = (await t.ok(WHEEL, { id: campaignId })).node as { lottery: { missWeight: number }; prizes: { id: string; weight: number }[] };
  const slots = wheel.prizes.map((p) => ({ id: rawId(p.id), weight: p.weight }));
  let wins = 0;
  for (let i = 0; i < n; i++) {
    const res = await t.ok(SPIN, { input: { campaignId } }, fan.as);
    expect(res.spinLottery.__typename).toBe('MutationSpinLotterySuccess');
    if ((res.spinLottery as { data: { won: boolean } }).data.won) wins++;
  }
  const spins = await t.database.prisma.lotterySpin.findMany({ where: { campaignId: rawId(campaignId) } });
  for (const s of spins) expect(s.prizeId).toBe(spinWheel(s.seed, slots, wheel.lottery.missWeight));
  return { wins, fan };
}

const wheelInput = (name: string, lottery: Record<string, unknown>) => ({
  kind: 'LOTTERY',
  name,
  lottery: { perFanDailyCap: 100, perFanTotalCap: 1000, prizes: [{ name: 'Hand cream', weight: 1, stock: 1000 }], ...lottery },
});

describe('the "no prize" weight', () => {
  // Bounds at more than 4 standard deviations: a correct wheel fails them about once in 30,000 runs,
  // while the old behaviour (every spin wins while stock lasts) always fails them.
  it('unset, half the spins miss: 100 spins win between 25 and 75 times, each as its recorded seed says', async ({ t }) => {
    const id = await runningCampaign(t, wheelInput('Default odds', {}));
    expect(((await t.ok(WHEEL, { id })).node as { lottery: { missWeight: number } }).lottery.missWeight).toBe(1);
    const { wins, fan } = await spinMany(t, id, 100);
    expect(wins).toBeGreaterThanOrEqual(25);
    expect(wins).toBeLessThanOrEqual(75);
    // Each goods win owes one fulfilment, each miss none.
    expect(await t.database.prisma.fulfilment.count({ where: { fanId: fan.id, sourceKind: 'LOTTERY_SPIN' } })).toBe(wins);
  });

  it('set to 3 against a prize weight of 1: 100 spins win between 6 and 45 times', async ({ t }) => {
    const id = await runningCampaign(t, wheelInput('Long odds', { missWeight: 3 }));
    const { wins } = await spinMany(t, id, 100);
    expect(wins).toBeGreaterThanOrEqual(6);
    expect(wins).toBeLessThanOrEqual(45);
  });

  it('refuses a points prize without points, or points on a goods prize, and creates nothing', async ({ t }) => {
    const CREATE = graphql(
      `mutation WheelCreateBad($input: CreateCampaignInput!) { createCampaign(input: $input) { __typename ... on Error { code field message } } }`,
    );
    const before = await t.database.prisma.campaign.count();
    const bad = await t.ok(CREATE, {
      input: wheelInput('Bad', {
        prizes: [
          { name: 'P', weight: 1, stock: 1, kind: 'POINTS' },
          { name: 'G', weight: 1, stock: 1, points: 5 },
        ],
      }),
    } as never);
    expect(bad.createCampaign).toMatchObject({ code: 'VALIDATION', field: 'input.lottery.prizes.0.points' });
    expect((bad.createCampaign as { message: string }).message).toMatch(/2 problems/);
    expect(await t.database.prisma.campaign.count()).toBe(before);
  });
});

describe('a recurring wheel', () => {
  it("opens only on its weekday in the organization's time zone, with a spin cap per occurrence", async ({ t }) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-19T04:00:00Z')); // Thursday noon in Shanghai
    const id = await runningCampaign(
      t,
      wheelInput('Member day', { recurOn: 'FRIDAY', perOccurrenceSpinCap: 3, perFanDailyCap: 1, perFanTotalCap: 10, missWeight: 0 }),
    );
    const settings = (await t.ok(WHEEL, { id })).node as { lottery: Record<string, unknown> };
    expect(settings.lottery).toEqual({ missWeight: 0, recurOn: 'FRIDAY', perOccurrenceSpinCap: 3, nextOccurrence: '2026-11-20' });
    const fans = await Promise.all(Array.from({ length: 5 }, () => newFan(t)));
    const spin = (fan: { as: string }) => t.ok(SPIN, { input: { campaignId: id } }, fan.as);

    vi.setSystemTime(new Date('2026-11-19T15:30:00Z')); // Thursday 23:30 in Shanghai: closed
    expect((await spin(fans[0])).spinLottery).toMatchObject({ code: 'CAMPAIGN_NOT_RUNNING', field: 'input.campaignId' });

    vi.setSystemTime(new Date('2026-11-19T16:30:00Z')); // Friday 00:30 in Shanghai (still Thursday in UTC): open
    const friday = await Promise.all(fans.map(spin));
    const outcomes = friday.map((r) => (r.spinLottery.__typename === 'MutationSpinLotterySuccess' ? 'OK' : (r.spinLottery as { code: string }).code));
    expect(outcomes.filter((o) => o === 'OK')).toHaveLength(3);
    expect(outcomes.filter((o) => o === 'CAP_REACHED')).toHaveLength(2);
    expect(await t.database.prisma.lotterySpin.count({ where: { campaignId: rawId(id) } })).toBe(3);

    vi.setSystemTime(new Date('2026-11-21T04:00:00Z')); // Saturday: closed again
    expect((await spin(fans[4])).spinLottery).toMatchObject({ code: 'CAMPAIGN_NOT_RUNNING' });
    vi.setSystemTime(new Date('2026-11-27T04:00:00Z')); // the next Friday: a new occurrence, a fresh cap
    const next = await Promise.all(fans.slice(0, 4).map(spin));
    expect(next.filter((r) => r.spinLottery.__typename === 'MutationSpinLotterySuccess')).toHaveLength(3);
    const days = await t.database.prisma.lotteryOccurrence.findMany({ where: { campaignId: rawId(id) }, orderBy: { day: 'asc' } });
    expect(days.map((d) => [d.day.toISOString().slice(0, 10), d.spins])).toEqual([
      ['2026-11-20', 3],
      ['2026-11-27', 3],
    ]);
  });

  it("gives out a capped prize's share once per occurrence, however many fans race for it", async ({ t }) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-20T04:00:00Z')); // a Friday in Shanghai
    const id = await runningCampaign(
      t,
      wheelInput('Towel Fridays', {
        recurOn: 'FRIDAY',
        perFanDailyCap: 1,
        perFanTotalCap: 10,
        missWeight: 0,
        prizes: [{ name: 'Towel', weight: 1, stock: 100, perOccurrence: 2 }],
      }),
    );
    const fans = await Promise.all(Array.from({ length: 6 }, () => newFan(t)));
    const winsOn = async () =>
      (await Promise.all(fans.map((f) => t.ok(SPIN, { input: { campaignId: id } }, f.as)))).filter(
        (r) => r.spinLottery.__typename === 'MutationSpinLotterySuccess' && (r.spinLottery as { data: { won: boolean } }).data.won,
      ).length;
    expect(await winsOn()).toBe(2);
    vi.setSystemTime(new Date('2026-11-27T04:00:00Z')); // the next Friday: a fresh share
    expect(await winsOn()).toBe(2);
    const prize = await t.database.prisma.prize.findFirstOrThrow({ where: { campaignId: rawId(id) } });
    expect(prize.stock).toBe(96);
    expect(await t.database.prisma.lotterySpin.count({ where: { prizeId: prize.id } })).toBe(4);
  });
});
