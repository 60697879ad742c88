// Activity pushed by partners and group bots in batches: the feed rows, plus the fans' intimacy and
// last-active time, all in one transaction with set-based statements (a batch is hundreds of rows).

import { type ActivityInput, publishActivity, recordActivity } from '../activity/events.js';
import type { Context } from '../core/context.js';
import { DomainError, notFound } from '../core/errors.js';
import { sha256Hex } from '../core/hash.js';
import { type InputIssue, refuseIssues } from '../core/input-rules.js';
import { type DailyCount, dayOf, earnCappedIntimacy } from '../fans/intimacy.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { ActivityKind } from '../generated/prisma/enums.js';

type Deps = Pick<Context, 'db' | 'pubsub'>;

/** Kinds a partner may report; joins, leaves, check-ins, reservations and redemptions come from our own mutations. */
export const REPORTABLE_KINDS = [
  'MESSAGE_POSTED',
  'BUYER_SHOW_POSTED',
  'KOC_ACTION',
  'COMPLAINT_RAISED',
  'COMPLAINT_RESOLVED',
  'LIKE_BURST',
] as const satisfies readonly ActivityKind[];

/**
 * Intimacy a fan earns per event (documented in the schema too). Messages count one point each but
 * at most 20 per fan per day of the organization (src/fans/intimacy.ts), however the partner splits
 * them into batches, so a flood of stickers does not buy intimacy; a like burst counts once however
 * many taps it carries. Complaints change nothing but still count as activity.
 */
export const INTIMACY = { BUYER_SHOW_POSTED: 5, KOC_ACTION: 3, LIKE_BURST: 1 } as const;

/** How old a reported event may be; a sender's clock may run up to FUTURE_SKEW_MS ahead of ours. */
export const MAX_EVENT_AGE_DAYS = 30;
const FUTURE_SKEW_MS = 5 * 60_000;

export interface ReportedEvent {
  communityId: string;
  fanId?: string | null;
  fanExternalId?: string | null;
  /** One of REPORTABLE_KINDS (checked here: the schema's enum lists every kind). */
  kind: ActivityKind;
  count: number;
  occurredAt?: Date | null;
  payload?: Prisma.InputJsonValue | null;
}

export interface ActivityBatchReceipt {
  accepted: number;
  fansUpdated: number;
  /** True when this was a retry of a batch already recorded under the same key: nothing changed. */
  replayed: boolean;
}

/** What identifies a batch's content, so a reused key with different events is caught. */
const eventsHash = (events: ReportedEvent[]) =>
  sha256Hex(
    JSON.stringify(
      events.map((e) => [
        e.communityId,
        e.fanId ?? null,
        e.fanExternalId ?? null,
        e.kind,
        e.count,
        e.occurredAt?.toISOString() ?? null,
        e.payload ?? null,
      ]),
    ),
  );

/** What the schema's declared rules cannot say about the rows: their kind, one fan reference, a recent time. */
function eventIssues(events: ReportedEvent[], now: Date): InputIssue[] {
  const issues: InputIssue[] = [];
  const oldest = now.getTime() - MAX_EVENT_AGE_DAYS * 86_400_000;
  const latest = now.getTime() + FUTURE_SKEW_MS;
  events.forEach((e, i) => {
    const add = (field: string, message: string) => issues.push({ path: `input.events.${i}.${field}`, message });
    if (!(REPORTABLE_KINDS as readonly ActivityKind[]).includes(e.kind)) add('kind', `must be one of ${REPORTABLE_KINDS.join(', ')} (got ${e.kind})`);
    if (e.fanId && e.fanExternalId) add('fanExternalId', 'give fanId or fanExternalId, not both');
    const at = e.occurredAt?.getTime();
    if (at !== undefined && at > latest) add('occurredAt', 'must not be in the future');
    else if (at !== undefined && at < oldest) add('occurredAt', `must be within the last ${MAX_EVENT_AGE_DAYS} days`);
  });
  return issues;
}

