// The scale dataset: one organization of a real seller's shape, built directly with set-based SQL
// (INSERT … SELECT generate_series, no per-row round trips) so 100,000 fans take minutes, not hours.
// For N fans (figures for N = 100,000):
//   fans        lifecycles ≈ 60 % ACTIVE, NEW, SILENT, DORMANT, ≈ 3 % CHURNED; 35 % with 2+ orders; KOCs ≈ 1 %;
//               region and skin self-tags plus operator tags (≈ 2 per fan); created over two years
//   groups      20 large ones of ≈ N/10 current members (7 VERTICAL, 2 LIKE, 2 FISSION, 2 VIP, 1 KOC, 6 LARGE)
//               and N/200 SMALL ones of ≤ 30; ≈ 5 % of memberships have left
//   orders      ≈ 3N over the past year, some in a live session, some attributed to a group or KOC, 3 % refunded
//   activity    ≈ 10N events over the last 90 days; the points ledger (orders, refunds, check-ins, gifts,
//               redemptions) with running balances; check-ins over the last 60 days; daily live sessions
//               for the past year and the next week (10 line-up items each), ≈ N/2 reservations
//   campaigns   like (≈ N/5 contributors, drawn milestones), fission (codes, invites, voided leavers,
//               claims), check-in, lottery (prizes, spins), coupons (grants, redemptions)
// Derived facts (order counts and spend, balances, lifecycles, member counts, like totals, vote counts)
// are computed from the rows by aggregate UPDATEs, so they agree with them exactly.
// Usable in-process (tests call seedScale on their database) and from the CLI (`npm run seed:scale`).
import { createHash } from 'node:crypto';
import { byCodeUnits } from '../campaigns/like/prng.js';
import { type DrawEntry, drawWinners } from '../campaigns/like/winners.js';
import type { Database } from '../core/db.js';
import type { SqlRunner } from '../core/migrate.js';
import { lit, type ScaleContext } from './scale-sql.js';
import { buildSteps, campaignIds, LARGE_GROUPS, type Step, smallGroupCount } from './scale-steps.js';

export const SCALE_SLUG = 'scale';

export interface ScaleOptions {
  fans: number;
  /** Organization slug (default "scale"); ids and invite codes are derived from it. */
  slug?: string;
  /** The instant the data is generated around (default: now). */
  now?: Date;
  /** Delete an existing organization of this slug first instead of refusing. */
  replace?: boolean;
  /**
   * Roll the 20 large groups over at this many memberships, as the chat platform's capacity forces (the
   * brief: groups of 200 or 500). Default: no rollover, each large group holds about N/10 fans.
   */
  groupSize?: number;
  /** Called after each step, for progress output. */
  onStep?: (name: string, seconds: number) => void;
}

export interface ScaleSummary {
  orgId: string;
  slug: string;
  fans: number;
  /** Rows of this organization per table. */
  rows: Record<string, number>;
  /** Seconds per step, in order. */
  steps: { name: string; seconds: number }[];
  seconds: number;
}

/** Tables in the order a delete must go (children first), with how to find this organization's rows. */
const TABLES: [table: string, where: string][] = [
  ['InsightPrefixSpan', '"orgId" = $1'],
  ['InsightPrefixBackdated', '"orgId" = $1'],
  ['InsightPrefix', '"orgId" = $1'], // before InsightDay, whose delete trigger would move every running total
  ['InsightDay', '"orgId" = $1'],
  ['InsightBlock', '"orgId" = $1'], // after InsightDay, whose delete trigger zeroes the blocks
  ['InsightBuyerDay', '"orgId" = $1'],
  ['InsightActiveDay', '"orgId" = $1'],
  ['ActivityEvent', '"orgId" = $1'],
  ['PointsEntry', '"orgId" = $1'],
  ['Redemption', '"orgId" = $1'],
  ['CheckIn', '"orgId" = $1'],
  ['LotterySpin', '"orgId" = $1'],
  ['CouponGrant', '"orgId" = $1'],
  ['Invite', '"orgId" = $1'],
  ['LikeWinner', '"campaignId" IN (SELECT id FROM "Campaign" WHERE "orgId" = $1)'],
  ['LikeDraw', '"orgId" = $1'],
  ['LikeContribution', '"campaignId" IN (SELECT id FROM "Campaign" WHERE "orgId" = $1)'],
  ['InviteCode', '"orgId" = $1'],
  ['Reservation', '"orgId" = $1'],
  ['WishVote', '"wishId" IN (SELECT id FROM "Wish" WHERE "orgId" = $1)'],
  ['Wish', '"orgId" = $1'],
  ['Order', '"orgId" = $1'],
  ['Membership', '"orgId" = $1'],
  ['CommunityAssistant', '"communityId" IN (SELECT id FROM "Community" WHERE "orgId" = $1)'],
  ['FanTag', '"orgId" = $1'],
  ['Prize', '"orgId" = $1'],
  ['LikeCampaign', '"campaignId" IN (SELECT id FROM "Campaign" WHERE "orgId" = $1)'],
  ['FissionCampaign', '"campaignId" IN (SELECT id FROM "Campaign" WHERE "orgId" = $1)'],
  ['CheckInCampaign', '"campaignId" IN (SELECT id FROM "Campaign" WHERE "orgId" = $1)'],
  ['LotteryCampaign', '"campaignId" IN (SELECT id FROM "Campaign" WHERE "orgId" = $1)'],
  ['Coupon', '"campaignId" IN (SELECT id FROM "Campaign" WHERE "orgId" = $1)'],
  ['Campaign', '"orgId" = $1'],
  ['LineupItem', '"orgId" = $1'],
  ['LiveSession', '"orgId" = $1'],
  ['Fan', '"orgId" = $1'],
  ['Tag', '"orgId" = $1'],
  ['Segment', '"orgId" = $1'],
  ['Community', '"orgId" = $1'],
  ['Reward', '"orgId" = $1'],
  ['ApiKey', '"orgId" = $1'],
  ['ActivityBatch', '"orgId" = $1'],
  ['Operator', '"orgId" = $1'],
];

