// Referral campaigns through the API: personal codes, counted invites and their anti-fraud rules,
// voided leavers, burst flags and the prize claim — including the races that matter.
import { describe, expect } from 'vitest';
import { gid } from '../../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../../helpers/test-app.js';
import { CREATE, rawId, runningCampaign, transition } from '../lifecycle/helpers.js';

let groupId: string;

const it = useTestApp({ fans: 20 });
it.beforeAll(async ({ t }) => {
  groupId = (await t.database.prisma.community.findFirstOrThrow({ where: { orgId: t.orgId, kind: 'FISSION' } })).id;
});

const HOUR = 3_600_000;
const at = (h: number) => new Date(Date.now() + h * HOUR);
let fanSeq = 0;
async function newFan(t: SeededTestApp, opts: { createdAt?: Date; org?: string } = {}) {
  const externalId = `fx${++fanSeq}`;
  return t.database.prisma.fan.create({
    data: { orgId: opts.org ?? t.orgId, externalId, displayName: `Hangzhou-oily·${externalId}`, createdAt: opts.createdAt },
  });
}
const asFan = (fan: { externalId: string }) => `Dev demo/fan:${fan.externalId}`;

async function fissionCampaign(t: SeededTestApp, settings: Record<string, unknown> = {}) {
  return runningCampaign(t, {
    kind: 'FISSION',
    name: 'Invite 3, get a cola',
    communityId: gid('Community', groupId),
    startsAt: at(-1).toISOString(),
    endsAt: at(48).toISOString(),
    fission: { targetInvites: 3, prizeName: 'Cola (6-pack)', ...settings },
  });
}

const MY_CODE = /* GraphQL */ `
  mutation($c: ID!, $f: ID) { myInviteCode(campaignId: $c, fanId: $f) {
    __typename ... on MutationMyInviteCodeSuccess { data { id code validInvites flagged claimedAt fan { id } } } ... on DomainError { code message field } } }`;
const ACCEPT = /* GraphQL */ `
  mutation($i: AcceptInviteInput!) { acceptInvite(input: $i) {
    __typename ... on MutationAcceptInviteSuccess { data { status invitee { id } inviteCode { code validInvites flagged } } } ... on DomainError { code message field } } }`;
const CLAIM = /* GraphQL */ `
  mutation($i: ClaimFissionPrizeInput!) { claimFissionPrize(input: $i) {
    __typename ... on MutationClaimFissionPrizeSuccess { data { id claimedAt validInvites } } ... on DomainError { code message field } } }`;
const VOID = /* GraphQL */ `mutation($c: ID!) { voidLeftHelpers(campaignId: $c) { __typename ... on MutationVoidLeftHelpersSuccess { data } ... on DomainError { code field } } }`;
const CLEAR = /* GraphQL */ `mutation($id: ID!) { clearInviteFlag(inviteCodeId: $id) { __typename ... on MutationClearInviteFlagSuccess { data { flagged } } ... on DomainError { code field } } }`;

async function codeOf(t: SeededTestApp, campaignId: string, fan: { id: string }) {
  const r = await t.ok(MY_CODE, { c: campaignId, f: gid('Fan', fan.id) });
  expect(r.myInviteCode.__typename).toBe('MutationMyInviteCodeSuccess');
  return r.myInviteCode.data as { id: string; code: string };
}
const accept = (t: SeededTestApp, code: string, invitee: { id: string }) => t.ok(ACCEPT, { i: { code, inviteeFanId: gid('Fan', invitee.id) } });
const codeRow = (t: SeededTestApp, code: string) => t.database.prisma.inviteCode.findUniqueOrThrow({ where: { code } });
const address = { name: 'Li Na', phone: '138 0013 8000', province: 'Zhejiang', city: 'Hangzhou', address: '88 West Lake Road, Apt 3' };

