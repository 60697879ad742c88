// Every app-scoped service, created once per createApp and handed to each request as ctx.services.
// Modules keep no per-app state of their own: a second app in the same process (tests, a benchmark
// with two instances) gets its own like queue, counter hubs and reactions. Cross-module reactions
// are wired here, above the domains, so no domain imports another to be told what happened.

import type { Registry } from 'prom-client';
import { ActivityReactions } from './activity/reactions.js';
import { BROADCAST_SEND_TASK, type BroadcastJob, runBroadcastJob } from './broadcasts/service.js';
import { COUPON_EXPIRY_TASK, type CouponExpiryJob, expireCoupon } from './campaigns/coupons/service.js';
import { voidInvitesWhenHelpersLeave } from './campaigns/fission/invites.js';
import { returnTierUnit } from './campaigns/fission/tiers.js';
import { CAMPAIGN_STEP_TASK, type CampaignStep, runCampaignStep } from './campaigns/lifecycle/service.js';
import { FORGET_BATCH_KEYS_TASK, forgetOldBatchKeys } from './campaigns/like/batch-keys.js';
import { committedCounter, LikeCounterHubs } from './campaigns/like/counter-hub.js';
import { createLikeCommitter } from './campaigns/like/likes.js';
import { returnSpinPrize } from './campaigns/lottery/service.js';
import type { Config } from './core/config.js';
import type { Services } from './core/context.js';
import type { Database, Db } from './core/db.js';
import { JobQueue } from './core/jobs/queue.js';
import { readLabelledOnScrape, readOnScrape } from './core/metrics.js';
import type { PubSub } from './core/pubsub.js';
import { refreshDueLifecycles } from './fans/lifecycle.js';
import { FulfilmentReturns } from './fulfilment/returns.js';
import { extendPrefixes } from './insights/groups/prefix.js';
import { MetricsHubs } from './insights/live/hub.js';
import { ITEM_SALE_TASK, type ItemSaleJob, runItemSale } from './live/lineup.js';
import { runSessionReminder, SESSION_REMINDER_TASK, type SessionReminderJob } from './live/reminders.js';
import { StaffDesk } from './organizations/staff.js';
import { returnRedemption } from './points/service.js';
import { WebhookDeliverer } from './webhooks/delivery.js';

export const NIGHTLY_LIFECYCLE_TASK = 'fans.lifecycle-nightly';
export const EXTEND_PREFIXES_TASK = 'insights.extend-prefixes';

