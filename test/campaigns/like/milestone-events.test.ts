// milestone.reached leaves through the webhooks exactly once per milestone, even when many like batches
// cross milestones at the same moment: it is emitted in the transaction that claims the milestone.
import { afterAll, describe, expect } from 'vitest';
import { gid } from '../../helpers/ids.js';
import { useTestApp } from '../../helpers/test-app.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.js';

const it = useTestApp({ fans: 5 });
let receiver: WebhookReceiver;
it.beforeAll(async ({ t }) => {
  receiver = await startWebhookReceiver();
  await receiver.register(t, ['MILESTONE_REACHED']);
});
afterAll(() => receiver?.close());

const SEND = `mutation($input: SendLikesInput!) { sendLikes(input: $input) { __typename
  ... on MutationSendLikesSuccess { data { newlyReached } } ... on Error { code } } }`;

describe('milestone.reached', () => {
  it('60 parallel batches crossing 10 milestones (capped at the target): each milestone is sent once', async ({ t }) => {
    const c = await t.database.prisma.campaign.create({
      data: { orgId: t.orgId, kind: 'LIKE', name: 'Hot moment', status: 'RUNNING', like: { create: { targetLikes: 100, milestoneEvery: 10 } } },
    });
    const fans = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.database.prisma.fan.create({ data: { orgId: t.orgId, externalId: `ms-${i}`, displayName: `Milestone fan ${i}` } }),
      ),
    );
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        t.ok(SEND, { input: { campaignId: gid('Campaign', c.id), fanId: gid('Fan', fans[i % 20]!.id), taps: 3 } }),
      ),
    );
    const answered = results.flatMap((r) => r.sendLikes.data.newlyReached as number[]).sort((a, b) => a - b);
    expect(answered).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await t.services.jobs.drain();
    const sent = receiver.events('milestone.reached').filter((e) => e.data.campaignId === c.id);
    expect(sent.map((e) => e.data.milestone).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(sent.find((e) => e.data.milestone === 4)?.data).toMatchObject({ likes: 40, targetLikes: 100, name: 'Hot moment' });
    // Later batches past the target reach no new milestone and send nothing.
    await t.ok(SEND, { input: { campaignId: gid('Campaign', c.id), fanId: gid('Fan', fans[0]!.id), taps: 50 } });
    await t.services.jobs.drain();
    expect(receiver.events('milestone.reached').filter((e) => e.data.campaignId === c.id)).toHaveLength(10);
  });
});
