// No commit before the answer can be built. Every mutation of the schema (listed by walking it, so a
// new one without a step here fails) is called successfully while selecting nothing but `__typename`
// and the DomainError fragment — the selection that once made acceptInvite commit and then fail on
// Prisma's "select statement must not be empty", so its retry met CONFLICT.
import { type GraphQLField, getNamedType, isCompositeType, isUnionType } from 'graphql';
import { describe, expect } from 'vitest';
import { sha256Hex } from '../../src/core/hash.js';
import { schema } from '../../src/schema.js';
import { gid } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

const PLATFORM_TOKEN = 'platform-admin-token-for-the-walk-0123456789';
const it = useTestApp({ fans: 5, env: { PLATFORM_ADMIN_TOKEN: PLATFORM_TOKEN } });

const mutations = Object.values(schema.getMutationType()!.getFields());
const HOUR = 3_600_000;
const at = (h: number) => new Date(Date.now() + h * HOUR).toISOString();

/** The operation for `field` with only the variables given, selecting the least a client can. */
function minimalOperation(field: GraphQLField<unknown, unknown>, variables: Record<string, unknown>): string {
  const args = field.args.filter((a) => a.name in variables);
  const defs = args.map((a) => `$${a.name}: ${a.type}`).join(', ');
  const named = getNamedType(field.type);
  const selection =
    isUnionType(named) && named.getTypes().some((m) => m.getInterfaces().some((i) => i.name === 'Error'))
      ? '{ __typename ... on Error { code message field } }'
      : isCompositeType(named)
        ? '{ __typename }'
        : '';
  return `mutation${defs ? `(${defs})` : ''} { ${field.name}${args.length ? `(${args.map((a) => `${a.name}: $${a.name}`).join(', ')})` : ''} ${selection} }`;
}

const called = new Set<string>();
async function call(t: SeededTestApp, name: string, variables: Record<string, unknown> = {}, as = 'Dev demo' as string | null) {
  const field = mutations.find((m) => m.name === name)!;
  const res = await t.gql(minimalOperation(field, variables), variables, as);
  expect(res.errors, `${name}: ${JSON.stringify(res.errors)}`).toBeUndefined();
  const typename = (res.data?.[name] as { __typename?: string } | null)?.__typename;
  if (typename) expect(typename, `${name}: ${JSON.stringify(res.data)}`).toMatch(/Success$/);
  called.add(name);
}

const db = (t: SeededTestApp) => t.database.prisma;
const fan = async (t: SeededTestApp, externalId: string, createdAt?: Date) =>
  db(t).fan.create({ data: { orgId: t.orgId, externalId, displayName: `Hangzhou-oily·${externalId}`, createdAt } });
const newest = <T>(rows: Promise<T | null>) => rows.then((r) => r!);