describe('myInviteCode', () => {
  it('creates the personal code once; asking again (fan or operator) returns the same code', async ({ t }) => {
    const c = await fissionCampaign(t);
    const fan = await newFan(t);
    const own = await t.ok(MY_CODE, { c }, asFan(fan));
    expect(own.myInviteCode.data).toMatchObject({ validInvites: 0, flagged: false, claimedAt: null, fan: { id: gid('Fan', fan.id) } });
    expect(own.myInviteCode.data.code).toMatch(/^[A-HJ-NP-Z2-9]{10}$/);
    const again = await t.ok(MY_CODE, { c, f: gid('Fan', fan.id) }, 'Dev demo/jujube@demo.test');
    expect(again.myInviteCode.data.code).toBe(own.myInviteCode.data.code);
    const other = await newFan(t);
    expect((await codeOf(t, c, other)).code).not.toBe(own.myInviteCode.data.code);
  });

  it('20 parallel first asks create exactly one code', async ({ t }) => {
    const c = await fissionCampaign(t);
    const fan = await newFan(t);
    const results = await Promise.all(Array.from({ length: 20 }, () => t.ok(MY_CODE, { c }, asFan(fan))));
    expect(new Set(results.map((r) => r.myInviteCode.data?.code)).size).toBe(1);
    expect(await t.database.prisma.inviteCode.count({ where: { campaignId: rawId(c), fanId: fan.id } })).toBe(1);
  });

  it('refuses: another fan, a foreign or non-referral campaign, a campaign not open, analysts', async ({ t }) => {
    const c = await fissionCampaign(t);
    const fan = await newFan(t);
    const other = await newFan(t);
    expect((await t.ok(MY_CODE, { c, f: gid('Fan', other.id) }, asFan(fan))).myInviteCode).toMatchObject({ code: 'FORBIDDEN', field: 'fanId' });
    const rival = await t.database.prisma.campaign.findFirstOrThrow({ where: { orgId: t.rivalOrgId, kind: 'FISSION' } });
    expect((await t.ok(MY_CODE, { c: gid('Campaign', rival.id) }, asFan(fan))).myInviteCode).toMatchObject({
      code: 'NOT_FOUND',
      field: 'campaignId',
    });
    const rivalFan = await newFan(t, { org: t.rivalOrgId });
    expect((await t.ok(MY_CODE, { c, f: gid('Fan', rivalFan.id) })).myInviteCode).toMatchObject({ code: 'NOT_FOUND', field: 'fanId' });
    const coupon = await t.database.prisma.campaign.findFirstOrThrow({ where: { orgId: t.orgId, kind: 'COUPON' } });
    expect((await t.ok(MY_CODE, { c: gid('Campaign', coupon.id) }, asFan(fan))).myInviteCode).toMatchObject({
      code: 'VALIDATION',
      field: 'campaignId',
    });
    const draft = await t.ok(CREATE, {
      input: { kind: 'FISSION', name: 'Draft', startsAt: at(1).toISOString(), fission: { targetInvites: 2, prizeName: 'Cola' } },
    });
    expect((await t.ok(MY_CODE, { c: draft.createCampaign.data.id }, asFan(fan))).myInviteCode).toMatchObject({ code: 'CAMPAIGN_NOT_RUNNING' });
    const analyst = await t.gql(MY_CODE, { c, f: gid('Fan', fan.id) }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await t.database.prisma.inviteCode.count({ where: { fanId: { in: [fan.id, other.id, rivalFan.id] } } })).toBe(0);
  });
});

