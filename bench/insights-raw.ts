// The raw `pg` ceiling for bench:insights: the same questions as single hand-written statements over
// the same rollup tables (a ranking's window sums as two running totals per group, the KOC leaderboard's
// from whole 8/64-day blocks plus edge days, as the API reads them),
// answered without GraphQL, Prisma or JavaScript assembly. Distinct counts read
// InsightDistinctDay (20261204000100_insight_fast_windows) as the API does for windows ending today.
import type pg from 'pg';
import { addDays, localDay } from '../src/checkins/days.js';
import { dayNumber, dayOfNumber, splitWindow } from '../src/insights/groups/blocks.js';

const W90 = `(now() AT TIME ZONE 'Asia/Shanghai')::date - 89`;
const TODAY = `(now() AT TIME ZONE 'Asia/Shanghai')::date`;

/** The last 90 days' counters of one scope as the API reads them: whole blocks from InsightBlock, edge days from InsightDay. */
function window90(scope: 'G' | 'K') {
  const today = localDay(new Date(), 'Asia/Shanghai');
  const pieces = splitWindow(dayNumber(addDays(today, -89)), dayNumber(today));
  const cols = `"scopeId", "orders", "gmvCents", "messages", "joins", "leaves"`;
  const days = pieces.filter((p) => p.level === 0).map((p) => `"day" BETWEEN '${dayOfNumber(p.from)}' AND '${dayOfNumber(p.to)}'`);
  const blocks = pieces.filter((p) => p.level !== 0).map((p) => `("level" = ${p.level} AND "block" BETWEEN ${p.from} AND ${p.to})`);
  return `SELECT ${cols} FROM "InsightDay" WHERE "orgId" = $1 AND "scope" = '${scope}' AND (${days.join(' OR ') || 'false'})
    UNION ALL SELECT ${cols} FROM "InsightBlock" WHERE "orgId" = $1 AND "scope" = '${scope}' AND (${blocks.join(' OR ') || 'false'})`;
}

export const RAW = {
  /**
   * Top 20 groups by GMV over 90 days from the running totals (InsightPrefix: today's less the day before
   * the window's, each day one range of the organization's rows), with buyers, repeat buyers and active
   * members for the page (latest-day histograms).
   */
  async ranking(c: pg.Pool, orgId: string) {
    await c.query({
      name: `raw-ranking-${localDay(new Date(), 'Asia/Shanghai')}`,
      text: `
      WITH sums AS (
        SELECT hi."scopeId" AS id, hi."gmvCents" - COALESCE(lo."gmvCents", 0) AS gmv, hi."orders" - COALESCE(lo."orders", 0) AS orders,
          hi."messages" - COALESCE(lo."messages", 0) AS messages, hi."joins" - COALESCE(lo."joins", 0) AS joins, hi."leaves" - COALESCE(lo."leaves", 0) AS leaves
        FROM "InsightPrefix" hi
        LEFT JOIN "InsightPrefix" lo ON lo."orgId" = $1 AND lo."scope" = 'G' AND lo."scopeId" = hi."scopeId" AND lo."day" = ${W90} - 1
        WHERE hi."orgId" = $1 AND hi."scope" = 'G' AND hi."day" = ${TODAY}
        ORDER BY gmv DESC, id LIMIT 20)
      SELECT s.*, d.buyers, d.repeat, d.active FROM sums s
      CROSS JOIN LATERAL (SELECT sum("lastBuyers") AS buyers, sum("lastRepeat") AS repeat, sum("lastActive") AS active
        FROM "InsightDistinctDay" WHERE "scope" = 'G' AND "scopeId" = s.id AND "day" >= ${W90}) d
      ORDER BY s.gmv DESC, s.id`,
      values: [orgId],
    });
  },
  /** One group's daily additive numbers, buyers and active members over a year (per-day distinct counters). */
  async series(c: pg.Pool, orgId: string, groupId: string) {
    await c.query({
      name: 'raw-series',
      text: `
      WITH days AS (SELECT generate_series(${TODAY} - 364, ${TODAY}, '1 day')::date AS day),
      sums AS (SELECT "day", "orders", "gmvCents", "messages", "joins", "leaves" FROM "InsightDay" WHERE "scope" = 'G' AND "scopeId" = $2 AND "orgId" = $1 AND "day" >= ${TODAY} - 364),
      d AS (SELECT "day", "buyers", "repeatBuyers", "activeMembers" FROM "InsightDistinctDay" WHERE "scope" = 'G' AND "scopeId" = $2 AND "day" >= ${TODAY} - 364)
      SELECT days.day, sums.*, d.* FROM days LEFT JOIN sums USING ("day") LEFT JOIN d USING ("day") ORDER BY days.day`,
      values: [orgId, groupId],
    });
  },
  /** Top 20 KOCs by attributed GMV over 90 days, with their ordering fans. */
  async koc(c: pg.Pool, orgId: string) {
    await c.query({
      name: `raw-koc-${localDay(new Date(), 'Asia/Shanghai')}`,
      text: `
      WITH sums AS (SELECT "scopeId" AS id, sum("gmvCents") AS gmv, sum("orders") AS orders FROM (${window90('K')}) x GROUP BY 1 ORDER BY gmv DESC, id LIMIT 20)
      SELECT s.*, b.fans, f."displayName" FROM sums s JOIN "Fan" f ON f.id = s.id
      CROSS JOIN LATERAL (SELECT sum("lastBuyers") AS fans FROM "InsightDistinctDay" WHERE "scope" = 'K' AND "scopeId" = s.id AND "day" >= ${W90}) b
      ORDER BY s.gmv DESC, s.id`,
      values: [orgId],
    });
  },
};
