// Every goods prize owed to a fan becomes exactly one fulfilment, in the source's own transaction:
// a points-mall redemption, a fission claim, a like-draw win, a wheel win. Points prizes are credited.
import { describe, expect } from 'vitest';
import { graphql } from '../generated/index.js';
import { gid } from '../helpers/ids.js';
import { useTestApp } from '../helpers/test-app.js';
import { address, MY_FULFILMENTS, newFan, newReward, REDEEM, redeem, rowsOf, runningCampaign, SAVE_ADDRESS, SPIN } from './helpers.js';

const it = useTestApp({ fans: 5 });

describe('a points-mall redemption', () => {
  it('owes one fulfilment that waits for an address, then becomes READY with a snapshot of it', async ({ t }) => {
    const fan = await newFan(t, 500);
    const rewardId = await newReward(t, 5, 200);
    const key = { rewardId, idempotencyKey: 'ful-redeem-once' };
    await t.ok(REDEEM, { input: key }, fan.as);
    await t.ok(REDEEM, { input: key }, fan.as); // a retry: no second redemption, no second fulfilment
    let mine = (await t.ok(MY_FULFILMENTS, {}, fan.as)).viewer.fan!.fulfilments;
    expect(mine.totalCount).toBe(1);
    expect(mine.nodes[0]).toMatchObject({ status: 'PENDING_ADDRESS', source: 'REDEMPTION', address: null, campaign: null });
    expect(mine.nodes[0].item).toMatch(/^Face towel/);

    const saved = await t.ok(SAVE_ADDRESS, { input: address() }, fan.as);
    expect(saved.saveShippingAddress).toMatchObject({ data: { isDefault: true, phone: '13800138000' } });
    mine = (await t.ok(MY_FULFILMENTS, {}, fan.as)).viewer.fan!.fulfilments;
    expect(mine.nodes[0]).toMatchObject({ status: 'READY', address: { name: 'Li Na', phone: '13800138000', city: 'Hangzhou' } });
    // Editing the address later does not move a parcel already addressed.
    const addressId = (saved.saveShippingAddress as { data: { id: string } }).data.id;
    await t.ok(SAVE_ADDRESS, { input: { ...address('Wang Fang'), addressId } }, fan.as);
    mine = (await t.ok(MY_FULFILMENTS, {}, fan.as)).viewer.fan!.fulfilments;
    expect(mine.nodes[0].address?.name).toBe('Li Na');
    expect(await rowsOf(t, { fanId: fan.id })).toHaveLength(1);
  });

  it('is READY at once when the fan has a default address; the fan may pick another address for it', async ({ t }) => {
    const fan = await newFan(t, 500);
    await t.ok(SAVE_ADDRESS, { input: address('Home') }, fan.as);
    const office = await t.ok(SAVE_ADDRESS, { input: { ...address('Office'), city: 'Ningbo' } }, fan.as);
    expect(office.saveShippingAddress).toMatchObject({ data: { isDefault: false } });
    const f = await redeem(t, fan, await newReward(t, 5, 100));
    expect(f).toMatchObject({ status: 'READY', address: { name: 'Home' } });
    const picked = await t.ok(
      graphql(`mutation FulChoose($input: ChooseFulfilmentAddressInput!) { chooseFulfilmentAddress(input: $input) {
        __typename ... on MutationChooseFulfilmentAddressSuccess { data { status address { name city } } } ... on Error { code field } } }`),
      { input: { fulfilmentId: f.id, addressId: (office.saveShippingAddress as { data: { id: string } }).data.id } },
      fan.as,
    );
    expect(picked.chooseFulfilmentAddress).toMatchObject({ data: { status: 'READY', address: { name: 'Office', city: 'Ningbo' } } });
  });
});

