// The live like counter for dashboards and the live room: the current state first, then updates
// coalesced to at most ten a second per subscriber, however fast batches arrive.
import { orgOf } from '../../core/acting.js';
import { builder } from '../../core/builder.js';
import { notFound } from '../../core/errors.js';
import { coalesced } from '../../core/streams.js';
import { CampaignRef } from '../schema.js';
import './events.js';

/** Coalescing interval: ≤ 10 messages/s per subscriber, never staler than this. */
export const LIKE_COUNTER_INTERVAL_MS = 100;

interface LikeCounter {
  total: number;
  target: number;
  milestonesReached: number;
  delta: number;
  ratePerSecond: number;
  at: Date;
}

const LikeCounterRef = builder.simpleObject('LikeCounter', {
  description: "A like campaign's live counter.",
  fields: (t) => ({
    total: t.int({ description: 'Exact running total of accepted likes.' }),
    target: t.int({ description: 'The target the room is aiming for.' }),
    milestonesReached: t.int({ description: 'Milestones reached so far.' }),
    delta: t.int({ description: 'Likes since the previous message to this subscriber (0 in the first message).' }),
    ratePerSecond: t.float({ description: 'Likes per second since the previous message.' }),
    at: t.field({ type: 'DateTime', description: 'When this message was sent.' }),
  }),
});

builder.subscriptionFields((t) => ({
  likeCampaign: t.field({
    type: LikeCounterRef,
    description: 'Live like count of one campaign: first the current state, then at most ten updates a second with the exact total.',
    authScopes: { operator: true, fan: true, partner: 'read' },
    args: { campaignId: t.arg.globalID({ for: CampaignRef, required: true, description: 'The like campaign.' }) },
    subscribe: async (_root, { campaignId }, ctx) => {
      const orgId = orgOf(ctx.viewer);
      // Listen before reading the durable state, so no batch falls between the two.
      const events = ctx.pubsub.subscribe('likeCampaign', campaignId.id);
      const like = await ctx.db.likeCampaign.findFirst({ where: { campaignId: campaignId.id, campaign: { orgId, kind: 'LIKE' } } });
      if (!like) {
        await events.return?.();
        throw notFound('Like campaign', 'campaignId');
      }
      const state = { total: like.totalLikes, milestonesReached: like.milestonesReached };
      let sent = { total: like.totalLikes, at: Date.now() };
      const snapshot = (): LikeCounter => {
        const now = Date.now();
        const delta = state.total - sent.total;
        const seconds = Math.max((now - sent.at) / 1000, 0.001);
        sent = { total: state.total, at: now };
        return { ...state, target: like.targetLikes, delta, ratePerSecond: Math.round((delta / seconds) * 10) / 10, at: new Date(now) };
      };
      // Batches on different instances may publish out of commit order; totals only grow, so the
      // largest one seen is the exact running total.
      async function* updates() {
        for await (const e of events) {
          state.total = Math.max(state.total, e.total);
          state.milestonesReached = Math.max(state.milestonesReached, e.milestonesReached);
          yield e;
        }
      }
      return coalesced(snapshot(), updates(), snapshot, LIKE_COUNTER_INTERVAL_MS);
    },
    resolve: (counter) => counter,
  }),
}));
