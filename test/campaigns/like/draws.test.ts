// Milestone draws through the API: reproducible from the recorded seed and snapshot, auditable,
// per-fan win caps under parallel draws, and every refusal typed and without effect.
import { describe, expect } from 'vitest';
import { type DrawEntry, drawWinners } from '../../../src/campaigns/like/winners.js';
import { gid } from '../../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../../helpers/test-app.js';

const it = useTestApp({ fans: 20 });

const DRAW = /* GraphQL */ `
  mutation Draw($input: DrawLikeMilestoneInput!) {
    drawLikeMilestone(input: $input) {
      __typename
      ... on MutationDrawLikeMilestoneSuccess {
        data { milestone seed participantCount winnersPerMilestone perFanWinCap verified reproducedWinners winners { id } participants { fanId winsBefore } }
      }
      ... on DomainError { code message field }
    }
  }
`;

let seq = 0;
/** A running like campaign with `likers` fans who liked and `reached` milestones, set up directly. */
async function campaignWithLikers(
  t: SeededTestApp,
  opts: {
    likers: number;
    reached: number;
    winners?: number;
    cap?: number;
    status?: 'RUNNING' | 'ENDED' | 'DRAFT';
    org?: string;
    kind?: 'LIKE' | 'LOTTERY';
  },
) {
  const { likers, reached, winners = 1, cap = 1, status = 'RUNNING', org = t.orgId, kind = 'LIKE' } = opts;
  const p = t.database.prisma;
  const fans = await Promise.all(
    Array.from({ length: likers }, () => {
      const externalId = `draw-fan-${++seq}`;
      return p.fan.create({ data: { orgId: org, externalId, displayName: `Chengdu-combination·${externalId}` } });
    }),
  );
  const c = await p.campaign.create({
    data: {
      orgId: org,
      kind,
      name: `Draws ${seq}`,
      status,
      like:
        kind === 'LIKE'
          ? {
              create: {
                targetLikes: 100 * 100,
                milestoneEvery: 100,
                winnersPerMilestone: winners,
                perFanWinCap: cap,
                totalLikes: reached * 100,
                milestonesReached: reached,
              },
            }
          : undefined,
    },
  });
  if (kind === 'LIKE') await p.likeContribution.createMany({ data: fans.map((f, i) => ({ campaignId: c.id, fanId: f.id, likes: 1 + i })) });
  return { id: c.id, gid: gid('Campaign', c.id), fans };
}

const draw = (t: SeededTestApp, campaignId: string, milestone: number, as?: string) => t.ok(DRAW, { input: { campaignId, milestone } }, as);
const drawsOf = (t: SeededTestApp, campaignId: string) => t.database.prisma.likeDraw.count({ where: { campaignId } });

