// Every kind of caller, with real credentials: operators by role (signed tokens), fans (own data only),
// partner keys (by scope, through persisted operations), and anonymous callers. Pairs of allowed and refused.
import { describe, expect } from 'vitest';
import { loadManifest } from '../../src/core/persisted.js';
import { gid } from '../helpers/ids.js';
import { useTestApp } from '../helpers/test-app.js';
import { codes, fanBearer, hashOf, operatorBearer, partnerKey, persisted, post } from './security-helpers.js';

const it = useTestApp({ fans: 30 });
const manifest = loadManifest();
const as: Record<string, string> = {};
let richFan: { authorization: string; fanId: string };
let otherFanId: string;
let rewardId: string;

it.beforeAll(async ({ t }) => {
  for (const role of ['owner', 'admin', 'jujube', 'analyst']) as[role] = await operatorBearer(t, 'demo', `${role}@demo.test`);
  const db = t.database.prisma;
  const [rich, other] = await db.fan.findMany({ where: { org: { slug: 'demo' } }, orderBy: [{ pointsBalance: 'desc' }, { id: 'asc' }], take: 2 });
  richFan = await fanBearer(t, 'demo', rich.externalId);
  otherFanId = other.id;
  const reward = await db.reward.findFirstOrThrow({
    where: { org: { slug: 'demo' }, active: true, stock: { gt: 0 }, costPoints: { lte: Math.min(rich.pointsBalance, other.pointsBalance) } },
  });
  rewardId = reward.id;
});

const GIFT = `mutation($i: GiftPointsInput!) { giftPoints(input: $i) { __typename ... on DomainError { code } } }`;
const REDEEM = `mutation($i: RedeemRewardInput!) { redeemReward(input: $i) { __typename ... on DomainError { code message } } }`;
const giftInput = (fanId: string, key: string) => ({ i: { fanId: gid('Fan', fanId), points: 5, note: 'thanks', idempotencyKey: key } });

describe('operators (signed tokens)', () => {
  it('every role reads; the viewer is the operator of the token', async ({ t }) => {
    for (const role of ['owner', 'admin', 'jujube', 'analyst']) {
      const d = await t.ok(`{ viewer { kind } me { email } fans(first: 1) { totalCount } }`, {}, as[role]);
      expect(d.viewer.kind).toBe('OPERATOR');
      expect(d.me.email).toBe(`${role}@demo.test`);
      expect(d.fans.totalCount).toBe(30);
    }
  });

  it('OWNER, ADMIN and OPERATOR may change things; an ANALYST is FORBIDDEN and nothing changes', async ({ t }) => {
    for (const role of ['owner', 'admin', 'jujube']) {
      const d = await t.ok(GIFT, giftInput(otherFanId, `gift-by-${role}`), as[role]);
      expect(d.giftPoints.__typename).toBe('MutationGiftPointsSuccess');
    }
    const before = await t.database.prisma.pointsEntry.count();
    const res = await t.gql(GIFT, giftInput(otherFanId, 'gift-by-analyst'), as.analyst);
    expect(codes(res)).toEqual(['FORBIDDEN']);
    expect(res.data?.giftPoints ?? null).toBeNull();
    expect(await t.database.prisma.pointsEntry.count()).toBe(before);
  });

  it('only OWNER and ADMIN manage API keys', async ({ t }) => {
    for (const role of ['owner', 'admin']) expect((await t.ok(`{ apiKeys { id } }`, {}, as[role])).apiKeys).toEqual(expect.any(Array));
    for (const role of ['jujube', 'analyst']) {
      expect(codes(await t.gql(`{ apiKeys { id } }`, {}, as[role]))).toEqual(['FORBIDDEN']);
      expect(codes(await t.gql(`mutation { createApiKey(input: { name: "x", scopes: [READ] }) { __typename } }`, {}, as[role]))).toEqual([
        'FORBIDDEN',
      ]);
    }
    expect(await t.database.prisma.apiKey.count()).toBe(0);
  });
});

