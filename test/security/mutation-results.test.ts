// No commit before the answer can be built. Every mutation of the schema (listed by walking it, so a
// new one without a step here fails) is called successfully while selecting nothing but `__typename`
// and the DomainError fragment — the selection that once made acceptInvite commit and then fail on
// Prisma's "select statement must not be empty", so its retry met CONFLICT.
import { getNamedType, isCompositeType, isUnionType, type GraphQLField } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/schema.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { seedTwoTenants } from '../helpers/fixtures.js';
import { gid } from '../helpers/ids.js';

let t: TestApp;
let orgId: string;
beforeAll(async () => {
  t = await createTestApp();
  ({ demoOrgId: orgId } = await seedTwoTenants(t, 5));
});
afterAll(() => t?.dispose());

const mutations = Object.values(schema.getMutationType()!.getFields());
const HOUR = 3_600_000;
const at = (h: number) => new Date(Date.now() + h * HOUR).toISOString();

/** The operation for `field` with only the variables given, selecting the least a client can. */
function minimalOperation(field: GraphQLField<unknown, unknown>, variables: Record<string, unknown>): string {
  const args = field.args.filter((a) => a.name in variables);
  const defs = args.map((a) => `$${a.name}: ${a.type}`).join(', ');
  const named = getNamedType(field.type);
  const selection = isUnionType(named) && named.getTypes().some((m) => m.getInterfaces().some((i) => i.name === 'Error')) ? '{ __typename ... on Error { code message field } }' : isCompositeType(named) ? '{ __typename }' : '';
  return `mutation${defs ? `(${defs})` : ''} { ${field.name}${args.length ? `(${args.map((a) => `${a.name}: $${a.name}`).join(', ')})` : ''} ${selection} }`;
}

const called = new Set<string>();
async function call(name: string, variables: Record<string, unknown> = {}) {
  const field = mutations.find((m) => m.name === name)!;
  const res = await t.gql(minimalOperation(field, variables), variables);
  expect(res.errors, `${name}: ${JSON.stringify(res.errors)}`).toBeUndefined();
  const typename = (res.data?.[name] as { __typename?: string } | null)?.__typename;
  if (typename) expect(typename, `${name}: ${JSON.stringify(res.data)}`).toMatch(/Success$/);
  called.add(name);
}

const db = () => t.database.prisma;
const fan = async (externalId: string, createdAt?: Date) => db().fan.create({ data: { orgId, externalId, displayName: `Hangzhou-oily·${externalId}`, createdAt } });
const newest = <T>(rows: Promise<T | null>) => rows.then((r) => r!);