describe('acceptInvite', () => {
  it('counts a new fan once, links them to the inviter, and the invitee may report it themself', async ({ t }) => {
    const c = await fissionCampaign(t);
    const inviter = await newFan(t, { createdAt: at(-500) });
    const { code } = await codeOf(t, c, inviter);
    const a = await newFan(t);
    const r = await accept(t, code.toLowerCase(), a);
    expect(r.acceptInvite.data).toEqual({
      status: 'COUNTED',
      invitee: { id: gid('Fan', a.id) },
      inviteCode: { code, validInvites: 1, flagged: false },
    });
    expect((await t.database.prisma.fan.findUniqueOrThrow({ where: { id: a.id } })).referredById).toBe(inviter.id);
    const b = await newFan(t);
    const self = await t.ok(ACCEPT, { i: { code } }, asFan(b));
    expect(self.acceptInvite.data.inviteCode.validInvites).toBe(2);
  });

  it('refuses with a typed error and counts nothing', async ({ t }) => {
    const c = await fissionCampaign(t);
    const inviter = await newFan(t);
    const { code } = await codeOf(t, c, inviter);
    const other = await codeOf(t, c, await newFan(t));
    const counted = await newFan(t);
    await accept(t, code, counted);
    const oldFan = await newFan(t, { createdAt: at(-2) });
    const rivalFan = await newFan(t, { org: t.rivalOrgId });
    const rivalCampaign = await t.database.prisma.campaign.findFirstOrThrow({ where: { orgId: t.rivalOrgId, kind: 'FISSION' } });
    const rivalCode = await t.database.prisma.inviteCode.create({
      data: { orgId: t.rivalOrgId, campaignId: rivalCampaign.id, fanId: rivalFan.id, code: 'RIVALCODE22' },
    });
    const fresh = await newFan(t);
    const cases: [string, { id: string }, string, string][] = [
      [code, inviter, 'FORBIDDEN', 'input.inviteeFanId'], // self-invite
      [other.code, counted, 'CONFLICT', 'input.inviteeFanId'], // already counted through another code
      [code, counted, 'CONFLICT', 'input.inviteeFanId'],
      [code, oldFan, 'THRESHOLD_NOT_MET', 'input.inviteeFanId'], // not new since the start
      [code, rivalFan, 'NOT_FOUND', 'input.inviteeFanId'],
      [rivalCode.code, fresh, 'NOT_FOUND', 'input.code'],
      ['NOSUCHCODE', fresh, 'NOT_FOUND', 'input.code'],
      ['no!', fresh, 'VALIDATION', 'input.code'],
    ];
    for (const [c2, invitee, errCode, field] of cases) {
      expect((await accept(t, c2, invitee)).acceptInvite, `${c2} ${errCode}`).toMatchObject({ code: errCode, field });
    }
    expect((await codeRow(t, code)).validInvites).toBe(1);
    expect((await codeRow(t, other.code)).validInvites).toBe(0);
    expect(await t.database.prisma.invite.count({ where: { campaignId: rawId(c) } })).toBe(1);
    const fanCaller = await t.ok(ACCEPT, { i: { code, inviteeFanId: gid('Fan', fresh.id) } }, asFan(counted));
    expect(fanCaller.acceptInvite).toMatchObject({ code: 'FORBIDDEN' });
    const analyst = await t.gql(ACCEPT, { i: { code, inviteeFanId: gid('Fan', fresh.id) } }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    await t.ok(transition('end'), { id: c });
    expect((await accept(t, code, fresh)).acceptInvite).toMatchObject({ code: 'CAMPAIGN_NOT_RUNNING', field: 'input.code' });
    expect((await codeRow(t, code)).validInvites).toBe(1);
  });

  it('the same invitee through two codes in parallel is counted once in total', async ({ t }) => {
    const c = await fissionCampaign(t);
    const codes = [await codeOf(t, c, await newFan(t)), await codeOf(t, c, await newFan(t))];
    for (let round = 0; round < 3; round++) {
      const invitee = await newFan(t);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => accept(t, codes[i % 2].code, invitee)));
      expect(results.filter((r) => r.acceptInvite.__typename === 'MutationAcceptInviteSuccess')).toHaveLength(1);
      expect(results.filter((r) => r.acceptInvite.code === 'CONFLICT')).toHaveLength(9);
      expect(await t.database.prisma.invite.count({ where: { inviteeId: invitee.id } })).toBe(1);
    }
    const total = (await codeRow(t, codes[0].code)).validInvites + (await codeRow(t, codes[1].code)).validInvites;
    expect(total).toBe(3);
  });
});