export async function recordActivityBatch(
  deps: Deps,
  orgId: string,
  events: ReportedEvent[],
  now = new Date(),
  batchKey?: string | null,
): Promise<ActivityBatchReceipt> {
  refuseIssues(eventIssues(events, now));
  const hash = batchKey ? eventsHash(events) : '';
  const outcome = await deps.db.$transaction(async (tx) => {
    if (batchKey) {
      // Claim the key first: a concurrent retry waits on this row and then replays our receipt.
      const claimed = await tx.$queryRaw<unknown[]>`
        INSERT INTO "ActivityBatch" ("orgId", "key", "eventsHash", "accepted", "fansUpdated") VALUES (${orgId}, ${batchKey}, ${hash}, 0, 0)
        ON CONFLICT DO NOTHING RETURNING "key"`;
      if (!claimed.length) {
        const prior = await tx.activityBatch.findUniqueOrThrow({ where: { orgId_key: { orgId, key: batchKey } } });
        if (prior.eventsHash !== hash)
          throw new DomainError('CONFLICT', `batchKey "${batchKey}" was already used for a different batch`, 'input.batchKey');
        return { messages: [], fansUpdated: prior.fansUpdated, accepted: prior.accepted, replayed: true };
      }
    }
    // Every id must belong to the caller's organization; the first stranger names its row.
    const communityIds = [...new Set(events.map((e) => e.communityId))];
    const fanIds = [...new Set(events.flatMap((e) => (e.fanId ? [e.fanId] : [])))];
    const externalIds = [...new Set(events.flatMap((e) => (e.fanExternalId ? [e.fanExternalId] : [])))];
    const [communities, byId, byExternal] = await Promise.all([
      tx.community.findMany({ where: { orgId, id: { in: communityIds } }, select: { id: true } }),
      fanIds.length ? tx.fan.findMany({ where: { orgId, id: { in: fanIds } }, select: { id: true } }) : [],
      externalIds.length ? tx.fan.findMany({ where: { orgId, externalId: { in: externalIds } }, select: { id: true, externalId: true } }) : [],
    ]);
    const knownCommunities = new Set(communities.map((c) => c.id));
    const knownFans = new Set(byId.map((f) => f.id));
    const fanOfExternal = new Map(byExternal.map((f) => [f.externalId, f.id]));

    const { timeZone } = await tx.organization.findUniqueOrThrow({ where: { id: orgId }, select: { timeZone: true } });
    const rows: ActivityInput[] = [];
    const perFan = new Map<string, { other: number; at: Date }>();
    const dailyMessages: DailyCount[] = [];
    events.forEach((e, i) => {
      if (!knownCommunities.has(e.communityId)) throw notFound('Community', `input.events.${i}.communityId`);
      let fanId: string | null = null;
      if (e.fanId) {
        if (!knownFans.has(e.fanId)) throw notFound('Fan', `input.events.${i}.fanId`);
        fanId = e.fanId;
      } else if (e.fanExternalId) {
        fanId = fanOfExternal.get(e.fanExternalId) ?? null;
        if (!fanId) throw notFound('Fan', `input.events.${i}.fanExternalId`);
      }
      const at = e.occurredAt ?? now;
      rows.push({ orgId, communityId: e.communityId, fanId, kind: e.kind, count: e.count, payload: e.payload ?? undefined, occurredAt: at });
      if (!fanId) return;
      const f = perFan.get(fanId) ?? { other: 0, at };
      if (e.kind === 'MESSAGE_POSTED') dailyMessages.push({ orgId, fanId, day: dayOf(timeZone, at), messages: e.count, likes: 0 });
      else if (e.kind === 'BUYER_SHOW_POSTED') f.other += INTIMACY.BUYER_SHOW_POSTED * e.count;
      else if (e.kind === 'KOC_ACTION') f.other += INTIMACY.KOC_ACTION * e.count;
      else if (e.kind === 'LIKE_BURST') f.other += INTIMACY.LIKE_BURST;
      if (at > f.at) f.at = at;
      perFan.set(fanId, f);
    });

    // The events first: their insight triggers write the rollups and then lock the fans, the same order
    // as an order import or a refund (rollups, then Fan), so a batch and an import on the same fans
    // cannot wait on each other in a cycle (test/insights/concurrency.test.ts).
    const messages = await recordActivity(tx, rows);
    const ids = [...perFan.keys()].sort();
    if (ids.length) {
      // Then the day's message counts, then the fans in id order (the like path takes them in the same
      // order), so two overlapping batches cannot deadlock each other.
      const fromMessages = await earnCappedIntimacy(tx, dailyMessages);
      await tx.$queryRaw`SELECT "id" FROM "Fan" WHERE "id" = ANY(${ids}::text[]) ORDER BY "id" FOR NO KEY UPDATE`;
      const deltas = ids.map((id) => (fromMessages.get(id) ?? 0) + perFan.get(id)!.other);
      const ats = ids.map((id) => perFan.get(id)!.at.toISOString());
      await tx.$executeRaw`
        UPDATE "Fan" AS f
        SET "intimacy" = f."intimacy" + v.delta,
            "lastActiveAt" = GREATEST(f."lastActiveAt", v.at::timestamptz AT TIME ZONE 'UTC'),
            "updatedAt" = now()
        FROM unnest(${ids}::text[], ${deltas}::int[], ${ats}::text[]) AS v(id, delta, at)
        WHERE f."id" = v.id AND f."orgId" = ${orgId}`;
    }
    if (batchKey)
      await tx.activityBatch.update({ where: { orgId_key: { orgId, key: batchKey } }, data: { accepted: messages.length, fansUpdated: ids.length } });
    return { messages, fansUpdated: ids.length, accepted: messages.length, replayed: false };
  });
  publishActivity(deps.pubsub, outcome.messages);
  return { accepted: outcome.accepted, fansUpdated: outcome.fansUpdated, replayed: outcome.replayed };
}
