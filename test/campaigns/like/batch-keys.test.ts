// Like batches with a batchKey: a client that saw a connection error retries with the same key and is
// counted once. Duplicates race each other in one app (one group commit), across two like queues
// (separate transactions, as two instances would be), and a refused batch leaves its key unused.
import { describe, expect } from 'vitest';
import { forgetOldBatchKeys } from '../../../src/campaigns/like/batch-keys.js';
import { createLikeCommitter } from '../../../src/campaigns/like/likes.js';
import { createPubSub } from '../../../src/core/pubsub.js';
import { gid } from '../../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../../helpers/test-app.js';

const it = useTestApp({ fans: 10 });

const SEND = /* GraphQL */ `
  mutation SendKeyed($input: SendLikesInput!) {
    sendLikes(input: $input) {
      __typename
      ... on MutationSendLikesSuccess { data { totalLikes fanLikes newlyReached replayed } }
      ... on DomainError { code field }
    }
  }
`;

let seq = 0;
async function setup(t: SeededTestApp, status: 'RUNNING' | 'DRAFT' = 'RUNNING') {
  const c = await t.database.prisma.campaign.create({
    data: { orgId: t.orgId, kind: 'LIKE', name: `Keyed ${++seq}`, status, like: { create: { targetLikes: 1_000_000, milestoneEvery: 100 } } },
  });
  const fans = await Promise.all(
    Array.from({ length: 4 }, (_, i) =>
      t.database.prisma.fan.create({ data: { orgId: t.orgId, externalId: `keyed-${seq}-${i}`, displayName: `Keyed fan ${i}` } }),
    ),
  );
  return { id: c.id, gid: gid('Campaign', c.id), fans: fans.map((f) => ({ id: f.id, as: `Dev demo/fan:${f.externalId}` })) };
}

const totalOf = async (t: SeededTestApp, campaignId: string) => {
  const lc = await t.database.prisma.likeCampaign.findUniqueOrThrow({ where: { campaignId } });
  const contributions = await t.database.prisma.likeContribution.aggregate({ where: { campaignId }, _sum: { likes: true } });
  return { total: lc.totalLikes, contributed: contributions._sum.likes ?? 0 };
};