describe('every mutation, selected with only __typename and the error fragment', () => {
  it('succeeds without an internal error: the result is built from what was committed', async ({ t }) => {
    const f1 = await fan(t, 'mr-f1');
    const f2 = await fan(t, 'mr-f2');
    const F1 = gid('Fan', f1.id);

    // Organizations and fans
    await call(t, 'createApiKey', { input: { name: 'mr key', scopes: ['READ'] } });
    const key = await newest(db(t).apiKey.findFirst({ where: { orgId: t.orgId, name: 'mr key' } }));
    await call(t, 'revokeApiKey', { id: gid('ApiKey', key.id) });

    // Organizations and staff (an invitation stored with a known token, since the walk selects no token)
    await call(t, 'createOrganization', { input: { slug: 'mr-org', name: 'MR', ownerEmail: 'mr@mr.test' } }, `Platform ${PLATFORM_TOKEN}`);
    await call(t, 'inviteOperator', { input: { email: 'mr-invited@demo.test', role: 'OPERATOR' } });
    const token = 'foi_mr-walk-invitation-token';
    await db(t).operatorInvitation.create({
      data: { orgId: t.orgId, email: 'mr-staff@demo.test', role: 'OPERATOR', tokenHash: sha256Hex(token), expiresAt: at(24) },
    });
    await call(t, 'acceptOperatorInvitation', { input: { token, displayName: 'MR staff' } }, null);
    const staff = gid('Operator', (await newest(db(t).operator.findFirst({ where: { orgId: t.orgId, email: 'mr-staff@demo.test' } }))).id);
    await call(t, 'setOperatorRole', { input: { operatorId: staff, role: 'ADMIN' } });
    await call(t, 'setAssistantPersona', { input: { operatorId: staff, persona: 'Assistant MR', avatarUrl: 'https://cdn.example.com/mr.png' } });
    await call(t, 'deactivateOperator', { input: { operatorId: staff } });

    // Tag rules
    await call(t, 'createTagRule', { input: { name: 'mr rule', tagName: 'mr rule tag', minOrders: 1 } });
    await call(t, 'applyTagRules');
    const tagRule = await newest(db(t).tagRule.findFirst({ where: { orgId: t.orgId, name: 'mr rule' } }));
    await call(t, 'deleteTagRule', { ruleId: gid('TagRule', tagRule.id) });

    // Webhooks (the queue is not running here: a replay only enqueues)
    await call(t, 'createWebhookEndpoint', { input: { url: 'https://hooks.example.com/mr', eventKinds: ['SESSION_LIVE'] } });
    const endpoint = await newest(db(t).webhookEndpoint.findFirst({ where: { orgId: t.orgId, url: 'https://hooks.example.com/mr' } }));
    const EP = gid('WebhookEndpoint', endpoint.id);
    await call(t, 'updateWebhookEndpoint', { input: { endpointId: EP, description: 'mr' } });
    const delivery = await db(t).webhookDelivery.create({
      data: { orgId: t.orgId, endpointId: endpoint.id, eventId: 'evt_mr', kind: 'session.live', payload: {}, status: 'FAILED', attempts: 3 },
    });
    await call(t, 'replayWebhookDelivery', { deliveryId: gid('WebhookDelivery', delivery.id) });
    await call(t, 'deleteWebhookEndpoint', { endpointId: EP });
    await call(t, 'importFans', { input: { fans: [{ externalId: 'mr-import', displayName: 'Chengdu-dry·mr' }] } });
    await call(t, 'tagFans', { input: { fanIds: [F1], tagName: 'mr-tag' } });
    const tag = await newest(db(t).tag.findFirst({ where: { orgId: t.orgId, name: 'mr-tag' } }));
    await call(t, 'untagFan', { input: { fanId: F1, tagId: gid('Tag', tag.id) } });
    await call(t, 'setFanOptOut', { input: { fanId: gid('Fan', f2.id), optedOut: true } });
    await call(t, 'setFanKoc', { input: { fanId: F1, isKoc: true } });
    await call(t, 'refreshFanLifecycles');
    await call(t, 'createSegment', { input: { name: 'mr segment', filter: { minOrders: 0 } } });
    const segment = await newest(db(t).segment.findFirst({ where: { orgId: t.orgId, name: 'mr segment' } }));
    await call(t, 'deleteSegment', { segmentId: gid('Segment', segment.id) });

    // Communities
    await call(t, 'createCommunity', { input: { name: 'mr group', kind: 'SMALL', capacity: 30 } });
    const group = await newest(db(t).community.findFirst({ where: { orgId: t.orgId, name: 'mr group' } }));
    const G = gid('Community', group.id);
    await call(t, 'updateCommunity', { input: { communityId: G, rules: 'Be kind' } });
    await call(t, 'setCommunityLifecycle', { input: { communityId: G, lifecycle: 'ACTIVE' } });
    await call(t, 'joinCommunity', { input: { inviteCode: group.inviteCode, fanId: F1 } });
    await call(t, 'setMemberRole', { input: { communityId: G, fanId: F1, role: 'KOC' } });
    await call(t, 'recordActivityBatch', { input: { events: [{ kind: 'MESSAGE_POSTED', communityId: G, fanId: F1 }] } });
    await call(t, 'leaveCommunity', { input: { communityId: G, fanId: F1 } });
    await call(t, 'createCommunity', { input: { name: 'mr applied', kind: 'SMALL', capacity: 30, requiresApplication: true, joinQuestion: 'Why?' } });
    const applied = await newest(db(t).community.findFirst({ where: { orgId: t.orgId, name: 'mr applied' } }));
    const apply = { input: { inviteCode: applied.inviteCode, answer: 'Tea', acceptRules: true } };
    await call(t, 'applyToCommunity', apply, `Dev demo/fan:${f1.externalId}`);
    await call(t, 'applyToCommunity', apply, `Dev demo/fan:${f2.externalId}`);
    const applications = await db(t).communityApplication.findMany({ where: { communityId: applied.id }, orderBy: { createdAt: 'asc' } });
    await call(t, 'approveApplication', { input: { applicationId: gid('CommunityApplication', applications[0].id) } });
    await call(t, 'rejectApplication', { input: { applicationId: gid('CommunityApplication', applications[1].id), reason: 'Full' } });
    await call(t, 'checkIn', { fanId: F1 });

    // Campaigns: lifecycle, lottery, likes, referral, coupons
    const create = async (input: Record<string, unknown>) => {
      await call(t, 'createCampaign', { input: { startsAt: at(-1), endsAt: at(48), ...input } });
      return gid('Campaign', (await newest(db(t).campaign.findFirst({ where: { orgId: t.orgId, name: input.name as string } }))).id);
    };
    const lottery = await create({
      kind: 'LOTTERY',
      name: 'mr lottery',
      lottery: { perFanDailyCap: 1, perFanTotalCap: 1, prizes: [{ name: 'Towel', weight: 1, stock: 10 }] },
    });
    await call(t, 'scheduleCampaign', { campaignId: lottery });
    await call(t, 'startCampaign', { campaignId: lottery });
    await call(t, 'spinLottery', { input: { campaignId: lottery, fanId: F1 } });
    await call(t, 'endCampaign', { campaignId: lottery });
    await call(t, 'cancelCampaign', {
      campaignId: await create({
        kind: 'LOTTERY',
        name: 'mr lottery 2',
        lottery: { perFanDailyCap: 1, perFanTotalCap: 1, prizes: [{ name: 'Towel', weight: 1, stock: 1 }] },
      }),
    });

    const running = async (input: Record<string, unknown>) => {
      const id = await create(input);
      for (const action of ['scheduleCampaign', 'startCampaign'])
        expect((await t.ok(`mutation($c: ID!) { ${action}(campaignId: $c) { __typename } }`, { c: id }))[action].__typename).toMatch(/Success/);
      return id;
    };
    const likeGroup = await newest(db(t).community.findFirst({ where: { orgId: t.orgId, kind: 'LIKE' } }));
    const like = await running({
      kind: 'LIKE',
      name: 'mr likes',
      communityId: gid('Community', likeGroup.id),
      like: { targetLikes: 10, milestoneEvery: 5 },
    });
    await call(t, 'sendLikes', { input: { campaignId: like, taps: 5, fanId: F1 } });
    await call(t, 'drawLikeMilestone', { input: { campaignId: like, milestone: 1 } });

    const fissionGroup = await newest(db(t).community.findFirst({ where: { orgId: t.orgId, kind: 'FISSION' } }));
    const fission = await running({
      kind: 'FISSION',
      name: 'mr fission',
      communityId: gid('Community', fissionGroup.id),
      fission: { targetInvites: 1, prizeName: 'Cola', burstLimit: 1 },
    });
    await call(t, 'myInviteCode', { campaignId: fission, fanId: F1 });
    const code = await newest(db(t).inviteCode.findFirst({ where: { orgId: t.orgId, fanId: f1.id } }));
    await call(t, 'acceptInvite', { input: { code: code.code, inviteeFanId: gid('Fan', (await fan(t, 'mr-invitee-1')).id) } });
    await call(t, 'claimFissionPrize', {
      input: {
        campaignId: fission,
        fanId: F1,
        shippingAddress: { name: 'Li Na', phone: '13800138000', province: 'Zhejiang', city: 'Hangzhou', address: '88 West Lake Road' },
      },
    });
    await call(t, 'acceptInvite', { input: { code: code.code, inviteeFanId: gid('Fan', (await fan(t, 'mr-invitee-2')).id) } });
    await call(t, 'clearInviteFlag', { inviteCodeId: gid('InviteCode', code.id) });
    await call(t, 'voidLeftHelpers', { campaignId: fission });
    const tiered = await running({ kind: 'FISSION', name: 'mr tiers', fission: { tiers: [{ invites: 1, prizeName: 'Cola', stock: 5 }] } });
    await t.ok(`mutation($c: ID!, $f: ID) { myInviteCode(campaignId: $c, fanId: $f) { __typename } }`, { c: tiered, f: F1 });
    const tierCode = await newest(db(t).inviteCode.findFirst({ where: { orgId: t.orgId, fanId: f1.id }, orderBy: { createdAt: 'desc' } }));
    await t.ok(`mutation($i: AcceptInviteInput!) { acceptInvite(input: $i) { __typename } }`, {
      i: { code: tierCode.code, inviteeFanId: gid('Fan', (await fan(t, 'mr-invitee-3')).id) },
    });
    const tier = await newest(db(t).fissionTier.findFirst({ where: { orgId: t.orgId, prizeName: 'Cola' } }));
    await call(t, 'claimFissionTier', { input: { tierId: gid('FissionTier', tier.id), fanId: F1 } });

    const coupon = await running({ kind: 'COUPON', name: 'mr coupon', coupon: { title: '3 off', discountCents: 300 } });
    await call(t, 'issueCoupon', { input: { campaignId: coupon, fanIds: [F1] } });
    await call(t, 'redeemCoupon', { input: { campaignId: coupon, fanId: F1, orderExternalId: 'mr-coupon-order', amountCents: 5_000 } });

    // Live sessions, line-ups, reservations, wishes
    const session = async (title: string) => {
      await call(t, 'scheduleLiveSession', { input: { title, host: 'Jujube', scheduledAt: at(24) } });
      return gid('LiveSession', (await newest(db(t).liveSession.findFirst({ where: { orgId: t.orgId, title } }))).id);
    };
    const S = await session('mr live');
    await call(t, 'rescheduleLiveSession', { input: { sessionId: S, scheduledAt: at(25) } });
    const item = async (productName: string) => {
      await call(t, 'addLineupItem', { input: { sessionId: S, productName, priceCents: 990 } });
      return gid('LineupItem', (await newest(db(t).lineupItem.findFirst({ where: { orgId: t.orgId, productName } }))).id);
    };
    const mask = await item('Silk eye mask');
    await call(t, 'updateLineupItem', { input: { itemId: mask, priceCents: 890 } });
    await call(t, 'removeLineupItem', { itemId: await item('Spare towel') });
    await call(t, 'setSessionReminders', { input: { sessionId: S, times: [{ localTime: '10:00' }, { minutesBefore: 15 }] } });
    await call(t, 'reserveSession', { input: { sessionId: S, fanId: F1 } });
    await call(t, 'reserveItem', { input: { itemId: mask, fanId: F1 } });
    const reservation = await newest(db(t).reservation.findFirst({ where: { orgId: t.orgId, fanId: f1.id }, orderBy: { createdAt: 'desc' } }));
    await call(t, 'cancelReservation', { reservationId: gid('Reservation', reservation.id) });
    await call(t, 'goLive', { sessionId: S });
    await call(t, 'putItemOnSale', { itemId: mask });
    await call(t, 'reportLiveStats', { input: { sessionId: S, viewers: 10, likes: 5, orderCount: 1, gmvCents: 890 } });
    await call(t, 'endLiveSession', { sessionId: S });
    await call(t, 'cancelLiveSession', { sessionId: await session('mr cancelled') });
    await call(t, 'makeWish', { input: { productName: 'Bamboo towel', fanId: F1 } });
    const wish = gid('Wish', (await newest(db(t).wish.findFirst({ where: { orgId: t.orgId, productName: 'Bamboo towel' } }))).id);
    await call(t, 'voteWish', { input: { wishId: wish, fanId: gid('Fan', f2.id) } });
    await call(t, 'unvoteWish', { input: { wishId: wish, fanId: gid('Fan', f2.id) } });

    // Orders and points
    await call(t, 'importOrders', { input: { orders: [{ externalId: 'mr-order', fanExternalId: 'mr-f1', amountCents: 12_900, placedAt: at(-2) }] } });
    const order = await newest(db(t).order.findFirst({ where: { orgId: t.orgId, externalId: 'mr-order' } }));
    await call(t, 'refundOrder', { input: { orderId: gid('Order', order.id) } });
    await call(t, 'setOrderPointsPolicy', { input: { mode: 'ON_CLAIM', claimDays: 7 } });
    await t.ok(`mutation($i: ImportOrdersInput!) { importOrders(input: $i) { __typename } }`, {
      i: { orders: [{ externalId: 'mr-claim-order', fanExternalId: 'mr-f1', amountCents: 9_900, placedAt: at(-2) }] },
    });
    const toClaim = await newest(db(t).order.findFirst({ where: { orgId: t.orgId, externalId: 'mr-claim-order' } }));
    await call(t, 'claimOrderPoints', { input: { orderId: gid('Order', toClaim.id) } });
    await call(t, 'setOrderPointsPolicy', { input: { mode: 'AUTOMATIC' } });
    await call(t, 'giftPoints', { input: { fanId: F1, points: 1_000, note: 'Thanks', idempotencyKey: 'mr-gift-0001' } });
    await call(t, 'createReward', { input: { name: 'mr towel', shelf: 'ESSENTIALS', costPoints: 10, stock: 5 } });
    const reward = gid('Reward', (await newest(db(t).reward.findFirst({ where: { orgId: t.orgId, name: 'mr towel' } }))).id);
    await call(t, 'updateReward', { input: { rewardId: reward, stock: 6 } });
    await call(t, 'redeemReward', { input: { rewardId: reward, fanId: F1, idempotencyKey: 'mr-redeem-0001' } });
    const redemption = await newest(db(t).redemption.findFirst({ where: { orgId: t.orgId, fanId: f1.id } }));
    await call(t, 'cancelRedemption', { redemptionId: gid('Redemption', redemption.id) });

    // Fulfilment: the fission claim's parcel ships and arrives; a second redemption's is re-addressed, then cancelled
    const address = { name: 'Li Na', phone: '13800138000', province: 'Zhejiang', city: 'Hangzhou', address: '88 West Lake Road' };
    await call(t, 'saveShippingAddress', { input: { ...address, fanId: F1 } });
    const saved = await newest(db(t).fanAddress.findFirst({ where: { orgId: t.orgId, fanId: f1.id } }));
    const claimed = gid('Fulfilment', (await newest(db(t).fulfilment.findFirst({ where: { fanId: f1.id, sourceKind: 'FISSION_CLAIM' } }))).id);
    await call(t, 'markFulfilmentsShipped', { input: { items: [{ fulfilmentId: claimed, carrier: 'SF Express', trackingNumber: 'SF0001' }] } });
    await call(t, 'markFulfilmentDelivered', { fulfilmentId: claimed });
    await call(t, 'redeemReward', { input: { rewardId: reward, fanId: F1, idempotencyKey: 'mr-redeem-0002' } });
    const owed = await newest(db(t).fulfilment.findFirst({ where: { fanId: f1.id, sourceKind: 'REDEMPTION', status: 'READY' } }));
    await call(t, 'chooseFulfilmentAddress', { input: { fulfilmentId: gid('Fulfilment', owed.id), addressId: gid('FanAddress', saved.id) } });
    await call(t, 'cancelFulfilment', { fulfilmentId: gid('Fulfilment', owed.id) });

    // Insight
    await call(t, 'refreshFanScores', {});

    // Broadcasts and quiet hours
    await call(t, 'setQuietHours', { input: { start: '22:00', end: '08:00' } });
    await call(t, 'createBroadcast', { input: { text: 'mr broadcast', kinds: ['SMALL'], crisis: true, sendAt: at(3) } });
    const broadcast = await newest(db(t).broadcast.findFirst({ where: { orgId: t.orgId, text: 'mr broadcast' } }));
    await call(t, 'cancelBroadcast', { broadcastId: gid('Broadcast', broadcast.id) });
    await call(t, 'setQuietHours', { input: {} });

    expect(
      mutations.map((m) => m.name).filter((n) => !called.has(n)),
      'mutations this walk does not call yet',
    ).toEqual([]);
  });
});