describe('burst flag', () => {
  it('flags a code past burstLimit within the window; it keeps counting but cannot claim until cleared', async ({ t }) => {
    const c = await fissionCampaign(t, { burstLimit: 4, burstWindowSecs: 600 });
    const inviter = await newFan(t);
    const { id, code } = await codeOf(t, c, inviter);
    for (let i = 0; i < 4; i++) await accept(t, code, await newFan(t));
    expect((await codeRow(t, code)).flagged).toBe(false);
    expect((await t.ok(CLEAR, { id })).clearInviteFlag).toMatchObject({ code: 'INVALID_STATE' });
    const fifth = await accept(t, code, await newFan(t));
    expect(fifth.acceptInvite.data.inviteCode).toMatchObject({ validInvites: 5, flagged: true });
    expect((await accept(t, code, await newFan(t))).acceptInvite.data.inviteCode).toMatchObject({ validInvites: 6, flagged: true });
    const refused = await t.ok(CLAIM, { i: { campaignId: c, shippingAddress: address } }, asFan(inviter));
    expect(refused.claimFissionPrize).toMatchObject({ code: 'FORBIDDEN' });
    expect((await codeRow(t, code)).claimedAt).toBeNull();
    const analyst = await t.gql(CLEAR, { id }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.ok(CLEAR, { id })).clearInviteFlag.data).toEqual({ flagged: false });
    expect((await t.ok(CLAIM, { i: { campaignId: c, shippingAddress: address } }, asFan(inviter))).claimFissionPrize.__typename).toBe(
      'MutationClaimFissionPrizeSuccess',
    );
  });

  it('a parallel burst through one code is flagged and every invite still counts', async ({ t }) => {
    const c = await fissionCampaign(t, { burstLimit: 5, burstWindowSecs: 600 });
    const { code } = await codeOf(t, c, await newFan(t));
    const invitees = await Promise.all(Array.from({ length: 12 }, () => newFan(t)));
    const results = await Promise.all(invitees.map((f) => accept(t, code, f)));
    expect(results.every((r) => r.acceptInvite.__typename === 'MutationAcceptInviteSuccess')).toBe(true);
    expect(await codeRow(t, code)).toMatchObject({ validInvites: 12, flagged: true });
  });

  it('invites spread wider than the window do not flag', async ({ t }) => {
    const c = await fissionCampaign(t, { burstLimit: 2, burstWindowSecs: 60 });
    const { code } = await codeOf(t, c, await newFan(t));
    for (let i = 0; i < 2; i++) await accept(t, code, await newFan(t));
    // Age the first two invites past the window, as if they came in minutes ago.
    await t.database.prisma.invite.updateMany({ where: { campaignId: rawId(c) }, data: { createdAt: new Date(Date.now() - 5 * 60_000) } });
    for (let i = 0; i < 2; i++) await accept(t, code, await newFan(t));
    expect(await codeRow(t, code)).toMatchObject({ validInvites: 4, flagged: false });
  });
});

