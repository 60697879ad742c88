// Wishes close the loop: when a line-up item fulfils a wish, every fan who made or voted for it hears
// about it once (a WISH_FULFILLED reminder on their own stream) and partners get a `wish.fulfilled`
// event per fan; fans who opted out get neither, and fans of other wishes or tenants nothing.
import { describe, expect } from 'vitest';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';
import { FAN_REMINDERS, newFan, newSession, ok, Q, subscribe } from './live-helpers.js';

const it = useTestApp({ fans: 5 });

const ADD = `mutation($i: AddLineupItemInput!) { r: addLineupItem(input: $i) { __typename
  ... on MutationAddLineupItemSuccess { data { remindedCount item { id productName } fulfilledWishes { id status } } } ... on Error { code field message } } }`;
const UPDATE = `mutation($i: UpdateLineupItemInput!) { r: updateLineupItem(input: $i) { __typename
  ... on MutationUpdateLineupItemSuccess { data { remindedCount fulfilledWishes { id } } } ... on Error { code field message } } }`;

/** The wish.fulfilled events enqueued for partners (the queue is not running in this file). */
async function wishEvents(t: SeededTestApp) {
  const { rows } = await t.database.pool.query<{ payload: unknown }>(
    `SELECT j.payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks k ON k.id = j.task_id
     WHERE k.identifier = 'outbound.event' ORDER BY j.id`,
  );
  return rows
    .flatMap((r) => (Array.isArray(r.payload) ? r.payload : [r.payload]))
    .filter((e: { kind: string; orgId: string }) => e.kind === 'wish.fulfilled' && e.orgId === t.orgId) as {
    data: { fanId: string; wishIds: string[]; itemId: string; productName: string };
  }[];
}

describe('a line-up item that fulfils wishes', () => {
  it('reminds each maker and voter once, skips opted-out fans and everyone else, and emits wish.fulfilled per fan', async ({ t }) => {
    await ok(
      t,
      `mutation($i: CreateWebhookEndpointInput!) { r: createWebhookEndpoint(input: $i) { __typename ... on MutationCreateWebhookEndpointSuccess { data { endpoint { id } } } } }`,
      {
        i: { url: 'https://partner.example.com/hooks', eventKinds: ['WISH_FULFILLED'], description: 'wish loop' },
      },
    );
    const [maker, voter, both, optedOut, bystander] = [
      await newFan(t, t.orgId, 'demo'),
      await newFan(t, t.orgId, 'demo'),
      await newFan(t, t.orgId, 'demo'),
      await newFan(t, t.orgId, 'demo', { optedOut: true }),
      await newFan(t, t.orgId, 'demo'),
    ];
    const pillow = await ok(t, Q.makeWish, { i: { productName: 'Silk pillowcase' } }, maker.as);
    await ok(t, Q.voteWish, { i: { wishId: pillow.wish.id } }, voter.as);
    await ok(t, Q.voteWish, { i: { wishId: pillow.wish.id } }, both.as);
    await ok(t, Q.voteWish, { i: { wishId: pillow.wish.id } }, optedOut.as);
    // `both` also wished for the mask; one item answers both wishes, and `both` is reminded once.
    const mask = await ok(t, Q.makeWish, { i: { productName: 'Silk eye mask' } }, both.as);
    await ok(t, Q.makeWish, { i: { productName: 'Steam iron' } }, bystander.as);

    const everyone = [maker, voter, both, optedOut, bystander];
    const streams = await Promise.all(everyone.map((f) => subscribe(t, FAN_REMINDERS, {}, f.as)));
    try {
      const s = await newSession(t);
      const bundle = await ok(t, ADD, { i: { sessionId: s.id, productName: 'Mulberry silk pillowcase and silk eye mask set', priceCents: 19_900 } });
      expect(bundle.fulfilledWishes.map((w: { id: string }) => w.id).sort()).toEqual([pillow.wish.id, mask.wish.id].sort());
      expect(bundle.remindedCount).toBe(3);
      const got = await Promise.all([streams[0].waitFor(1), streams[1].waitFor(1), streams[2].waitFor(1)]);
      const expected = { kind: 'WISH_FULFILLED', sessionId: s.id, itemId: bundle.item.id, productName: bundle.item.productName };
      for (const events of got) expect(events.map((e) => e.data.fanReminders)).toEqual([expect.objectContaining(expected)]);
      // A bound for the absence checks (opted-out fan, bystander), not a wait for an event.
      await new Promise((r) => setTimeout(r, 100));
      expect(streams[2].events).toHaveLength(1);
      expect(streams[3].events).toEqual([]);
      expect(streams[4].events).toEqual([]);

      const events = await wishEvents(t);
      expect(events.map((e) => e.data.fanId).sort()).toEqual([maker.id, voter.id, both.id].sort());
      const ofBoth = events.find((e) => e.data.fanId === both.id)!;
      expect(ofBoth.data.wishIds).toHaveLength(2);
      expect(ofBoth.data.productName).toBe('Mulberry silk pillowcase and silk eye mask set');
    } finally {
      await Promise.all(streams.map((x) => x.close()));
    }
  });

  it('an item that fulfils nothing reminds no one; a rename that fulfils a wish reminds its fans', async ({ t }) => {
    const fan = await newFan(t, t.orgId, 'demo');
    await ok(t, Q.makeWish, { i: { productName: 'Jasmine pearl tea' } }, fan.as);
    const stream = await subscribe(t, FAN_REMINDERS, {}, fan.as);
    try {
      const s = await newSession(t);
      const plain = await ok(t, ADD, { i: { sessionId: s.id, productName: 'Bamboo towel', priceCents: 2_900 } });
      expect(plain).toMatchObject({ remindedCount: 0, fulfilledWishes: [] });
      const renamed = await ok(t, UPDATE, { i: { itemId: plain.item.id, productName: 'Jasmine pearl tea 250g' } });
      expect(renamed.remindedCount).toBe(1);
      const [e] = await stream.waitFor(1);
      expect(e.data.fanReminders).toMatchObject({ kind: 'WISH_FULFILLED', itemId: plain.item.id, productName: 'Jasmine pearl tea 250g' });
    } finally {
      await stream.close();
    }
  });
});
