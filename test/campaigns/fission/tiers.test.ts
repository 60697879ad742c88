// Prize tiers of referral campaigns (3 invites → cola, 10 → tissues, 30 → points): each tier reached is
// claimed once per fan while its stock lasts; goods owe a fulfilment, points are credited at once.
import { describe, expect } from 'vitest';
import { gid } from '../../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../../helpers/test-app.js';
import { CREATE, rawId, runningCampaign } from '../lifecycle/helpers.js';

const it = useTestApp({ fans: 5 });

const HOUR = 3_600_000;
const at = (h: number) => new Date(Date.now() + h * HOUR).toISOString();
let seq = 0;

const TIERS = /* GraphQL */ `
  query($id: ID!) { node(id: $id) { ... on Campaign { fission { targetInvites prizeName tiers { id invites prizeName kind points stock claimCount } } } } }`;
const CLAIM = /* GraphQL */ `
  mutation($i: ClaimFissionTierInput!) { claimFissionTier(input: $i) {
    __typename ... on MutationClaimFissionTierSuccess { data { createdAt tier { invites prizeName stock } fan { id } } }
    ... on Error { code message field } } }`;
const ACCEPT = /* GraphQL */ `
  mutation($i: AcceptInviteInput!) { acceptInvite(input: $i) { __typename ... on Error { code message } } }`;
const MY_CODE = /* GraphQL */ `
  mutation($c: ID!) { myInviteCode(campaignId: $c) { __typename ... on MutationMyInviteCodeSuccess { data { code validInvites tierClaims { tier { invites } } } } } }`;
const ADDRESS = { name: 'Li Na', phone: '138 0013 8000', province: 'Zhejiang', city: 'Hangzhou', address: '88 West Lake Road' };

type Tier = { id: string; invites: number; prizeName: string; kind: string; points: number; stock: number; claimCount: number };

async function tieredCampaign(t: SeededTestApp, tiers: Record<string, unknown>[]) {
  const id = await runningCampaign(t, {
    kind: 'FISSION',
    name: `Tiered invites ${++seq}`,
    startsAt: at(-1),
    endsAt: at(48),
    fission: { tiers },
  });
  const r = await t.ok(TIERS, { id });
  return { id, fission: r.node.fission as { targetInvites: number; prizeName: string; tiers: Tier[] } };
}

/** Fans whose codes in the campaign already have `valid` valid invites (the counting itself is fission.test.ts's). */
async function fansWithInvites(t: SeededTestApp, campaignId: string, n: number, valid: number, flagged = false) {
  const p = t.database.prisma;
  const fans = await p.fan.createManyAndReturn({
    data: Array.from({ length: n }, () => {
      const externalId = `tier-${++seq}`;
      return { orgId: t.orgId, externalId, displayName: `Suzhou-dry·${externalId}` };
    }),
  });
  await p.inviteCode.createMany({
    data: fans.map((f) => ({
      orgId: t.orgId,
      campaignId: rawId(campaignId),
      fanId: f.id,
      code: `TIER${f.id.slice(-8).toUpperCase()}`,
      validInvites: valid,
      flagged,
    })),
  });
  return fans.map((f) => ({ id: f.id, gid: gid('Fan', f.id), as: `Dev demo/fan:${f.externalId}` }));
}

const claimAs = (t: SeededTestApp, fan: { as: string }, tierId: string, extra: Record<string, unknown> = {}) =>
  t.ok(CLAIM, { i: { tierId, ...extra } }, fan.as);

