// Every app-scoped service, created once per createApp and handed to each request as ctx.services.
// Modules keep no per-app state of their own: a second app in the same process (tests, a benchmark
// with two instances) gets its own like queue, counter hubs and reactions. Cross-module reactions
// are wired here, above the domains, so no domain imports another to be told what happened.
import { ActivityReactions } from './activity/reactions.js';
import { voidInvitesWhenHelpersLeave } from './campaigns/fission/invites.js';
import { LikeCounterHubs } from './campaigns/like/counter-hub.js';
import { createLikeCommitter } from './campaigns/like/likes.js';
import type { Config } from './core/config.js';
import type { Services } from './core/context.js';
import type { Database, Db } from './core/db.js';
import type { PubSub } from './core/pubsub.js';
import { MetricsHubs } from './insights/live/hub.js';

export function createServices({ db, pubsub, config, listen }: { db: Db; pubsub: PubSub; config: Config; listen?: Database['listen'] }): Services {
  const activity = new ActivityReactions();
  voidInvitesWhenHelpersLeave(activity);
  return {
    activity,
    likes: createLikeCommitter(db, pubsub),
    likeCounters: new LikeCounterHubs(pubsub, config.counterMessagesPerSecond),
    insightMetrics: new MetricsHubs(db, listen),
  };
}