describe('campaign prizes', () => {
  it('a fission claim owes one fulfilment shipped to the claimed address, which operators and the inviter can read', async ({ t }) => {
    const fan = await newFan(t);
    const p = t.database.prisma;
    const c = await p.campaign.create({
      data: { orgId: t.orgId, kind: 'FISSION', name: 'Free cola', status: 'RUNNING', fission: { create: { targetInvites: 1, prizeName: 'Cola' } } },
    });
    const code = await p.inviteCode.create({
      data: { orgId: t.orgId, campaignId: c.id, fanId: fan.id, code: `FUL${fan.id.slice(-6)}`, validInvites: 1 },
    });
    const CLAIM = graphql(`mutation FulClaim($i: ClaimFissionPrizeInput!) { claimFissionPrize(input: $i) { __typename ... on Error { code } } }`);
    const input = { campaignId: gid('Campaign', c.id), shippingAddress: address('Zhao Lei') };
    expect((await t.ok(CLAIM, { i: input }, fan.as)).claimFissionPrize.__typename).toBe('MutationClaimFissionPrizeSuccess');
    expect((await t.ok(CLAIM, { i: input }, fan.as)).claimFissionPrize).toMatchObject({ code: 'CONFLICT' });
    const mine = (await t.ok(MY_FULFILMENTS, {}, fan.as)).viewer.fan!.fulfilments;
    expect(mine.totalCount).toBe(1);
    expect(mine.nodes[0]).toMatchObject({
      item: 'Cola',
      source: 'FISSION_CLAIM',
      status: 'READY',
      address: { name: 'Zhao Lei' },
      campaign: { id: gid('Campaign', c.id) },
    });

    const READ = graphql(`query FulInviteAddress($id: ID!) { node(id: $id) { ... on InviteCode { shippingAddress { name phone } } } }`);
    expect((await t.ok(READ, { id: gid('InviteCode', code.id) })).node).toEqual({ shippingAddress: { name: 'Zhao Lei', phone: '13800138000' } });
    const OWN = graphql(`mutation FulOwnCode($c: ID!) { myInviteCode(campaignId: $c) {
      ... on MutationMyInviteCodeSuccess { data { shippingAddress { name } } } } }`);
    expect((await t.ok(OWN, { c: gid('Campaign', c.id) }, fan.as)).myInviteCode).toEqual({ data: { shippingAddress: { name: 'Zhao Lei' } } });
  });

  it('a like draw owes one fulfilment per winner when the campaign names a prize', async ({ t }) => {
    const fans = await Promise.all([newFan(t), newFan(t), newFan(t)]);
    const c = await t.database.prisma.campaign.create({
      data: {
        orgId: t.orgId,
        kind: 'LIKE',
        name: 'Tea night',
        status: 'RUNNING',
        like: {
          create: { targetLikes: 1000, milestoneEvery: 100, winnersPerMilestone: 2, totalLikes: 100, milestonesReached: 1, prizeName: 'Tea set' },
        },
      },
    });
    await t.database.prisma.likeContribution.createMany({ data: fans.map((f) => ({ campaignId: c.id, fanId: f.id, likes: 10 })) });
    const DRAW = graphql(`mutation FulDraw($input: DrawLikeMilestoneInput!) { drawLikeMilestone(input: $input) {
      __typename ... on MutationDrawLikeMilestoneSuccess { data { winners { id } } } } }`);
    const res = await t.ok(DRAW, { input: { campaignId: gid('Campaign', c.id), milestone: 1 } });
    const winners = (res.drawLikeMilestone as { data: { winners: { id: string }[] } }).data.winners.map((w) => w.id).sort();
    expect(winners).toHaveLength(2);
    const rows = await rowsOf(t, { sourceKind: 'LIKE_DRAW' });
    expect(
      rows
        .filter((r) => r.campaignId === c.id)
        .map((r) => gid('Fan', r.fanId))
        .sort(),
    ).toEqual(winners);
    expect(rows.every((r) => r.item === 'Tea set' && r.status === 'PENDING_ADDRESS')).toBe(true);
  });

  it('a goods prize won on the wheel owes one fulfilment; a points prize is credited at once with none', async ({ t }) => {
    const goods = await runningCampaign(t, {
      kind: 'LOTTERY',
      name: 'Goods wheel',
      lottery: { perFanDailyCap: 1, perFanTotalCap: 1, missWeight: 0, prizes: [{ name: 'Silk scarf', weight: 1, stock: 10 }] },
    });
    const points = await runningCampaign(t, {
      kind: 'LOTTERY',
      name: 'Points wheel',
      lottery: {
        perFanDailyCap: 1,
        perFanTotalCap: 1,
        missWeight: 0,
        prizes: [{ name: '50 points', weight: 1, stock: 10, kind: 'POINTS', points: 50 }],
      },
    });
    const fan = await newFan(t, 7);
    const won = await t.ok(SPIN, { input: { campaignId: goods } }, fan.as);
    expect(won.spinLottery).toMatchObject({ data: { won: true, prize: { name: 'Silk scarf', kind: 'GOODS' } } });
    const credited = await t.ok(SPIN, { input: { campaignId: points } }, fan.as);
    expect(credited.spinLottery).toMatchObject({ data: { won: true, prize: { kind: 'POINTS', points: 50 } } });
    const rows = await rowsOf(t, { fanId: fan.id });
    expect(rows).toMatchObject([{ sourceKind: 'LOTTERY_SPIN', item: 'Silk scarf' }]);
    const balance = await t.database.prisma.fan.findUniqueOrThrow({ where: { id: fan.id } });
    expect(balance.pointsBalance).toBe(57);
    const entry = await t.database.prisma.pointsEntry.findFirstOrThrow({ where: { fanId: fan.id } });
    expect(entry).toMatchObject({ delta: 50, reason: 'CAMPAIGN', note: '50 points' });
  });
});
