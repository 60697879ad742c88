// Points-mall rules through the API: gifts, redemptions, cancellations — and the races that matter:
// the last unit of stock, a balance drained from many tabs, and retried requests.
import { describe, expect } from 'vitest';
import { gid, rawId } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 30 });

const REDEEM = /* GraphQL */ `
  mutation Redeem($input: RedeemRewardInput!) {
    redeemReward(input: $input) {
      __typename
      ... on MutationRedeemRewardSuccess { data { id points status reward { stock } fan { pointsBalance } } }
      ... on DomainError { code message field }
    }
  }
`;

async function newFan(t: SeededTestApp, balance: number, externalId: string) {
  const fan = await t.database.prisma.fan.create({ data: { orgId: t.orgId, externalId, displayName: `Shanghai-dry skin·${externalId}` } });
  if (balance) {
    const r = await t.ok(`mutation($i: GiftPointsInput!) { giftPoints(input: $i) { __typename ... on DomainError { code } } }`, {
      i: { fanId: gid('Fan', fan.id), points: balance, note: 'test balance', idempotencyKey: `seed-${externalId}` },
    });
    expect(r.giftPoints.__typename).toBe('MutationGiftPointsSuccess');
  }
  return fan;
}

async function newReward(t: SeededTestApp, stock: number, costPoints: number, name = `Reward ${Math.random()}`) {
  const r = await t.ok(
    `mutation($i: CreateRewardInput!) { createReward(input: $i) { ... on MutationCreateRewardSuccess { data { id } } ... on DomainError { code message } } }`,
    {
      i: { name, shelf: 'ESSENTIALS', costPoints, stock },
    },
  );
  return r.createReward.data.id as string;
}

const balanceOf = async (t: SeededTestApp, fanId: string) => (await t.database.prisma.fan.findUniqueOrThrow({ where: { id: fanId } })).pointsBalance;

