// Distinct counts (buyers, repeat buyers, active members) read from the per-day rollup kept at commit
// (migration 20261204000100_insight_fast_windows, InsightDistinctDay) instead of a GROUP BY over every
// buyer-day or a probe per membership:
// - per day (a DAY series, or a one-day window): the day's own counters, always exact;
// - a range [from, to]: a fan counts iff their latest such day falls in it, so the count is the sum of
//   the lastX histogram over the range — exact when no fan has a later day recorded, which the same
//   query checks (sum of lastX after `to` is 0; every window ending today, barring future-dated rows).
// A key whose range is not exact that way, a group kind's series (a fan in two groups counts once) and
// WEEK/MONTH series fall back to the exact GROUP BY in service.ts.

import type { Context } from '../../core/context.js';
import { readRows } from '../../core/reads/raw.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { Window } from '../window.js';
import { activeFans, activeMembers, type Granularity, type Scope, buyers as slowBuyers } from './service.js';

type Deps = Pick<Context, 'db'>;
type BuyerCounts = { buyers: number; repeatBuyers: number };
type ActiveCount = { activeMembers: number };

const d = (day: string) => Prisma.sql`${day}::date`;
const iso = (v: Date | string) => (typeof v === 'string' ? v.slice(0, 10) : v.toISOString().slice(0, 10));

interface Row {
  k: string;
  b: Date;
  activeMembers: number;
  buyers: number;
  repeatBuyers: number;
  laterActive: number;
  laterBuyers: number;
}

/** One row per (key, bucket start) for DAY buckets or the whole window; `later*` > 0 marks a range not exact by histogram. */
async function read(deps: Deps, orgId: string, scope: Scope, ids: string[] | null, w: Window, perDay: boolean) {
  const only = ids ? Prisma.sql`AND "scopeId" = ANY(${ids}::text[])` : Prisma.empty;
  const rows = perDay
    ? await readRows<Row>(
        deps.db,
        Prisma.sql`
        SELECT "scopeId" AS k, "day" AS b, "activeMembers", "buyers", "repeatBuyers", 0 AS "laterActive", 0 AS "laterBuyers"
        FROM "InsightDistinctDay" WHERE "orgId" = ${orgId} AND "scope" = ${scope} ${only} AND "day" BETWEEN ${d(w.from)} AND ${d(w.to)}`,
      )
    : await readRows<Row>(
        deps.db,
        Prisma.sql`
        SELECT "scopeId" AS k, ${d(w.from)} AS b,
          COALESCE(sum("lastActive") FILTER (WHERE "day" <= ${d(w.to)}), 0)::int AS "activeMembers",
          COALESCE(sum("lastBuyers") FILTER (WHERE "day" <= ${d(w.to)}), 0)::int AS "buyers",
          COALESCE(sum("lastRepeat") FILTER (WHERE "day" <= ${d(w.to)}), 0)::int AS "repeatBuyers",
          COALESCE(sum("lastActive") FILTER (WHERE "day" > ${d(w.to)}), 0)::int AS "laterActive",
          COALESCE(sum("lastBuyers") FILTER (WHERE "day" > ${d(w.to)}), 0)::int AS "laterBuyers"
        FROM "InsightDistinctDay" WHERE "orgId" = ${orgId} AND "scope" = ${scope} ${only} AND "day" >= ${d(w.from)}
          AND ("lastActive" <> 0 OR "lastBuyers" <> 0 OR "lastRepeat" <> 0)
        GROUP BY 1`,
      );
  return rows.map((r) => ({ ...r, key: `${r.k}|${iso(r.b)}` }));
}

const oneDay = (w: Window) => w.from === w.to;

/**
 * Buyers, repeat buyers and active members (active fans for scope 'O') per (key, bucket), like
 * service.ts `buyers` and `activeMembers`/`activeFans`, from one read of InsightDistinctDay.
 */
export async function fastDistinct(
  deps: Deps,
  orgId: string,
  tz: string,
  scope: Scope,
  ids: string[] | null,
  w: Window,
  g: Granularity | null,
  all = false,
): Promise<{ buyers: Map<string, BuyerCounts>; active: Map<string, ActiveCount> }> {
  const exactActive = (slow: string[] | null, gg: Granularity | null) =>
    scope === 'O' ? activeFans(deps, orgId, w, gg) : activeMembers(deps, tz, slow ?? ids ?? [], w, gg, all);
  if (all || (g && g !== 'DAY')) {
    const [buyers, active] = await Promise.all([slowBuyers(deps, orgId, scope, ids, w, g, all), exactActive(null, g)]);
    return { buyers, active };
  }
  const rows = await read(deps, orgId, scope, ids, w, g === 'DAY' || oneDay(w));
  const buyers = new Map<string, BuyerCounts>();
  const active = new Map<string, ActiveCount>();
  const slowB: string[] = [];
  const slowA: string[] = [];
  for (const r of rows) {
    if (r.laterBuyers) slowB.push(r.k);
    else if (r.buyers || r.repeatBuyers) buyers.set(r.key, { buyers: r.buyers, repeatBuyers: r.repeatBuyers });
    if (r.laterActive) slowA.push(r.k);
    else active.set(r.key, { activeMembers: r.activeMembers });
  }
  const [b, a] = await Promise.all([
    slowB.length ? slowBuyers(deps, orgId, scope, slowB, w, null) : undefined,
    slowA.length ? exactActive(slowA, null) : undefined,
  ]);
  for (const [k, v] of b ?? []) buyers.set(k, v);
  for (const [k, v] of a ?? []) active.set(k, v);
  return { buyers, active };
}

/** Distinct buyers and repeat buyers per (key, bucket) only (KOCs, a ranking sorted by buyers), like service.ts `buyers`. */
export async function fastBuyers(deps: Deps, orgId: string, scope: Scope, ids: string[] | null, w: Window, g: Granularity | null, all = false) {
  if (all || (g && g !== 'DAY')) return slowBuyers(deps, orgId, scope, ids, w, g, all);
  const rows = await read(deps, orgId, scope, ids, w, g === 'DAY' || oneDay(w));
  const out = new Map<string, BuyerCounts>();
  const slow: string[] = [];
  for (const r of rows) {
    if (r.laterBuyers) slow.push(r.k);
    else if (r.buyers || r.repeatBuyers) out.set(r.key, { buyers: r.buyers, repeatBuyers: r.repeatBuyers });
  }
  if (slow.length) for (const [k, v] of await slowBuyers(deps, orgId, scope, slow, w, null)) out.set(k, v);
  return out;
}
