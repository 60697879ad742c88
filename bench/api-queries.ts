// The five console queries of bench:api, each with the hand-written SQL the raw handler answers it with.
// The SQL builds the whole response as JSON inside PostgreSQL (one statement, LATERAL-style subqueries
// with a LIMIT per parent, like PostGraphile), which is about as cheap as serving it can get here.
// Both servers must return the same `data`; bench/api.ts checks that before measuring.

export interface BenchQuery {
  name: string;
  title: string;
  query: string;
  /** Variables for this dataset (ids found by the bench at start). */
  variables?: Record<string, unknown>;
  /** The raw handler's SQL: $1 is the organization id, $2 an entity id when the query has one; returns one row, one text column `json`. */
  sql: string;
  /** Which variable (if any) holds the global id passed to the SQL as $2. */
  idVariable?: string;
  /** A target from issue 9, shown beside the figures. */
  target?: string;
}

/** DateTime as the API's scalar prints it (our TIMESTAMP(3) columns hold UTC wall time). */
const iso = (col: string) => `to_char(${col}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const gid = (type: string, col: string) => `translate(encode(convert_to('${type}:' || ${col}, 'UTF8'), 'base64'), E'\\n', '')`;
const list = (obj: string, order: string, from: string) => `(SELECT COALESCE(json_agg(${obj} ORDER BY ${order}), '[]'::json) FROM ${from})`;

export const QUERIES: BenchQuery[] = [
  {
    name: 'Q1',
    title: 'first 20 fans, 5 scalar fields',
    query: '{ fans(first: 20) { nodes { id displayName region orderCount totalSpendCents } } }',
    target: '≥ 0.5× raw, ≤ 1 ms server CPU per request',
    sql: `SELECT json_build_object('fans', json_build_object('nodes',
        ${list(
          `json_build_object('id', ${gid('Fan', 'f.id')}, 'displayName', f."displayName", 'region', f.region, 'orderCount', f."orderCount", 'totalSpendCents', f."totalSpendCents")`,
          'f."createdAt" DESC, f.id DESC',
          `(SELECT * FROM "Fan" WHERE "orgId" = $1 ORDER BY "createdAt" DESC, id DESC LIMIT 20) f`,
        )}))::text AS json`,
  },
  {
    name: 'Q2',
    title: '7 vertical groups → first 5 members → their first 5 memberships (README "Vertical groups")',
    query:
      '{ communities(kinds: [VERTICAL], first: 7) { nodes { name memberCount capacity lifecycle members(first: 5) { nodes { role fan { displayName memberships(first: 5) { nodes { community { name } } } } } } } } }',
    target: '≥ 0.4× raw, rows read ≤ 2× rows returned',
    sql: `SELECT json_build_object('communities', json_build_object('nodes',
        ${list(
          `json_build_object('name', c.name, 'memberCount', c."memberCount", 'capacity', c.capacity, 'lifecycle', c.lifecycle, 'members', json_build_object('nodes',
            ${list(
              `json_build_object('role', m.role, 'fan', json_build_object('displayName', f."displayName", 'memberships', json_build_object('nodes',
                ${list(
                  `json_build_object('community', json_build_object('name', c2.name))`,
                  'm2."joinedAt" DESC, m2.id DESC',
                  `(SELECT * FROM "Membership" WHERE "fanId" = f.id ORDER BY "joinedAt" DESC, id DESC LIMIT 5) m2 JOIN "Community" c2 ON c2.id = m2."communityId"`,
                )})))`,
              'm."joinedAt" DESC, m.id DESC',
              `(SELECT * FROM "Membership" WHERE "communityId" = c.id AND "leftAt" IS NULL ORDER BY "joinedAt" DESC, id DESC LIMIT 5) m JOIN "Fan" f ON f.id = m."fanId"`,
            )}))`,
          'c.name, c.id',
          `(SELECT * FROM "Community" WHERE "orgId" = $1 AND kind = 'VERTICAL' ORDER BY name, id LIMIT 7) c`,
        )}))::text AS json`,
  },
  {
    name: 'Q3',
    title: 'SILENT/DORMANT fans with ≥ 2 orders by total spend, first 20, with totalCount and tags',
    query:
      '{ fans(filter: { lifecycles: [SILENT, DORMANT], minOrders: 2 }, orderBy: { field: TOTAL_SPEND }, first: 20) { totalCount nodes { displayName region orderCount totalSpendCents tags { tag { name } source } } } }',
    target: '≥ 0.8× raw',
    sql: `SELECT json_build_object('fans', json_build_object(
        'totalCount', (SELECT count(*) FROM "Fan" WHERE "orgId" = $1 AND lifecycle IN ('SILENT', 'DORMANT') AND "orderCount" >= 2),
        'nodes', ${list(
          `json_build_object('displayName', f."displayName", 'region', f.region, 'orderCount', f."orderCount", 'totalSpendCents', f."totalSpendCents",
            'tags', ${list(`json_build_object('tag', json_build_object('name', t.name), 'source', ft.source)`, 'ft."createdAt"', `"FanTag" ft JOIN "Tag" t ON t.id = ft."tagId" WHERE ft."fanId" = f.id`)})`,
          'f."totalSpendCents" DESC, f.id DESC',
          `(SELECT * FROM "Fan" WHERE "orgId" = $1 AND lifecycle IN ('SILENT', 'DORMANT') AND "orderCount" >= 2 ORDER BY "totalSpendCents" DESC, id DESC LIMIT 20) f`,
        )}))::text AS json`,
  },
  {
    name: 'Q4',
    title: 'a fan profile: scalars, first 10 orders, points entries and memberships (with totals)',
    query: `query Profile($id: ID!) { node(id: $id) { ... on Fan { id displayName region skinType lifecycle isKoc intimacy pointsBalance checkInStreak orderCount totalSpendCents lastOrderAt lastActiveAt createdAt
      orders(first: 10) { totalCount nodes { externalId amountCents status placedAt } }
      pointsEntries(first: 10) { totalCount nodes { delta balanceAfter reason createdAt } }
      memberships(first: 10) { totalCount nodes { role joinedAt leftAt community { name } } } } } }`,
    idVariable: 'id',
    sql: `SELECT json_build_object('node', (SELECT json_build_object('id', ${gid('Fan', 'f.id')}, 'displayName', f."displayName", 'region', f.region, 'skinType', f."skinType",
        'lifecycle', f.lifecycle, 'isKoc', f."isKoc", 'intimacy', f.intimacy, 'pointsBalance', f."pointsBalance", 'checkInStreak', f."checkInStreak",
        'orderCount', f."orderCount", 'totalSpendCents', f."totalSpendCents", 'lastOrderAt', ${iso('f."lastOrderAt"')}, 'lastActiveAt', ${iso('f."lastActiveAt"')}, 'createdAt', ${iso('f."createdAt"')},
        'orders', json_build_object('totalCount', (SELECT count(*) FROM "Order" WHERE "fanId" = f.id),
          'nodes', ${list(
            `json_build_object('externalId', o."externalId", 'amountCents', o."amountCents", 'status', o.status, 'placedAt', ${iso('o."placedAt"')})`,
            'o."placedAt" DESC, o.id DESC',
            `(SELECT * FROM "Order" WHERE "fanId" = f.id ORDER BY "placedAt" DESC, id DESC LIMIT 10) o`,
          )}),
        'pointsEntries', json_build_object('totalCount', (SELECT count(*) FROM "PointsEntry" WHERE "fanId" = f.id),
          'nodes', ${list(
            `json_build_object('delta', e.delta, 'balanceAfter', e."balanceAfter", 'reason', e.reason, 'createdAt', ${iso('e."createdAt"')})`,
            'e."createdAt" DESC, e.id DESC',
            `(SELECT * FROM "PointsEntry" WHERE "fanId" = f.id ORDER BY "createdAt" DESC, id DESC LIMIT 10) e`,
          )}),
        'memberships', json_build_object('totalCount', (SELECT count(*) FROM "Membership" WHERE "fanId" = f.id),
          'nodes', ${list(
            `json_build_object('role', m.role, 'joinedAt', ${iso('m."joinedAt"')}, 'leftAt', ${iso('m."leftAt"')}, 'community', json_build_object('name', c.name))`,
            'm."joinedAt" DESC, m.id DESC',
            `(SELECT * FROM "Membership" WHERE "fanId" = f.id ORDER BY "joinedAt" DESC, id DESC LIMIT 10) m JOIN "Community" c ON c.id = m."communityId"`,
          )}))
      FROM "Fan" f WHERE f.id = $2 AND f."orgId" = $1))::text AS json`,
  },
  {
    name: 'Q5',
    title: 'the like campaign of last night: totals, top 10 contributors, its drawn milestones',
    query: `query Campaign($id: ID!) { node(id: $id) { ... on Campaign { name status startsAt endsAt community { name } liveSession { title }
      like { targetLikes totalLikes milestonesReached participantCount topContributors(first: 10) { likes fan { displayName } } draws { milestone participantCount createdAt } } } } }`,
    idVariable: 'id',
    sql: `SELECT json_build_object('node', (SELECT json_build_object('name', c.name, 'status', c.status, 'startsAt', ${iso('c."startsAt"')}, 'endsAt', ${iso('c."endsAt"')},
        'community', (SELECT json_build_object('name', g.name) FROM "Community" g WHERE g.id = c."communityId"),
        'liveSession', (SELECT json_build_object('title', s.title) FROM "LiveSession" s WHERE s.id = c."liveSessionId"),
        'like', (SELECT json_build_object('targetLikes', l."targetLikes", 'totalLikes', l."totalLikes", 'milestonesReached', l."milestonesReached",
            'participantCount', (SELECT count(*) FROM "LikeContribution" WHERE "campaignId" = c.id),
            'topContributors', ${list(
              `json_build_object('likes', lc.likes, 'fan', json_build_object('displayName', f."displayName"))`,
              'lc.likes DESC, lc."fanId"',
              `(SELECT * FROM "LikeContribution" WHERE "campaignId" = c.id ORDER BY likes DESC, "fanId" LIMIT 10) lc JOIN "Fan" f ON f.id = lc."fanId"`,
            )},
            'draws', ${list(
              `json_build_object('milestone', d.milestone, 'participantCount', d."participantCount", 'createdAt', ${iso('d."createdAt"')})`,
              'd.milestone',
              `(SELECT milestone, "participantCount", "createdAt" FROM "LikeDraw" WHERE "campaignId" = c.id) d`,
            )})
          FROM "LikeCampaign" l WHERE l."campaignId" = c.id))
      FROM "Campaign" c WHERE c.id = $2 AND c."orgId" = $1))::text AS json`,
  },
];

const WRAPPER_KEYS = new Set(['nodes', 'edges', 'totalCount', 'pageInfo']);

/** Objects in a response's data that stand for a row (connection wrappers and the root not counted): "rows returned". */
export function objectsIn(data: unknown): number {
  const walk = (v: unknown): number => {
    if (Array.isArray(v)) return v.reduce((n: number, x) => n + walk(x), 0);
    if (!v || typeof v !== 'object') return 0;
    const keys = Object.keys(v);
    const own = keys.some((k) => !WRAPPER_KEYS.has(k)) ? 1 : 0;
    return own + keys.reduce((n, k) => n + walk((v as Record<string, unknown>)[k]), 0);
  };
  return Math.max(0, walk(data) - 1);
}
