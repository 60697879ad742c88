// Fan lifecycle, recomputed from facts by one set-based UPDATE. The rule, first match wins:
//   CHURNED — the fan was in at least one group and has left every one of them;
//   NEW     — joined (createdAt) less than 7 days ago: the welcome week, whatever the fan did;
//   ACTIVE  — last activity less than 30 days ago;
//   SILENT  — last activity 30–89 days ago, or never active and joined less than 90 days ago;
//   DORMANT — last activity 90 days ago or more, or never active and joined 90+ days ago.
// "Last activity" is the later of lastActiveAt (group activity, check-ins…) and lastOrderAt.
// A day is 24 hours; the boundaries are inclusive on the older side (exactly 30 days idle is SILENT).

import type { Db, Tx } from '../core/db.js';
import { emitOutboundMany } from '../core/outbound.js';
import { Prisma } from '../generated/prisma/client.js';
import type { FanLifecycle } from '../generated/prisma/enums.js';

const DAY = 86_400_000;

/** A JS instant as the UTC wall time our TIMESTAMP(3) columns hold, whatever the session time zone. */
export const utc = (d: Date) => Prisma.sql`(${d.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;

/** Applies the rule to the organization's fans (or only to `fanIds`); returns how many changed stage. */
export async function applyLifecycleRule(tx: Tx, orgId: string, now: Date, fanIds?: string[]): Promise<number> {
  if (fanIds && !fanIds.length) return 0;
  const only = fanIds ? Prisma.sql`AND f."id" IN (${Prisma.join(fanIds)})` : Prisma.empty;
  const last = Prisma.sql`GREATEST(f."lastActiveAt", f."lastOrderAt")`;
  const changed = await tx.$queryRaw<{ id: string; previous: string; stage: string }[]>`
    WITH computed AS (
      SELECT f."id", f."lifecycle"::text AS previous,
        (CASE
          WHEN EXISTS (SELECT 1 FROM "Membership" m WHERE m."fanId" = f."id")
           AND NOT EXISTS (SELECT 1 FROM "Membership" m WHERE m."fanId" = f."id" AND m."leftAt" IS NULL) THEN 'CHURNED'
          WHEN f."createdAt" > ${utc(new Date(now.getTime() - 7 * DAY))} THEN 'NEW'
          WHEN ${last} > ${utc(new Date(now.getTime() - 30 * DAY))} THEN 'ACTIVE'
          WHEN COALESCE(${last}, f."createdAt") > ${utc(new Date(now.getTime() - 90 * DAY))} THEN 'SILENT'
          ELSE 'DORMANT'
        END)::"FanLifecycle" AS stage
      FROM "Fan" f
      WHERE f."orgId" = ${orgId} ${only}
    )
    UPDATE "Fan" f SET "lifecycle" = c.stage, "updatedAt" = now()
    FROM computed c
    WHERE f."id" = c."id" AND f."lifecycle" <> c.stage
    RETURNING f."id", c.previous, c.stage::text AS stage`;
  // Partners (CRMs, bridges) follow stage changes; emitted with the change, in its transaction.
  await emitOutboundMany(
    tx,
    orgId,
    'fan.lifecycle_changed',
    changed.map((c) => ({ fanId: c.id, from: c.previous, to: c.stage })),
  );
  return changed.length;
}

export type StageCounts = Record<FanLifecycle, number> & { changed: number };

/** Recomputes every fan of the organization and reports how many fans are in each stage now. */
export async function refreshLifecycles(db: Db, orgId: string, now = new Date()): Promise<StageCounts> {
  return db.$transaction(async (tx) => {
    const changed = await applyLifecycleRule(tx, orgId, now);
    const groups = await tx.fan.groupBy({ by: ['lifecycle'], where: { orgId }, _count: { _all: true } });
    const counts: StageCounts = { NEW: 0, ACTIVE: 0, SILENT: 0, DORMANT: 0, CHURNED: 0, changed };
    for (const g of groups) counts[g.lifecycle] = g._count._all;
    return counts;
  });
}

/** The local hour at which each organization's lifecycles are refreshed every night. */
export const NIGHTLY_REFRESH_HOUR = 3;

/**
 * The hourly job's work: refresh the organizations for which `at` falls in the nightly hour of their own
 * time zone (so each organization is refreshed once a night, at 03:00 where it is).
 */
export async function refreshDueLifecycles(db: Db, at: Date): Promise<string[]> {
  const orgs = await db.organization.findMany({ select: { id: true, timeZone: true } });
  const due = orgs.filter((o) => localHour(at, o.timeZone) === NIGHTLY_REFRESH_HOUR);
  for (const org of due) await refreshLifecycles(db, org.id, at);
  return due.map((o) => o.id);
}

function localHour(at: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(at));
}
