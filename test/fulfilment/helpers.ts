// Setting up prizes owed to fans for the fulfilment tests: fans with points, rewards, and each source
// driven through the API as its clients call it.
import { expect } from 'vitest';
import { graphql } from '../generated/index.js';
import { gid } from '../helpers/ids.js';
import type { SeededTestApp } from '../helpers/test-app.js';

let seq = 0;

export async function newFan(t: SeededTestApp, points = 0, org: 'demo' | 'rival' = 'demo') {
  const externalId = `ful-${++seq}`;
  const orgId = org === 'demo' ? t.orgId : t.rivalOrgId;
  const fan = await t.database.prisma.fan.create({
    data: { orgId, externalId, displayName: `Nanjing-dry skin·${externalId}`, pointsBalance: points },
  });
  return { id: fan.id, gid: gid('Fan', fan.id), as: `Dev ${org}/fan:${externalId}` };
}

export async function newReward(t: SeededTestApp, stock: number, costPoints: number, as = 'Dev demo') {
  const r = await t.ok(
    graphql(`mutation FulNewReward($i: CreateRewardInput!) { createReward(input: $i) { ... on MutationCreateRewardSuccess { data { id } } } }`),
    { i: { name: `Face towel ${++seq}`, shelf: 'ESSENTIALS', costPoints, stock } },
    as,
  );
  return (r.createReward as { data: { id: string } }).data.id;
}

export const REDEEM = graphql(`
  mutation FulRedeem($input: RedeemRewardInput!) {
    redeemReward(input: $input) {
      __typename
      ... on MutationRedeemRewardSuccess { data { id } }
      ... on Error { code message field }
    }
  }
`);

/** A fan redeems a reward: the fulfilment it owes, read back through the fan's own view. */
export async function redeem(t: SeededTestApp, fan: { as: string }, rewardId: string) {
  const res = await t.ok(REDEEM, { input: { rewardId, idempotencyKey: `ful-${++seq}-key` } }, fan.as);
  expect(res.redeemReward.__typename).toBe('MutationRedeemRewardSuccess');
  const mine = await t.ok(MY_FULFILMENTS, {}, fan.as);
  return mine.viewer.fan!.fulfilments.nodes[0];
}

export const MY_FULFILMENTS = graphql(`
  query FulMine {
    viewer { fan { fulfilments(first: 20) { totalCount nodes { id item status source address { name phone city } campaign { id } } } } }
  }
`);

export const SAVE_ADDRESS = graphql(`
  mutation FulSaveAddress($input: SaveShippingAddressInput!) {
    saveShippingAddress(input: $input) {
      __typename
      ... on MutationSaveShippingAddressSuccess { data { id isDefault phone } }
      ... on Error { code message field }
    }
  }
`);

export const address = (name = 'Li Na') => ({ name, phone: '138-0013 8000', province: 'Zhejiang', city: 'Hangzhou', address: '1 West Lake Rd' });

export const SHIP = graphql(`
  mutation FulShip($input: MarkFulfilmentsShippedInput!) {
    markFulfilmentsShipped(input: $input) {
      __typename
      ... on MutationMarkFulfilmentsShippedSuccess { data { id status carrier trackingNumber shippedAt } }
      ... on Error { code message field }
    }
  }
`);

export const CANCEL = graphql(`
  mutation FulCancel($id: ID!) {
    cancelFulfilment(fulfilmentId: $id) {
      __typename
      ... on MutationCancelFulfilmentSuccess { data { id status cancelledAt } }
      ... on Error { code message field }
    }
  }
`);

export const rowsOf = (t: SeededTestApp, where: { sourceKind?: 'REDEMPTION' | 'FISSION_CLAIM' | 'LIKE_DRAW' | 'LOTTERY_SPIN'; fanId?: string }) =>
  t.database.prisma.fulfilment.findMany({ where });

const CREATE = graphql(`
  mutation FulCreateCampaign($input: CreateCampaignInput!) {
    createCampaign(input: $input) { __typename ... on MutationCreateCampaignSuccess { data { id } } ... on Error { code message field } }
  }
`);
const SCHEDULE = graphql(`mutation FulSchedule($id: ID!) { scheduleCampaign(campaignId: $id) { __typename } }`);
const START = graphql(`mutation FulStart($id: ID!) { startCampaign(campaignId: $id) { __typename } }`);

/** A campaign created, scheduled and started through the API, as an operator runs one. */
export async function runningCampaign(t: SeededTestApp, input: Record<string, unknown>, as = 'Dev demo'): Promise<string> {
  const created = await t.ok(CREATE, { input } as never, as);
  expect(created.createCampaign.__typename, JSON.stringify(created.createCampaign)).toBe('MutationCreateCampaignSuccess');
  const id = (created.createCampaign as { data: { id: string } }).data.id;
  await t.ok(SCHEDULE, { id }, as);
  await t.ok(START, { id }, as);
  return id;
}

export const SPIN = graphql(`
  mutation FulSpin($input: SpinLotteryInput!) {
    spinLottery(input: $input) {
      __typename
      ... on MutationSpinLotterySuccess { data { id won day prize { name kind points } } }
      ... on Error { code message field }
    }
  }
`);
