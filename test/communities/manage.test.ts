// Running groups through the API: create and update with validation, owner and assistants of the same
// organization only, lifecycle moves, member roles — and refusals that leave everything as it was.
import { describe, expect } from 'vitest';
import { gid, rawId } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 10 });

const operator = (t: SeededTestApp, email: string) => t.database.prisma.operator.findFirstOrThrow({ where: { email } });

const CREATE = /* GraphQL */ `
  mutation Create($input: CreateCommunityInput!) {
    createCommunity(input: $input) {
      __typename
      ... on MutationCreateCommunitySuccess { data { id name kind category capacity minOrders minIntimacy rules lifecycle inviteCode memberCount owner { email } assistants { email } } }
      ... on DomainError { code message field }
    }
  }
`;
const UPDATE = /* GraphQL */ `
  mutation Update($input: UpdateCommunityInput!) {
    updateCommunity(input: $input) {
      __typename
      ... on MutationUpdateCommunitySuccess { data { name category capacity minOrders minIntimacy rules owner { email } assistants { email } } }
      ... on DomainError { code message field }
    }
  }
`;
const LIFECYCLE = /* GraphQL */ `
  mutation Move($input: SetCommunityLifecycleInput!) {
    setCommunityLifecycle(input: $input) { __typename ... on MutationSetCommunityLifecycleSuccess { data { lifecycle } } ... on DomainError { code field } }
  }
`;

async function create(t: SeededTestApp, input: Record<string, unknown>, as?: string) {
  return (await t.ok(CREATE, { input }, as)).createCommunity;
}

describe('createCommunity', () => {
  it('creates a group with settings, owner, assistants and a unique generated invite code', async ({ t }) => {
    const jujube = await operator(t, 'jujube@demo.test');
    const admin = await operator(t, 'admin@demo.test');
    const c = await create(t, {
      name: 'Beauty Lovers II',
      kind: 'VERTICAL',
      category: 'Beauty',
      capacity: 500,
      minOrders: 2,
      minIntimacy: 10,
      rules: 'Rename yourself "region-skin type".',
      ownerId: gid('Operator', jujube.id),
      assistantIds: [gid('Operator', admin.id)],
    });
    expect(c).toMatchObject({
      __typename: 'MutationCreateCommunitySuccess',
      data: {
        name: 'Beauty Lovers II',
        kind: 'VERTICAL',
        category: 'Beauty',
        capacity: 500,
        minOrders: 2,
        minIntimacy: 10,
        lifecycle: 'ACTIVATING',
        memberCount: 0,
        owner: { email: 'jujube@demo.test' },
        assistants: [{ email: 'admin@demo.test' }],
      },
    });
    expect(c.data.inviteCode).toMatch(/^[A-Z2-9]{8}$/);
    const codes = await Promise.all(Array.from({ length: 10 }, (_, i) => create(t, { name: `Snack group ${i}`, kind: 'LARGE' })));
    const all = new Set([c.data.inviteCode, ...codes.map((x) => x.data.inviteCode)]);
    expect(all.size).toBe(11);
    // Defaults: capacity 200, no thresholds, the caller owns it.
    expect(codes[0].data).toMatchObject({ capacity: 200, minOrders: 0, minIntimacy: 0, owner: { email: 'owner@demo.test' }, assistants: [] });
  });

  it('refuses bad input naming the field, and creates nothing', async ({ t }) => {
    const before = await t.database.prisma.community.count({ where: { orgId: t.orgId } });
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '  ', kind: 'LARGE' }, 'input.name'],
      [{ name: 'x'.repeat(81), kind: 'LARGE' }, 'input.name'],
      [{ name: 'Too big', kind: 'LARGE', capacity: 501 }, 'input.capacity'],
      [{ name: 'Empty', kind: 'LARGE', capacity: 0 }, 'input.capacity'],
      [{ name: 'Small but big', kind: 'SMALL', capacity: 31 }, 'input.capacity'],
      [{ name: 'Large but small', kind: 'LARGE', capacity: 150 }, 'input.capacity'],
      [{ name: 'No category', kind: 'VERTICAL' }, 'input.category'],
      [{ name: 'Negative', kind: 'LARGE', minOrders: -1 }, 'input.minOrders'],
      [{ name: 'Negative', kind: 'LARGE', minIntimacy: -5 }, 'input.minIntimacy'],
      [{ name: 'Long rules', kind: 'LARGE', rules: 'r'.repeat(2001) }, 'input.rules'],
    ];
    for (const [input, field] of cases) {
      const res = await create(t, input);
      expect(res, JSON.stringify(input).slice(0, 80)).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION', field });
    }
    expect(await t.database.prisma.community.count({ where: { orgId: t.orgId } })).toBe(before);
  });

  it("refuses another organization's operators as owner or assistant (NOT_FOUND, nothing created)", async ({ t }) => {
    const rivalOwner = await t.database.prisma.operator.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    const jujube = await operator(t, 'jujube@demo.test');
    const before = await t.database.prisma.community.count({ where: { orgId: t.orgId } });
    expect(await create(t, { name: 'Stolen owner', kind: 'LARGE', ownerId: gid('Operator', rivalOwner.id) })).toMatchObject({
      code: 'NOT_FOUND',
      field: 'input.ownerId',
    });
    expect(
      await create(t, { name: 'Stolen helper', kind: 'LARGE', assistantIds: [gid('Operator', jujube.id), gid('Operator', rivalOwner.id)] }),
    ).toMatchObject({
      code: 'NOT_FOUND',
      field: 'input.assistantIds.1',
    });
    expect(await t.database.prisma.community.count({ where: { orgId: t.orgId } })).toBe(before);
  });

  it('analysts and fans may not create groups; operators may', async ({ t }) => {
    const input = { name: 'Analyst group', kind: 'SMALL', capacity: 20 };
    const analyst = await t.gql(CREATE, { input }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const fan = await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: t.orgId } });
    const asFan = await t.gql(CREATE, { input }, `Dev demo/fan:${fan.externalId}`);
    expect(asFan.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await t.database.prisma.community.count({ where: { name: 'Analyst group' } })).toBe(0);
    const op = await create(t, input, 'Dev demo/jujube@demo.test');
    expect(op).toMatchObject({ __typename: 'MutationCreateCommunitySuccess', data: { owner: { email: 'jujube@demo.test' } } });
  });
});

