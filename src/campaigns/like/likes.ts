// Accepting like batches: a client sends how many taps it saw since its last send. Likes arrive in
// bursts of thousands per second, all landing on one campaign row, so batches that arrive together
// are committed together (group commit): one transaction upserts every fan's contribution in one
// statement and, last, adds each campaign's sum and claims its milestones with a single
// `UPDATE … SET totalLikes = totalLikes + n`. A caller is answered only after that commit, so an
// acknowledged like is durable; each caller still gets the exact running total after its batch.
// The transaction is a raw-SQL one (src/core/sql-tx.ts), not Prisma's: the commit is serial, and
// Prisma's interactive transaction cost CPU per statement that every like waited on.

import { type ActivityInput, publishActivity, recordActivitySql } from '../../activity/events.js';
import type { Context } from '../../core/context.js';
import { DomainError, notFound } from '../../core/errors.js';
import { emitOutboundMany } from '../../core/outbound.js';
import type { PubSub } from '../../core/pubsub.js';
import type { RawSql, SqlTransaction, SqlTx } from '../../core/sql-tx.js';
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

/**
 * One per app (src/services.ts): its queue groups the batches of every request of that app. Up to
 * `commitsInFlight` groups commit at once, but only one gathers at a time: the next group is cut when
 * the previous one reaches its counting statement (the campaign row, taken last), so its statements
 * overlap that group's UPDATE and COMMIT while groups stay as large as with one at a time. Cutting
 * groups earlier made them smaller and cost more CPU per like on a saturated instance. One by default:
 * on one saturated instance two in flight measured no faster (bench/README.md, Issue 18).
 */
export function createLikeCommitter(db: { transaction: SqlTransaction }, pubsub: PubSub, { commitsInFlight = 1 }: { commitsInFlight?: number } = {}) {
  let queue: Pending[] = [];
  let inFlight = 0;
  /** A group is still before its counting statement: newcomers wait to form the next one. */
  let gathering = false;
  let scheduled = false;
  /** Committed so far, for /metrics. */
  const stats = { taps: 0, batches: 0, groups: 0 };
  const commit = async (group: Pending[], counting: () => void) => {
    if (await commitGroup(db, pubsub, group, counting)) {
      stats.groups += 1;
      for (const b of group) {
        if (b.error || b.replayed) continue;
        stats.batches += 1;
        stats.taps += b.taps;
      }
    }
  };
  const start = () => {
    scheduled = false;
    if (!queue.length || inFlight >= commitsInFlight || gathering) return;
    const group = queue.slice(0, MAX_GROUP);
    queue = queue.slice(group.length);
    inFlight += 1;
    gathering = true;
    let counted = false;
    const counting = () => {
      if (counted) return;
      counted = true;
      gathering = false;
      schedule();
    };
    void commit(group, counting).finally(() => {
      inFlight -= 1;
      counting();
      schedule();
    });
  };
  // Wait one turn of the event loop so batches arriving together share a transaction; while a group
  // gathers or every slot is committing, newcomers queue for the next one.
  const schedule = () => {
    if (scheduled || !queue.length || inFlight >= commitsInFlight || gathering) return;
    scheduled = true;
    setImmediate(start);
  };
  return {
    stats,
    submit(orgId: string, input: LikeBatchInput) {
      return new Promise<LikeBatchResult>((resolve, reject) => {
        queue.push({ orgId, ...input, resolve, reject });
        schedule();
      });
    },
  };
}

/** A campaign stopped running between the group's first look and its counting statement. */
class CampaignEndedMidGroup extends Error {
  constructor(readonly campaignId: string) {
    super(`campaign ${campaignId} stopped running while its likes were being counted`);
  }
}

type Counter = { total: number; delta: number; milestonesReached: number; newlyReached: number[] };

