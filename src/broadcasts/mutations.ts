// Composing and cancelling group broadcasts (operators).
import { CommunityKindEnum, CommunityRef } from '../communities/types.js';
import { operatorIdOf, orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { refusals } from '../core/error-types.js';
import { items, text } from '../core/input-rules.js';
import { SegmentRef } from '../fans/types.js';
import { cancelBroadcast, createBroadcast } from './service.js';
import { BroadcastRef } from './types.js';

const CreateBroadcastInput = builder.inputType('CreateBroadcastInput', {
  description: 'A message to fan groups: give exactly one of communityIds, kinds and segmentId.',
  fields: (t) => ({
    text: t.string({ required: true, description: 'The message.', ...text(1, 2_000) }),
    linkUrl: t.string({ required: false, description: 'A link to send with it (http or https).', ...text(0, 2_000) }),
    imageUrl: t.string({ required: false, description: 'An image to send with it (http or https).', ...text(0, 2_000) }),
    communityIds: t.globalIDList({ for: CommunityRef, required: false, description: 'These groups.', ...items(1, 500) }),
    kinds: t.field({ type: [CommunityKindEnum], required: false, description: 'Every group of these kinds.', ...items(1, 7) }),
    segmentId: t.globalID({
      for: SegmentRef,
      required: false,
      description: "The groups this saved segment's fans are current members of (resolved again when it is sent).",
    }),
    crisis: t.boolean({
      required: false,
      description: 'A crisis notice (default false): sent during quiet hours too, and counted to every member, opted-out fans included.',
    }),
    sendAt: t.field({
      type: 'DateTime',
      required: false,
      description:
        'When to send it (in the future, within a year); omit to send now. Inside quiet hours a non-crisis broadcast is held until they end.',
    }),
  }),
});

builder.mutationFields((t) => ({
  createBroadcast: t.field({
    type: BroadcastRef,
    nullable: false,
    errors: refusals('NOT_FOUND'),
    description:
      'Compose a broadcast to groups. Sent now (status SENT: one `broadcast.requested` webhook event per group) unless scheduled or held by quiet hours (SCHEDULED: sent by a job at `sendAt`, once across instances). A target with no group is a ValidationError.',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: CreateBroadcastInput, required: true, description: 'The message, its groups and its time.' }) },
    resolve: (_root, { input }, ctx) =>
      createBroadcast(ctx, orgOf(ctx.viewer), operatorIdOf(ctx.viewer), {
        ...input,
        communityIds: input.communityIds?.map((c) => c.id),
        segmentId: input.segmentId?.id,
      }),
  }),
  cancelBroadcast: t.field({
    type: BroadcastRef,
    nullable: false,
    errors: refusals('INVALID_STATE', 'NOT_FOUND'),
    description:
      'Cancel a SCHEDULED broadcast (→ CANCELLED; nothing is sent). Once it is SENT (or already CANCELLED) it is refused with INVALID_STATE; racing its send job, exactly one of the two wins.',
    authScopes: { operatorWrite: true },
    args: { broadcastId: t.arg.globalID({ for: BroadcastRef, required: true, description: 'The broadcast.' }) },
    resolve: (_root, { broadcastId }, ctx) => cancelBroadcast(ctx, orgOf(ctx.viewer), broadcastId.id),
  }),
}));