describe('updateCommunity', () => {
  it('changes settings, replaces assistants, clears rules; omitted fields stay', async ({ t }) => {
    const c = await create(t, { name: 'Apparel Lovers II', kind: 'VERTICAL', category: 'Apparel', capacity: 300, minOrders: 1, rules: 'Be kind.' });
    const admin = await operator(t, 'admin@demo.test');
    const res = await t.ok(UPDATE, {
      input: { communityId: c.data.id, name: 'Apparel Club', minOrders: 2, minIntimacy: 30, rules: null, assistantIds: [gid('Operator', admin.id)] },
    });
    expect(res.updateCommunity.data).toEqual({
      name: 'Apparel Club',
      category: 'Apparel',
      capacity: 300,
      minOrders: 2,
      minIntimacy: 30,
      rules: null,
      owner: { email: 'owner@demo.test' },
      assistants: [{ email: 'admin@demo.test' }],
    });
    const cleared = await t.ok(UPDATE, { input: { communityId: c.data.id, assistantIds: [] } });
    expect(cleared.updateCommunity.data.assistants).toEqual([]);
  });

  it('refuses a capacity below the current members, a cleared VERTICAL category, foreign ids; changes nothing', async ({ t }) => {
    const c = await create(t, { name: 'Tiny', kind: 'SMALL', capacity: 10 });
    const id = rawId(c.data.id);
    await t.database.prisma.community.update({ where: { id }, data: { memberCount: 8 } });
    const low = await t.ok(UPDATE, { input: { communityId: c.data.id, capacity: 7, name: 'Renamed' } });
    expect(low.updateCommunity).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION', field: 'input.capacity' });
    expect(low.updateCommunity.message).toContain('8 members');
    const small = await t.ok(UPDATE, { input: { communityId: c.data.id, capacity: 40 } });
    expect(small.updateCommunity).toMatchObject({ code: 'VALIDATION', field: 'input.capacity' });
    expect(await t.database.prisma.community.findUniqueOrThrow({ where: { id } })).toMatchObject({ capacity: 10, name: 'Tiny' });

    const v = await create(t, { name: 'Tech Lovers II', kind: 'VERTICAL', category: 'Tech' });
    expect((await t.ok(UPDATE, { input: { communityId: v.data.id, category: null } })).updateCommunity).toMatchObject({
      code: 'VALIDATION',
      field: 'input.category',
    });

    const rival = await t.database.prisma.community.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    const foreign = await t.ok(UPDATE, { input: { communityId: gid('Community', rival.id), name: 'Hijacked' } });
    expect(foreign.updateCommunity).toMatchObject({ code: 'NOT_FOUND', field: 'input.communityId' });
    expect((await t.database.prisma.community.findUniqueOrThrow({ where: { id: rival.id } })).name).toBe(rival.name);

    const analyst = await t.gql(UPDATE, { input: { communityId: c.data.id, name: 'Analysed' } }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.database.prisma.community.findUniqueOrThrow({ where: { id } })).name).toBe('Tiny');
  });
});