export async function seedScale(sql: SqlRunner, opts: ScaleOptions): Promise<ScaleSummary> {
  const slug = opts.slug ?? SCALE_SLUG;
  if (!/^[a-z][a-z0-9-]{0,29}$/.test(slug)) throw new Error(`slug "${slug}": use 1–30 lowercase letters, digits and dashes, starting with a letter`);
  if (!Number.isInteger(opts.fans) || opts.fans < 100 || opts.fans > 10_000_000)
    throw new Error(`fans: a whole number from 100 to 10,000,000 (got ${opts.fans})`);
  if (opts.groupSize !== undefined && (!Number.isInteger(opts.groupSize) || opts.groupSize < 10 || opts.groupSize > 100_000))
    throw new Error(`groupSize: a whole number from 10 to 100,000 (got ${opts.groupSize})`);
  const now = opts.now ?? new Date();
  const started = performance.now();
  const steps: ScaleSummary['steps'] = [];
  const timed = async (name: string, fn: () => Promise<unknown>) => {
    const t = performance.now();
    await fn();
    const seconds = Math.round((performance.now() - t) / 100) / 10;
    steps.push({ name, seconds });
    opts.onStep?.(name, seconds);
  };

  const [existing] = await sql.query<{ id: string }>('SELECT id FROM "Organization" WHERE slug = $1', [slug]);
  if (existing && !opts.replace) throw new Error(`organization "${slug}" already exists; replace it with --replace (replace: true)`);
  if (existing) await timed(`delete the previous "${slug}"`, () => deleteOrganization(sql, existing.id));

  const orgId = `${slug}_org`;
  const c: ScaleContext = {
    p: slug,
    orgId,
    fans: opts.fans,
    now: `TIMESTAMP ${lit(now.toISOString().replace('T', ' ').replace('Z', ''))}`,
    width: Math.max(6, String(opts.fans).length),
    groupSize: opts.groupSize ?? null,
  };
  await sql.query('INSERT INTO "Organization" (id, slug, name, "timeZone", "createdAt") VALUES ($1, $2, $3, $4, $5)', [
    orgId,
    slug,
    `Lumi Live (scale, ${opts.fans.toLocaleString('en')} fans)`,
    'Asia/Shanghai',
    new Date(now.getTime() - 800 * 86_400_000),
  ]);
  // JIT compiling these one-off statements costs seconds and saves nothing (generate_series fools the
  // estimates). Foreign-key triggers check every row one by one; the rows are consistent by construction
  // (test/demo/scale.test.ts checks every foreign key afterwards), so a superuser skips them (replica mode).
  const [{ su }] = await sql.query<{ su: string }>(`SELECT current_setting('is_superuser') AS su`);
  const prelude = `SET LOCAL jit = off;${su === 'on' ? ' SET LOCAL session_replication_role = replica;' : ''}\n`;
  const waves: Step[][] = [];
  for (const step of buildSteps(c)) (step.parallel && waves.length ? waves[waves.length - 1] : (waves[waves.length] = [])).push(step);
  for (const wave of waves) await Promise.all(wave.map((step) => timed(step.name, () => sql.exec(prelude + step.sql))));
  await timed('like draws', () => drawLikeMilestones(sql, slug, orgId, now));
  // Replica mode skipped the insight triggers: build the organization's rollups from its rows in one pass.
  await timed('insight rollups', () => sql.query('SELECT insight_rebuild($1)', [orgId]));
  await timed('analyze', () => sql.exec(`ANALYZE ${TABLES.map(([t]) => `"${t}"`).join(', ')}`));
  return { orgId, slug, fans: opts.fans, rows: await countRows(sql, orgId), steps, seconds: Math.round((performance.now() - started) / 100) / 10 };
}

