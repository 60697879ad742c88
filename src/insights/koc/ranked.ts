// The KOC leaderboard sorted on GMV or orders: one statement gathers every KOC (marked, a current KOC
// member, or with orders attributed in the window), sums their window (groups/blocks.ts), sorts and cuts
// the page in PostgreSQL. Reading every KOC's row into JavaScript to sort it cost more than the sums.

import type { Context } from '../../core/context.js';
import { readRows } from '../../core/reads/raw.js';
import { Prisma } from '../../generated/prisma/client.js';
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
  const kocs = Prisma.sql`WITH s AS (SELECT "scopeId" AS k, ${SUMS} FROM (${windowRows(orgId, 'K', Prisma.empty, w)}) x GROUP BY 1),
    kocs AS (
      SELECT "id" FROM "Fan" WHERE "orgId" = ${orgId} AND "isKoc"
      UNION SELECT "fanId" FROM "Membership" WHERE "orgId" = ${orgId} AND "role" = 'KOC' AND "leftAt" IS NULL
      UNION SELECT k FROM s)`;
  const rows = await readRows<Additive & { id: string; totalCount: number }>(
    deps.db,
    Prisma.sql`
    ${kocs}
    SELECT kocs."id", count(*) OVER ()::int AS "totalCount", s.* FROM kocs LEFT JOIN s ON s.k = kocs."id"
    ORDER BY ${KOC_COUNTER_SORT[a.sortBy]} ${a.descending ? Prisma.sql`DESC` : Prisma.sql`ASC`}, kocs."id" COLLATE "C"
    LIMIT ${a.first} OFFSET ${a.offset}`,
  );
  const totalCount = rows.length
    ? rows[0].totalCount
    : (await readRows<{ n: number }>(deps.db, Prisma.sql`${kocs} SELECT count(*)::int AS n FROM kocs`))[0].n;
  return { totalCount, rows: rows.map((r) => ({ id: r.id, sums: r })) };
}
