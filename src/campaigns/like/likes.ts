// Accepting like batches: a client sends how many taps it saw since its last send. Likes arrive in
// bursts of thousands per second, all landing on one campaign row, so batches that arrive together
// are committed together (group commit): one transaction adds each campaign's sum with a single
// `UPDATE … SET totalLikes = totalLikes + n`, upserts every fan's contribution in one statement, and
// claims milestones while the campaign row is locked. A caller is answered only after that commit,
// so an acknowledged like is durable; each caller still gets the exact running total after its batch.

import { type ActivityInput, publishActivity, recordActivity } from '../../activity/events.js';
import type { Context } from '../../core/context.js';
import type { Db, Tx } from '../../core/db.js';
import { DomainError, notFound } from '../../core/errors.js';
import { emitOutboundMany } from '../../core/outbound.js';
import type { PubSub } from '../../core/pubsub.js';
import { dayOf, earnCappedIntimacy } from '../../fans/intimacy.js';
import { Prisma } from '../../generated/prisma/client.js';
import { campaignRefusal } from '../lookup.js';
import { addIntimacy, refuseNonMembers } from './admission.js';
import { claimBatchKeys } from './batch-keys.js';
import { lookUpGroup } from './group-lookup.js';
import './events.js';

type Deps = Pick<Context, 'services'>;

export interface LikeBatchResult {
  totalLikes: number;
  milestonesReached: number;
  /** Milestones this batch crossed, e.g. [3] when the total passed 3 × milestoneEvery. */
  newlyReached: number[];
  /** The fan's own likes in this campaign so far. */
  fanLikes: number;
  /** True when the batch key was already committed: this is the first answer, and nothing was counted now. */
  replayed?: boolean;
}

interface Pending {
  orgId: string;
  campaignId: string;
  fanId: string;
  taps: number;
  /** The client's idempotency key (src/campaigns/like/batch-keys.ts). */
  batchKey?: string | null;
  replayed?: boolean;
  result?: LikeBatchResult;
  error?: Error;
  resolve(r: LikeBatchResult): void;
  reject(e: Error): void;
}

/** Most batches committed in one transaction. */
const MAX_GROUP = 500;

export interface LikeBatchInput {
  campaignId: string;
  fanId: string;
  taps: number;
  batchKey?: string | null;
}

export function sendLikes(deps: Deps, orgId: string, input: LikeBatchInput): Promise<LikeBatchResult> {
  const { taps } = input;
  if (!Number.isInteger(taps) || taps < 1 || taps > 1000)
    throw new DomainError('VALIDATION', 'input.taps: must be a whole number from 1 to 1,000', 'input.taps');
  return deps.services.likes.submit(orgId, input);
}

export type LikeCommitter = ReturnType<typeof createLikeCommitter>;

declare module '../../core/context.js' {
  interface Services {
    /** The app's like queue: batches that arrive together commit in one transaction. */
    likes: LikeCommitter;
  }
}

/** One per app (src/services.ts): its queue groups the batches of every request of that app. */
export function createLikeCommitter(db: Db, pubsub: PubSub) {
  let queue: Pending[] = [];
  let running = false;
  /** Committed so far, for /metrics. */
  const stats = { taps: 0, batches: 0, groups: 0 };
  const drain = async () => {
    running = true;
    while (queue.length) {
      const group = queue.slice(0, MAX_GROUP);
      queue = queue.slice(group.length);
      if (await commitGroup(db, pubsub, group)) {
        stats.groups += 1;
        for (const b of group) {
          if (b.error || b.replayed) continue;
          stats.batches += 1;
          stats.taps += b.taps;
        }
      }
    }
    running = false;
  };
  return {
    stats,
    submit(orgId: string, input: LikeBatchInput) {
      return new Promise<LikeBatchResult>((resolve, reject) => {
        queue.push({ orgId, ...input, resolve, reject });
        // Wait one turn of the event loop so batches arriving together share a transaction;
        // while a group commits, newcomers queue for the next one.
        if (!running) {
          running = true;
          setImmediate(() => void drain());
        }
      });
    },
  };
}

