// Member-day lottery through the API: caps per day (in the organization's time zone) and in total,
// weighted odds, stock that never oversells — and the races: one fan tapping 20 times at once,
// 100 fans after the last 3 units of a prize.
import { afterEach, describe, expect, vi } from 'vitest';
import { spinWheel } from '../../../src/campaigns/lottery/wheel.js';
import { gid } from '../../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../../helpers/test-app.js';

const it = useTestApp({ fans: 20 });
afterEach(() => vi.useRealTimers());

const SPIN = /* GraphQL */ `
  mutation Spin($input: SpinLotteryInput!) {
    spinLottery(input: $input) {
      __typename
      ... on MutationSpinLotterySuccess { data { id won seed day createdAt prize { id name stock } fan { id } } }
      ... on DomainError { code message field }
    }
  }
`;

interface WheelOpts {
  prizes?: { name: string; weight: number; stock: number }[];
  missWeight?: number;
  daily?: number;
  total?: number;
  status?: 'RUNNING' | 'DRAFT' | 'ENDED';
  org?: string;
  kind?: 'LOTTERY' | 'LIKE';
}

async function wheel(t: SeededTestApp, opts: WheelOpts = {}) {
  const {
    prizes = [{ name: 'Face towel', weight: 1, stock: 100 }],
    missWeight = 0,
    daily = 1,
    total = 3,
    status = 'RUNNING',
    org = t.orgId,
    kind = 'LOTTERY',
  } = opts;
  const c = await t.database.prisma.campaign.create({
    data: {
      orgId: org,
      kind,
      name: `Member day ${Math.random()}`,
      status,
      lottery: kind === 'LOTTERY' ? { create: { perFanDailyCap: daily, perFanTotalCap: total, missWeight } } : undefined,
      prizes: { create: prizes.map((p) => ({ orgId: org, ...p })) },
    },
    include: { prizes: true },
  });
  return { id: c.id, gid: gid('Campaign', c.id), prizes: c.prizes };
}

let seq = 0;
async function newFan(t: SeededTestApp, org = t.orgId) {
  const externalId = `spin-fan-${++seq}`;
  const fan = await t.database.prisma.fan.create({ data: { orgId: org, externalId, displayName: `Xiamen-sensitive·${externalId}` } });
  return { id: fan.id, gid: gid('Fan', fan.id), as: `Dev ${org === t.orgId ? 'demo' : 'rival'}/fan:${externalId}` };
}

const spin = (t: SeededTestApp, campaignId: string, as?: string, fanId?: string) =>
  t.ok(SPIN, { input: { campaignId, ...(fanId ? { fanId } : {}) } }, as);
const spinsOf = (t: SeededTestApp, campaignId: string) => t.database.prisma.lotterySpin.count({ where: { campaignId } });
const stockOf = async (t: SeededTestApp, prizeId: string) => (await t.database.prisma.prize.findUniqueOrThrow({ where: { id: prizeId } })).stock;