export function createServices({
  database,
  pubsub,
  config,
}: {
  /** Its Prisma client, pool, LISTEN and raw-SQL transactions (the like group commit). */
  database: Pick<Database, 'prisma' | 'pool' | 'listen' | 'transaction'>;
  pubsub: PubSub;
  config: Config;
}): Services {
  const { prisma: db, pool, listen, transaction } = database;
  const activity = new ActivityReactions();
  voidInvitesWhenHelpersLeave(activity);
  // What a cancelled fulfilment gives back, by source (single fission prizes and like draws have no stock).
  const fulfilmentReturns = new FulfilmentReturns();
  fulfilmentReturns.on('REDEMPTION', (tx, f) => returnRedemption(tx, f.orgId, f.sourceId));
  fulfilmentReturns.on('LOTTERY_SPIN', returnSpinPrize);
  fulfilmentReturns.on('FISSION_TIER', returnTierUnit);
  // The job queue runs the tasks registered here once started (main.ts, the test harness).
  const jobs = new JobQueue(pool, { ...config.jobs, onError: (message, e) => console.error(`[jobs] ${message}: ${(e as Error)?.message ?? e}`) });
  const webhooks = new WebhookDeliverer(db, config);
  webhooks.register(jobs);
  jobs.register<CampaignStep>(CAMPAIGN_STEP_TASK, (step) => runCampaignStep({ db }, step));
  jobs.register<CouponExpiryJob>(COUPON_EXPIRY_TASK, async (job) => void (await expireCoupon({ db }, job)));
  jobs.register<SessionReminderJob>(SESSION_REMINDER_TASK, async (job) => void (await runSessionReminder({ db }, job)));
  jobs.register<BroadcastJob>(BROADCAST_SEND_TASK, async (job) => void (await runBroadcastJob({ db }, job)));
  jobs.register<ItemSaleJob>(ITEM_SALE_TASK, (job) => runItemSale({ db, pubsub }, job));
  // Every hour (claimed once across instances); each organization is refreshed at 03:00 in its time zone.
  // The crontab's own timestamp is the clock, so a run that was late still refreshes the right hour.
  jobs.recurring<{ _cron?: { ts: string } }>(NIGHTLY_LIFECYCLE_TASK, '0 * * * *', async (p) => {
    await refreshDueLifecycles(db, p._cron?.ts ? new Date(p._cron.ts) : new Date());
  });
  // Insight running totals reach tomorrow in each organization's time zone (claimed once across instances).
  jobs.recurring(EXTEND_PREFIXES_TASK, '7 * * * *', async () => void (await extendPrefixes({ db })));
  // Like batch keys guard retries for a day; older receipts go every hour (claimed once across instances).
  jobs.recurring(FORGET_BATCH_KEYS_TASK, '17 * * * *', async () => void (await forgetOldBatchKeys(db)));
  return {
    jobs,
    webhooks,
    activity,
    fulfilmentReturns,
    staff: new StaffDesk(db, config),
    likes: createLikeCommitter({ transaction }, pubsub, { commitsInFlight: config.likeCommitsInFlight }),
    likeCounters: new LikeCounterHubs(pubsub, config.counterMessagesPerSecond, committedCounter(db)),
    insightMetrics: new MetricsHubs(db, listen),
  };
}

/** The services' own figures as Prometheus metrics, read when /metrics is scraped. */
export function registerServiceMetrics(registry: Registry, services: Services, database: Database) {
  const likes = () => services.likes.stats;
  readOnScrape(registry, 'fanops_likes_accepted_total', 'Like taps committed.', () => likes().taps, 'counter');
  readOnScrape(registry, 'fanops_like_batches_total', 'Like batches committed.', () => likes().batches, 'counter');
  readOnScrape(
    registry,
    'fanops_like_group_commits_total',
    'Transactions the like batches shared (batches / commits = mean group size).',
    () => likes().groups,
    'counter',
  );
  readOnScrape(
    registry,
    'fanops_like_counter_messages_total',
    'Like-counter messages offered to watchers.',
    () => services.likeCounters.stats().messages,
    'counter',
  );
  readOnScrape(registry, 'fanops_like_counter_watchers', 'Watchers of like counters on this instance.', () => services.likeCounters.stats().watchers);
  readLabelledOnScrape(
    registry,
    'fanops_jobs',
    'Jobs in the queue across all instances, by state: pending (due or scheduled, retries included), running, failed (every attempt used).',
    'state',
    async () => ({ ...(await services.jobs.depth()) }),
  );
  readOnScrape(
    registry,
    'fanops_webhook_attempts_failed_total',
    'Webhook sends a receiver did not accept (error, timeout or non-2xx) on this instance; each is retried until WEBHOOK_MAX_ATTEMPTS.',
    () => services.webhooks.stats.attemptsFailed,
    'counter',
  );
  readOnScrape(
    registry,
    'fanops_webhook_deliveries_failed_total',
    'Webhook deliveries given up (FAILED after every attempt) on this instance.',
    () => services.webhooks.stats.deliveriesFailed,
    'counter',
  );
  const pool = () => database.poolStats?.() ?? { total: 0, idle: 0, waiting: 0 };
  readOnScrape(registry, 'fanops_db_pool_connections', 'Database connections open (PostgreSQL pool; 0 on PGlite).', () => pool().total);
  readOnScrape(registry, 'fanops_db_pool_in_use', 'Database connections in use.', () => pool().total - pool().idle);
  readOnScrape(registry, 'fanops_db_pool_waiting', 'Queries waiting for a database connection.', () => pool().waiting);
}