/** Deletes an organization table by table (set-based), children first, so no cascade walks row by row. */
export async function deleteOrganization(sql: SqlRunner, orgId: string): Promise<void> {
  for (const [table, where] of TABLES) await sql.query(`DELETE FROM "${table}" WHERE ${where}`, [orgId]);
  await sql.query('DELETE FROM "Organization" WHERE id = $1', [orgId]);
}

export async function countRows(sql: SqlRunner, orgId: string): Promise<Record<string, number>> {
  const rows: Record<string, number> = {};
  for (const [table, where] of [...TABLES].reverse()) {
    const [r] = await sql.query<{ n: string | number }>(`SELECT count(*) AS n FROM "${table}" WHERE ${where}`, [orgId]);
    rows[table] = Number(r.n);
  }
  return rows;
}

/**
 * The ended like campaign's milestones, drawn the way drawLikeMilestone does (same snapshot, same
 * drawWinners), with a seed derived from the slug so the dataset stays deterministic. Each draw's
 * `verified` field is true.
 */
async function drawLikeMilestones(sql: SqlRunner, slug: string, orgId: string, now: Date) {
  const campaignId = campaignIds(slug).likeEnded;
  const [lc] = await sql.query<{ milestonesReached: number; winnersPerMilestone: number; perFanWinCap: number }>(
    'SELECT "milestonesReached", "winnersPerMilestone", "perFanWinCap" FROM "LikeCampaign" WHERE "campaignId" = $1',
    [campaignId],
  );
  const fans = (await sql.query<{ fanId: string }>('SELECT "fanId" FROM "LikeContribution" WHERE "campaignId" = $1 AND likes > 0', [campaignId]))
    .map((r) => r.fanId)
    .sort(byCodeUnits);
  const wins = new Map<string, number>();
  const rules = { winners: Number(lc.winnersPerMilestone), perFanWinCap: Number(lc.perFanWinCap) };
  for (let milestone = 1; milestone <= Number(lc.milestonesReached); milestone++) {
    const participants: DrawEntry[] = fans.map((f) => [f, wins.get(f) ?? 0]);
    const seed = createHash('sha256').update(`${slug}:like:${milestone}`).digest('hex');
    const winners = drawWinners(seed, participants, rules);
    const eligible = participants.filter(([, w]) => w < rules.perFanWinCap).length;
    const drawId = `${campaignId}_d${milestone}`;
    const at = new Date(now.getTime() - 86_400_000 + milestone * 60_000);
    await sql.query(
      `INSERT INTO "LikeDraw" (id, "orgId", "campaignId", milestone, seed, "participantCount", participants, "winnersPerMilestone", "perFanWinCap", "createdAt")
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10)`,
      [drawId, orgId, campaignId, milestone, seed, eligible, JSON.stringify(participants), rules.winners, rules.perFanWinCap, at],
    );
    for (const fanId of winners) {
      await sql.query('INSERT INTO "LikeWinner" ("drawId", "campaignId", "fanId") VALUES ($1, $2, $3)', [drawId, campaignId, fanId]);
      wins.set(fanId, (wins.get(fanId) ?? 0) + 1);
    }
  }
}

/** `seed-scale --fans N [--slug scale] [--group-size 200] [--replace]`: migrates, builds, prints counts and times. */
export async function scaleCommand(database: Database, args: string[]): Promise<void> {
  const value = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const fans = Number((value('--fans') ?? '100000').replace(/[_,]/g, ''));
  const slug = value('--slug') ?? SCALE_SLUG;
  const groupSize = value('--group-size') === undefined ? undefined : Number(value('--group-size'));
  await database.migrate();
  console.log(`building "${slug}" with ${fans.toLocaleString('en')} fans on ${database.kind === 'postgres' ? 'PostgreSQL' : 'PGlite'} …`);
  const summary = await seedScale(database.sql, {
    fans,
    slug,
    groupSize,
    replace: args.includes('--replace'),
    onStep: (name, s) => console.log(`  ${name.padEnd(44)} ${s.toFixed(1).padStart(7)} s`),
  });
  console.log(`\nrows of "${slug}" (${summary.orgId}):`);
  for (const [table, n] of Object.entries(summary.rows)) if (n) console.log(`  ${table.padEnd(20)} ${n.toLocaleString('en').padStart(12)}`);
  const total = Object.values(summary.rows).reduce((a, b) => a + b, 0);
  console.log(`  ${'total'.padEnd(20)} ${total.toLocaleString('en').padStart(12)}`);
  console.log(
    `\n${(summary.rows.Community - smallGroupCount(fans)).toLocaleString('en')} large groups${groupSize ? ` (${LARGE_GROUPS.length} rolled over at ${groupSize} members)` : ''} + ${smallGroupCount(fans).toLocaleString('en')} small; built and analyzed in ${summary.seconds} s`,
  );
  console.log(`try it: Authorization: Dev ${slug}   (owner@${slug}.test; admin@, jujube@, analyst@ … as in the demo)`);
}
