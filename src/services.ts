// Every app-scoped service, created once per createApp and handed to each request as ctx.services.
// Modules keep no per-app state of their own: a second app in the same process (tests, a benchmark
// with two instances) gets its own like queue, counter hubs and reactions. Cross-module reactions
// are wired here, above the domains, so no domain imports another to be told what happened.

import type pg from 'pg';
import { ActivityReactions } from './activity/reactions.js';
import { voidInvitesWhenHelpersLeave } from './campaigns/fission/invites.js';
import { CAMPAIGN_STEP_TASK, type CampaignStep, runCampaignStep } from './campaigns/lifecycle/service.js';
import { LikeCounterHubs } from './campaigns/like/counter-hub.js';
import { createLikeCommitter } from './campaigns/like/likes.js';
import type { Config } from './core/config.js';
import type { Services } from './core/context.js';
import type { Db } from './core/db.js';
import { JobQueue } from './core/jobs/queue.js';
import type { PubSub } from './core/pubsub.js';
import { refreshDueLifecycles } from './fans/lifecycle.js';
import { MetricsHubs } from './insights/live/hub.js';
import { WebhookDeliverer } from './webhooks/delivery.js';

export const NIGHTLY_LIFECYCLE_TASK = 'fans.lifecycle-nightly';

export function createServices({ db, pool, pubsub, config }: { db: Db; pool: pg.Pool; pubsub: PubSub; config: Config }): Services {
  const activity = new ActivityReactions();
  voidInvitesWhenHelpersLeave(activity);
  // The job queue runs the tasks registered here once started (main.ts, the test harness).
  const jobs = new JobQueue(pool, { ...config.jobs, onError: (message, e) => console.error(`[jobs] ${message}: ${(e as Error)?.message ?? e}`) });
  const webhooks = new WebhookDeliverer(db, config);
  webhooks.register(jobs);
  jobs.register<CampaignStep>(CAMPAIGN_STEP_TASK, (step) => runCampaignStep({ db }, step));
  // Every hour (claimed once across instances); each organization is refreshed at 03:00 in its time zone.
  // The crontab's own timestamp is the clock, so a run that was late still refreshes the right hour.
  jobs.recurring<{ _cron?: { ts: string } }>(NIGHTLY_LIFECYCLE_TASK, '0 * * * *', async (p) => {
    await refreshDueLifecycles(db, p._cron?.ts ? new Date(p._cron.ts) : new Date());
  });
  return {
    jobs,
    webhooks,
    activity,
    likes: createLikeCommitter(db, pubsub),
    likeCounters: new LikeCounterHubs(pubsub, config.counterMessagesPerSecond),
    insightMetrics: new MetricsHubs(db),
  };
}