describe('redeemReward', () => {
  it('spends points, takes one unit, writes a REDEMPTION ledger entry and a feed event', async ({ t }) => {
    const fan = await newFan(t, 500, 'r-basic');
    const rewardId = await newReward(t, 3, 300);
    const res = await t.ok(REDEEM, { input: { rewardId, fanId: gid('Fan', fan.id), idempotencyKey: 'basic-0001' } });
    expect(res.redeemReward).toMatchObject({
      __typename: 'MutationRedeemRewardSuccess',
      data: { points: 300, status: 'COMPLETED', reward: { stock: 2 }, fan: { pointsBalance: 200 } },
    });
    const ledger = await t.ok(`query($f: ID!) { pointsLedger(fanId: $f, first: 1) { nodes { delta balanceAfter reason reference } } }`, {
      f: gid('Fan', fan.id),
    });
    expect(ledger.pointsLedger.nodes[0]).toMatchObject({ delta: -300, balanceAfter: 200, reason: 'REDEMPTION' });
    const feed = await t.ok(`{ activity(kinds: [REWARD_REDEEMED], first: 5) { nodes { fan { id } } } }`);
    expect(feed.activity.nodes.map((e: { fan: { id: string } }) => e.fan.id)).toContain(gid('Fan', fan.id));
  });

  it('a fan redeems for themself; redeeming for another fan is forbidden', async ({ t }) => {
    const fan = await newFan(t, 400, 'r-self');
    const other = await newFan(t, 400, 'r-other');
    const rewardId = await newReward(t, 5, 100);
    const own = await t.ok(REDEEM, { input: { rewardId, idempotencyKey: 'self-00001' } }, 'Dev demo/fan:r-self');
    expect(own.redeemReward.__typename).toBe('MutationRedeemRewardSuccess');
    const foreign = await t.ok(REDEEM, { input: { rewardId, fanId: gid('Fan', other.id), idempotencyKey: 'self-00002' } }, 'Dev demo/fan:r-self');
    expect(foreign.redeemReward).toMatchObject({ __typename: 'ForbiddenError', code: 'FORBIDDEN' });
    expect(await balanceOf(t, fan.id)).toBe(300);
    expect(await balanceOf(t, other.id)).toBe(400);
  });

  it('refuses with a typed error and changes nothing: insufficient points, bad key, foreign reward, off the shelves', async ({ t }) => {
    const fan = await newFan(t, 50, 'r-refusals');
    const rewardId = await newReward(t, 5, 100);
    const cases = [
      [{ rewardId, fanId: gid('Fan', fan.id), idempotencyKey: 'refuse-0001' }, 'INSUFFICIENT_POINTS', null],
      [{ rewardId, fanId: gid('Fan', fan.id), idempotencyKey: 'short' }, 'VALIDATION', 'input.idempotencyKey'],
    ] as const;
    for (const [input, code, field] of cases) {
      const res = await t.ok(REDEEM, { input });
      expect(res.redeemReward).toMatchObject({ code, field });
    }
    const rivalReward = await t.database.prisma.reward.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    const foreign = await t.ok(REDEEM, {
      input: { rewardId: gid('Reward', rivalReward.id), fanId: gid('Fan', fan.id), idempotencyKey: 'refuse-0002' },
    });
    expect(foreign.redeemReward).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND', field: 'input.rewardId' });
    await t.ok(`mutation($i: UpdateRewardInput!) { updateReward(input: $i) { __typename } }`, { i: { rewardId, active: false } });
    await t.ok(`mutation($i: GiftPointsInput!) { giftPoints(input: $i) { __typename } }`, {
      i: { fanId: gid('Fan', fan.id), points: 500, note: 'top up', idempotencyKey: 'topup-refusals' },
    });
    const off = await t.ok(REDEEM, { input: { rewardId, fanId: gid('Fan', fan.id), idempotencyKey: 'refuse-0003' } });
    expect(off.redeemReward).toMatchObject({ __typename: 'InvalidStateError', code: 'INVALID_STATE' });
    expect(await balanceOf(t, fan.id)).toBe(550);
    expect((await t.database.prisma.reward.findUniqueOrThrow({ where: { id: rawId(rewardId) } })).stock).toBe(5);
    expect(await t.database.prisma.redemption.count({ where: { fanId: fan.id } })).toBe(0);
  });

  it('100 parallel redemptions of a reward with stock 1: exactly one succeeds', async ({ t }) => {
    const rewardId = await newReward(t, 1, 10, 'Last full-size serum');
    const fans = await Promise.all(Array.from({ length: 100 }, (_, i) => newFan(t, 10, `race-stock-${i}`)));
    const results = await Promise.all(
      fans.map((f, i) => t.ok(REDEEM, { input: { rewardId, fanId: gid('Fan', f.id), idempotencyKey: `stock-race-${i}` } })),
    );
    const outcomes = results.map((r) => (r.redeemReward.__typename.endsWith('Error') ? r.redeemReward.code : 'OK'));
    expect(outcomes.filter((o) => o === 'OK')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'OUT_OF_STOCK')).toHaveLength(99);
    const id = rawId(rewardId);
    expect((await t.database.prisma.reward.findUniqueOrThrow({ where: { id } })).stock).toBe(0);
    expect(await t.database.prisma.redemption.count({ where: { rewardId: id } })).toBe(1);
    const spent = await t.database.prisma.fan.count({ where: { id: { in: fans.map((f) => f.id) }, pointsBalance: 0 } });
    expect(spent).toBe(1);
  });

  it('50 parallel redemptions draining one balance: never negative, the ledger adds up', async ({ t }) => {
    const fan = await newFan(t, 1_000, 'r-drain');
    const rewardId = await newReward(t, 1_000, 100);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.ok(REDEEM, { input: { rewardId, fanId: gid('Fan', fan.id), idempotencyKey: `drain-${String(i).padStart(4, '0')}` } }),
      ),
    );
    const ok = results.filter((r) => r.redeemReward.__typename === 'MutationRedeemRewardSuccess').length;
    expect(ok).toBe(10);
    expect(results.filter((r) => r.redeemReward.code === 'INSUFFICIENT_POINTS')).toHaveLength(40);
    expect(await balanceOf(t, fan.id)).toBe(0);
    const entries = await t.database.prisma.pointsEntry.findMany({ where: { fanId: fan.id }, orderBy: { createdAt: 'asc' } });
    expect(entries.reduce((s, e) => s + e.delta, 0)).toBe(0);
    expect(entries.every((e) => e.balanceAfter >= 0)).toBe(true);
    expect(entries.filter((e) => e.reason === 'REDEMPTION')).toHaveLength(10);
  });

  it('the same idempotency key sent 20 times at once redeems once', async ({ t }) => {
    const fan = await newFan(t, 1_000, 'r-retry');
    const rewardId = await newReward(t, 50, 100);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => t.ok(REDEEM, { input: { rewardId, fanId: gid('Fan', fan.id), idempotencyKey: 'tap-twice-0001' } })),
    );
    const ids = new Set(results.map((r) => r.redeemReward.data?.id));
    expect(results.every((r) => r.redeemReward.__typename === 'MutationRedeemRewardSuccess')).toBe(true);
    expect(ids.size).toBe(1);
    expect(await balanceOf(t, fan.id)).toBe(900);
  });
});