describe('drawLikeMilestone', () => {
  it('draws among the fans who liked, records seed and snapshot, and re-running the draw gives the recorded winners', async ({ t }) => {
    const c = await campaignWithLikers(t, { likers: 6, reached: 2, winners: 2, cap: 1 });
    const res = await draw(t, c.gid, 1);
    const d = res.drawLikeMilestone.data;
    expect(res.drawLikeMilestone.__typename).toBe('MutationDrawLikeMilestoneSuccess');
    expect(d).toMatchObject({ milestone: 1, participantCount: 6, winnersPerMilestone: 2, perFanWinCap: 1, verified: true });
    expect(d.seed).toMatch(/^[0-9a-f]{64}$/);
    expect(d.winners).toHaveLength(2);
    expect([...d.reproducedWinners].sort()).toEqual(d.winners.map((w: { id: string }) => w.id).sort());
    expect(d.participants).toHaveLength(6);
    expect(d.participants.every((p: { winsBefore: number }) => p.winsBefore === 0)).toBe(true);

    // An auditor's re-run from the stored row alone, outside the API.
    const row = await t.database.prisma.likeDraw.findUniqueOrThrow({
      where: { campaignId_milestone: { campaignId: c.id, milestone: 1 } },
      include: { winners: true },
    });
    const again = drawWinners(row.seed, row.participants as DrawEntry[], { winners: row.winnersPerMilestone, perFanWinCap: row.perFanWinCap });
    expect(again.sort()).toEqual(row.winners.map((w) => w.fanId).sort());
    expect((row.participants as DrawEntry[]).map(([id]) => id)).toEqual(c.fans.map((f) => f.id).sort());

    // The next round excludes fans at the cap, and its snapshot says why.
    const second = (await draw(t, c.gid, 2)).drawLikeMilestone.data;
    expect(second.participantCount).toBe(4);
    const firstWinners = new Set(d.winners.map((w: { id: string }) => w.id));
    expect(second.winners.some((w: { id: string }) => firstWinners.has(w.id))).toBe(false);
    expect(
      second.participants
        .filter((p: { winsBefore: number }) => p.winsBefore === 1)
        .map((p: { fanId: string }) => p.fanId)
        .sort(),
    ).toEqual([...firstWinners].sort());

    const read = await t.ok(`query($id: ID!) { node(id: $id) { ... on Campaign { like { draws { milestone verified winners { id } } } } } }`, {
      id: c.gid,
    });
    expect(read.node.like.draws.map((x: { milestone: number; verified: boolean }) => [x.milestone, x.verified])).toEqual([
      [1, true],
      [2, true],
    ]);
  });

  it('a tampered draw no longer verifies', async ({ t }) => {
    const c = await campaignWithLikers(t, { likers: 5, reached: 1, winners: 1 });
    const d = (await draw(t, c.gid, 1)).drawLikeMilestone.data;
    const row = await t.database.prisma.likeDraw.findFirstOrThrow({ where: { campaignId: c.id }, include: { winners: true } });
    const loser = c.fans.find((f) => f.id !== row.winners[0].fanId)!;
    await t.database.prisma.likeWinner.updateMany({ where: { drawId: row.id }, data: { fanId: loser.id } });
    const read = await t.ok(`query($id: ID!) { node(id: $id) { ... on Campaign { like { draws { verified reproducedWinners } } } } }`, { id: c.gid });
    expect(read.node.like.draws[0]).toEqual({ verified: false, reproducedWinners: d.reproducedWinners });
  });

  it('fewer eligible fans than winners: draws those left, then refuses once nobody is eligible', async ({ t }) => {
    const c = await campaignWithLikers(t, { likers: 3, reached: 3, winners: 2, cap: 1 });
    expect((await draw(t, c.gid, 1)).drawLikeMilestone.data.winners).toHaveLength(2);
    expect((await draw(t, c.gid, 2)).drawLikeMilestone.data.winners).toHaveLength(1);
    const none = await draw(t, c.gid, 3);
    expect(none.drawLikeMilestone).toMatchObject({ __typename: 'InvalidStateError', code: 'INVALID_STATE', field: 'input.milestone' });
    expect(await drawsOf(t, c.id)).toBe(2);
    expect(await t.database.prisma.likeWinner.count({ where: { campaignId: c.id } })).toBe(3);
  });

  it('refuses with a typed error and changes nothing', async ({ t }) => {
    const c = await campaignWithLikers(t, { likers: 4, reached: 2 });
    expect((await draw(t, c.gid, 1)).drawLikeMilestone.__typename).toBe('MutationDrawLikeMilestoneSuccess');
    const rival = await campaignWithLikers(t, { likers: 2, reached: 1, org: t.rivalOrgId });
    const draft = await campaignWithLikers(t, { likers: 2, reached: 1, status: 'DRAFT' });
    const lottery = await campaignWithLikers(t, { likers: 0, reached: 0, kind: 'LOTTERY' });
    const nobody = await campaignWithLikers(t, { likers: 0, reached: 1 });
    const cases: [string, number, string, string | null][] = [
      [c.gid, 1, 'CONFLICT', 'input.milestone'],
      [c.gid, 3, 'INVALID_STATE', 'input.milestone'],
      [c.gid, 0, 'VALIDATION', 'input.milestone'],
      [gid('Fan', c.fans[0].id), 1, 'VALIDATION', 'input.campaignId'],
      [rival.gid, 1, 'NOT_FOUND', 'input.campaignId'],
      [draft.gid, 1, 'CAMPAIGN_NOT_RUNNING', 'input.campaignId'],
      [lottery.gid, 1, 'VALIDATION', 'input.campaignId'],
      [nobody.gid, 1, 'INVALID_STATE', 'input.milestone'],
    ];
    for (const [campaignId, milestone, code, field] of cases) {
      const res = await draw(t, campaignId, milestone);
      expect(res.drawLikeMilestone, `${milestone} ${code}`).toMatchObject({ code, field });
    }
    expect(await drawsOf(t, c.id)).toBe(1);
    expect(await t.database.prisma.likeDraw.count({ where: { campaignId: { in: [rival.id, draft.id, nobody.id] } } })).toBe(0);
    expect(await t.database.prisma.likeWinner.count({ where: { campaignId: c.id } })).toBe(1);
  });

  it('only operators who may write can draw; an ended campaign can still be drawn', async ({ t }) => {
    const c = await campaignWithLikers(t, { likers: 3, reached: 1, status: 'ENDED' });
    const analyst = await t.gql(DRAW, { input: { campaignId: c.gid, milestone: 1 } }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const fan = await t.gql(DRAW, { input: { campaignId: c.gid, milestone: 1 } }, `Dev demo/fan:${c.fans[0].externalId}`);
    expect(fan.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await drawsOf(t, c.id)).toBe(0);
    const operator = await draw(t, c.gid, 1, 'Dev demo/jujube@demo.test');
    expect(operator.drawLikeMilestone).toMatchObject({ __typename: 'MutationDrawLikeMilestoneSuccess', data: { verified: true } });
  });

  it('10 milestones drawn in parallel with a win cap of 1: no fan wins twice, every draw verifies', async ({ t }) => {
    const c = await campaignWithLikers(t, { likers: 30, reached: 10, winners: 2, cap: 1 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => draw(t, c.gid, i + 1)));
    expect(results.every((r) => r.drawLikeMilestone.__typename === 'MutationDrawLikeMilestoneSuccess')).toBe(true);
    expect(results.every((r) => r.drawLikeMilestone.data.verified)).toBe(true);
    const winners = await t.database.prisma.likeWinner.findMany({ where: { campaignId: c.id } });
    expect(winners).toHaveLength(20);
    expect(new Set(winners.map((w) => w.fanId)).size).toBe(20);
  });

  it('the same milestone drawn 5 times at once: one draw, four CONFLICTs', async ({ t }) => {
    const c = await campaignWithLikers(t, { likers: 10, reached: 1, winners: 3 });
    const results = await Promise.all(Array.from({ length: 5 }, () => draw(t, c.gid, 1)));
    const codes = results.map((r) => r.drawLikeMilestone.code ?? 'OK').sort();
    expect(codes).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'OK']);
    expect(await t.database.prisma.likeWinner.count({ where: { campaignId: c.id } })).toBe(3);
  });
});

describe('drawWinners', () => {
  const pool: DrawEntry[] = ['f', 'a', 'c', 'e', 'b', 'd'].map((id) => [id, 0]);

  it('is a function of seed, snapshot and rules only: input order does not matter, seeds do', ({ t }) => {
    const rules = { winners: 3, perFanWinCap: 1 };
    expect(drawWinners('seed-1', pool, rules)).toEqual(drawWinners('seed-1', [...pool].reverse(), rules));
    const outcomes = new Set(Array.from({ length: 20 }, (_, i) => drawWinners(`seed-${i}`, pool, rules).join()));
    expect(outcomes.size).toBeGreaterThan(10);
    expect(
      drawWinners(
        'seed-1',
        [
          ['a', 1],
          ['b', 0],
          ['c', 2],
        ],
        { winners: 5, perFanWinCap: 1 },
      ),
    ).toEqual(['b']);
  });

  it('gives every eligible fan an even chance', ({ t }) => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const [w] = drawWinners(`uniform-${i}`, pool, { winners: 1, perFanWinCap: 1 });
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(850);
      expect(n).toBeLessThan(1150);
    }
  });
});