describe('fans (signed tokens)', () => {
  it('a fan reads their own calendar and rewards, but may not list fans or read orders', async ({ t }) => {
    const own = await t.ok(`{ viewer { kind } rewards { id } checkInCalendar(month: "2026-11") { __typename } }`, {}, richFan.authorization);
    expect(own.viewer.kind).toBe('FAN');
    expect(own.checkInCalendar.__typename).toBe('CheckInCalendarSuccess');
    for (const q of [
      `{ fans(first: 1) { totalCount } }`,
      `{ orders(first: 1) { totalCount } }`,
      `{ segments { id } }`,
      `{ node(id: "${gid('Fan', richFan.fanId)}") { id } }`,
    ]) {
      expect(codes(await t.gql(q, {}, richFan.authorization)), q).toEqual(['FORBIDDEN']);
    }
  });

  it("a fan may not read another fan's calendar", async ({ t }) => {
    const res = await t.ok(
      `query($f: ID) { checkInCalendar(month: "2026-11", fanId: $f) { __typename ... on DomainError { code } } }`,
      { f: gid('Fan', otherFanId) },
      richFan.authorization,
    );
    expect(res.checkInCalendar).toEqual({ __typename: 'ForbiddenError', code: 'FORBIDDEN' });
  });

  it('a fan redeems for themself, not for another fan (whose points stay untouched)', async ({ t }) => {
    const db = t.database.prisma;
    const other = await db.fan.findUniqueOrThrow({ where: { id: otherFanId } });
    const refused = await t.ok(
      REDEEM,
      { i: { rewardId: gid('Reward', rewardId), fanId: gid('Fan', otherFanId), idempotencyKey: 'for-someone-else' } },
      richFan.authorization,
    );
    expect(refused.redeemReward).toMatchObject({ __typename: 'ForbiddenError', code: 'FORBIDDEN' });
    expect((await db.fan.findUniqueOrThrow({ where: { id: otherFanId } })).pointsBalance).toBe(other.pointsBalance);
    expect(await db.redemption.count({ where: { fanId: otherFanId } })).toBe(0);

    const ok = await t.ok(REDEEM, { i: { rewardId: gid('Reward', rewardId), idempotencyKey: 'for-myself-1' } }, richFan.authorization);
    expect(ok.redeemReward.__typename).toBe('MutationRedeemRewardSuccess');
    expect(await db.redemption.count({ where: { fanId: richFan.fanId } })).toBe(1);
  });

  it('a fan may not use operator mutations', async ({ t }) => {
    expect(codes(await t.gql(GIFT, giftInput(richFan.fanId, 'self-gift-1'), richFan.authorization))).toEqual(['FORBIDDEN']);
  });
});

describe('partners (API keys, persisted operations)', () => {
  const orders = () => persisted(hashOf(manifest, 'PartnerRecentOrders'));
  const importFans = (externalId: string) =>
    persisted(hashOf(manifest, 'PartnerImportFans'), { input: { fans: [{ externalId, displayName: 'Shanghai-oily·Ada' }] } });

  it('a key with the read scope reads; a key without it is FORBIDDEN', async ({ t }) => {
    const reader = await partnerKey(t, 'demo', ['read']);
    const ok = await post(t.app, orders(), { authorization: reader.authorization });
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.orders.totalCount).toBeGreaterThan(0);
    const importer = await partnerKey(t, 'demo', ['import']);
    expect(codes((await post(t.app, orders(), { authorization: importer.authorization })).body)).toEqual(['FORBIDDEN']);
  });

  it('a key with the import scope imports; a read-only key is FORBIDDEN and nothing is created', async ({ t }) => {
    const db = t.database.prisma;
    const reader = await partnerKey(t, 'demo', ['read']);
    const refused = await post(t.app, importFans('p-refused'), { 'x-api-key': reader.key });
    expect(codes(refused.body)).toEqual(['FORBIDDEN']);
    expect(await db.fan.count({ where: { externalId: 'p-refused' } })).toBe(0);
    const importer = await partnerKey(t, 'demo', ['import']);
    const ok = await post(t.app, importFans('p-imported'), { authorization: importer.authorization });
    expect(ok.body.data.importFans).toEqual({ __typename: 'MutationImportFansSuccess', data: { created: 1, updated: 0, unchanged: 0 } });
    expect(await db.fan.count({ where: { externalId: 'p-imported', org: { slug: 'demo' } } })).toBe(1);
  });

  it('the viewer of a key is the partner of its organization', async ({ t }) => {
    const reader = await partnerKey(t, 'rival', ['read']);
    const res = await post(t.app, persisted(hashOf(manifest, 'PartnerRecentOrders')), { authorization: reader.authorization });
    const rivalOrders = await t.database.prisma.order.count({ where: { org: { slug: 'rival' } } });
    expect(res.body.data.orders.totalCount).toBe(rivalOrders);
  });
});

describe('anonymous callers', () => {
  it('may ask who they are, and nothing else', async ({ t }) => {
    expect((await t.ok(`{ viewer { kind organizationId } }`, {}, null)).viewer).toEqual({ kind: 'ANONYMOUS', organizationId: null });
    for (const q of [`{ fans(first: 1) { totalCount } }`, `{ rewards { id } }`, `{ organization { id } }`]) {
      const res = await t.gql(q, {}, null);
      expect(codes(res), q).toEqual(['UNAUTHENTICATED']);
      expect(
        Object.values(res.data ?? {}).every((v) => v === null),
        q,
      ).toBe(true);
    }
    expect(codes(await t.gql(GIFT, giftInput(otherFanId, 'anon-gift-1'), null))).toEqual(['UNAUTHENTICATED']);
  });
});
