// `viewer` as a client's first screen: a fan gets their own profile in one query, an operator their
// record and organization; a fan never reaches another fan's rows, nor any operator, by any path.
import { describe, expect } from 'vitest';
import { gid } from '../helpers/ids.js';
import { useTestApp } from '../helpers/test-app.js';
import { codes, fanBearer } from '../security/security-helpers.js';

// The mini-program's first screen, in one round trip.
const FAN_HOME = `query FanHome {
  viewer {
    kind
    organization { name timeZone }
    operator { email }
    fan {
      id displayName pointsBalance checkInStreak lastCheckInDay
      memberships(first: 10) { totalCount nodes { role community { name memberCount } } }
      reservations { session { title } item { productName } }
      coupons(first: 5) { totalCount nodes { coupon { title discountCents } redeemedAt } }
      orders(first: 3) { totalCount nodes { amountCents } }
      pointsEntries(first: 3) { nodes { delta balanceAfter } }
    }
  }
}`;

const it = useTestApp({ fans: 30 });
let me: { id: string; externalId: string; authorization: string };
let other: { id: string; displayName: string };
let communityId: string;

it.beforeAll(async ({ t }) => {
  const db = t.database.prisma;
  // A group with at least two current members: the fan, and a neighbour whose rows must stay closed.
  const shared = await db.membership.groupBy({
    by: ['communityId'],
    where: { leftAt: null, community: { org: { slug: 'demo' } } },
    _count: true,
    orderBy: { _count: { communityId: 'desc' } },
    take: 1,
  });
  communityId = shared[0].communityId;
  const [mine, theirs] = await db.membership.findMany({
    where: { communityId, leftAt: null },
    include: { fan: true },
    orderBy: { fanId: 'asc' },
    take: 2,
  });
  const bearer = await fanBearer(t, 'demo', mine.fan.externalId);
  me = { id: mine.fanId, externalId: mine.fan.externalId, authorization: bearer.authorization };
  other = { id: theirs.fanId, displayName: theirs.fan.displayName };
  // Give both fans an order, a reservation and a coupon, so every list has someone else's row to leak.
  const session = await db.liveSession.findFirstOrThrow({ where: { org: { slug: 'demo' }, status: 'SCHEDULED' }, include: { items: true } });
  const coupon = await db.coupon.findFirstOrThrow({ where: { campaign: { org: { slug: 'demo' } } } });
  for (const [i, fanId] of [me.id, other.id].entries()) {
    await db.reservation.create({ data: { orgId: session.orgId, fanId, sessionId: session.id, targetId: session.id } });
    await db.couponGrant.create({ data: { orgId: session.orgId, campaignId: coupon.campaignId, fanId } });
    await db.order.create({ data: { orgId: session.orgId, fanId, externalId: `viewer-o${i}`, amountCents: 1000 + i, placedAt: new Date() } });
  }
});