describe('voidLeftHelpers', () => {
  it("voids helpers who left the campaign's group within the window, once; others keep counting", async ({ t }) => {
    const c = await fissionCampaign(t);
    const { code } = await codeOf(t, c, await newFan(t));
    const [leaver, stayer, elsewhere, later] = await Promise.all([newFan(t), newFan(t), newFan(t), newFan(t)]);
    for (const f of [leaver, stayer, elsewhere, later]) await accept(t, code, f);
    const other = await t.database.prisma.community.findFirstOrThrow({ where: { orgId: t.orgId, kind: 'VERTICAL' } });
    await t.database.prisma.membership.createMany({
      data: [
        { orgId: t.orgId, communityId: groupId, fanId: leaver.id, leftAt: new Date() },
        { orgId: t.orgId, communityId: groupId, fanId: stayer.id },
        { orgId: t.orgId, communityId: other.id, fanId: elsewhere.id, leftAt: new Date() },
        { orgId: t.orgId, communityId: groupId, fanId: later.id, leftAt: at(49) }, // after the campaign window
      ],
    });
    const analyst = await t.gql(VOID, { c }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.ok(VOID, { c })).voidLeftHelpers.data).toBe(1);
    expect((await codeRow(t, code)).validInvites).toBe(3);
    const voided = await t.database.prisma.invite.findMany({ where: { campaignId: rawId(c), status: 'VOIDED' } });
    expect(voided.map((i) => i.inviteeId)).toEqual([leaver.id]);
    expect(voided[0].voidedAt).not.toBeNull();
    expect((await t.ok(VOID, { c })).voidLeftHelpers.data).toBe(0);
    expect((await codeRow(t, code)).validInvites).toBe(3);
    // A voided helper stays counted-once: joining again through another code is still a CONFLICT.
    const second = await codeOf(t, c, await newFan(t));
    expect((await accept(t, second.code, leaver)).acceptInvite.code).toBe('CONFLICT');
  });

  it('a helper leaving the group through the API is voided at once', async ({ t }) => {
    const c = await fissionCampaign(t);
    const { code } = await codeOf(t, c, await newFan(t));
    const [leaver, stayer] = await Promise.all([newFan(t), newFan(t)]);
    for (const f of [leaver, stayer]) await accept(t, code, f);
    await t.database.prisma.membership.createMany({ data: [leaver, stayer].map((f) => ({ orgId: t.orgId, communityId: groupId, fanId: f.id })) });
    const left = await t.ok(`mutation($i: LeaveCommunityInput!) { leaveCommunity(input: $i) { __typename ... on DomainError { code message } } }`, {
      i: { communityId: gid('Community', groupId), fanId: gid('Fan', leaver.id) },
    });
    expect(left.leaveCommunity.__typename).toBe('MutationLeaveCommunitySuccess');
    expect((await codeRow(t, code)).validInvites).toBe(1);
    const invites = await t.database.prisma.invite.findMany({ where: { campaignId: rawId(c) }, orderBy: { status: 'asc' } });
    expect(invites.map((i) => [i.inviteeId, i.status])).toEqual(
      expect.arrayContaining([
        [leaver.id, 'VOIDED'],
        [stayer.id, 'COUNTED'],
      ]),
    );
  });

  it('parallel voiding runs decrement each leaver once', async ({ t }) => {
    const c = await fissionCampaign(t);
    const { code } = await codeOf(t, c, await newFan(t));
    const helpers = await Promise.all(Array.from({ length: 6 }, () => newFan(t)));
    for (const f of helpers) await accept(t, code, f);
    await t.database.prisma.membership.createMany({
      data: helpers.slice(0, 4).map((f) => ({ orgId: t.orgId, communityId: groupId, fanId: f.id, leftAt: new Date() })),
    });
    const runs = await Promise.all(Array.from({ length: 5 }, () => t.ok(VOID, { c })));
    expect(runs.reduce((s, r) => s + r.voidLeftHelpers.data, 0)).toBe(4);
    expect((await codeRow(t, code)).validInvites).toBe(2);
  });

  it("refuses another tenant's campaign and a non-referral campaign", async ({ t }) => {
    const rival = await t.database.prisma.campaign.findFirstOrThrow({ where: { orgId: t.rivalOrgId, kind: 'FISSION' } });
    expect((await t.ok(VOID, { c: gid('Campaign', rival.id) })).voidLeftHelpers).toMatchObject({ code: 'NOT_FOUND', field: 'campaignId' });
    const like = await t.database.prisma.campaign.findFirstOrThrow({ where: { orgId: t.orgId, kind: 'LIKE' } });
    expect((await t.ok(VOID, { c: gid('Campaign', like.id) })).voidLeftHelpers).toMatchObject({ code: 'VALIDATION', field: 'campaignId' });
  });
});

