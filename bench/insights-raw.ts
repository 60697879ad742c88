// The raw `pg` ceiling for bench:insights: the same questions as single hand-written statements over
// the same rollup tables, answered without GraphQL, Prisma or JavaScript assembly.
import type pg from 'pg';

const W90 = `(now() AT TIME ZONE 'Asia/Shanghai')::date - 89`;
const TODAY = `(now() AT TIME ZONE 'Asia/Shanghai')::date`;

export const RAW = {
  /** Top 20 groups by GMV over 90 days, with buyers, repeat buyers and active members for the page. */
  async ranking(c: pg.Pool, orgId: string) {
    await c.query({
      name: 'raw-ranking',
      text: `
      WITH sums AS (
        SELECT "scopeId" AS id, sum("gmvCents") AS gmv, sum("orders") AS orders, sum("messages") AS messages, sum("joins") AS joins, sum("leaves") AS leaves
        FROM "InsightDay" WHERE "orgId" = $1 AND "scope" = 'G' AND "day" BETWEEN ${W90} AND ${TODAY} GROUP BY 1 ORDER BY gmv DESC, id LIMIT 20)
      SELECT s.*, b.buyers, b.repeat, a.active FROM sums s
      CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE n > 0) AS buyers, count(*) FILTER (WHERE n >= 2) AS repeat FROM (
        SELECT "fanId", sum("orders") n FROM "InsightBuyerDay" WHERE "scope" = 'G' AND "scopeId" = s.id AND "day" BETWEEN ${W90} AND ${TODAY} GROUP BY 1) x) b
      CROSS JOIN LATERAL (SELECT count(*) AS active FROM "Membership" m WHERE m."communityId" = s.id AND EXISTS (
        SELECT 1 FROM "InsightActiveDay" d WHERE d."fanId" = m."fanId" AND d."day" BETWEEN GREATEST(${W90}, (m."joinedAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai')::date)
          AND LEAST(${TODAY}, COALESCE((m."leftAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai')::date, ${TODAY})))) a
      ORDER BY s.gmv DESC, s.id`,
      values: [orgId],
    });
  },
  /** One group's daily additive numbers, buyers and active members over a year. */
  async series(c: pg.Pool, orgId: string, groupId: string) {
    await c.query({
      name: 'raw-series',
      text: `
      WITH days AS (SELECT generate_series(${TODAY} - 364, ${TODAY}, '1 day')::date AS day),
      sums AS (SELECT "day", "orders", "gmvCents", "messages", "joins", "leaves" FROM "InsightDay" WHERE "scope" = 'G' AND "scopeId" = $2 AND "orgId" = $1 AND "day" >= ${TODAY} - 364),
      b AS (SELECT "day", count(*) FILTER (WHERE "orders" > 0) AS buyers FROM "InsightBuyerDay" WHERE "scope" = 'G' AND "scopeId" = $2 AND "day" >= ${TODAY} - 364 GROUP BY 1),
      a AS (SELECT d."day", count(DISTINCT d."fanId") AS active FROM "Membership" m JOIN "InsightActiveDay" d ON d."fanId" = m."fanId"
              AND d."day" BETWEEN GREATEST(${TODAY} - 364, (m."joinedAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai')::date)
              AND LEAST(${TODAY}, COALESCE((m."leftAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai')::date, ${TODAY}))
            WHERE m."communityId" = $2 GROUP BY 1)
      SELECT days.day, sums.*, b.buyers, a.active FROM days LEFT JOIN sums USING ("day") LEFT JOIN b USING ("day") LEFT JOIN a USING ("day") ORDER BY days.day`,
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
      CROSS JOIN LATERAL (SELECT count(DISTINCT "fanId") AS fans FROM "InsightBuyerDay" WHERE "scope" = 'K' AND "scopeId" = s.id AND "day" BETWEEN ${W90} AND ${TODAY} AND "orders" > 0) b
      ORDER BY s.gmv DESC, s.id`,
      values: [orgId],
    });
  },
};