describe('viewer for a fan', () => {
  it('answers the fan their own profile, balance, streak, groups, reservations, coupons and orders in one query', async ({ t }) => {
    const { viewer } = await t.ok(FAN_HOME, {}, me.authorization);
    const row = await t.database.prisma.fan.findUniqueOrThrow({
      where: { id: me.id },
      include: { memberships: true, reservations: true, couponGrants: true, orders: true, org: true },
    });
    expect(viewer.kind).toBe('FAN');
    expect(viewer.operator).toBeNull();
    expect(viewer.organization).toEqual({ name: row.org.name, timeZone: row.org.timeZone });
    expect(viewer.fan).toMatchObject({
      id: gid('Fan', me.id),
      displayName: row.displayName,
      pointsBalance: row.pointsBalance,
      checkInStreak: row.checkInStreak,
    });
    expect(viewer.fan.memberships.totalCount).toBe(row.memberships.length);
    expect(viewer.fan.reservations).toHaveLength(row.reservations.length);
    expect(viewer.fan.reservations.length).toBeGreaterThan(0);
    expect(viewer.fan.coupons).toMatchObject({ totalCount: 1, nodes: [{ coupon: { discountCents: 300 }, redeemedAt: null }] });
    expect(viewer.fan.orders.totalCount).toBe(row.orders.length);
  });

  it('a check-in shows up in the balance and streak the fan reads back', async ({ t }) => {
    const before = (await t.ok(FAN_HOME, {}, me.authorization)).viewer.fan;
    const res = await t.ok(
      `mutation { checkIn { ... on MutationCheckInSuccess { data { streak points } } ... on DomainError { code } } }`,
      {},
      me.authorization,
    );
    const after = (await t.ok(FAN_HOME, {}, me.authorization)).viewer.fan;
    expect(after.pointsBalance).toBe(before.pointsBalance + res.checkIn.data.points);
    expect(after.checkInStreak).toBe(res.checkIn.data.streak);
    expect(after.pointsEntries.nodes[0]).toEqual({ delta: res.checkIn.data.points, balanceAfter: after.pointsBalance });
  });

  it("refuses another fan by id, and another fan's orders", async ({ t }) => {
    const byId = await t.gql(
      `query($id: ID!) { node(id: $id) { ... on Fan { displayName pointsBalance } } }`,
      { id: gid('Fan', other.id) },
      me.authorization,
    );
    expect(codes(byId)).toEqual(['FORBIDDEN']);
    expect(byId.data?.node ?? null).toBeNull();
    const orders = await t.gql(
      `query($f: ID!) { orders(fanId: $f) { totalCount nodes { amountCents } } }`,
      { f: gid('Fan', other.id) },
      me.authorization,
    );
    expect(codes(orders)).toEqual(['FORBIDDEN']);
    expect(orders.data ?? null).toBeNull();
    // The operator may read both (the refusal above is about who asks, not about the ids).
    const asOperator = await t.ok(`query($id: ID!) { node(id: $id) { ... on Fan { displayName orders { totalCount } } } }`, {
      id: gid('Fan', other.id),
    });
    expect(asOperator.node).toMatchObject({ displayName: other.displayName, orders: { totalCount: expect.any(Number) } });
  });

  it("never reaches another fan's profile or rows through a shared group", async ({ t }) => {
    const q = `query { viewer { fan { memberships(first: 10) { nodes { community { id members(first: 50) { totalCount nodes { role fan { displayName pointsBalance checkInStreak } } } } } } } } }`;
    const res = await t.gql(q, {}, me.authorization);
    expect(new Set(codes(res)), JSON.stringify(res.errors?.[0])).toEqual(new Set(['FORBIDDEN']));
    const text = JSON.stringify(res.data);
    expect(text).not.toContain(other.displayName);
    expect(text).not.toContain('"amountCents":1001');
  });

  it('never sees an operator: not the owner of a group, not the staff list', async ({ t }) => {
    const res = await t.gql(
      `query { viewer { organization { name operators { email } } fan { memberships(first: 10) { nodes { community { owner { email } assistants { email } } } } } } }`,
      {},
      me.authorization,
    );
    expect(new Set(codes(res))).toEqual(new Set(['FORBIDDEN']));
    expect(JSON.stringify(res.data)).not.toContain('@demo.test');
    const me2 = await t.gql(`{ me { email } }`, {}, me.authorization);
    expect(codes(me2)).toEqual(['FORBIDDEN']);
  });
});

describe('viewer for other callers', () => {
  it('answers an operator their own record and organization, and no fan', async ({ t }) => {
    const { viewer } = await t.ok(
      `{ viewer { kind organization { slug name } operator { email role } fan { id } } }`,
      {},
      'Dev demo/analyst@demo.test',
    );
    expect(viewer).toEqual({
      kind: 'OPERATOR',
      organization: { slug: 'demo', name: expect.any(String) },
      operator: { email: 'analyst@demo.test', role: 'ANALYST' },
      fan: null,
    });
  });

  it('answers an anonymous caller without a profile or an error', async ({ t }) => {
    const q = `{ viewer { kind organizationId organization { slug } operator { email } fan { id } } }`;
    expect((await t.ok(q, {}, null)).viewer).toEqual({ kind: 'ANONYMOUS', organizationId: null, organization: null, operator: null, fan: null });
  });
});
