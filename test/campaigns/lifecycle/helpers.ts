// Creating and starting campaigns through the API, for the campaign tests.
import { expect } from 'vitest';
import type { TestApp } from '../../helpers/app.js';

export const CREATE = /* GraphQL */ `
  mutation Create($input: CreateCampaignInput!) {
    createCampaign(input: $input) {
      __typename
      ... on MutationCreateCampaignSuccess { data { id kind name status startsAt endsAt community { id } liveSession { id }
        like { targetLikes milestoneEvery winnersPerMilestone perFanWinCap }
        fission { targetInvites prizeName burstLimit burstWindowSecs }
        checkIn { pointsPerCheckIn streakBonuses }
        lottery { perFanDailyCap perFanTotalCap }
        coupon { title discountCents minSpendCents validUntil }
        prizes { name weight stock } } }
      ... on DomainError { code message field }
    }
  }
`;

export const transition = (action: 'schedule' | 'start' | 'end' | 'cancel') => /* GraphQL */ `
  mutation($id: ID!) { ${action}Campaign(campaignId: $id) {
    __typename
    ... on Mutation${action[0].toUpperCase()}${action.slice(1)}CampaignSuccess { data { id status startsAt endsAt } }
    ... on DomainError { code message field }
  } }
`;

/** Creates a campaign and moves it to RUNNING (DRAFT → SCHEDULED → RUNNING); returns its global id. */
export async function runningCampaign(t: TestApp, input: Record<string, unknown>, as?: string): Promise<string> {
  const created = await t.ok(CREATE, { input }, as);
  expect(created.createCampaign.__typename, JSON.stringify(created)).toBe('MutationCreateCampaignSuccess');
  const id = created.createCampaign.data.id as string;
  for (const action of ['schedule', 'start'] as const) {
    const r = await t.ok(transition(action), { id }, as);
    expect(r[`${action}Campaign`].__typename, JSON.stringify(r)).not.toMatch(/Error$/);
  }
  return id;
}

/** The database id inside a global id. */
export { rawId } from '../../helpers/ids.js';