describe('spinLottery', () => {
  it('a fan spins: wins a prize, the stock drops, the spin is recorded with its seed and readable on the fan', async ({ t }) => {
    const w = await wheel(t, { prizes: [{ name: 'Full-size essence', weight: 10, stock: 5 }] });
    const f = await newFan(t);
    const res = await spin(t, w.gid, f.as);
    const s = res.spinLottery.data;
    expect(res.spinLottery.__typename).toBe('MutationSpinLotterySuccess');
    expect(s).toMatchObject({ won: true, prize: { id: gid('Prize', w.prizes[0].id), name: 'Full-size essence', stock: 4 }, fan: { id: f.gid } });
    expect(s.seed).toMatch(/^[0-9a-f]{32}$/);
    expect(s.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const read = await t.ok(
      `query($id: ID!, $c: ID!) {
      fan: node(id: $id) { ... on Fan { lotterySpins(first: 5) { id won prize { name } } } }
      campaign: node(id: $c) { ... on Campaign { lottery { perFanDailyCap perFanTotalCap missWeight } } }
    }`,
      { id: f.gid, c: w.gid },
    );
    expect(read.fan.lotterySpins).toEqual([{ id: s.id, won: true, prize: { name: 'Full-size essence' } }]);
    expect(read.campaign.lottery).toEqual({ perFanDailyCap: 1, perFanTotalCap: 3, missWeight: 0 });
    const node = await t.ok(`query($id: ID!) { node(id: $id) { ... on LotterySpin { seed } } }`, { id: s.id });
    expect(node.node.seed).toBe(s.seed);
    const rivalView = await t.ok(`query($id: ID!) { node(id: $id) { id } }`, { id: s.id }, 'Dev rival');
    expect(rivalView.node).toBeNull();
  });

  it('"no prize" spins are recorded as misses and leave the stock alone', async ({ t }) => {
    const w = await wheel(t, { prizes: [{ name: 'Rare lipstick', weight: 1, stock: 10 }], missWeight: 1_000_000_000, daily: 5, total: 5 });
    const f = await newFan(t);
    const res = await spin(t, w.gid, 'Dev demo/jujube@demo.test', f.gid);
    expect(res.spinLottery.data).toMatchObject({ won: false, prize: null });
    expect(await stockOf(t, w.prizes[0].id)).toBe(10);
    expect(await spinsOf(t, w.id)).toBe(1);
  });

  it('caps per day and in total refuse with CAP_REACHED and change nothing', async ({ t }) => {
    const w = await wheel(t, { daily: 1, total: 2 });
    const f = await newFan(t);
    expect((await spin(t, w.gid, f.as)).spinLottery.__typename).toBe('MutationSpinLotterySuccess');
    expect((await spin(t, w.gid, f.as)).spinLottery).toMatchObject({ __typename: 'CapReachedError', code: 'CAP_REACHED' });
    expect(await spinsOf(t, w.id)).toBe(1);
    expect(await stockOf(t, w.prizes[0].id)).toBe(99);
    // Yesterday's spin no longer counts toward today's cap, but still toward the total.
    await t.database.prisma.lotterySpin.updateMany({ where: { campaignId: w.id }, data: { day: new Date('2020-01-01') } });
    expect((await spin(t, w.gid, f.as)).spinLottery.__typename).toBe('MutationSpinLotterySuccess');
    await t.database.prisma.lotterySpin.updateMany({ where: { campaignId: w.id }, data: { day: new Date('2020-01-01') } });
    const third = await spin(t, w.gid, f.as);
    expect(third.spinLottery).toMatchObject({ __typename: 'CapReachedError', code: 'CAP_REACHED' });
    expect(third.spinLottery.message).toMatch(/in this campaign/);
    expect(await spinsOf(t, w.id)).toBe(2);
    expect(await stockOf(t, w.prizes[0].id)).toBe(98);
    // Another fan has caps of their own.
    expect((await spin(t, w.gid, (await newFan(t)).as)).spinLottery.__typename).toBe('MutationSpinLotterySuccess');
  });

  it("the daily cap follows the organization's calendar day, not UTC's", async ({ t }) => {
    const w = await wheel(t, { daily: 1, total: 10 });
    const f = await newFan(t);
    vi.useFakeTimers({ toFake: ['Date'] });
    // 23:00 on the 20th in Shanghai (UTC+8)…
    vi.setSystemTime(new Date('2026-11-20T15:00:00Z'));
    expect((await spin(t, w.gid, f.as)).spinLottery.data.day).toBe('2026-11-20');
    // …and 00:30 on the 21st there: a new day, although still the 20th in UTC.
    vi.setSystemTime(new Date('2026-11-20T16:30:00Z'));
    expect((await spin(t, w.gid, f.as)).spinLottery.data.day).toBe('2026-11-21');
    // 23:59 on the 21st in Shanghai: same day as the last spin.
    vi.setSystemTime(new Date('2026-11-21T15:59:00Z'));
    expect((await spin(t, w.gid, f.as)).spinLottery).toMatchObject({ __typename: 'CapReachedError', code: 'CAP_REACHED' });
    expect(await spinsOf(t, w.id)).toBe(2);
  });

  it('refuses with a typed error and changes nothing', async ({ t }) => {
    const w = await wheel(t);
    const f = await newFan(t);
    const other = await newFan(t);
    const rivalFan = await newFan(t, t.rivalOrgId);
    const rival = await wheel(t, { org: t.rivalOrgId });
    const draft = await wheel(t, { status: 'DRAFT' });
    const ended = await wheel(t, { status: 'ENDED' });
    const like = await wheel(t, { kind: 'LIKE', prizes: [] });
    const empty = await wheel(t, { prizes: [{ name: 'Gone', weight: 5, stock: 0 }], missWeight: 10 });
    const cases: [Record<string, unknown>, string | undefined, string, string | null][] = [
      [{ campaignId: w.gid }, undefined, 'VALIDATION', 'input.fanId'],
      [{ campaignId: f.gid, fanId: f.gid }, undefined, 'VALIDATION', 'input.campaignId'],
      [{ campaignId: w.gid, fanId: other.gid }, f.as, 'FORBIDDEN', 'input.fanId'],
      [{ campaignId: rival.gid, fanId: f.gid }, undefined, 'NOT_FOUND', 'input.campaignId'],
      [{ campaignId: w.gid, fanId: rivalFan.gid }, undefined, 'NOT_FOUND', 'input.fanId'],
      [{ campaignId: w.gid, fanId: rivalFan.gid }, 'Dev rival', 'NOT_FOUND', 'input.campaignId'],
      [{ campaignId: draft.gid, fanId: f.gid }, undefined, 'CAMPAIGN_NOT_RUNNING', 'input.campaignId'],
      [{ campaignId: ended.gid, fanId: f.gid }, undefined, 'CAMPAIGN_NOT_RUNNING', 'input.campaignId'],
      [{ campaignId: like.gid, fanId: f.gid }, undefined, 'VALIDATION', 'input.campaignId'],
      [{ campaignId: empty.gid, fanId: f.gid }, undefined, 'OUT_OF_STOCK', 'input.campaignId'],
    ];
    for (const [input, as, code, field] of cases) {
      const res = await t.ok(SPIN, { input }, as);
      expect(res.spinLottery, `${code} ${JSON.stringify(input)}`).toMatchObject({ code, field });
    }
    expect(await t.database.prisma.lotterySpin.count({ where: { campaignId: { in: [w.id, rival.id, draft.id, ended.id, empty.id] } } })).toBe(0);
    expect(await stockOf(t, w.prizes[0].id)).toBe(100);
  });

  it('analysts and anonymous callers may not spin', async ({ t }) => {
    const w = await wheel(t);
    const f = await newFan(t);
    const analyst = await t.gql(SPIN, { input: { campaignId: w.gid, fanId: f.gid } }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const anonymous = await t.gql(SPIN, { input: { campaignId: w.gid, fanId: f.gid } }, null);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await spinsOf(t, w.id)).toBe(0);
  });

  it('20 parallel spins by one fan with a daily cap of 1: exactly one spin', async ({ t }) => {
    const w = await wheel(t, { daily: 1, total: 10 });
    const f = await newFan(t);
    const results = await Promise.all(Array.from({ length: 20 }, () => spin(t, w.gid, f.as)));
    const codes = results.map((r) => r.spinLottery.code ?? 'OK');
    expect(codes.filter((c) => c === 'OK')).toHaveLength(1);
    expect(codes.filter((c) => c === 'CAP_REACHED')).toHaveLength(19);
    expect(await spinsOf(t, w.id)).toBe(1);
    expect(await stockOf(t, w.prizes[0].id)).toBe(99);
  });

  it('100 fans racing for a dominant prize with stock 3: exactly 3 winners, never below zero', async ({ t }) => {
    const w = await wheel(t, { prizes: [{ name: 'Last 3 premium creams', weight: 1_000_000, stock: 3 }], missWeight: 1 });
    const fans = await Promise.all(Array.from({ length: 100 }, () => newFan(t)));
    const results = await Promise.all(fans.map((f) => spin(t, w.gid, f.as)));
    const won = results.filter((r) => r.spinLottery.data?.won);
    expect(won).toHaveLength(3);
    // The rest either lost the race for the last unit (a recorded miss) or found the wheel empty.
    expect(results.every((r) => (r.spinLottery.data ? true : r.spinLottery.code === 'OUT_OF_STOCK'))).toBe(true);
    expect(await stockOf(t, w.prizes[0].id)).toBe(0);
    expect(await t.database.prisma.lotterySpin.count({ where: { campaignId: w.id, prizeId: { not: null } } })).toBe(3);
    expect(await spinsOf(t, w.id)).toBe(results.filter((r) => r.spinLottery.data).length);
  });

  it('60 fans on a wheel of three small prizes: each prize gives out exactly its stock', async ({ t }) => {
    const w = await wheel(t, {
      prizes: [
        { name: 'A', weight: 5, stock: 2 },
        { name: 'B', weight: 3, stock: 3 },
        { name: 'C', weight: 2, stock: 4 },
      ],
      missWeight: 1,
    });
    const fans = await Promise.all(Array.from({ length: 60 }, () => newFan(t)));
    await Promise.all(fans.map((f) => spin(t, w.gid, f.as)));
    for (const p of w.prizes) {
      expect(await stockOf(t, p.id)).toBe(0);
      expect(await t.database.prisma.lotterySpin.count({ where: { prizeId: p.id } })).toBe(p.stock);
    }
  });
});

describe('spinWheel', () => {
  it('lands on each slot in proportion to its weight, "no prize" included', ({ t }) => {
    const prizes = [
      { id: 'b', weight: 3 },
      { id: 'a', weight: 1 },
    ];
    const counts = new Map<string, number>();
    for (let i = 0; i < 8000; i++) {
      const k = spinWheel(`odds-${i}`, prizes, 4) ?? 'miss';
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect(counts.get('a')! / 8000).toBeCloseTo(1 / 8, 1);
    expect(counts.get('b')! / 8000).toBeCloseTo(3 / 8, 1);
    expect(counts.get('miss')! / 8000).toBeCloseTo(4 / 8, 1);
    expect(spinWheel('same', prizes, 4)).toBe(spinWheel('same', [...prizes].reverse(), 4));
    expect(spinWheel('x', [{ id: 'a', weight: 0 }], 0)).toBeNull();
  });
});
