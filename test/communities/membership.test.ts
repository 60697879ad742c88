// Joining and leaving through the API: entry thresholds, capacity with invite rollover, rejoining,
// and the races that matter — many fans grabbing the last seats, one fan tapping join many times.
import { describe, expect } from 'vitest';
import { gid, rawId } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 10 });

const JOIN = /* GraphQL */ `
  mutation Join($input: JoinCommunityInput!) {
    joinCommunity(input: $input) {
      __typename
      ... on MutationJoinCommunitySuccess { data { id role leftAt fan { id } community { id name memberCount } } }
      ... on DomainError { code message field }
    }
  }
`;
const LEAVE = /* GraphQL */ `
  mutation Leave($input: LeaveCommunityInput!) {
    leaveCommunity(input: $input) {
      __typename
      ... on MutationLeaveCommunitySuccess { data { id leftAt community { memberCount } } }
      ... on DomainError { code message field }
    }
  }
`;

let seq = 0;
async function newFan(t: SeededTestApp, facts: { orderCount?: number; intimacy?: number } = {}, tag = 'f') {
  seq += 1;
  return t.database.prisma.fan.create({
    data: { orgId: t.orgId, externalId: `${tag}-${seq}`, displayName: `Chengdu-oily skin·${tag}${seq}`, ...facts },
  });
}

async function newGroup(t: SeededTestApp, settings: { capacity?: number; minOrders?: number; minIntimacy?: number; name?: string } = {}) {
  seq += 1;
  const jujube = await t.database.prisma.operator.findFirstOrThrow({ where: { orgId: t.orgId, email: 'jujube@demo.test' } });
  return t.database.prisma.community.create({
    data: {
      orgId: t.orgId,
      name: settings.name ?? `Group ${seq}`,
      kind: 'VERTICAL',
      category: 'Beauty',
      capacity: settings.capacity ?? 200,
      minOrders: settings.minOrders ?? 0,
      minIntimacy: settings.minIntimacy ?? 0,
      rules: 'No ads.',
      inviteCode: `TEST${String(seq).padStart(4, '0')}`,
      assistants: { create: [{ operatorId: jujube.id }] },
    },
  });
}

const asFan = (fan: { externalId: string }) => `Dev demo/fan:${fan.externalId}`;
const join = async (t: SeededTestApp, inviteCode: string, fan: { id: string; externalId: string }, self = false) =>
  (await t.ok(JOIN, { input: self ? { inviteCode } : { inviteCode, fanId: gid('Fan', fan.id) } }, self ? asFan(fan) : undefined)).joinCommunity;

/** memberCount must always equal the number of current memberships. */
async function expectCountsConsistent(t: SeededTestApp, communityIds: string[]) {
  for (const id of communityIds) {
    const [c, members] = await Promise.all([
      t.database.prisma.community.findUniqueOrThrow({ where: { id } }),
      t.database.prisma.membership.count({ where: { communityId: id, leftAt: null } }),
    ]);
    expect(c.memberCount, c.name).toBe(members);
    expect(c.memberCount).toBeLessThanOrEqual(c.capacity);
  }
}