/** Commits a group in one transaction; false when the transaction failed (every batch refused). */
async function commitGroup(db: Db, pubsub: PubSub, group: Pending[]): Promise<boolean> {
  let outcome: {
    events: Awaited<ReturnType<typeof recordActivity>>;
    counters: Map<string, { total: number; delta: number; milestonesReached: number; newlyReached: number[] }>;
  };
  try {
    outcome = await db.$transaction((tx) => applyGroup(tx, group));
  } catch (e) {
    for (const p of group) p.reject(e as Error);
    return false;
  }
  for (const p of group) p.error ? p.reject(p.error) : p.resolve(p.replayed ? { ...p.result!, replayed: true } : p.result!);
  publishActivity(pubsub, outcome.events);
  const at = new Date().toISOString();
  for (const [campaignId, c] of outcome.counters) pubsub.publish('likeCampaign', campaignId, { ...c, at });
  return true;
}

async function applyGroup(tx: Tx, all: Pending[]) {
  // Retries of keyed batches already committed are answered from their receipts; the rest are counted.
  const keys = await claimBatchKeys(tx, all);
  const group = keys.fresh;
  const { campaigns, fans } = await lookUpGroup(tx, [...new Set(group.map((p) => p.campaignId))], [...new Set(group.map((p) => p.fanId))]);
  for (const p of group) {
    const c = campaigns.get(p.campaignId);
    const refusal = campaignRefusal(c, p.orgId, 'input.campaignId', 'LIKE');
    if (refusal) p.error = refusal;
    else if (c!.status !== 'RUNNING')
      p.error = new DomainError('CAMPAIGN_NOT_RUNNING', `"${c!.name}" is ${c!.status.toLowerCase()}`, 'input.campaignId');
    else if (fans.get(p.fanId)?.orgId !== p.orgId) p.error = notFound('Fan', 'input.fanId');
  }
  await refuseNonMembers(tx, group, campaigns);

  const events: ActivityInput[] = [];
  const counters = new Map<string, { total: number; delta: number; milestonesReached: number; newlyReached: number[] }>();
  // Campaign rows first, in id order, then contribution rows in key order: concurrent groups (on any
  // instance) take locks in the same order and cannot deadlock.
  const byCampaign = new Map<string, Pending[]>();
  for (const p of group) if (!p.error) byCampaign.set(p.campaignId, [...(byCampaign.get(p.campaignId) ?? []), p]);
  for (const campaignId of [...byCampaign.keys()].sort()) {
    const batch = byCampaign.get(campaignId)!;
    const sum = batch.reduce((s, p) => s + p.taps, 0);
    // Re-checks RUNNING in the same statement, so batches racing the campaign's end are refused whole.
    const rows = await tx.$queryRaw<{ totalLikes: number; milestonesReached: number; milestoneEvery: number; targetLikes: number }[]>`
      UPDATE "LikeCampaign" AS lc SET "totalLikes" = lc."totalLikes" + ${sum}
      FROM "Campaign" AS c
      WHERE c."id" = lc."campaignId" AND c."id" = ${campaignId} AND c."status" = 'RUNNING'
      RETURNING lc."totalLikes", lc."milestonesReached", lc."milestoneEvery", lc."targetLikes"`;
    const campaign = campaigns.get(campaignId)!;
    if (!rows.length) {
      for (const p of batch) p.error = new DomainError('CAMPAIGN_NOT_RUNNING', `"${campaign.name}" is not running`, 'input.campaignId');
      continue;
    }
    const total = Number(rows[0].totalLikes);
    const before = Number(rows[0].milestonesReached);
    const every = Number(rows[0].milestoneEvery);
    // Milestones stop at the target: rounds beyond it were never budgeted.
    const reached = Math.min(Math.floor(total / every), Math.floor(Number(rows[0].targetLikes) / every));
    let claimed: number[] = [];
    if (reached > before) {
      // Conditional on the value read under the row lock: each milestone is claimed exactly once.
      const ok = await tx.likeCampaign.updateMany({ where: { campaignId, milestonesReached: before }, data: { milestonesReached: reached } });
      if (ok.count) claimed = Array.from({ length: reached - before }, (_, i) => before + i + 1);
      // In the transaction that claimed them: one milestone.reached per milestone, however many batches race.
      await emitOutboundMany(
        tx,
        campaign.orgId,
        'milestone.reached',
        claimed.map((milestone) => ({
          campaignId,
          name: campaign.name,
          milestone,
          likes: milestone * every,
          targetLikes: Number(rows[0].targetLikes),
        })),
      );
    }
    // Each batch's running total, in arrival order; a milestone belongs to the batch that crossed it.
    let running = total - sum;
    for (const p of batch) {
      const from = running;
      running += p.taps;
      const newlyReached = claimed.filter((m) => m * every > from && m * every <= running);
      p.result = { totalLikes: running, milestonesReached: before + claimed.filter((m) => m * every <= running).length, newlyReached, fanLikes: 0 };
      // The feed gets an entry per milestone crossed, not per batch: batches arrive thousands a second.
      if (newlyReached.length)
        events.push({
          orgId: p.orgId,
          communityId: campaign.communityId,
          fanId: p.fanId,
          kind: 'LIKE_BURST',
          count: p.taps,
          payload: { campaignId, totalLikes: running, milestones: newlyReached },
        });
    }
    counters.set(campaignId, { total, delta: sum, milestonesReached: claimed.length ? reached : before, newlyReached: claimed });
  }

  const accepted = group.filter((p) => !p.error);
  // Before the contribution upsert (whose insight trigger touches Fan rows): day counts, then fans,
  // the order the activity batches take too, so the two paths cannot deadlock.
  const now = new Date();
  const earned = await earnCappedIntimacy(
    tx,
    accepted.map((p) => ({ orgId: p.orgId, fanId: p.fanId, day: dayOf(campaigns.get(p.campaignId)!.org.timeZone, now), messages: 0, likes: p.taps })),
  );
  // Every fan's contribution in one upsert.
  const perFan = new Map<string, number>();
  for (const p of accepted) perFan.set(`${p.campaignId}\u0000${p.fanId}`, (perFan.get(`${p.campaignId}\u0000${p.fanId}`) ?? 0) + p.taps);
  if (perFan.size) {
    const values = [...perFan.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, likes]) => {
        const [campaignId, fanId] = key.split('\u0000');
        return Prisma.sql`(${campaignId}, ${fanId}, ${likes}, now())`;
      });
    const rows = await tx.$queryRaw<{ campaignId: string; fanId: string; likes: number }[]>`
      INSERT INTO "LikeContribution" ("campaignId", "fanId", "likes", "updatedAt") VALUES ${Prisma.join(values)}
      ON CONFLICT ("campaignId", "fanId") DO UPDATE SET "likes" = "LikeContribution"."likes" + EXCLUDED."likes", "updatedAt" = now()
      RETURNING "campaignId", "fanId", "likes"`;
    const after = new Map(rows.map((r) => [`${r.campaignId}\u0000${r.fanId}`, Number(r.likes)]));
    // A fan with several batches in the group: each sees their count as of their own batch.
    const later = new Map<string, number>();
    for (const p of [...accepted].reverse()) {
      const key = `${p.campaignId}\u0000${p.fanId}`;
      p.result!.fanLikes = after.get(key)! - (later.get(key) ?? 0);
      later.set(key, (later.get(key) ?? 0) + p.taps);
    }
  }
  await addIntimacy(tx, earned);
  await keys.settle();
  return { events: await recordActivity(tx, events), counters };
}