describe('setCommunityLifecycle', () => {
  it('follows ACTIVATING → ACTIVE → DECLINING → DORMANT → ACTIVE, and DECLINING → ACTIVE', async ({ t }) => {
    const c = await create(t, { name: 'Life', kind: 'LARGE' });
    for (const to of ['ACTIVE', 'DECLINING', 'ACTIVE', 'DECLINING', 'DORMANT', 'ACTIVE']) {
      const res = await t.ok(LIFECYCLE, { input: { communityId: c.data.id, lifecycle: to } });
      expect(res.setCommunityLifecycle, to).toEqual({ __typename: 'MutationSetCommunityLifecycleSuccess', data: { lifecycle: to } });
    }
  });

  it('refuses other moves with INVALID_STATE and leaves the stage unchanged', async ({ t }) => {
    const c = await create(t, { name: 'Stuck', kind: 'LARGE' });
    const id = rawId(c.data.id);
    for (const to of ['ACTIVATING', 'DECLINING', 'DORMANT']) {
      expect((await t.ok(LIFECYCLE, { input: { communityId: c.data.id, lifecycle: to } })).setCommunityLifecycle).toEqual({
        __typename: 'InvalidStateError',
        code: 'INVALID_STATE',
        field: 'input.lifecycle',
      });
    }
    expect((await t.database.prisma.community.findUniqueOrThrow({ where: { id } })).lifecycle).toBe('ACTIVATING');
    await t.ok(LIFECYCLE, { input: { communityId: c.data.id, lifecycle: 'ACTIVE' } });
    for (const to of ['ACTIVE', 'ACTIVATING', 'DORMANT']) {
      expect((await t.ok(LIFECYCLE, { input: { communityId: c.data.id, lifecycle: to } })).setCommunityLifecycle.code).toBe('INVALID_STATE');
    }
    const rival = await t.database.prisma.community.findFirstOrThrow({ where: { orgId: t.rivalOrgId, lifecycle: 'ACTIVE' } });
    expect((await t.ok(LIFECYCLE, { input: { communityId: gid('Community', rival.id), lifecycle: 'DECLINING' } })).setCommunityLifecycle.code).toBe(
      'NOT_FOUND',
    );
    expect((await t.database.prisma.community.findUniqueOrThrow({ where: { id: rival.id } })).lifecycle).toBe('ACTIVE');
  });

  it('the same move sent five times at once applies once (the from-stage is part of the update)', async ({ t }) => {
    const c = await create(t, { name: 'Race', kind: 'LARGE', lifecycle: 'DECLINING' });
    const results = await Promise.all(Array.from({ length: 5 }, () => t.ok(LIFECYCLE, { input: { communityId: c.data.id, lifecycle: 'DORMANT' } })));
    const outcomes = results.map((r) => r.setCommunityLifecycle.code ?? 'OK').sort();
    expect(outcomes).toEqual(['INVALID_STATE', 'INVALID_STATE', 'INVALID_STATE', 'INVALID_STATE', 'OK']);
    expect((await t.database.prisma.community.findUniqueOrThrow({ where: { id: rawId(c.data.id) } })).lifecycle).toBe('DORMANT');
  });
});

describe('setMemberRole', () => {
  const ROLE = `mutation($input: SetMemberRoleInput!) { setMemberRole(input: $input) { __typename ... on MutationSetMemberRoleSuccess { data { role fan { id } } } ... on DomainError { code field } } }`;

  it('sets MEMBER / KOC / ASSISTANT / OWNER for a current member only', async ({ t }) => {
    const m = await t.database.prisma.membership.findFirstOrThrow({ where: { orgId: t.orgId, leftAt: null, role: 'MEMBER' } });
    const input = { communityId: gid('Community', m.communityId), fanId: gid('Fan', m.fanId) };
    for (const role of ['KOC', 'ASSISTANT', 'OWNER', 'MEMBER']) {
      expect((await t.ok(ROLE, { input: { ...input, role } })).setMemberRole).toMatchObject({ data: { role } });
    }
    const outsider = await t.database.prisma.fan.create({ data: { orgId: t.orgId, externalId: 'role-outsider', displayName: 'Outsider' } });
    expect((await t.ok(ROLE, { input: { ...input, fanId: gid('Fan', outsider.id), role: 'KOC' } })).setMemberRole).toEqual({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
      field: 'input.fanId',
    });
    const rival = await t.database.prisma.membership.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    const foreign = await t.ok(ROLE, { input: { communityId: gid('Community', rival.communityId), fanId: gid('Fan', rival.fanId), role: 'OWNER' } });
    expect(foreign.setMemberRole).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND', field: 'input.communityId' });
    expect((await t.database.prisma.membership.findUniqueOrThrow({ where: { id: rival.id } })).role).toBe(rival.role);
    const analyst = await t.gql(ROLE, { input: { ...input, role: 'KOC' } }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.database.prisma.membership.findUniqueOrThrow({ where: { id: m.id } })).role).toBe('MEMBER');
  });
});
