// Group broadcasts as operators (and partners with the `read` scope) see them.
import { CommunityRef } from '../communities/types.js';
import { builder } from '../core/builder.js';
import { orgIdOf } from '../core/context.js';

export const BroadcastStatusEnum = builder.enumType('BroadcastStatus', {
  description: 'Where a broadcast stands: SCHEDULED → SENT, or SCHEDULED → CANCELLED.',
  values: {
    SCHEDULED: { description: 'Waiting for its time (`sendAt`); may still be cancelled.' },
    SENT: { description: 'Handed to the chat bridge: one `broadcast.requested` webhook event per group.' },
    CANCELLED: { description: 'Called off before it was sent; nothing went out.' },
  },
});

export const BroadcastRef = builder.prismaNode('Broadcast', {
  description: 'A message from the operators to fan groups, delivered through the chat bridge (webhook `broadcast.requested`, one per group).',
  id: { field: 'id' },
  nullable: true,
  authScopes: { operator: true, partner: 'read' },
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    text: t.exposeString('text', { description: 'The message.' }),
    linkUrl: t.exposeString('linkUrl', { nullable: true, description: 'A link sent with it.' }),
    imageUrl: t.exposeString('imageUrl', { nullable: true, description: 'An image sent with it.' }),
    crisis: t.exposeBoolean('crisis', {
      description: 'A crisis notice: sent during quiet hours too, and its reach counts opted-out members (a marketing broadcast leaves them out).',
    }),
    status: t.expose('status', { type: BroadcastStatusEnum, description: 'Scheduled, sent or cancelled.' }),
    requestedAt: t.expose('requestedAt', { type: 'DateTime', nullable: true, description: 'The time the operator asked for; null: at once.' }),
    sendAt: t.expose('sendAt', {
      type: 'DateTime',
      description: 'When it is (or was) sent: the requested time, or the end of the quiet hours it fell into.',
    }),
    heldByQuietHours: t.exposeBoolean('heldByQuietHours', { description: 'Whether quiet hours moved it to their end.' }),
    reach: t.exposeInt('reach', {
      description:
        'Fans it reaches: distinct current members of its groups (opted-out fans left out unless crisis), counted when sent (until then, when composed).',
    }),
    groupCount: t.int({ select: { communityIds: true }, description: 'How many groups it goes (went) to.', resolve: (b) => b.communityIds.length }),
    communities: t.field({
      type: [CommunityRef],
      select: { communityIds: true },
      description: 'The groups it goes (went) to: resolved again when sent for a kinds or segment target.',
      resolve: (b, _args, ctx) => ctx.db.community.findMany({ where: { id: { in: b.communityIds } }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
    }),
    sentAt: t.expose('sentAt', { type: 'DateTime', nullable: true, description: 'When it was sent.' }),
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime', nullable: true, description: 'When it was cancelled.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was composed.' }),
  }),
});
