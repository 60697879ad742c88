// Like-campaign mutations: fans (or operators / the live platform for them) send like batches;
// operators draw a milestone's lottery round.
import { actingFanId, orgOf } from '../../core/acting.js';
import { builder } from '../../core/builder.js';
import { refusals } from '../../core/error-types.js';
import { range, text } from '../../core/input-rules.js';
import { FanRef } from '../../fans/types.js';
import { CampaignRef, LikeDrawRef } from '../types.js';
import { drawLikeMilestone } from './draw.js';
import { sendLikes } from './likes.js';
import { LikeBatchRef } from './types.js';

const SendLikesInput = builder.inputType('SendLikesInput', {
  description: 'Taps a client counted since its last send.',
  fields: (t) => ({
    campaignId: t.globalID({ for: CampaignRef, required: true, description: 'The LIKE campaign (a Campaign id).' }),
    taps: t.int({ required: true, description: 'Taps since the last send.', ...range(1, 1_000) }),
    fanId: t.globalID({ for: FanRef, required: false, description: 'The fan who tapped; omit when the fan calls for themself.' }),
    batchKey: t.string({
      required: false,
      ...text(1, 100),
      description:
        'Your id for this batch, unique per organization for 24 hours. Send it so a retry after a connection error is safe: the same key with the same campaign, fan and taps replays the first answer (replayed: true) and counts nothing; the same key with a different batch is refused (CONFLICT).',
    }),
  }),
});

const DrawLikeMilestoneInput = builder.inputType('DrawLikeMilestoneInput', {
  description: 'Which milestone round to draw.',
  fields: (t) => ({
    campaignId: t.globalID({ for: CampaignRef, required: true, description: 'The LIKE campaign (a Campaign id).' }),
    milestone: t.int({ required: true, description: 'The milestone (1, 2, …); it must have been reached and not drawn yet.', ...range(1, 100_000) }),
  }),
});

builder.mutationFields((t) => ({
  sendLikes: t.field({
    type: LikeBatchRef,
    errors: refusals('CAMPAIGN_NOT_RUNNING', 'CONFLICT', 'FORBIDDEN', 'NOT_FOUND'),
    description: 'Count a batch of likes for a fan in a running LIKE campaign; reports milestones the batch crossed.',
    authScopes: { fan: true, operatorWrite: true, partner: 'likes' },
    args: { input: t.arg({ type: SendLikesInput, required: true, description: 'The batch.' }) },
    resolve: (_root, { input }, ctx) =>
      sendLikes(ctx, orgOf(ctx.viewer), {
        campaignId: input.campaignId.id,
        fanId: actingFanId(ctx.viewer, input.fanId?.id),
        taps: input.taps,
        batchKey: input.batchKey,
      }),
  }),
  drawLikeMilestone: t.field({
    type: LikeDrawRef,
    errors: refusals('CAMPAIGN_NOT_RUNNING', 'CONFLICT', 'INVALID_STATE', 'NOT_FOUND'),
    description:
      "Draw a reached milestone's winners among the fans who liked, honouring the per-fan win cap. Recorded with its seed and participant snapshot, so it can be re-run and checked (see LikeDraw.verified).",
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: DrawLikeMilestoneInput, required: true, description: 'The round to draw.' }) },
    resolve: (_root, { input }, ctx) => drawLikeMilestone(ctx, orgOf(ctx.viewer), { campaignId: input.campaignId.id, milestone: input.milestone }),
  }),
}));