describe('creating a tiered campaign', () => {
  it('stores the tiers fewest invites first; the first tier is the poster target', async ({ t }) => {
    const { fission } = await tieredCampaign(t, [
      { invites: 10, prizeName: 'Tissues', stock: 20 },
      { invites: 3, prizeName: 'Cola', stock: 50 },
      { invites: 30, prizeName: '500 points', stock: 5, kind: 'POINTS', points: 500 },
    ]);
    expect(fission.targetInvites).toBe(3);
    expect(fission.prizeName).toBe('Cola');
    expect(fission.tiers.map((x) => [x.invites, x.prizeName, x.kind, x.points, x.stock, x.claimCount])).toEqual([
      [3, 'Cola', 'GOODS', 0, 50, 0],
      [10, 'Tissues', 'GOODS', 0, 20, 0],
      [30, '500 points', 'POINTS', 500, 5, 0],
    ]);
  });

  it('refuses tiers together with a single prize, repeated invite counts, and POINTS tiers without points; nothing is created', async ({ t }) => {
    const before = await t.database.prisma.campaign.count({ where: { orgId: t.orgId } });
    const input = (fission: Record<string, unknown>) => ({ input: { kind: 'FISSION', name: 'Bad tiers', startsAt: at(-1), fission } });
    const both = await t.ok(CREATE, input({ targetInvites: 3, prizeName: 'Cola', tiers: [{ invites: 3, prizeName: 'Cola', stock: 1 }] }));
    expect(both.createCampaign).toMatchObject({ code: 'VALIDATION', field: 'input.fission.tiers' });
    const twice = await t.ok(
      CREATE,
      input({
        tiers: [
          { invites: 3, prizeName: 'A', stock: 1 },
          { invites: 3, prizeName: 'B', stock: 1 },
        ],
      }),
    );
    expect(twice.createCampaign).toMatchObject({ code: 'VALIDATION', field: 'input.fission.tiers.1.invites' });
    const noPoints = await t.ok(CREATE, input({ tiers: [{ invites: 3, prizeName: 'Points', stock: 1, kind: 'POINTS' }] }));
    expect(noPoints.createCampaign).toMatchObject({ code: 'VALIDATION', field: 'input.fission.tiers.0.points' });
    const neither = await t.ok(CREATE, input({ burstLimit: 5 }));
    expect(neither.createCampaign).toMatchObject({ code: 'VALIDATION' });
    expect(await t.database.prisma.campaign.count({ where: { orgId: t.orgId } })).toBe(before);
  });
});