describe('joinCommunity', () => {
  it('a fan joins by invite code for themself; the seat is taken and MEMBER_JOINED is recorded', async ({ t }) => {
    const g = await newGroup(t);
    const fan = await newFan(t);
    const res = await join(t, g.inviteCode.toLowerCase(), fan, true);
    expect(res).toMatchObject({
      __typename: 'MutationJoinCommunitySuccess',
      data: { role: 'MEMBER', leftAt: null, fan: { id: gid('Fan', fan.id) }, community: { id: gid('Community', g.id), memberCount: 1 } },
    });
    const feed = await t.ok(`query($c: ID!) { activity(communityId: $c, kinds: [MEMBER_JOINED]) { nodes { fan { id } } } }`, {
      c: gid('Community', g.id),
    });
    expect(feed.activity.nodes).toEqual([{ fan: { id: gid('Fan', fan.id) } }]);
  });

  it('refuses a fan below the order or intimacy threshold with THRESHOLD_NOT_MET naming it; nothing changes', async ({ t }) => {
    const g = await newGroup(t, { minOrders: 2, minIntimacy: 50 });
    const fewOrders = await newFan(t, { orderCount: 1, intimacy: 80 });
    const cold = await newFan(t, { orderCount: 3, intimacy: 49 });
    const a = await join(t, g.inviteCode, fewOrders);
    expect(a).toMatchObject({ __typename: 'ThresholdNotMetError', code: 'THRESHOLD_NOT_MET' });
    expect(a.message).toMatch(/at least 2 orders \(minOrders\)/);
    const b = await join(t, g.inviteCode, cold);
    expect(b).toMatchObject({ __typename: 'ThresholdNotMetError', code: 'THRESHOLD_NOT_MET' });
    expect(b.message).toMatch(/intimacy of at least 50 \(minIntimacy\)/);
    expect((await t.database.prisma.community.findUniqueOrThrow({ where: { id: g.id } })).memberCount).toBe(0);
    expect(await t.database.prisma.membership.count({ where: { communityId: g.id } })).toBe(0);
    expect(await t.database.prisma.activityEvent.count({ where: { communityId: g.id } })).toBe(0);
    const ok = await join(t, g.inviteCode, await newFan(t, { orderCount: 2, intimacy: 50 }));
    expect(ok.__typename).toBe('MutationJoinCommunitySuccess');
  });

  it('refuses a second join with CONFLICT, and a fan tapping join 10 times at once joins once', async ({ t }) => {
    const g = await newGroup(t);
    const fan = await newFan(t);
    expect((await join(t, g.inviteCode, fan)).__typename).toBe('MutationJoinCommunitySuccess');
    expect(await join(t, g.inviteCode, fan, true)).toMatchObject({ code: 'CONFLICT', field: 'input.inviteCode' });
    const tapper = await newFan(t);
    const results = await Promise.all(Array.from({ length: 10 }, () => join(t, g.inviteCode, tapper, true)));
    expect(results.map((r) => r.code ?? 'OK').sort()).toEqual(['OK', ...Array(9).fill('CONFLICT')].sort());
    expect((await t.database.prisma.community.findUniqueOrThrow({ where: { id: g.id } })).memberCount).toBe(2);
    await expectCountsConsistent(t, [g.id]);
  });

  it('refuses unknown and foreign codes, foreign fans, fans acting for others, analysts; nothing changes', async ({ t }) => {
    const g = await newGroup(t);
    const fan = await newFan(t);
    const other = await newFan(t);
    expect(await join(t, 'NOPE0000', fan)).toMatchObject({ code: 'NOT_FOUND', field: 'input.inviteCode' });
    const rivalGroup = await t.database.prisma.community.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    expect(await join(t, rivalGroup.inviteCode, fan)).toMatchObject({ code: 'NOT_FOUND', field: 'input.inviteCode' });
    const rivalFan = await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    expect(await join(t, g.inviteCode, rivalFan)).toMatchObject({ code: 'NOT_FOUND', field: 'input.fanId' });
    const forOther = await t.ok(JOIN, { input: { inviteCode: g.inviteCode, fanId: gid('Fan', other.id) } }, asFan(fan));
    expect(forOther.joinCommunity).toMatchObject({ code: 'FORBIDDEN', field: 'input.fanId' });
    const noFan = await t.ok(JOIN, { input: { inviteCode: g.inviteCode } });
    expect(noFan.joinCommunity).toMatchObject({ code: 'VALIDATION', field: 'input.fanId' });
    const analyst = await t.gql(JOIN, { input: { inviteCode: g.inviteCode, fanId: gid('Fan', fan.id) } }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const rivalOperator = await t.ok(JOIN, { input: { inviteCode: g.inviteCode, fanId: gid('Fan', fan.id) } }, 'Dev rival');
    expect(rivalOperator.joinCommunity).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await t.database.prisma.membership.count({
        where: { communityId: { in: [g.id, rivalGroup.id] }, fanId: { in: [fan.id, other.id, rivalFan.id] } },
      }),
    ).toBe(0);
    expect((await t.database.prisma.community.findUniqueOrThrow({ where: { id: g.id } })).memberCount).toBe(0);
  });
});

