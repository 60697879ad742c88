// Every app-scoped service, created once per createApp and handed to each request as ctx.services.
// Modules keep no per-app state of their own: a second app in the same process (tests, a benchmark
// with two instances) gets its own like queue, counter hubs and reactions. Cross-module reactions
// are wired here, above the domains, so no domain imports another to be told what happened.
import { ActivityReactions } from './activity/reactions.js';
import { voidInvitesWhenHelpersLeave } from './campaigns/fission/invites.js';
import { LikeCounterHubs } from './campaigns/like/counter-hub.js';
import { createLikeCommitter } from './campaigns/like/likes.js';
import { returnSpinPrize } from './campaigns/lottery/service.js';
import type { Config } from './core/config.js';
import type { Services } from './core/context.js';
import type { Db } from './core/db.js';
import type { PubSub } from './core/pubsub.js';
import { FulfilmentReturns } from './fulfilment/returns.js';
import { MetricsHubs } from './insights/live/hub.js';
import { returnRedemption } from './points/service.js';

export function createServices({ db, pubsub, config }: { db: Db; pubsub: PubSub; config: Config }): Services {
  const activity = new ActivityReactions();
  voidInvitesWhenHelpersLeave(activity);
  // What a cancelled fulfilment gives back, by source (fission claims and like draws have no stock).
  const fulfilmentReturns = new FulfilmentReturns();
  fulfilmentReturns.on('REDEMPTION', (tx, f) => returnRedemption(tx, f.orgId, f.sourceId));
  fulfilmentReturns.on('LOTTERY_SPIN', returnSpinPrize);
  return {
    activity,
    fulfilmentReturns,
    likes: createLikeCommitter(db, pubsub),
    likeCounters: new LikeCounterHubs(pubsub, config.counterMessagesPerSecond),
    insightMetrics: new MetricsHubs(db),
  };
}
