// Idempotent like batches: a client that sent a batch and saw a connection error cannot know whether
// it was committed (the instance may have died after the commit), so it retries with the same
// batchKey. Inside the group-commit transaction the keys are claimed first (one INSERT … ON CONFLICT
// DO NOTHING, in key order so groups on several instances cannot deadlock on each other's keys); a key
// already committed replays its stored receipt, and one being committed elsewhere makes us wait on its
// row and then replay. Receipts are written in the same transaction as the taps they describe.
import type { Tx } from '../../core/db.js';
import { DomainError } from '../../core/errors.js';
import type { RawSql } from '../../core/sql-tx.js';
import { Prisma } from '../../generated/prisma/client.js';

export interface KeyedBatch {
  orgId: string;
  campaignId: string;
  fanId: string;
  taps: number;
  batchKey?: string | null;
  result?: { totalLikes: number; milestonesReached: number; newlyReached: number[]; fanLikes: number };
  replayed?: boolean;
  error?: Error;
}

/** A stored receipt (the columns of "LikeBatch" a replay reads). */
type Receipt = {
  orgId: string;
  key: string;
  campaignId: string;
  fanId: string;
  taps: number;
  totalLikes: number;
  milestonesReached: number;
  newlyReached: number[];
  fanLikes: number;
};

const same = (a: KeyedBatch, b: { campaignId: string; fanId: string; taps: number }) =>
  a.campaignId === b.campaignId && a.fanId === b.fanId && a.taps === b.taps;

const conflict = (key: string) => new DomainError('CONFLICT', `batchKey "${key}" was already used for a different batch`, 'input.batchKey');

/**
 * Claims the group's keys. Returns the batches to count (keyless, or keyed and claimed now) and
 * settle(), which after counting stores the claimed receipts (forgetting claims of refused batches)
 * and answers duplicates that arrived in this very group.
 */
export async function claimBatchKeys<B extends KeyedBatch>(tx: RawSql, group: B[]) {
  const leaders = new Map<string, B>();
  const followers: [B, B][] = [];
  for (const p of group) {
    if (!p.batchKey || p.error) continue;
    const id = `${p.orgId}\u0000${p.batchKey}`;
    const leader = leaders.get(id);
    if (!leader) leaders.set(id, p);
    else if (same(leader, p)) followers.push([p, leader]);
    else p.error = conflict(p.batchKey);
  }
  const claimed = new Set<string>();
  if (leaders.size) {
    const ids = [...leaders.keys()].sort();
    const values = ids.map((id) => {
      const p = leaders.get(id)!;
      return Prisma.sql`(${p.orgId}, ${p.batchKey}, ${p.campaignId}, ${p.fanId}, ${p.taps}, 0, 0, '{}', 0)`;
    });
    const rows = await tx.$queryRaw<{ orgId: string; key: string }[]>`
      INSERT INTO "LikeBatch" ("orgId", "key", "campaignId", "fanId", "taps", "totalLikes", "milestonesReached", "newlyReached", "fanLikes")
      VALUES ${Prisma.join(values)} ON CONFLICT DO NOTHING RETURNING "orgId", "key"`;
    for (const r of rows) claimed.add(`${r.orgId}\u0000${r.key}`);
    const prior = ids.filter((id) => !claimed.has(id));
    if (prior.length) {
      const found = await tx.$queryRaw<Receipt[]>`
        SELECT b."orgId", b."key", b."campaignId", b."fanId", b."taps", b."totalLikes", b."milestonesReached", b."newlyReached", b."fanLikes"
          FROM "LikeBatch" AS b
          JOIN unnest(${prior.map((id) => leaders.get(id)!.orgId)}::text[], ${prior.map((id) => leaders.get(id)!.batchKey!)}::text[]) AS v(org, key)
            ON b."orgId" = v.org AND b."key" = v.key`;
      for (const row of found) {
        const p = leaders.get(`${row.orgId}\u0000${row.key}`)!;
        if (!same(p, row)) p.error = conflict(row.key);
        else {
          p.result = { totalLikes: row.totalLikes, milestonesReached: row.milestonesReached, newlyReached: row.newlyReached, fanLikes: row.fanLikes };
          p.replayed = true;
        }
      }
    }
  }
  const followerSet = new Set(followers.map(([p]) => p));
  const fresh = group.filter((p) => !p.error && !p.replayed && !followerSet.has(p));

  const settle = async () => {
    const keep = fresh.filter((p) => p.batchKey && !p.error && p.result);
    const drop = fresh.filter((p) => p.batchKey && p.error);
    if (keep.length) {
      const r = keep.map((p) => p.result!);
      await tx.$executeRaw`
        UPDATE "LikeBatch" AS b SET "totalLikes" = v.total, "milestonesReached" = v.reached, "newlyReached" = v.newly::int[], "fanLikes" = v.fan
        FROM unnest(${keep.map((p) => p.orgId)}::text[], ${keep.map((p) => p.batchKey!)}::text[], ${r.map((x) => x.totalLikes)}::int[],
                    ${r.map((x) => x.milestonesReached)}::int[], ${r.map((x) => `{${x.newlyReached.join(',')}}`)}::text[], ${r.map((x) => x.fanLikes)}::int[])
             AS v(org, key, total, reached, newly, fan)
        WHERE b."orgId" = v.org AND b."key" = v.key`;
    }
    if (drop.length)
      await tx.$executeRaw`
        DELETE FROM "LikeBatch" AS b USING unnest(${drop.map((p) => p.orgId)}::text[], ${drop.map((p) => p.batchKey!)}::text[]) AS v(org, key)
        WHERE b."orgId" = v.org AND b."key" = v.key`;
    // A duplicate within the group shares its leader's answer (replayed) or refusal.
    for (const [p, leader] of followers) {
      if (leader.error) p.error = leader.error;
      else {
        p.result = leader.result;
        p.replayed = true;
      }
    }
  };
  return { fresh, settle };
}

/** How long a batch key is remembered: retries after a connection error come within seconds or minutes. */
export const BATCH_KEY_TTL_HOURS = 24;
export const FORGET_BATCH_KEYS_TASK = 'likes.forget-batch-keys';

/** Drops receipts older than BATCH_KEY_TTL_HOURS (hourly, src/services.ts); returns how many. */
export function forgetOldBatchKeys(db: { $executeRaw: Tx['$executeRaw'] }, now = new Date()) {
  const before = new Date(now.getTime() - BATCH_KEY_TTL_HOURS * 3_600_000);
  return db.$executeRaw`DELETE FROM "LikeBatch" WHERE "createdAt" < ${before}`;
}