/** Commits a group in one transaction; false when the transaction failed (every batch refused). */
async function commitGroup(db: { transaction: SqlTransaction }, pubsub: PubSub, group: Pending[], counting: () => void): Promise<boolean> {
  let outcome: { events: Awaited<ReturnType<typeof recordActivitySql>>; counters: Map<string, Counter> };
  // Campaigns found not running by the counting statement: the group is redone with their batches
  // refused (at most once per campaign), so a batch racing the campaign's end is refused whole.
  const ended = new Set<string>();
  for (;;) {
    try {
      outcome = await db.transaction((tx) => applyGroup(tx, group, ended, counting));
      break;
    } catch (e) {
      if (e instanceof CampaignEndedMidGroup && !ended.has(e.campaignId)) {
        ended.add(e.campaignId);
        for (const p of group) p.error = p.result = p.replayed = undefined;
        continue;
      }
      for (const p of group) p.reject(e as Error);
      return false;
    }
  }
  for (const p of group) p.error ? p.reject(p.error) : p.resolve(p.replayed ? { ...p.result!, replayed: true } : p.result!);
  publishActivity(pubsub, outcome.events);
  const at = new Date().toISOString();
  for (const [campaignId, c] of outcome.counters) pubsub.publish('likeCampaign', campaignId, { ...c, at });
  return true;
}

