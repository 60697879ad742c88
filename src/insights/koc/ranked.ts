// The KOC leaderboard sorted on GMV or orders: one statement gathers every KOC (marked, a current KOC
// member, or with orders attributed in the window) with their window's sums, sorts and cuts the page in
// PostgreSQL. Reading every KOC's row into JavaScript to sort it cost more than the sums.
//
// Sums come from the running totals when they reach the window (groups/prefix.ts): the KOCs with orders
// in the window are those whose running total moved between the two days, plus the marked scopes the
// running totals do not cover yet (InsightPrefixBackdated, 20261209000100_insight_prefix_unseen);
// otherwise from the blocks, where every KOC with a row in the window is listed.

import type { Context } from '../../core/context.js';
import { readRows } from '../../core/reads/raw.js';
import { Prisma } from '../../generated/prisma/client.js';
import { prefixCovers, prefixHorizon, prefixSums } from '../groups/prefix.js';
import { COUNTER_SORT } from '../groups/ranked.js';
import { type Additive, SUMS, windowRows } from '../groups/service.js';
import type { Window } from '../window.js';

type Deps = Pick<Context, 'db'>;

export const KOC_COUNTER_SORT = { GMV_CENTS: COUNTER_SORT.GMV_CENTS, ORDERS: COUNTER_SORT.ORDERS } as const;
export type KocCounterSort = keyof typeof KOC_COUNTER_SORT;

/** A page of KOCs by one counter over the window (ties by fan id in code-unit order), with their sums. */
export async function rankedKocsByCounter(
  deps: Deps,
  orgId: string,
  w: Window,
  a: { sortBy: KocCounterSort; descending: boolean; first: number; offset: number },
): Promise<{ totalCount: number; rows: { id: string; sums: Additive }[] }> {
  const listed = Prisma.sql`SELECT "id" FROM "Fan" WHERE "orgId" = ${orgId} AND "isKoc"
    UNION ALL SELECT "fanId" FROM "Membership" WHERE "orgId" = ${orgId} AND "role" = 'KOC' AND "leftAt" IS NULL`;
  // Every candidate with its sums, as relation s (id, k, the ten counters).
  const candidates = prefixCovers(await prefixHorizon(deps, orgId), w)
    ? // UNION, not GROUP BY: PostgreSQL estimates a UNION's rows as its inputs' (thousands) and joins both
      // days' ranges by hash; a GROUP BY over the union is guessed at 200 rows and probes each KOC's rows.
      Prisma.sql`s AS (SELECT x.k AS "id", x.* FROM (${prefixSums(
        orgId,
        'K',
        Prisma.sql`SELECT "id" AS k FROM (${listed}
          UNION SELECT "scopeId" FROM "InsightPrefix" WHERE "orgId" = ${orgId} AND "scope" = 'K' AND "day" = ${w.to}::date
          UNION SELECT "scopeId" FROM "InsightPrefixBackdated" WHERE "orgId" = ${orgId} AND "scope" = 'K') c`,
        w,
      )}) x WHERE x."orders" <> 0 OR x."refunds" <> 0 OR x.k IN (${listed}))`
    : Prisma.sql`b AS (SELECT "scopeId" AS k, ${SUMS} FROM (${windowRows(orgId, 'K', Prisma.empty, w)}) x GROUP BY 1),
      s AS (SELECT kocs."id", b.* FROM (${listed} UNION SELECT k FROM b) kocs LEFT JOIN b ON b.k = kocs."id")`;
  const rows = await readRows<Additive & { id: string; totalCount: number }>(
    deps.db,
    Prisma.sql`
    WITH ${candidates}
    SELECT s.*, count(*) OVER ()::int AS "totalCount" FROM s
    ORDER BY ${KOC_COUNTER_SORT[a.sortBy]} ${a.descending ? Prisma.sql`DESC` : Prisma.sql`ASC`}, s."id" COLLATE "C"
    LIMIT ${a.first} OFFSET ${a.offset}`,
  );
  const totalCount = rows.length
    ? rows[0].totalCount
    : (await readRows<{ n: number }>(deps.db, Prisma.sql`WITH ${candidates} SELECT count(*)::int AS n FROM s`))[0].n;
  return { totalCount, rows: rows.map((r) => ({ id: r.id, sums: r })) };
}