describe('every mutation, selected with only __typename and the error fragment', () => {
  it('succeeds without an internal error: the result is built from what was committed', async () => {
    const f1 = await fan('mr-f1');
    const f2 = await fan('mr-f2');
    const F1 = gid('Fan', f1.id);

    // Organizations and fans
    await call('createApiKey', { input: { name: 'mr key', scopes: ['READ'] } });
    const key = await newest(db().apiKey.findFirst({ where: { orgId, name: 'mr key' } }));
    await call('revokeApiKey', { id: gid('ApiKey', key.id) });
    await call('importFans', { input: { fans: [{ externalId: 'mr-import', displayName: 'Chengdu-dry·mr' }] } });
    await call('tagFans', { input: { fanIds: [F1], tagName: 'mr-tag' } });
    const tag = await newest(db().tag.findFirst({ where: { orgId, name: 'mr-tag' } }));
    await call('untagFan', { input: { fanId: F1, tagId: gid('Tag', tag.id) } });
    await call('setFanOptOut', { input: { fanId: gid('Fan', f2.id), optedOut: true } });
    await call('setFanKoc', { input: { fanId: F1, isKoc: true } });
    await call('refreshFanLifecycles');
    await call('createSegment', { input: { name: 'mr segment', filter: { minOrders: 0 } } });
    const segment = await newest(db().segment.findFirst({ where: { orgId, name: 'mr segment' } }));
    await call('deleteSegment', { segmentId: gid('Segment', segment.id) });

    // Communities
    await call('createCommunity', { input: { name: 'mr group', kind: 'SMALL', capacity: 30 } });
    const group = await newest(db().community.findFirst({ where: { orgId, name: 'mr group' } }));
    const G = gid('Community', group.id);
    await call('updateCommunity', { input: { communityId: G, rules: 'Be kind' } });
    await call('setCommunityLifecycle', { input: { communityId: G, lifecycle: 'ACTIVE' } });
    await call('joinCommunity', { input: { inviteCode: group.inviteCode, fanId: F1 } });
    await call('setMemberRole', { input: { communityId: G, fanId: F1, role: 'KOC' } });
    await call('recordActivityBatch', { input: { events: [{ kind: 'MESSAGE_POSTED', communityId: G, fanId: F1 }] } });
    await call('leaveCommunity', { input: { communityId: G, fanId: F1 } });
    await call('checkIn', { fanId: F1 });

    // Campaigns: lifecycle, lottery, likes, referral, coupons
    const create = async (input: Record<string, unknown>) => {
      await call('createCampaign', { input: { startsAt: at(-1), endsAt: at(48), ...input } });
      return gid('Campaign', (await newest(db().campaign.findFirst({ where: { orgId, name: input.name as string } }))).id);
    };
    const lottery = await create({ kind: 'LOTTERY', name: 'mr lottery', lottery: { perFanDailyCap: 1, perFanTotalCap: 1, prizes: [{ name: 'Towel', weight: 1, stock: 10 }] } });
    await call('scheduleCampaign', { campaignId: lottery });
    await call('startCampaign', { campaignId: lottery });
    await call('spinLottery', { input: { campaignId: lottery, fanId: F1 } });
    await call('endCampaign', { campaignId: lottery });
    await call('cancelCampaign', { campaignId: await create({ kind: 'LOTTERY', name: 'mr lottery 2', lottery: { perFanDailyCap: 1, perFanTotalCap: 1, prizes: [{ name: 'Towel', weight: 1, stock: 1 }] } }) });

    const running = async (input: Record<string, unknown>) => {
      const id = await create(input);
      for (const action of ['scheduleCampaign', 'startCampaign']) expect((await t.ok(`mutation($c: ID!) { ${action}(campaignId: $c) { __typename } }`, { c: id }))[action].__typename).toMatch(/Success/);
      return id;
    };
    const likeGroup = await newest(db().community.findFirst({ where: { orgId, kind: 'LIKE' } }));
    const like = await running({ kind: 'LIKE', name: 'mr likes', communityId: gid('Community', likeGroup.id), like: { targetLikes: 10, milestoneEvery: 5 } });
    await call('sendLikes', { input: { campaignId: like, taps: 5, fanId: F1 } });
    await call('drawLikeMilestone', { input: { campaignId: like, milestone: 1 } });

    const fissionGroup = await newest(db().community.findFirst({ where: { orgId, kind: 'FISSION' } }));
    const fission = await running({ kind: 'FISSION', name: 'mr fission', communityId: gid('Community', fissionGroup.id), fission: { targetInvites: 1, prizeName: 'Cola', burstLimit: 1 } });
    await call('myInviteCode', { campaignId: fission, fanId: F1 });
    const code = await newest(db().inviteCode.findFirst({ where: { orgId, fanId: f1.id } }));
    await call('acceptInvite', { input: { code: code.code, inviteeFanId: gid('Fan', (await fan('mr-invitee-1')).id) } });
    await call('claimFissionPrize', { input: { campaignId: fission, fanId: F1, shippingAddress: { name: 'Li Na', phone: '13800138000', province: 'Zhejiang', city: 'Hangzhou', address: '88 West Lake Road' } } });
    await call('acceptInvite', { input: { code: code.code, inviteeFanId: gid('Fan', (await fan('mr-invitee-2')).id) } });
    await call('clearInviteFlag', { inviteCodeId: gid('InviteCode', code.id) });
    await call('voidLeftHelpers', { campaignId: fission });

    const coupon = await running({ kind: 'COUPON', name: 'mr coupon', coupon: { title: '3 off', discountCents: 300 } });
    await call('issueCoupon', { input: { campaignId: coupon, fanIds: [F1] } });
    await call('redeemCoupon', { input: { campaignId: coupon, fanId: F1, orderExternalId: 'mr-coupon-order', amountCents: 5_000 } });

    // Live sessions, line-ups, reservations, wishes
    const session = async (title: string) => {
      await call('scheduleLiveSession', { input: { title, host: 'Jujube', scheduledAt: at(24) } });
      return gid('LiveSession', (await newest(db().liveSession.findFirst({ where: { orgId, title } }))).id);
    };
    const S = await session('mr live');
    await call('rescheduleLiveSession', { input: { sessionId: S, scheduledAt: at(25) } });
    const item = async (productName: string) => {
      await call('addLineupItem', { input: { sessionId: S, productName, priceCents: 990 } });
      return gid('LineupItem', (await newest(db().lineupItem.findFirst({ where: { orgId, productName } }))).id);
    };
    const mask = await item('Silk eye mask');
    await call('updateLineupItem', { input: { itemId: mask, priceCents: 890 } });
    await call('removeLineupItem', { itemId: await item('Spare towel') });
    await call('reserveSession', { input: { sessionId: S, fanId: F1 } });
    await call('reserveItem', { input: { itemId: mask, fanId: F1 } });
    const reservation = await newest(db().reservation.findFirst({ where: { orgId, fanId: f1.id }, orderBy: { createdAt: 'desc' } }));
    await call('cancelReservation', { reservationId: gid('Reservation', reservation.id) });
    await call('goLive', { sessionId: S });
    await call('putItemOnSale', { itemId: mask });
    await call('reportLiveStats', { input: { sessionId: S, viewers: 10, likes: 5, orderCount: 1, gmvCents: 890 } });
    await call('endLiveSession', { sessionId: S });
    await call('cancelLiveSession', { sessionId: await session('mr cancelled') });
    await call('makeWish', { input: { productName: 'Bamboo towel', fanId: F1 } });
    const wish = gid('Wish', (await newest(db().wish.findFirst({ where: { orgId, productName: 'Bamboo towel' } }))).id);
    await call('voteWish', { input: { wishId: wish, fanId: gid('Fan', f2.id) } });
    await call('unvoteWish', { input: { wishId: wish, fanId: gid('Fan', f2.id) } });

    // Orders and points
    await call('importOrders', { input: { orders: [{ externalId: 'mr-order', fanExternalId: 'mr-f1', amountCents: 12_900, placedAt: at(-2) }] } });
    const order = await newest(db().order.findFirst({ where: { orgId, externalId: 'mr-order' } }));
    await call('refundOrder', { input: { orderId: gid('Order', order.id) } });
    await call('giftPoints', { input: { fanId: F1, points: 1_000, note: 'Thanks', idempotencyKey: 'mr-gift-0001' } });
    await call('createReward', { input: { name: 'mr towel', shelf: 'ESSENTIALS', costPoints: 10, stock: 5 } });
    const reward = gid('Reward', (await newest(db().reward.findFirst({ where: { orgId, name: 'mr towel' } }))).id);
    await call('updateReward', { input: { rewardId: reward, stock: 6 } });
    await call('redeemReward', { input: { rewardId: reward, fanId: F1, idempotencyKey: 'mr-redeem-0001' } });
    const redemption = await newest(db().redemption.findFirst({ where: { orgId, fanId: f1.id } }));
    await call('cancelRedemption', { redemptionId: gid('Redemption', redemption.id) });

    expect(mutations.map((m) => m.name).filter((n) => !called.has(n)), 'mutations this walk does not call yet').toEqual([]);
  });
});