describe('rollover of a full group', () => {
  it('rolls the invite over to "<name> #2" with the same kind and settings; the code then leads to the newest group', async ({ t }) => {
    const g = await newGroup(t, { capacity: 2, minOrders: 1, name: 'Jewelry Lovers' });
    const fans = await Promise.all(Array.from({ length: 5 }, () => newFan(t, { orderCount: 1 })));
    const results = [];
    for (const f of fans) results.push(await join(t, g.inviteCode, f));
    const names = results.map((r) => r.data.community.name);
    expect(names).toEqual(['Jewelry Lovers', 'Jewelry Lovers', 'Jewelry Lovers #2', 'Jewelry Lovers #2', 'Jewelry Lovers #3']);
    const second = await t.database.prisma.community.findUniqueOrThrow({ where: { rolledOverFromId: g.id }, include: { assistants: true } });
    expect(second).toMatchObject({
      kind: 'VERTICAL',
      category: 'Beauty',
      capacity: 2,
      minOrders: 1,
      minIntimacy: 0,
      rules: 'No ads.',
      ownerId: g.ownerId,
      memberCount: 2,
    });
    expect(second.assistants).toHaveLength(1);
    expect(second.inviteCode).not.toBe(g.inviteCode);
    const chain = await t.ok(
      `query($id: ID!) { node(id: $id) { ... on Community { name rolledOverTo { name rolledOverTo { name memberCount } } } } }`,
      { id: gid('Community', g.id) },
    );
    expect(chain.node).toEqual({
      name: 'Jewelry Lovers',
      rolledOverTo: { name: 'Jewelry Lovers #2', rolledOverTo: { name: 'Jewelry Lovers #3', memberCount: 1 } },
    });
    // The code of a rolled-over group still works and also leads to the newest group.
    const late = await join(t, second.inviteCode, await newFan(t, { orderCount: 1 }));
    expect(late.data.community.name).toBe('Jewelry Lovers #3');
    // Thresholds still apply in the rolled-over group.
    expect(await join(t, g.inviteCode, await newFan(t))).toMatchObject({ code: 'THRESHOLD_NOT_MET' });
  });

  it('a member of the full group cannot join its rollover group through the same code', async ({ t }) => {
    const g = await newGroup(t, { capacity: 1 });
    const fan = await newFan(t);
    await join(t, g.inviteCode, fan);
    expect(await join(t, g.inviteCode, fan)).toMatchObject({ code: 'CONFLICT' });
    expect(await t.database.prisma.community.count({ where: { rolledOverFromId: g.id } })).toBe(0);
  });

  it('30 parallel joins into a group with 10 free seats: 10 join it, 20 land in exactly one rollover group', async ({ t }) => {
    const g = await newGroup(t, { capacity: 20 });
    const residents = await Promise.all(Array.from({ length: 10 }, () => newFan(t, {}, 'resident')));
    await t.database.prisma.membership.createMany({ data: residents.map((f) => ({ orgId: t.orgId, communityId: g.id, fanId: f.id })) });
    await t.database.prisma.community.update({ where: { id: g.id }, data: { memberCount: 10 } });
    // Half the fans join for themselves, half are joined by an operator.
    const fans = await Promise.all(Array.from({ length: 30 }, () => newFan(t, {}, 'race')));
    const results = await Promise.all(fans.map((f, i) => join(t, g.inviteCode, f, i % 2 === 0)));
    expect(results.filter((r) => r.__typename !== 'MutationJoinCommunitySuccess')).toEqual([]);
    const rolled = await t.database.prisma.community.findMany({ where: { rolledOverFromId: g.id } });
    expect(rolled).toHaveLength(1);
    expect(rolled[0].capacity).toBe(20);
    const counts = await t.database.prisma.membership.groupBy({ by: ['communityId'], where: { fanId: { in: fans.map((f) => f.id) } }, _count: true });
    expect(Object.fromEntries(counts.map((c) => [c.communityId, c._count]))).toEqual({ [g.id]: 10, [rolled[0].id]: 20 });
    expect(await t.database.prisma.community.count({ where: { rolledOverFromId: rolled[0].id } })).toBe(0);
    await expectCountsConsistent(t, [g.id, rolled[0].id]);
  });

  it('30 parallel joins into an empty group of capacity 10: 10 / 10 / 10 along a chain where each link exists once', async ({ t }) => {
    const g = await newGroup(t, { capacity: 10 });
    const fans = await Promise.all(Array.from({ length: 30 }, () => newFan(t, {}, 'race10')));
    const results = await Promise.all(fans.map((f) => join(t, g.inviteCode, f)));
    expect(results.filter((r) => r.__typename !== 'MutationJoinCommunitySuccess')).toEqual([]);
    const second = await t.database.prisma.community.findMany({ where: { rolledOverFromId: g.id } });
    expect(second).toHaveLength(1);
    const third = await t.database.prisma.community.findMany({ where: { rolledOverFromId: second[0].id } });
    expect(third).toHaveLength(1);
    expect(await t.database.prisma.community.count({ where: { rolledOverFromId: third[0].id } })).toBe(0);
    const counts = await t.database.prisma.membership.groupBy({ by: ['communityId'], where: { fanId: { in: fans.map((f) => f.id) } }, _count: true });
    expect(Object.fromEntries(counts.map((c) => [c.communityId, c._count]))).toEqual({ [g.id]: 10, [second[0].id]: 10, [third[0].id]: 10 });
    await expectCountsConsistent(t, [g.id, second[0].id, third[0].id]);
  });

  it('40 parallel joins into a group with 3 free seats of 5: every link of the chain created once, never overfilled', async ({ t }) => {
    const g = await newGroup(t, { capacity: 5 });
    const early = await Promise.all(Array.from({ length: 2 }, () => newFan(t, {}, 'early')));
    for (const f of early) await join(t, g.inviteCode, f);
    const fans = await Promise.all(Array.from({ length: 40 }, () => newFan(t, {}, 'rush')));
    const results = await Promise.all(fans.map((f) => join(t, g.inviteCode, f)));
    expect(results.filter((r) => r.__typename !== 'MutationJoinCommunitySuccess')).toEqual([]);
    // 42 members, 5 per group: 9 groups, each the successor of exactly one other.
    const chain = [g.id];
    for (;;) {
      const next = await t.database.prisma.community.findMany({ where: { rolledOverFromId: chain[chain.length - 1] } });
      expect(next.length).toBeLessThanOrEqual(1);
      if (!next.length) break;
      chain.push(next[0].id);
    }
    expect(chain).toHaveLength(9);
    const members = await t.database.prisma.membership.count({ where: { communityId: { in: chain }, leftAt: null } });
    expect(members).toBe(42);
    await expectCountsConsistent(t, chain);
  });
});

