// A ranking sorted on a counter the rollups sum (GMV, orders, messages … and average order value):
// one statement sums every group's window (blocks.ts), sorts and cuts the page in PostgreSQL, and
// returns the page's sums with it, so the rest of the page's metrics need only the page's groups.
// Sorting every group's numbers in JavaScript cost more than the statement (issue 13's bench).

import type { Context } from '../../core/context.js';
import { readRows } from '../../core/reads/raw.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { CommunityKind } from '../../generated/prisma/enums.js';
import type { Window } from '../window.js';
import { prefixCovers, prefixHorizon, prefixSums } from './prefix.js';
import { type Additive, SUMS, windowRows } from './service.js';

type Deps = Pick<Context, 'db'>;

/** Counters a ranking can sort on in SQL, as expressions over the window's sums `s` (NULL: no base). */
export const COUNTER_SORT = {
  GMV_CENTS: Prisma.sql`COALESCE(s."gmvCents", 0)`,
  ORDERS: Prisma.sql`COALESCE(s."orders", 0)`,
  REFUNDS: Prisma.sql`COALESCE(s."refunds", 0)`,
  REFUNDED_CENTS: Prisma.sql`COALESCE(s."refundedCents", 0)`,
  MESSAGES: Prisma.sql`COALESCE(s."messages", 0)`,
  JOINS: Prisma.sql`COALESCE(s."joins", 0)`,
  LEAVES: Prisma.sql`COALESCE(s."leaves", 0)`,
  BUYER_SHOWS: Prisma.sql`COALESCE(s."buyerShows", 0)`,
  COMPLAINTS_RAISED: Prisma.sql`COALESCE(s."complaintsRaised", 0)`,
  COMPLAINTS_RESOLVED: Prisma.sql`COALESCE(s."complaintsResolved", 0)`,
  // float8 / int, the same IEEE division as gmvCents / orders in combine().
  AVERAGE_ORDER_VALUE_CENTS: Prisma.sql`s."gmvCents" / NULLIF(s."orders", 0)`,
} as const;
export type CounterSort = keyof typeof COUNTER_SORT;

export interface RankedRow {
  id: string;
  memberCount: number;
  sums: Additive;
}

/**
 * A page of the organization's groups (optionally of some kinds) by one counter over the window:
 * larger first when descending, no base (NULL) last either way, ties by id in code-unit order.
 */
export async function rankedByCounter(
  deps: Deps,
  orgId: string,
  w: Window,
  a: { sortBy: CounterSort; descending: boolean; kinds?: CommunityKind[] | null; first: number; offset: number },
): Promise<{ totalCount: number; rows: RankedRow[] }> {
  const kinds = a.kinds?.length ? Prisma.sql`AND c."kind"::text = ANY(${a.kinds}::text[])` : Prisma.empty;
  const direction = a.descending ? Prisma.sql`DESC NULLS LAST` : Prisma.sql`ASC NULLS LAST`;
  const order = Prisma.sql`ORDER BY ${COUNTER_SORT[a.sortBy]} ${direction}, s."id" COLLATE "C" LIMIT ${a.first} OFFSET ${a.offset}`;
  const groups = Prisma.sql`SELECT c."id" AS k, c."id", c."memberCount" FROM "Community" c WHERE c."orgId" = ${orgId} ${kinds}`;
  const rows = await readRows<Additive & { id: string; memberCount: number; totalCount: number }>(
    deps.db,
    prefixCovers(await prefixHorizon(deps, orgId), w)
      ? Prisma.sql`SELECT s.*, count(*) OVER ()::int AS "totalCount" FROM (${prefixSums(orgId, 'G', groups, w)}) s ${order}`
      : Prisma.sql`
    SELECT s.*, count(*) OVER ()::int AS "totalCount" FROM (
      SELECT g.*, b."orders", b."gmvCents", b."refunds", b."refundedCents", b."messages", b."joins", b."leaves", b."buyerShows",
        b."complaintsRaised", b."complaintsResolved"
      FROM (${groups}) g
      LEFT JOIN (SELECT "scopeId" AS k, ${SUMS} FROM (${windowRows(orgId, 'G', Prisma.empty, w)}) x GROUP BY 1) b ON b.k = g.k) s
    ${order}`,
  );
  // Past the last page the window count has no row to ride on.
  const totalCount = rows.length
    ? rows[0].totalCount
    : (await readRows<{ n: number }>(deps.db, Prisma.sql`SELECT count(*)::int AS n FROM "Community" c WHERE c."orgId" = ${orgId} ${kinds}`))[0].n;
  return { totalCount, rows: rows.map((r) => ({ id: r.id, memberCount: r.memberCount, sums: r })) };
}
