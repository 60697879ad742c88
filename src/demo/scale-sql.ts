// SQL building blocks of the scale dataset (src/demo/scale.ts runs them). Everything is set-based
import { NAMES, PRODUCTS, REGIONS, SKIN } from './catalogue.js';
// (INSERT … SELECT over generate_series) and deterministic: "random" numbers are hashes of row numbers
// (hashint8extended), so the same size and `now` give the same data on PostgreSQL and PGlite.
// Times sit at least 6 hours away from the lifecycle rule's day boundaries (7, 30, 90 days before
// `now`), so recomputing lifecycles shortly after seeding changes nothing.

export interface ScaleContext {
  /** Id prefix and invite-code stem: the organization's slug. */
  p: string;
  orgId: string;
  fans: number;
  /** `now` as a TIMESTAMP literal (UTC wall time, like the TIMESTAMP(3) columns). */
  now: string;
  /** Digits of zero-padding in fan ids, so ids sort like their numbers. */
  width: number;
  /** Memberships a large group holds before it rolls over to a new one (null: no rollover). */
  groupSize: number | null;
}

export const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const MASK = '4503599627370495'; // 2^52 - 1
/** A uniform number in [0, 1) from an integer expression and a salt. */
export const rnd = (x: string, salt: number) => `((hashint8extended((${x})::bigint, ${salt}) & ${MASK})::float8 / 4503599627370496.0)`;
/** The same from two integers (row, sub-row). */
export const rnd2 = (a: string, b: string, salt: number) => rnd(`(${a})::bigint * 1048576 + (${b})`, salt);
/** From a text id. */
export const rndId = (id: string, salt: number) => rnd(`hashtext(${id})`, salt);
export const arr = (xs: readonly (string | number)[]) => `(ARRAY[${xs.map((x) => (typeof x === 'number' ? String(x) : lit(x))).join(',')}])`;
const days = (x: string) => `((${x}) * INTERVAL '1 day')`;

export const ids = (c: ScaleContext) => ({
  fan: (i: string) => `'${c.p}_f_' || lpad((${i})::text, ${c.width}, '0')`,
  community: (n: string) => `'${c.p}_c_' || lpad((${n})::text, 5, '0')`,
  session: (k: string) => `'${c.p}_ls_' || lpad(((${k}) + 365)::text, 3, '0')`,
  item: (k: string, pos: string) => `'${c.p}_li_' || lpad(((${k}) + 365)::text, 3, '0') || '_' || (${pos})`,
});

/** Days before `now` when the referral campaign started: fans newer than this may be invitees. */
export const FISSION_START_DAYS = 30;
export const COUPON_START_DAYS = 20;
export const LOTTERY_START_DAYS = 6;

/** Today's date in UTC and in the organization's time zone (Asia/Shanghai, UTC+8, no DST). */
export const todayUtc = (c: ScaleContext) => `(${c.now})::date`;
export const todaySh = (c: ScaleContext) => `((${c.now}) + INTERVAL '8 hours')::date`;

/** A past session is cancelled now and then (never in the last week), and then has no orders. */
export const cancelled = (k: string) => `((${k}) < -7 AND ${rnd(`(${k}) + 1000`, 30)} < 0.02)`;

/**
 * One row per fan with everything the other statements derive from it:
 *   created      when the fan joined (2 % in the last week, the rest over two years)
 *   bucket       a = active, s = silent, d = dormant, c = churned (leaves every group)
 *   last_at      last activity (orders, events and check-ins all happen at or before it)
 *   k            orders over the past year (30 % none, 35 % one, 35 % two or more)
 *   ci_len       check-in streak ending on ci_last, for a third of the active fans
 */
