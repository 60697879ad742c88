// The live like counter for dashboards and the live room: the current state first, then updates
// coalesced to at most ten a second per campaign, however fast batches arrive (see counter-hub.ts).
import { orgOf } from '../../core/acting.js';
import { builder } from '../../core/builder.js';
import { notFound } from '../../core/errors.js';
import { CampaignRef } from '../types.js';

const LikeCounterRef = builder.simpleObject('LikeCounter', {
  description: "A like campaign's live counter.",
  fields: (t) => ({
    total: t.int({ description: 'Exact running total of accepted likes.' }),
    target: t.int({ description: 'The target the room is aiming for.' }),
    milestonesReached: t.int({ description: 'Milestones reached so far.' }),
    delta: t.int({
      description: 'Likes since the previous message to this subscriber (0 in the first message); the deltas add up to the growth of the total.',
    }),
    ratePerSecond: t.float({ description: 'Likes per second since the previous message.' }),
    at: t.field({ type: 'DateTime', description: 'When this message was sent.' }),
  }),
});

builder.subscriptionFields((t) => ({
  likeCampaign: t.field({
    type: LikeCounterRef,
    description:
      'Live like count of one campaign: first the current state, then at most ten updates a second with the exact total (fewer when the instance serves more watchers than its message budget allows).',
    authScopes: { operator: true, fan: true, partner: 'read' },
    args: { campaignId: t.arg.globalID({ for: CampaignRef, required: true, description: 'The like campaign.' }) },
    // Every watcher of a campaign gets the same snapshots: executed once, not once per watcher.
    extensions: { broadcast: true },
    subscribe: async (_root, { campaignId }, ctx) => {
      const orgId = orgOf(ctx.viewer);
      // Listen before reading the durable state, so no batch falls between the two.
      const hub = ctx.services.likeCounters.hub(campaignId.id);
      const release = hub.hold();
      try {
        const known = hub.known(orgId);
        if (known) return hub.watch(orgId, known);
        const like = await ctx.db.likeCampaign.findFirst({ where: { campaignId: campaignId.id, campaign: { orgId, kind: 'LIKE' } } });
        if (!like) throw notFound('Like campaign', 'campaignId');
        return hub.watch(orgId, { total: like.totalLikes, milestonesReached: like.milestonesReached, target: like.targetLikes });
      } finally {
        release();
      }
    },
    resolve: (counter) => counter,
  }),
}));
