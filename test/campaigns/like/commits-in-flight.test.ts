// Like groups committing side by side: a group takes the campaign row only at its counting statement,
// so several groups of one queue (and of other instances' queues) run their statements at once. Running
// totals stay exact and gapless, each milestone is claimed by one batch, and a campaign that stops
// while a group is already counting has that group's batches refused whole, changing nothing.
import { describe, expect } from 'vitest';
import { createLikeCommitter, type LikeBatchResult } from '../../../src/campaigns/like/likes.js';
import { createPubSub } from '../../../src/core/pubsub.js';
import { type SeededTestApp, useTestApp } from '../../helpers/test-app.js';

const it = useTestApp({ fans: 10 });
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

let seq = 0;
async function setup(t: SeededTestApp, fans: number) {
  const c = await t.database.prisma.campaign.create({
    data: {
      orgId: t.orgId,
      kind: 'LIKE',
      name: `In flight ${++seq}`,
      status: 'RUNNING',
      like: { create: { targetLikes: 100_000, milestoneEvery: 100 } },
    },
  });
  const rows = await Promise.all(
    Array.from({ length: fans }, (_, i) =>
      t.database.prisma.fan.create({ data: { orgId: t.orgId, externalId: `in-flight-${seq}-${i}`, displayName: `In-flight fan ${i}` } }),
    ),
  );
  return { id: c.id, fans: rows.map((f) => f.id) };
}

/** [from, to] spans sorted by start must tile [0, sum] without gap or overlap. */
function expectTiles(spans: [number, number][], sum: number) {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  let at = 0;
  for (const [from, to] of sorted) {
    expect(from).toBe(at);
    at = to;
  }
  expect(at).toBe(sum);
}

describe('like groups in flight', () => {
  it('four groups in flight on each of two queues: every batch gets its exact running total, every milestone is claimed once', async ({ t }) => {
    const c = await setup(t, 12);
    const queues = [0, 1].map(() => createLikeCommitter(t.database, createPubSub(), { commitsInFlight: 4 }));
    const answers: Promise<{ fanId: string; taps: number; r: LikeBatchResult }>[] = [];
    for (let wave = 0; wave < 12; wave++) {
      for (let i = 0; i < 10; i++) {
        const fanId = c.fans[(wave * 10 + i) % c.fans.length];
        const taps = 1 + ((wave * 37 + i * 53) % 300);
        answers.push(queues[wave % 2].submit(t.orgId, { campaignId: c.id, fanId, taps }).then((r) => ({ fanId, taps, r })));
      }
      // Each wave arrives on its own event-loop turn, so it starts a group while earlier ones commit.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const results = await Promise.all(answers);
    const sum = results.reduce((s, x) => s + x.taps, 0);

    expectTiles(
      results.map((x) => [x.r.totalLikes - x.taps, x.r.totalLikes]),
      sum,
    );
    for (const fanId of c.fans) {
      const mine = results.filter((x) => x.fanId === fanId);
      expectTiles(
        mine.map((x) => [x.r.fanLikes - x.taps, x.r.fanLikes]),
        mine.reduce((s, x) => s + x.taps, 0),
      );
    }
    const expected = Math.floor(sum / 100);
    const claimed = results.flatMap((x) => x.r.newlyReached).sort((a, b) => a - b);
    expect(claimed).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
    // A milestone belongs to the batch whose span crossed it.
    for (const x of results) for (const m of x.r.newlyReached) expect(m * 100 > x.r.totalLikes - x.taps && m * 100 <= x.r.totalLikes).toBe(true);

    const lc = await t.database.prisma.likeCampaign.findUniqueOrThrow({ where: { campaignId: c.id } });
    expect({ total: lc.totalLikes, milestones: lc.milestonesReached }).toEqual({ total: sum, milestones: expected });
    const contributed = await t.database.prisma.likeContribution.aggregate({ where: { campaignId: c.id }, _sum: { likes: true } });
    expect(contributed._sum.likes).toBe(sum);
  });

  // Needs a second connection holding a fan row while the group waits on it: PGlite has one.
  it.runIf(onPostgres)(
    'a campaign that stops while a group is counting: its batches are refused whole and change nothing; the rest of the group commits',
    async ({ t }) => {
      const db = t.database.prisma;
      const ending = await setup(t, 1);
      const other = await setup(t, 1);
      const [fan, otherFan] = [ending.fans[0], other.fans[0]];
      const queue = createLikeCommitter(t.database, createPubSub(), { commitsInFlight: 2 });

      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holder = db.$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT 1 FROM "Fan" WHERE "id" = ${fan} FOR UPDATE`;
          locked();
          await released;
        },
        { timeout: 30_000 },
      );
      await isLocked;
      // One group: the first campaign's batch waits on its fan after the group has seen the campaign running.
      const refused = queue.submit(t.orgId, { campaignId: ending.id, fanId: fan, taps: 30 });
      const counted = queue.submit(t.orgId, { campaignId: other.id, fanId: otherFan, taps: 40 });
      refused.catch(() => {});
      for (let i = 0; ; i++) {
        const [w] = await db.$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
        if (w.n > 0) break;
        if (i > 200) throw new Error('the group never waited on the held fan row');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await db.campaign.update({ where: { id: ending.id }, data: { status: 'ENDED' } });
      release();
      await holder;

      await expect(refused).rejects.toMatchObject({ code: 'CAMPAIGN_NOT_RUNNING', field: 'input.campaignId' });
      expect(await counted).toMatchObject({ totalLikes: 40, fanLikes: 40, milestonesReached: 0 });
      const lc = await db.likeCampaign.findUniqueOrThrow({ where: { campaignId: ending.id } });
      expect(lc.totalLikes).toBe(0);
      expect(await db.likeContribution.count({ where: { campaignId: ending.id } })).toBe(0);
      expect(await db.fanIntimacyDay.count({ where: { fanId: fan } })).toBe(0);
      expect((await db.fan.findUniqueOrThrow({ where: { id: fan } })).intimacy).toBe(0);
    },
  );
});
