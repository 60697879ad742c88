// Pareto share: how much of the GMV the top 20% of buyers bring (the brief's "top 20% bring ~80%").
// Organization: buyers are fans with a paid order, each weighted by their paid spend (Fan's commerce
// facts, kept by order import and refund). Group: buyers are fans with a paid order attributed to the
// group, weighted by the GMV of those orders. "Top 20%" is the ceil(buyers / 5) biggest; buyers tied
// at the cut have the same spend, so the share does not depend on which of them is counted.
// The organization's is the snapshot of the last RFM refresh (stored with it by rfm_snapshot, migration
// 20261204000200_rfm_snapshot; computed live before any refresh); a group's is computed live.
import type { Db } from '../../core/db.js';

export interface ParetoShare {
  buyers: number;
  topBuyers: number;
  gmvCents: number;
  topGmvCents: number;
  /** topGmvCents / gmvCents; 0 without GMV. */
  share: number;
  /** When the numbers were computed: the organization's last refresh, or now when computed live. */
  asOf: Date;
}

export async function gmvPareto(db: Db, orgId: string, communityId?: string | null): Promise<ParetoShare> {
  if (!communityId) {
    const snap = await db.fanScoreRefresh.findUnique({ where: { orgId } });
    if (snap) return share(snap.paretoBuyers, Number(snap.paretoGmvCents), Number(snap.paretoTopGmvCents), snap.refreshedAt);
  }
  const rows = communityId
    ? await db.$queryRaw<{ n: number; total: bigint | null; top: bigint | null }[]>`
        WITH buyer AS (
          SELECT o."fanId", sum(o."amountCents")::bigint AS gmv FROM "Order" o
          WHERE o."communityId" = ${communityId} AND o."orgId" = ${orgId} AND o."status" = 'PAID'
          GROUP BY o."fanId"
        ), ranked AS (SELECT gmv, row_number() OVER (ORDER BY gmv DESC) AS rn, count(*) OVER () AS n FROM buyer)
        SELECT count(*)::int AS n, sum(gmv)::bigint AS total, sum(gmv) FILTER (WHERE rn <= (n + 4) / 5)::bigint AS top FROM ranked`
    : await db.$queryRaw<{ n: number; total: bigint | null; top: bigint | null }[]>`
        WITH totals AS (
          SELECT count(*)::int AS n, sum("totalSpendCents")::bigint AS total FROM "Fan" WHERE "orgId" = ${orgId} AND "orderCount" > 0
        )
        SELECT t.n, t.total, (
          SELECT sum(x.m)::bigint FROM (
            SELECT "totalSpendCents" AS m FROM "Fan" WHERE "orgId" = ${orgId} AND "orderCount" > 0
            ORDER BY "totalSpendCents" DESC LIMIT (t.n + 4) / 5
          ) x
        ) AS top
        FROM totals t`;
  const { n, total, top } = rows[0];
  return share(n, Number(total ?? 0), Number(top ?? 0), new Date());
}

function share(n: number, gmvCents: number, topGmvCents: number, asOf: Date): ParetoShare {
  return { buyers: n, topBuyers: Math.ceil(n / 5), gmvCents, topGmvCents, share: gmvCents ? topGmvCents / gmvCents : 0, asOf };
}
