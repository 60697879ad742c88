// The raw `pg` ceiling for bench:insights: the same questions as single hand-written statements over
// the same rollup tables, answered without GraphQL, Prisma or JavaScript assembly. Distinct counts read
// InsightDistinctDay (20261204000100_insight_fast_windows) as the API does for windows ending today.
import type pg from 'pg';

const W90 = `(now() AT TIME ZONE 'Asia/Shanghai')::date - 89`;
const TODAY = `(now() AT TIME ZONE 'Asia/Shanghai')::date`;

export const RAW = {
  /** Top 20 groups by GMV over 90 days, with buyers, repeat buyers and active members for the page (latest-day histograms). */
  async ranking(c: pg.Pool, orgId: string) {
    await c.query({
      name: 'raw-ranking',
      text: `
      WITH sums AS (
        SELECT "scopeId" AS id, sum("gmvCents") AS gmv, sum("orders") AS orders, sum("messages") AS messages, sum("joins") AS joins, sum("leaves") AS leaves
        FROM "InsightDay" WHERE "orgId" = $1 AND "scope" = 'G' AND "day" BETWEEN ${W90} AND ${TODAY} GROUP BY 1 ORDER BY gmv DESC, id LIMIT 20)
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
      name: 'raw-koc',
      text: `
      WITH sums AS (SELECT "scopeId" AS id, sum("gmvCents") AS gmv, sum("orders") AS orders FROM "InsightDay"
        WHERE "orgId" = $1 AND "scope" = 'K' AND "day" BETWEEN ${W90} AND ${TODAY} GROUP BY 1 ORDER BY gmv DESC, id LIMIT 20)
      SELECT s.*, b.fans, f."displayName" FROM sums s JOIN "Fan" f ON f.id = s.id
      CROSS JOIN LATERAL (SELECT sum("lastBuyers") AS fans FROM "InsightDistinctDay" WHERE "scope" = 'K' AND "scopeId" = s.id AND "day" >= ${W90}) b
      ORDER BY s.gmv DESC, s.id`,
      values: [orgId],
    });
  },
};
