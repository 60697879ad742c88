// Live activity subscriptions: one community's feed, or the whole organization's filtered by
// community kinds and event kinds. Events arrive through the per-organization `activity` channel,
// so nothing from another tenant can reach a subscriber.
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { ActivityMessage } from '../activity/events.js';
import { orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import type { Context } from '../core/context.js';
import { notFound } from '../core/errors.js';
import { boundedFeed, FEED_BUFFER, withCatchUp } from '../core/streams.js';
import type { ActivityKind, CommunityKind } from '../generated/prisma/enums.js';
import { ActivityKindEnum, CommunityKindEnum, CommunityRef } from './types.js';

interface Notice extends ActivityMessage {
  communityKind: CommunityKind | null;
  missedBefore: number;
}

const ActivityNotice = builder.simpleObject('ActivityNotice', {
  description: 'One live feed entry. Refetch details with `node(id:)` when needed.',
  fields: (t) => ({
    id: t.id({ description: 'Global id of the ActivityEvent.' }),
    kind: t.field({ type: ActivityKindEnum, description: 'What happened.' }),
    count: t.int({ description: 'How many times (message counts and like bursts arrive aggregated).' }),
    payload: t.field({ type: 'JSON', nullable: true, description: 'Small details of the event.' }),
    occurredAt: t.field({ type: 'DateTime', description: 'When it happened.' }),
    communityId: t.id({ nullable: true, description: 'Global id of the group, when the event belongs to one.' }),
    communityKind: t.field({ type: CommunityKindEnum, nullable: true, description: 'Kind of that group.' }),
    fanId: t.id({ nullable: true, description: 'Global id of the fan, when known.' }),
    missedBefore: t.int({ description: 'Entries dropped just before this one because this client fell behind (0 normally).' }),
  }),
});

function toNotice(e: Notice) {
  return {
    id: encodeGlobalID('ActivityEvent', e.id),
    kind: e.kind,
    count: e.count,
    payload: e.payload,
    occurredAt: new Date(e.occurredAt),
    communityId: e.communityId && encodeGlobalID('Community', e.communityId),
    communityKind: e.communityKind,
    fanId: e.fanId && encodeGlobalID('Fan', e.fanId),
    missedBefore: e.missedBefore,
  };
}

/** Community id → kind for one organization, reloaded when an unknown id shows up (a new group). */
function communityKinds(ctx: Context, orgId: string) {
  let map = new Map<string, CommunityKind>();
  const load = async () => {
    const rows = await ctx.db.community.findMany({ where: { orgId }, select: { id: true, kind: true } });
    map = new Map(rows.map((r) => [r.id, r.kind]));
  };
  return async (id: string | null) => {
    if (!id) return null;
    if (!map.has(id)) await load();
    return map.get(id) ?? null;
  };
}

/** Entries committed just before Redis was seen to go may not have crossed it either. */
const CATCH_UP_MARGIN_MS = 5_000;

async function* activityOf(ctx: Context, orgId: string, keep: (e: ActivityMessage, kind: CommunityKind | null) => boolean) {
  const kindOf = communityKinds(ctx, orgId);
  // Entries published while Redis was away are replayed from the feed table once it is back (at most a
  // buffer's worth, by occurredAt: back-dated reported activity recorded during the outage is not).
  // Never further back than this subscription began: a new watcher does not get the past.
  const startedAt = Date.now();
  const catchUp = async (since: Date): Promise<ActivityMessage[]> => {
    const rows = await ctx.db.activityEvent.findMany({
      where: { orgId, occurredAt: { gte: new Date(Math.max(startedAt, since.getTime() - CATCH_UP_MARGIN_MS)) } },
      orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
      take: FEED_BUFFER,
    });
    return rows.map((r) => ({ ...r, occurredAt: r.occurredAt.toISOString() }));
  };
  for await (const e of withCatchUp(ctx.pubsub, ctx.pubsub.subscribe('activity', orgId), catchUp, (m) => m.id)) {
    const kind = await kindOf(e.communityId);
    if (keep(e, kind)) yield { ...e, communityKind: kind };
  }
}

builder.subscriptionFields((t) => ({
  communityActivity: t.field({
    type: ActivityNotice,
    description: "One group's live activity feed.",
    authScopes: { operator: true, partner: 'read' },
    args: { communityId: t.arg.globalID({ for: CommunityRef, required: true, description: 'The group to watch.' }) },
    subscribe: async (_root, args, ctx) => {
      const orgId = orgOf(ctx.viewer);
      const exists = await ctx.db.community.count({ where: { id: args.communityId.id, orgId } });
      if (!exists) throw notFound('Community', 'communityId');
      return boundedFeed(
        activityOf(ctx, orgId, (e) => e.communityId === args.communityId.id),
        FEED_BUFFER,
      );
    },
    resolve: (n) => toNotice(n as Notice),
  }),
  organizationActivity: t.field({
    type: ActivityNotice,
    description: "The organization's live activity across groups, optionally only some group kinds and event kinds.",
    authScopes: { operator: true, partner: 'read' },
    args: {
      communityKinds: t.arg({ type: [CommunityKindEnum], required: false, description: 'Only events in groups of these kinds.' }),
      kinds: t.arg({ type: [ActivityKindEnum], required: false, description: 'Only these kinds of event.' }),
    },
    subscribe: (_root, args, ctx) => {
      const groupKinds = args.communityKinds?.length ? new Set<CommunityKind>(args.communityKinds) : null;
      const eventKinds = args.kinds?.length ? new Set<ActivityKind>(args.kinds) : null;
      const keep = (e: ActivityMessage, kind: CommunityKind | null) =>
        (!eventKinds || eventKinds.has(e.kind)) && (!groupKinds || (kind !== null && groupKinds.has(kind)));
      return boundedFeed(activityOf(ctx, orgOf(ctx.viewer), keep), FEED_BUFFER);
    },
    resolve: (n) => toNotice(n as Notice),
  }),
}));
