// A window's additive counters per scope as the difference of two running totals (InsightPrefix,
// migration 20261207000100_insight_prefix): P(to) − P(from − 1), two index probes per scope however
// long the window. Only windows ending on or before the organization's horizon can use it (rows exist
// through the horizon); others are summed from the blocks (service.ts windowRows), exactly as before.
// The horizon is kept at tomorrow by an hourly job (extendPrefixes), retried while writers hold the lock.

import { addDays, localDay } from '../../checkins/days.js';
import type { Context } from '../../core/context.js';
import { readRows } from '../../core/reads/raw.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { Window } from '../window.js';
import type { Scope } from './service.js';

type Deps = Pick<Context, 'db'>;

export const COUNTER_NAMES = [
  'orders',
  'gmvCents',
  'refunds',
  'refundedCents',
  'messages',
  'joins',
  'leaves',
  'buyerShows',
  'complaintsRaised',
  'complaintsResolved',
] as const;
const CENTS = new Set<string>(['gmvCents', 'refundedCents']);
const col = (table: string, name: string) => Prisma.raw(`${table}."${name}"`);
const d = (day: string) => Prisma.sql`${day}::date`;

/** The last day the organization's running totals reach (null: none yet). */
export async function prefixHorizon(deps: Deps, orgId: string): Promise<string | null> {
  const [row] = await readRows<{ horizon: string }>(
    deps.db,
    Prisma.sql`SELECT to_char("horizon", 'YYYY-MM-DD') AS "horizon" FROM "InsightPrefixSpan" WHERE "orgId" = ${orgId}`,
  );
  return row?.horizon ?? null;
}

/** Whether the window can be read from the running totals. */
export const prefixCovers = (horizon: string | null, w: Window) => horizon !== null && w.to <= horizon;

/**
 * `keys` (a relation with a text column k, and any others) with the window's ten counters per key, as
 * the summed blocks return them (counts ::int, cents ::float8). A key with no running total on a day
 * is a scope the extension has not seen yet, or the day is before the scope's first row: then the sum
 * up to that day is zero, unless a backdated write marked the scope (InsightPrefixBackdated, migration
 * 20261208000100_insight_prefix_ranges); those two cases sum their own few InsightDay rows instead.
 * The organization in the join lets a ranking read each end as one range of a day's rows
 * (InsightPrefix_orgId_scope_day_idx, laid out day by day) instead of a probe per key.
 */
export function prefixSums(orgId: string, scope: Scope, keys: Prisma.Sql, w: Window): Prisma.Sql {
  const before = addDays(w.from, -1);
  const backdated = Prisma.sql`SELECT "scopeId" FROM "InsightPrefixBackdated" WHERE "orgId" = ${orgId} AND "scope" = ${scope}`;
  const sums = Prisma.join(
    COUNTER_NAMES.map((n) => Prisma.raw(`sum(x."${n}") AS "${n}"`)),
    ', ',
  );
  const diffs = Prisma.join(
    COUNTER_NAMES.map(
      (n) =>
        Prisma.sql`(COALESCE(${col('hi', n)}, ${col('hx', n)}, 0) - COALESCE(${col('lo', n)}, ${col('lx', n)}, 0))${Prisma.raw(CENTS.has(n) ? '::float8' : '::int')} AS ${Prisma.raw(`"${n}"`)}`,
    ),
    ', ',
  );
  return Prisma.sql`
    SELECT keys.*, ${diffs}
    FROM (${keys}) keys
    LEFT JOIN "InsightPrefix" hi ON hi."orgId" = ${orgId} AND hi."scope" = ${scope} AND hi."scopeId" = keys.k AND hi."day" = ${d(w.to)}
    LEFT JOIN "InsightPrefix" lo ON lo."orgId" = ${orgId} AND lo."scope" = ${scope} AND lo."scopeId" = keys.k AND lo."day" = ${d(before)}
    LEFT JOIN LATERAL (SELECT ${sums} FROM "InsightDay" x
      WHERE hi."day" IS NULL AND x."scope" = ${scope} AND x."scopeId" = keys.k AND x."day" <= ${d(w.to)}) hx ON true
    LEFT JOIN LATERAL (SELECT ${sums} FROM "InsightDay" x
      WHERE lo."day" IS NULL AND (hi."day" IS NULL OR keys.k IN (${backdated}))
        AND x."scope" = ${scope} AND x."scopeId" = keys.k AND x."day" <= ${d(before)}) lx ON true`;
}

/**
 * Carries every organization's running totals through tomorrow in its time zone. An organization whose
 * lock a writer holds is retried a few times, then left to the next run (readers sum blocks meanwhile).
 */
export async function extendPrefixes(deps: Deps, now = new Date(), orgIds?: string[]): Promise<{ extended: number; busy: number }> {
  const orgs = await deps.db.organization.findMany({
    where: orgIds ? { id: { in: orgIds } } : {},
    select: { id: true, timeZone: true },
    orderBy: { id: 'asc' },
  });
  let extended = 0;
  let busy = 0;
  for (const org of orgs) {
    const upto = addDays(localDay(now, org.timeZone), 1);
    let done = false;
    for (let attempt = 0; attempt < 20 && !done; attempt++) {
      if (attempt) await new Promise((r) => setTimeout(r, 25 * attempt));
      const [row] = await deps.db.$queryRaw<{ ok: boolean }[]>`SELECT insight_prefix_extend(${org.id}, ${upto}::date) AS ok`;
      done = row.ok;
    }
    if (done) extended++;
    else busy++;
  }
  return { extended, busy };
}