describe('claimFissionTier', () => {
  it('a fan claims every tier reached, each once: goods owe a fulfilment, points are credited at once', async ({ t }) => {
    const { id, fission } = await tieredCampaign(t, [
      { invites: 1, prizeName: 'Cola', stock: 5 },
      { invites: 2, prizeName: '200 points', stock: 5, kind: 'POINTS', points: 200 },
      { invites: 3, prizeName: 'Shampoo', stock: 5 },
    ]);
    const [cola, points, shampoo] = fission.tiers;
    const [inviter] = await fansWithInvites(t, id, 1, 0);
    // Two real invites through the API.
    const code = (await t.ok(MY_CODE, { c: id }, inviter.as)).myInviteCode.data.code as string;
    for (let i = 0; i < 2; i++) {
      const invitee = await t.database.prisma.fan.create({ data: { orgId: t.orgId, externalId: `tier-inv-${++seq}`, displayName: 'Invitee' } });
      expect((await t.ok(ACCEPT, { i: { code, inviteeFanId: gid('Fan', invitee.id) } })).acceptInvite.__typename).toBe('MutationAcceptInviteSuccess');
    }

    const got = await claimAs(t, inviter, cola.id, { shippingAddress: ADDRESS });
    expect(got.claimFissionTier).toMatchObject({ data: { tier: { invites: 1, prizeName: 'Cola', stock: 4 }, fan: { id: inviter.gid } } });
    const again = await claimAs(t, inviter, cola.id);
    expect(again.claimFissionTier).toMatchObject({ code: 'CONFLICT', field: 'input.tierId' });

    const balanceBefore = (await t.database.prisma.fan.findUniqueOrThrow({ where: { id: inviter.id } })).pointsBalance;
    expect((await claimAs(t, inviter, points.id)).claimFissionTier.__typename).toBe('MutationClaimFissionTierSuccess');
    const fan = await t.database.prisma.fan.findUniqueOrThrow({ where: { id: inviter.id } });
    expect(fan.pointsBalance).toBe(balanceBefore + 200);

    const short = await claimAs(t, inviter, shampoo.id);
    expect(short.claimFissionTier).toMatchObject({ code: 'THRESHOLD_NOT_MET', message: '2 of 3 valid invites' });

    const fulfilments = await t.database.prisma.fulfilment.findMany({ where: { fanId: inviter.id } });
    expect(fulfilments.map((f) => [f.sourceKind, f.item, f.status])).toEqual([['FISSION_TIER', 'Cola', 'READY']]);
    const mine = await t.ok(MY_CODE, { c: id }, inviter.as);
    expect(mine.myInviteCode.data.tierClaims).toEqual([{ tier: { invites: 1 } }, { tier: { invites: 2 } }]);
  });

  it('refuses a flagged code, an unreached tier and another fan; nothing changes', async ({ t }) => {
    const { id, fission } = await tieredCampaign(t, [{ invites: 3, prizeName: 'Cola', stock: 5 }]);
    const [flagged] = await fansWithInvites(t, id, 1, 5, true);
    const [short] = await fansWithInvites(t, id, 1, 2);
    const [other] = await fansWithInvites(t, id, 1, 3);
    expect((await claimAs(t, flagged, fission.tiers[0].id)).claimFissionTier).toMatchObject({ code: 'FORBIDDEN' });
    expect((await claimAs(t, short, fission.tiers[0].id)).claimFissionTier).toMatchObject({ code: 'THRESHOLD_NOT_MET' });
    const forOther = await claimAs(t, short, fission.tiers[0].id, { fanId: other.gid });
    expect(forOther.claimFissionTier).toMatchObject({ code: 'FORBIDDEN' });
    const after = (await t.ok(TIERS, { id })).node.fission.tiers[0];
    expect(after).toMatchObject({ stock: 5, claimCount: 0 });
    expect(await t.database.prisma.fulfilment.count({ where: { campaignId: rawId(id) } })).toBe(0);
  });

  it('100 parallel claims of a tier with stock 10 give exactly 10; the rest are OUT_OF_STOCK and leave nothing', async ({ t }) => {
    const { id, fission } = await tieredCampaign(t, [{ invites: 3, prizeName: 'Cola', stock: 10 }]);
    const fans = await fansWithInvites(t, id, 100, 3);
    const results = await Promise.all(fans.map((f) => claimAs(t, f, fission.tiers[0].id)));
    const kinds = results.map((r) => r.claimFissionTier.__typename ?? r.claimFissionTier.code);
    expect(kinds.filter((k) => k === 'MutationClaimFissionTierSuccess')).toHaveLength(10);
    expect(results.filter((r) => r.claimFissionTier.code === 'OUT_OF_STOCK')).toHaveLength(90);
    expect((await t.ok(TIERS, { id })).node.fission.tiers[0]).toMatchObject({ stock: 0, claimCount: 10 });
    expect(await t.database.prisma.fissionTierClaim.count({ where: { campaignId: rawId(id) } })).toBe(10);
    expect(await t.database.prisma.fulfilment.count({ where: { campaignId: rawId(id) } })).toBe(10);
  });

  it('the same fan claiming twice in parallel gets the tier once', async ({ t }) => {
    const { id, fission } = await tieredCampaign(t, [{ invites: 3, prizeName: '50 points', stock: 10, kind: 'POINTS', points: 50 }]);
    const [fan] = await fansWithInvites(t, id, 1, 3);
    const results = await Promise.all(Array.from({ length: 8 }, () => claimAs(t, fan, fission.tiers[0].id)));
    expect(results.filter((r) => r.claimFissionTier.__typename === 'MutationClaimFissionTierSuccess')).toHaveLength(1);
    expect(results.filter((r) => r.claimFissionTier.code === 'CONFLICT')).toHaveLength(7);
    expect((await t.database.prisma.fan.findUniqueOrThrow({ where: { id: fan.id } })).pointsBalance).toBe(50);
    expect((await t.ok(TIERS, { id })).node.fission.tiers[0]).toMatchObject({ stock: 9, claimCount: 1 });
  });

  it('the single-prize claim is refused on a tiered campaign (INVALID_STATE)', async ({ t }) => {
    const { id } = await tieredCampaign(t, [{ invites: 1, prizeName: 'Cola', stock: 5 }]);
    const [fan] = await fansWithInvites(t, id, 1, 3);
    const r = await t.ok(
      /* GraphQL */ `mutation($i: ClaimFissionPrizeInput!) { claimFissionPrize(input: $i) { __typename ... on Error { code field } } }`,
      { i: { campaignId: id, shippingAddress: ADDRESS } },
      fan.as,
    );
    expect(r.claimFissionPrize).toMatchObject({ code: 'INVALID_STATE', field: 'input.campaignId' });
  });

  it('cancelling a tier fulfilment returns the unit to the stock', async ({ t }) => {
    const { id, fission } = await tieredCampaign(t, [{ invites: 1, prizeName: 'Cola', stock: 1 }]);
    const [fan] = await fansWithInvites(t, id, 1, 1);
    await claimAs(t, fan, fission.tiers[0].id, { shippingAddress: ADDRESS });
    const f = await t.database.prisma.fulfilment.findFirstOrThrow({ where: { fanId: fan.id } });
    const r = await t.ok(/* GraphQL */ `mutation($id: ID!) { cancelFulfilment(fulfilmentId: $id) { __typename ... on Error { code } } }`, {
      id: gid('Fulfilment', f.id),
    });
    expect(r.cancelFulfilment.__typename).toBe('MutationCancelFulfilmentSuccess');
    expect((await t.ok(TIERS, { id })).node.fission.tiers[0]).toMatchObject({ stock: 1, claimCount: 0 });
  });
});