describe('sendLikes with a batchKey', () => {
  it('a retry with the same key replays the first answer and counts nothing', async ({ t }) => {
    const c = await setup(t);
    const input = { campaignId: c.gid, taps: 120, batchKey: 'tap-1' };
    const first = await t.ok(SEND, { input }, c.fans[0].as);
    expect(first.sendLikes).toEqual({
      __typename: 'MutationSendLikesSuccess',
      data: { totalLikes: 120, fanLikes: 120, newlyReached: [1], replayed: false },
    });
    await t.ok(SEND, { input: { campaignId: c.gid, taps: 5 } }, c.fans[1].as);
    const retry = await t.ok(SEND, { input }, c.fans[0].as);
    expect(retry.sendLikes.data).toEqual({ totalLikes: 120, fanLikes: 120, newlyReached: [1], replayed: true });
    expect(await totalOf(t, c.id)).toEqual({ total: 125, contributed: 125 });
  });

  it('the same key with a different batch is refused with CONFLICT and changes nothing', async ({ t }) => {
    const c = await setup(t);
    await t.ok(SEND, { input: { campaignId: c.gid, taps: 7, batchKey: 'k' } }, c.fans[0].as);
    const other = await t.ok(SEND, { input: { campaignId: c.gid, taps: 8, batchKey: 'k' } }, c.fans[0].as);
    expect(other.sendLikes).toEqual({ __typename: 'ConflictError', code: 'CONFLICT', field: 'input.batchKey' });
    const otherFan = await t.ok(SEND, { input: { campaignId: c.gid, taps: 7, batchKey: 'k' } }, c.fans[1].as);
    expect(otherFan.sendLikes.__typename).toBe('ConflictError');
    expect(await totalOf(t, c.id)).toEqual({ total: 7, contributed: 7 });
  });

  it('a refused batch leaves its key unused: the same key counts once the campaign runs', async ({ t }) => {
    const c = await setup(t, 'DRAFT');
    const input = { campaignId: c.gid, taps: 9, batchKey: 'early' };
    const refused = await t.ok(SEND, { input }, c.fans[0].as);
    expect(refused.sendLikes).toMatchObject({ code: 'CAMPAIGN_NOT_RUNNING' });
    await t.database.prisma.campaign.update({ where: { id: c.id }, data: { status: 'RUNNING' } });
    const counted = await t.ok(SEND, { input }, c.fans[0].as);
    expect(counted.sendLikes.data).toMatchObject({ totalLikes: 9, replayed: false });
  });

  it('parallel duplicates through the API: each key is counted exactly once and every copy gets its answer', async ({ t }) => {
    const c = await setup(t);
    // 12 keys, each sent 4 times at once (a client retrying over several connections), plus keyless batches.
    const keyed = Array.from({ length: 12 }, (_, i) => ({ key: `dup-${i}`, fan: c.fans[i % 4], taps: 1 + ((i * 37) % 90) }));
    const sends = [
      ...keyed.flatMap((k) => Array.from({ length: 4 }, () => ({ ...k }))),
      ...Array.from({ length: 8 }, (_, i) => ({ key: undefined, fan: c.fans[i % 4], taps: 3 })),
    ].sort(() => Math.random() - 0.5);
    const answers = await Promise.all(
      sends.map((s) => t.ok(SEND, { input: { campaignId: c.gid, taps: s.taps, batchKey: s.key } }, s.fan.as).then((r) => ({ s, r: r.sendLikes }))),
    );
    expect(answers.every((a) => a.r.__typename === 'MutationSendLikesSuccess')).toBe(true);
    const expected = keyed.reduce((s, k) => s + k.taps, 0) + 8 * 3;
    expect(await totalOf(t, c.id)).toEqual({ total: expected, contributed: expected });
    for (const k of keyed) {
      const copies = answers.filter((a) => a.s.key === k.key).map((a) => a.r.data);
      expect(copies.filter((d) => !d.replayed)).toHaveLength(1);
      expect(new Set(copies.map((d) => d.totalLikes)).size).toBe(1);
    }
  });

  it('duplicates racing in two like queues (separate transactions, as on two instances) count once', async ({ t }) => {
    const c = await setup(t);
    const queues = [createLikeCommitter(t.database, createPubSub()), createLikeCommitter(t.database, createPubSub())];
    const keys = Array.from({ length: 20 }, (_, i) => ({ batchKey: `two-${i}`, fanId: c.fans[i % 4].id, taps: 10 + i }));
    const results = await Promise.all(
      keys.flatMap((k) => queues.flatMap((q) => [q.submit(t.orgId, { campaignId: c.id, ...k }), q.submit(t.orgId, { campaignId: c.id, ...k })])),
    );
    const expected = keys.reduce((s, k) => s + k.taps, 0);
    expect(await totalOf(t, c.id)).toEqual({ total: expected, contributed: expected });
    expect(results.filter((r) => !r.replayed)).toHaveLength(keys.length);
    const receipts = await t.database.prisma.likeBatch.findMany({ where: { orgId: t.orgId, campaignId: c.id } });
    expect(receipts.map((r) => r.key).sort()).toEqual(keys.map((k) => k.batchKey).sort());
  });

  it('keys are remembered for 24 hours: the hourly sweep forgets older receipts, and the key counts again', async ({ t }) => {
    const c = await setup(t);
    const input = { campaignId: c.gid, taps: 4, batchKey: 'old' };
    await t.ok(SEND, { input }, c.fans[0].as);
    await t.ok(SEND, { input: { ...input, batchKey: 'recent' } }, c.fans[0].as);
    await t.database.prisma.likeBatch.update({
      where: { orgId_key: { orgId: t.orgId, key: 'old' } },
      data: { createdAt: new Date(Date.now() - 25 * 3_600_000) },
    });
    expect(await forgetOldBatchKeys(t.database.prisma)).toBe(1);
    const again = await t.ok(SEND, { input }, c.fans[0].as);
    expect(again.sendLikes.data).toMatchObject({ totalLikes: 12, replayed: false });
    const recent = await t.ok(SEND, { input: { ...input, batchKey: 'recent' } }, c.fans[0].as);
    expect(recent.sendLikes.data).toMatchObject({ totalLikes: 8, replayed: true });
  });
});