describe('leaveCommunity', () => {
  it('sets leftAt, frees the seat once, records MEMBER_LEFT; a second leave is NOT_FOUND', async ({ t }) => {
    const g = await newGroup(t);
    const fan = await newFan(t);
    const joined = await join(t, g.inviteCode, fan);
    const left = await t.ok(LEAVE, { input: { communityId: gid('Community', g.id) } }, asFan(fan));
    expect(left.leaveCommunity).toMatchObject({
      __typename: 'MutationLeaveCommunitySuccess',
      data: { id: joined.data.id, community: { memberCount: 0 } },
    });
    expect(left.leaveCommunity.data.leftAt).not.toBeNull();
    const again = await t.ok(LEAVE, { input: { communityId: gid('Community', g.id), fanId: gid('Fan', fan.id) } });
    expect(again.leaveCommunity).toMatchObject({ code: 'NOT_FOUND', field: 'input.fanId' });
    const kinds = await t.database.prisma.activityEvent.findMany({
      where: { communityId: g.id },
      orderBy: { occurredAt: 'asc' },
      select: { kind: true },
    });
    expect(kinds.map((k) => k.kind)).toEqual(['MEMBER_JOINED', 'MEMBER_LEFT']);
    expect((await t.database.prisma.community.findUniqueOrThrow({ where: { id: g.id } })).memberCount).toBe(0);
  });

  it('10 parallel leaves by one member decrement once', async ({ t }) => {
    const g = await newGroup(t);
    const [stay, go] = [await newFan(t), await newFan(t)];
    await join(t, g.inviteCode, stay);
    await join(t, g.inviteCode, go);
    const results = await Promise.all(Array.from({ length: 10 }, () => t.ok(LEAVE, { input: { communityId: gid('Community', g.id) } }, asFan(go))));
    expect(results.filter((r) => r.leaveCommunity.__typename === 'MutationLeaveCommunitySuccess')).toHaveLength(1);
    expect((await t.database.prisma.community.findUniqueOrThrow({ where: { id: g.id } })).memberCount).toBe(1);
    expect(await t.database.prisma.activityEvent.count({ where: { communityId: g.id, kind: 'MEMBER_LEFT' } })).toBe(1);
  });

  it('rejoining after leaving reuses the membership row with leftAt cleared', async ({ t }) => {
    const g = await newGroup(t);
    const fan = await newFan(t);
    const first = await join(t, g.inviteCode, fan);
    await t.database.prisma.membership.update({ where: { id: rawId(first.data.id) }, data: { role: 'KOC' } });
    await t.ok(LEAVE, { input: { communityId: gid('Community', g.id), fanId: gid('Fan', fan.id) } });
    const again = await join(t, g.inviteCode, fan, true);
    expect(again).toMatchObject({
      __typename: 'MutationJoinCommunitySuccess',
      data: { id: first.data.id, leftAt: null, role: 'MEMBER', community: { memberCount: 1 } },
    });
    expect(await t.database.prisma.membership.count({ where: { communityId: g.id, fanId: fan.id } })).toBe(1);
  });

  it('refuses foreign groups, fans leaving for others, analysts; nothing changes', async ({ t }) => {
    const g = await newGroup(t);
    const [a, b] = [await newFan(t), await newFan(t)];
    await join(t, g.inviteCode, a);
    const rival = await t.database.prisma.membership.findFirstOrThrow({ where: { orgId: t.rivalOrgId, leftAt: null } });
    const foreign = await t.ok(LEAVE, { input: { communityId: gid('Community', rival.communityId), fanId: gid('Fan', rival.fanId) } });
    expect(foreign.leaveCommunity).toMatchObject({ code: 'NOT_FOUND', field: 'input.communityId' });
    const forOther = await t.ok(LEAVE, { input: { communityId: gid('Community', g.id), fanId: gid('Fan', a.id) } }, asFan(b));
    expect(forOther.leaveCommunity).toMatchObject({ code: 'FORBIDDEN' });
    const analyst = await t.gql(LEAVE, { input: { communityId: gid('Community', g.id), fanId: gid('Fan', a.id) } }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.database.prisma.membership.findUniqueOrThrow({ where: { id: rival.id } })).leftAt).toBeNull();
    expect(await t.database.prisma.membership.count({ where: { communityId: g.id, leftAt: null } })).toBe(1);
    await expectCountsConsistent(t, [g.id]);
  });
});