describe('claimFissionPrize', () => {
  async function reachedTarget(t: SeededTestApp, n = 3) {
    const c = await fissionCampaign(t);
    const inviter = await newFan(t);
    const { code } = await codeOf(t, c, inviter);
    const helpers = [];
    for (let i = 0; i < n; i++) {
      const f = await newFan(t);
      await accept(t, code, f);
      helpers.push(f);
    }
    return { c, inviter, code, helpers };
  }

  it('claims once at the target with the address; the second claim is a CONFLICT', async ({ t }) => {
    const { c, inviter, code } = await reachedTarget(t);
    const r = await t.ok(CLAIM, { i: { campaignId: c, shippingAddress: address } }, asFan(inviter));
    expect(r.claimFissionPrize.data).toMatchObject({ validInvites: 3 });
    expect(r.claimFissionPrize.data.claimedAt).not.toBeNull();
    expect((await codeRow(t, code)).shippingAddress).toEqual({ ...address, phone: '13800138000' });
    const again = await t.ok(CLAIM, { i: { campaignId: c, fanId: gid('Fan', inviter.id), shippingAddress: { ...address, city: 'Ningbo' } } });
    expect(again.claimFissionPrize).toMatchObject({ code: 'CONFLICT' });
    expect(((await codeRow(t, code)).shippingAddress as { city: string }).city).toBe('Hangzhou');
  });

  it('10 parallel claims: exactly one succeeds', async ({ t }) => {
    const { c, inviter, code } = await reachedTarget(t);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.ok(CLAIM, { i: { campaignId: c, shippingAddress: { ...address, name: `Li Na ${i}` } } }, asFan(inviter)),
      ),
    );
    expect(results.filter((r) => r.claimFissionPrize.__typename === 'MutationClaimFissionPrizeSuccess')).toHaveLength(1);
    expect(results.filter((r) => r.claimFissionPrize.code === 'CONFLICT')).toHaveLength(9);
    expect((await codeRow(t, code)).claimedAt).not.toBeNull();
  });

  it('refuses below the target (also after a helper is voided), without a code, with a bad address, and for others', async ({ t }) => {
    const { c, inviter, code, helpers } = await reachedTarget(t);
    await t.database.prisma.membership.create({ data: { orgId: t.orgId, communityId: groupId, fanId: helpers[0].id, leftAt: new Date() } });
    await t.ok(VOID, { c });
    const below = await t.ok(CLAIM, { i: { campaignId: c, shippingAddress: address } }, asFan(inviter));
    expect(below.claimFissionPrize).toMatchObject({ code: 'THRESHOLD_NOT_MET', message: '2 of 3 valid invites' });
    const noCode = await newFan(t);
    expect((await t.ok(CLAIM, { i: { campaignId: c, shippingAddress: address } }, asFan(noCode))).claimFissionPrize).toMatchObject({
      code: 'THRESHOLD_NOT_MET',
    });
    const bad: [Record<string, string>, string][] = [
      [{ ...address, phone: '12ab45678' }, 'input.shippingAddress.phone'],
      [{ ...address, phone: '123' }, 'input.shippingAddress.phone'],
      [{ ...address, name: ' ' }, 'input.shippingAddress.name'],
      [{ ...address, address: 'x'.repeat(201) }, 'input.shippingAddress.address'],
      [{ ...address, city: '' }, 'input.shippingAddress.city'],
    ];
    for (const [shippingAddress, field] of bad) {
      expect((await t.ok(CLAIM, { i: { campaignId: c, shippingAddress } }, asFan(inviter))).claimFissionPrize).toMatchObject({
        code: 'VALIDATION',
        field,
      });
    }
    const other = await newFan(t);
    expect(
      (await t.ok(CLAIM, { i: { campaignId: c, fanId: gid('Fan', inviter.id), shippingAddress: address } }, asFan(other))).claimFissionPrize,
    ).toMatchObject({ code: 'FORBIDDEN' });
    const analyst = await t.gql(
      CLAIM,
      { i: { campaignId: c, fanId: gid('Fan', inviter.id), shippingAddress: address } },
      'Dev demo/analyst@demo.test',
    );
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const rival = await t.database.prisma.campaign.findFirstOrThrow({ where: { orgId: t.rivalOrgId, kind: 'FISSION' } });
    expect(
      (await t.ok(CLAIM, { i: { campaignId: gid('Campaign', rival.id), fanId: gid('Fan', inviter.id), shippingAddress: address } }))
        .claimFissionPrize,
    ).toMatchObject({ code: 'NOT_FOUND', field: 'input.campaignId' });
    expect(await codeRow(t, code)).toMatchObject({ claimedAt: null, shippingAddress: null });
  });

  it('may claim after the campaign ended, not after it was cancelled', async ({ t }) => {
    const ended = await reachedTarget(t);
    await t.ok(transition('end'), { id: ended.c });
    expect((await t.ok(CLAIM, { i: { campaignId: ended.c, shippingAddress: address } }, asFan(ended.inviter))).claimFissionPrize.__typename).toBe(
      'MutationClaimFissionPrizeSuccess',
    );
    const cancelled = await reachedTarget(t);
    await t.ok(transition('cancel'), { id: cancelled.c });
    expect(
      (await t.ok(CLAIM, { i: { campaignId: cancelled.c, shippingAddress: address } }, asFan(cancelled.inviter))).claimFissionPrize,
    ).toMatchObject({ code: 'CAMPAIGN_NOT_RUNNING' });
    expect((await codeRow(t, cancelled.code)).claimedAt).toBeNull();
  });
});