// Lock order, the same for every group on every instance and for the paths these rows share: batch
// keys (key order), intimacy day counts, contributions (and, through their insight trigger, fans),
// fans, and the campaign rows (id order) LAST, then only this group's own receipts and feed rows.
// The campaign row is the one every group of a campaign shares, so it is held only from the counting
// statement to COMMIT. draw.ts locks the campaign row first but then takes no fan or contribution row
// lock (its foreign keys take KEY SHARE, which a fan's NO KEY UPDATE does not block).
async function applyGroup(tx: SqlTx, all: Pending[], ended: Set<string>, counting: () => void) {
  // Retries of keyed batches already committed are answered from their receipts; the rest are counted.
  const keys = await claimBatchKeys(tx, all);
  const group = keys.fresh;
  const { campaigns, fans } = await lookUpGroup(tx, [...new Set(group.map((p) => p.campaignId))], [...new Set(group.map((p) => p.fanId))]);
  const notRunning = (name: string, status: string) => new DomainError('CAMPAIGN_NOT_RUNNING', `"${name}" is ${status}`, 'input.campaignId');
  for (const p of group) {
    const c = campaigns.get(p.campaignId);
    const refusal = campaignRefusal(c, p.orgId, 'input.campaignId', 'LIKE');
    if (refusal) p.error = refusal;
    else if (c!.status !== 'RUNNING') p.error = notRunning(c!.name, c!.status.toLowerCase());
    else if (ended.has(p.campaignId)) p.error = notRunning(c!.name, 'not running');
    else if (fans.get(p.fanId)?.orgId !== p.orgId) p.error = notFound('Fan', 'input.fanId');
  }
  await refuseNonMembers(tx, group, campaigns);

  const accepted = group.filter((p) => !p.error);
  // Day counts, then fans (the contribution upsert's insight trigger touches Fan rows): the order the
  // activity batches take too, so the two paths cannot deadlock.
  const now = new Date();
  const earned = await earnCappedIntimacy(
    tx,
    accepted.map((p) => ({ orgId: p.orgId, fanId: p.fanId, day: dayOf(campaigns.get(p.campaignId)!.org.timeZone, now), messages: 0, likes: p.taps })),
  );
  const fanLikes = await addContributions(tx, accepted);
  await addIntimacy(tx, earned);

  // From here the group waits on (then holds) the campaign rows: the next group may start gathering.
  counting();
  const events: ActivityInput[] = [];
  const counters = new Map<string, Counter>();
  const byCampaign = new Map<string, Pending[]>();
  for (const p of accepted) byCampaign.get(p.campaignId)?.push(p) ?? byCampaign.set(p.campaignId, [p]);
  for (const campaignId of [...byCampaign.keys()].sort()) {
    const batch = byCampaign.get(campaignId)!;
    const campaign = campaigns.get(campaignId)!;
    const sum = batch.reduce((s, p) => s + p.taps, 0);
    const { total, before, reached, every, target } = await countLikes(tx, campaignId, sum);
    const claimed = Array.from({ length: reached - before }, (_, i) => before + i + 1);
    // In the transaction that claimed them: one milestone.reached per milestone, however many batches race.
    if (claimed.length)
      await emitOutboundMany(
        tx,
        campaign.orgId,
        'milestone.reached',
        claimed.map((milestone) => ({ campaignId, name: campaign.name, milestone, likes: milestone * every, targetLikes: target })),
      );
    // Each batch's running total, in arrival order; a milestone belongs to the batch that crossed it.
    let running = total - sum;
    for (const p of batch) {
      const from = running;
      running += p.taps;
      const newlyReached = claimed.filter((m) => m * every > from && m * every <= running);
      p.result = {
        totalLikes: running,
        milestonesReached: before + claimed.filter((m) => m * every <= running).length,
        newlyReached,
        fanLikes: fanLikes.get(p)!,
      };
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
    counters.set(campaignId, { total, delta: sum, milestonesReached: reached, newlyReached: claimed });
  }
  await keys.settle();
  return { events: await recordActivitySql(tx, events), counters };
}

/**
 * Adds a campaign's sum and claims the milestones it crossed, in one statement that locks the campaign
 * row. `before` is read under that lock (the locking sub-select returns the row as the last commit left
 * it), so each milestone is claimed by exactly one group. NO KEY UPDATE, the lock the UPDATE takes anyway:
 * FOR UPDATE would also wait for the KEY SHARE that other groups' contribution inserts hold on this row
 * (their foreign key) while they wait for our fans: a deadlock. Re-checks RUNNING in the same statement;
 * a campaign that stopped throws CampaignEndedMidGroup and the group is redone without its batches.
 */
async function countLikes(tx: RawSql, campaignId: string, sum: number) {
  const rows = await tx.$queryRaw<{ total: number; before: number; reached: number; every: number; target: number }[]>`
    UPDATE "LikeCampaign" AS lc SET
      "totalLikes" = lc."totalLikes" + ${sum},
      -- Milestones stop at the target: rounds beyond it were never budgeted.
      "milestonesReached" = GREATEST(lc."milestonesReached", LEAST((lc."totalLikes" + ${sum}) / lc."milestoneEvery", lc."targetLikes" / lc."milestoneEvery"))
    FROM "Campaign" AS c, (SELECT "campaignId", "milestonesReached" FROM "LikeCampaign" WHERE "campaignId" = ${campaignId} FOR NO KEY UPDATE) AS old
    WHERE lc."campaignId" = old."campaignId" AND c."id" = lc."campaignId" AND c."status" = 'RUNNING'
    RETURNING lc."totalLikes" AS total, old."milestonesReached" AS before, lc."milestonesReached" AS reached,
              lc."milestoneEvery" AS every, lc."targetLikes" AS target`;
  if (!rows.length) throw new CampaignEndedMidGroup(campaignId);
  const [r] = rows;
  return { total: Number(r.total), before: Number(r.before), reached: Number(r.reached), every: Number(r.every), target: Number(r.target) };
}

/** Every fan's contribution in one upsert; returns each batch's fan count as of that batch. */
async function addContributions(tx: RawSql, accepted: Pending[]) {
  const fanLikes = new Map<Pending, number>();
  const perFan = new Map<string, number>();
  for (const p of accepted) perFan.set(`${p.campaignId}\u0000${p.fanId}`, (perFan.get(`${p.campaignId}\u0000${p.fanId}`) ?? 0) + p.taps);
  if (!perFan.size) return fanLikes;
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
    fanLikes.set(p, after.get(key)! - (later.get(key) ?? 0));
    later.set(key, (later.get(key) ?? 0) + p.taps);
  }
  return fanLikes;
}