export function fanPlan(c: ScaleContext): string {
  const i = 'i';
  const frac = (salt: number) => `(0.25 + 0.5 * ${rnd(i, salt)})`;
  const now = c.now;
  return `
  SELECT q.*, GREATEST(q.last0, q.ci_last_at) AS last_at,
    ${arr(NAMES)}[1 + floor(${rnd(i, 33)} * ${NAMES.length})::int] || i AS person
  FROM (
    SELECT b.*,
      CASE WHEN b.ci_len > 0 THEN (b.ci_last::timestamp - INTERVAL '8 hours') + INTERVAL '9 hours' + ${rnd2(i, '0', 53)} * INTERVAL '10 hours' END AS ci_last_at
    FROM (
      SELECT a.*,
        GREATEST(a.created, ${now} - ${days('a.rec')}) AS last0,
        CASE WHEN a.age < 30 THEN LEAST(a.k0, 3) ELSE a.k0 END AS k,
        CASE WHEN a.bucket = 'a' AND ${rnd(i, 50)} < 0.3
          THEN GREATEST(LEAST(1 + floor(${rnd(i, 51)} ^ 2 * 60)::int, (${todaySh(c)} - 1 - (${rnd(i, 52)} < 0.3)::int) - (a.created + INTERVAL '8 hours')::date), 0)
          ELSE 0 END AS ci_len,
        (${todaySh(c)} - 1 - (${rnd(i, 52)} < 0.3)::int) AS ci_last
      FROM (
        SELECT i, age, bucket, ${now} - ${days('age')} AS created,
          CASE bucket
            WHEN 'a' THEN floor(${rnd(i, 5)} * 29)
            WHEN 's' THEN 30 + floor(${rnd(i, 5)} * 59)
            ELSE 90 + floor(${rnd(i, 5)} * 275) END + ${frac(6)} AS rec,
          CASE WHEN ${rnd(i, 10)} < 0.30 THEN 0 WHEN ${rnd(i, 10)} < 0.65 THEN 1
            ELSE 2 + LEAST(floor(-ln(1 - ${rnd(i, 11)}) * 5.6), 38)::int END AS k0,
          CASE WHEN ${rnd(i, 30)} < 0.05 THEN NULL ELSE ${arr(REGIONS)}[1 + floor(${rnd(i, 31)} * ${REGIONS.length})::int] END AS region,
          CASE WHEN ${rnd(i, 34)} < 0.10 THEN NULL ELSE ${arr(SKIN)}[1 + floor(${rnd(i, 32)} * ${SKIN.length})::int] END AS skin,
          ${rnd(i, 12)} < 0.03 AS koc_draw,
          ${rnd(i, 35)} < 0.03 AS opted_out,
          ${rnd(i, 36)} AS r_source,
          ${rnd(i, 37)} AS r_intimacy,
          age < ${FISSION_START_DAYS} - 0.1 AND ${rnd(i, 81)} < 0.7 AS invitee
        FROM (
          SELECT i,
            CASE WHEN ${rnd(i, 1)} < 0.02 THEN floor(${rnd(i, 2)} * 6) ELSE 7 + floor(${rnd(i, 2)} * 723) END + ${frac(3)} AS age,
            CASE WHEN ${rnd(i, 4)} < 0.62 THEN 'a' WHEN ${rnd(i, 4)} < 0.80 THEN 's' WHEN ${rnd(i, 4)} < 0.97 THEN 'd' ELSE 'c' END AS bucket
          FROM generate_series(1, ${c.fans}) i
        ) s
      ) a
    ) b
  ) q`;
}

/** Orders, one row per (fan, j): amounts from the demo's products, some during a live session, some refunded. */
export function orderRows(c: ScaleContext): string {
  const id = ids(c);
  const [i, j] = ['p.i', 'j'];
  return `
  SELECT o.*,
    CASE WHEN o.live THEN o.ts ELSE o.t END AS placed_at,
    CASE WHEN o.live THEN ${id.session('o.sk')} END AS session_id
  FROM (
    SELECT w.*,
      (w.ts BETWEEN w.s AND w.last_at AND ${rnd2('w.i', 'w.j', 21)} < 0.35 AND NOT ${cancelled('w.sk')}) AS live
    FROM (
      SELECT v.*, (v.ts::date - ${todayUtc(c)}) AS sk
      FROM (
        SELECT p.i, j, p.last_at, p.s,
          p.s + (p.last_at - p.s) * ${rnd2(i, j, 20)} AS t,
          date_trunc('day', p.s + (p.last_at - p.s) * ${rnd2(i, j, 20)}) + INTERVAL '12 hours' + ${rnd2(i, j, 22)} * INTERVAL '3 hours' AS ts,
          floor(${rnd2(i, j, 24)} * ${PRODUCTS.length})::int AS pi,
          1 + (${rnd2(i, j, 25)} < 0.2)::int + (${rnd2(i, j, 26)} < 0.05)::int AS qty,
          ${rnd2(i, j, 27)} < 0.03 AS refunded,
          1 + floor(${rnd2(i, j, 23)} * 6) AS refund_days,
          CASE WHEN ${rnd2(i, j, 28)} < 0.4 THEN ${id.community(`1 + floor(${rnd2(i, j, 31)} * 7)::int`)} END AS community_id,
          CASE WHEN ${rnd2(i, j, 29)} < 0.1 AND p.koc_n > 0 THEN 1 + floor(${rnd2(i, j, 32)} * p.koc_n)::int END AS koc_pick
        FROM (
          SELECT plan.*, GREATEST(${c.now} - INTERVAL '365 days', plan.created - INTERVAL '3 days') AS s, kn.koc_n
          FROM plan CROSS JOIN kn
        ) p CROSS JOIN LATERAL generate_series(1, p.k) j
      ) v
    ) w
  ) o`;
}

export const productName = (pi: string) => `${arr(PRODUCTS.map((x) => x[0]))}[1 + ${pi}]`;
export const productPrice = (pi: string) => `${arr(PRODUCTS.map((x) => x[1]))}[1 + ${pi}]`;

/** KOC fans numbered 1…n (orders pick one by number): fans with 2+ orders, 3 % of them. */
export const kocsCte = `kocs AS (SELECT i AS koc_i, row_number() OVER (ORDER BY i) AS rn FROM plan WHERE koc_draw AND k >= 2),
  kn AS (SELECT count(*)::int AS koc_n FROM kocs)`;

export const ACTIVITY_KINDS: [kind: string, upTo: number][] = [
  ['MESSAGE_POSTED', 0.55],
  ['BUYER_SHOW_POSTED', 0.63],
  ['CHECK_IN', 0.71],
  ['LIKE_BURST', 0.79],
  ['RESERVATION_MADE', 0.84],
  ['REWARD_REDEEMED', 0.86],
  ['KOC_ACTION', 0.9],
  ['COMPLAINT_RAISED', 0.92],
  ['COMPLAINT_RESOLVED', 0.935],
  ['MEMBER_JOINED', 0.975],
  ['MEMBER_LEFT', 1],
];