describe('giftPoints and cancelRedemption', () => {
  it('a gift retried with the same key credits once; analysts may not gift', async ({ t }) => {
    const fan = await newFan(t, 0, 'g-retry');
    const input = { fanId: gid('Fan', fan.id), points: 120, note: 'Buyer show of the week', idempotencyKey: 'gift-buyer-show-1' };
    const q = `mutation($i: GiftPointsInput!) { giftPoints(input: $i) { __typename ... on MutationGiftPointsSuccess { data { delta balanceAfter reason note } } ... on DomainError { code } } }`;
    const [a, b] = await Promise.all([t.ok(q, { i: input }), t.ok(q, { i: input })]);
    expect(a.giftPoints.data).toEqual({ delta: 120, balanceAfter: 120, reason: 'GIFT', note: 'Buyer show of the week' });
    expect(b.giftPoints.data).toEqual(a.giftPoints.data);
    expect(await balanceOf(t, fan.id)).toBe(120);
    const analyst = await t.gql(q, { i: { ...input, idempotencyKey: 'gift-analyst-01' } }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await balanceOf(t, fan.id)).toBe(120);
    const tooMany = await t.ok(q, { i: { ...input, points: 0, idempotencyKey: 'gift-zero-0001' } });
    expect(tooMany.giftPoints).toEqual({ __typename: 'ValidationError', code: 'VALIDATION' });
  });

  it('cancelling returns stock and points once', async ({ t }) => {
    const fan = await newFan(t, 300, 'c-cancel');
    const rewardId = await newReward(t, 1, 300);
    const r = await t.ok(REDEEM, { input: { rewardId, fanId: gid('Fan', fan.id), idempotencyKey: 'cancel-0001' } });
    const q = `mutation($id: ID!) { cancelRedemption(redemptionId: $id) { __typename ... on MutationCancelRedemptionSuccess { data { status reward { stock } } } ... on DomainError { code } } }`;
    const first = await t.ok(q, { id: r.redeemReward.data.id });
    expect(first.cancelRedemption.data).toEqual({ status: 'CANCELLED', reward: { stock: 1 } });
    const again = await t.ok(q, { id: r.redeemReward.data.id });
    expect(again.cancelRedemption).toEqual({ __typename: 'InvalidStateError', code: 'INVALID_STATE' });
    expect(await balanceOf(t, fan.id)).toBe(300);
  });
});
