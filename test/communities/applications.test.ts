// Join by application through the API: a group that requires it asks a question; a fan applies with an
// answer and accepts the rules; an assistant of the group (or an admin) approves — a member, within
// capacity even when approvals race — or rejects with a reason; the fan sees their status. Assistants'
// personas (https avatars) and the groups they serve decide who may approve. Other tenants see nothing.
import { describe, expect } from 'vitest';
import { graphql } from '../generated/index.js';
import { gid, rawId } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 5 });

const CREATE = graphql(`mutation AppCreateGroup($input: CreateCommunityInput!) { createCommunity(input: $input) {
  __typename ... on MutationCreateCommunitySuccess { data { id inviteCode requiresApplication joinQuestion } } ... on Error { code field } } }`);
const APPLY = graphql(`mutation AppApply($input: ApplyToCommunityInput!) { applyToCommunity(input: $input) {
  __typename ... on MutationApplyToCommunitySuccess { data { id status answer rulesAcceptedAt } } ... on Error { code field message } } }`);
const APPROVE = graphql(`mutation AppApprove($input: ApproveApplicationInput!) { approveApplication(input: $input) {
  __typename ... on MutationApproveApplicationSuccess { data { id status decidedAt } } ... on Error { code field } } }`);
const REJECT = graphql(`mutation AppReject($input: RejectApplicationInput!) { rejectApplication(input: $input) {
  __typename ... on MutationRejectApplicationSuccess { data { id status reason } } ... on Error { code field } } }`);
const JOIN = graphql(`mutation AppJoin($input: JoinCommunityInput!) { joinCommunity(input: $input) {
  __typename ... on Error { code field message } } }`);
const MINE = graphql(`query AppMine { communityApplications(first: 20) { totalCount nodes { status reason answer community { name } } } }`);
const PERSONA = graphql(`mutation AppPersona($input: SetAssistantPersonaInput!) { setAssistantPersona(input: $input) {
  __typename ... on MutationSetAssistantPersonaSuccess { data { persona avatarUrl serves { name } } } ... on Error { code field } } }`);

type Group = { id: string; inviteCode: string };
let seq = 0;
async function group(t: SeededTestApp, capacity = 10, extra: Record<string, unknown> = {}): Promise<Group> {
  const res = await t.ok(CREATE, {
    input: {
      name: `Tea tasting ${++seq}`,
      kind: 'SMALL',
      capacity,
      requiresApplication: true,
      joinQuestion: 'Which tea do you drink most?',
      ...extra,
    },
  });
  return (res.createCommunity as { data: Group }).data;
}
async function newFan(t: SeededTestApp) {
  const externalId = `app-fan-${++seq}`;
  const fan = await t.database.prisma.fan.create({ data: { orgId: t.orgId, externalId, displayName: `Fan ${seq}` } });
  return { id: gid('Fan', fan.id), rawId: fan.id, as: `Dev demo/fan:${externalId}` };
}
async function apply(t: SeededTestApp, g: Group, fan: { as: string }, answer = 'Longjing') {
  return (await t.ok(APPLY, { input: { inviteCode: g.inviteCode, answer, acceptRules: true } }, fan.as)).applyToCommunity;
}
const appId = (res: unknown) => (res as { data: { id: string } }).data.id;
const memberCount = async (t: SeededTestApp, g: Group) =>
  (await t.database.prisma.community.findUniqueOrThrow({ where: { id: rawId(g.id) } })).memberCount;

describe('join by application', () => {
  it('a group that requires it needs a question; joining by code is refused and points to applying', async ({ t }) => {
    const bad = await t.ok(CREATE, { input: { name: 'No question', kind: 'SMALL', capacity: 5, requiresApplication: true } });
    expect(bad.createCommunity).toMatchObject({ code: 'VALIDATION', field: 'input.joinQuestion' });
    const g = await group(t);
    const fan = await newFan(t);
    const join = await t.ok(JOIN, { input: { inviteCode: g.inviteCode } }, fan.as);
    expect(join.joinCommunity).toMatchObject({ code: 'FORBIDDEN', field: 'input.inviteCode' });
    expect((join.joinCommunity as { message: string }).message).toContain('Which tea do you drink most?');
    expect(await memberCount(t, g)).toBe(0);
  });

  it('a fan applies (accepting the rules), an admin approves: a member; the fan sees APPROVED', async ({ t }) => {
    const g = await group(t);
    const fan = await newFan(t);
    const refused = await t.ok(APPLY, { input: { inviteCode: g.inviteCode, answer: 'Pu-erh', acceptRules: false } }, fan.as);
    expect(refused.applyToCommunity).toMatchObject({ code: 'VALIDATION', field: 'input.acceptRules' });
    expect(await t.database.prisma.communityApplication.count({ where: { fanId: fan.rawId } })).toBe(0);

    const applied = await apply(t, g, fan, 'Pu-erh');
    expect(applied).toMatchObject({ data: { status: 'PENDING', answer: 'Pu-erh' } });
    expect((applied as { data: { rulesAcceptedAt: string } }).data.rulesAcceptedAt).toBeTruthy();
    expect(await apply(t, g, fan)).toMatchObject({ code: 'CONFLICT' });

    const approved = await t.ok(APPROVE, { input: { applicationId: appId(applied) } });
    expect(approved.approveApplication).toMatchObject({ data: { status: 'APPROVED' } });
    expect(await memberCount(t, g)).toBe(1);
    expect((await t.ok(APPROVE, { input: { applicationId: appId(applied) } })).approveApplication).toMatchObject({ code: 'INVALID_STATE' });
    expect(await memberCount(t, g)).toBe(1);
    const mine = await t.ok(MINE, {}, fan.as);
    expect(mine.communityApplications.nodes).toEqual([
      { status: 'APPROVED', reason: null, answer: 'Pu-erh', community: { name: expect.any(String) } },
    ]);
    expect(await apply(t, g, fan)).toMatchObject({ code: 'CONFLICT' }); // a member now
  });

  it('a rejection carries a reason the fan sees; the fan may apply again', async ({ t }) => {
    const g = await group(t);
    const fan = await newFan(t);
    const applied = await apply(t, g, fan);
    expect((await t.ok(REJECT, { input: { applicationId: appId(applied), reason: ' ' } })).rejectApplication).toMatchObject({ code: 'VALIDATION' });
    const rejected = await t.ok(REJECT, { input: { applicationId: appId(applied), reason: 'Please tell us more about your tea' } });
    expect(rejected.rejectApplication).toMatchObject({ data: { status: 'REJECTED', reason: 'Please tell us more about your tea' } });
    expect((await t.ok(MINE, {}, fan.as)).communityApplications.nodes[0]).toMatchObject({
      status: 'REJECTED',
      reason: 'Please tell us more about your tea',
    });
    expect(await apply(t, g, fan, 'Longjing, every morning')).toMatchObject({ data: { status: 'PENDING' } });
    expect(await memberCount(t, g)).toBe(0);
  });

  it('entry thresholds apply when applying; a group joined by code is not applied to', async ({ t }) => {
    const strict = await group(t, 10, { minOrders: 3 });
    const fan = await newFan(t);
    expect(await apply(t, strict, fan)).toMatchObject({ code: 'THRESHOLD_NOT_MET' });
    const open = (await t.ok(CREATE, { input: { name: 'Open tea', kind: 'SMALL', capacity: 5 } })).createCommunity as { data: Group };
    expect(await apply(t, open.data, fan)).toMatchObject({ code: 'INVALID_STATE' });
    expect(await t.database.prisma.communityApplication.count({ where: { fanId: fan.rawId } })).toBe(0);
  });

  it('approvals racing past capacity: exactly capacity fans become members, the rest stay pending', async ({ t }) => {
    const g = await group(t, 3);
    const fans = await Promise.all(Array.from({ length: 8 }, () => newFan(t)));
    const ids = [];
    for (const fan of fans) ids.push(appId(await apply(t, g, fan)));
    const results = await Promise.all(ids.map((applicationId) => t.ok(APPROVE, { input: { applicationId } })));
    const kinds = results.map((r) => r.approveApplication.__typename);
    expect(kinds.filter((k) => k === 'MutationApproveApplicationSuccess')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'CommunityFullError')).toHaveLength(5);
    expect(await memberCount(t, g)).toBe(3);
    expect(await t.database.prisma.membership.count({ where: { communityId: rawId(g.id), leftAt: null } })).toBe(3);
    expect(await t.database.prisma.communityApplication.count({ where: { communityId: rawId(g.id), status: 'PENDING' } })).toBe(5);
  });

  it('only an assistant serving the group (or an admin) decides; personas need https avatars', async ({ t }) => {
    const g = await group(t);
    const other = await group(t);
    const fan = await newFan(t);
    const applied = appId(await apply(t, g, fan));
    const jujube = await t.database.prisma.operator.findFirstOrThrow({ where: { orgId: t.orgId, email: 'jujube@demo.test' } });
    const as = 'Dev demo/jujube@demo.test';
    // Serving another group only: refused.
    const persona = { operatorId: gid('Operator', jujube.id), persona: 'Assistant Jujube', avatarUrl: 'https://cdn.example.com/jujube.png' };
    expect((await t.ok(PERSONA, { input: { ...persona, communityIds: [other.id] } })).setAssistantPersona).toMatchObject({
      data: { avatarUrl: 'https://cdn.example.com/jujube.png', serves: [{ name: expect.stringMatching(/^Tea tasting/) }] },
    });
    expect((await t.ok(APPROVE, { input: { applicationId: applied } }, as)).approveApplication).toMatchObject({ code: 'FORBIDDEN' });
    expect((await t.gql(APPROVE, { input: { applicationId: applied } }, 'Dev demo/analyst@demo.test')).errors?.[0].extensions?.code).toBe(
      'FORBIDDEN',
    );
    // Not https, or with credentials: refused, nothing changed.
    for (const avatarUrl of ['http://cdn.example.com/a.png', 'javascript:alert(1)', 'https://user:pw@cdn.example.com/a.png']) {
      const res = await t.ok(PERSONA, { input: { ...persona, avatarUrl, communityIds: [g.id] } });
      expect(res.setAssistantPersona, avatarUrl).toMatchObject({ code: 'VALIDATION', field: 'input.avatarUrl' });
    }
    expect(await t.database.prisma.communityAssistant.count({ where: { operatorId: jujube.id, communityId: rawId(g.id) } })).toBe(0);
    // Serving the group: approves.
    await t.ok(PERSONA, { input: { ...persona, communityIds: [g.id, other.id] } });
    expect((await t.ok(APPROVE, { input: { applicationId: applied } }, as)).approveApplication).toMatchObject({ data: { status: 'APPROVED' } });
  });

  it("another organization's operators and fans see and decide nothing", async ({ t }) => {
    const g = await group(t);
    const fan = await newFan(t);
    const applied = appId(await apply(t, g, fan));
    expect((await t.ok(MINE, {}, 'Dev rival')).communityApplications.totalCount).toBe(0);
    expect((await t.ok(APPROVE, { input: { applicationId: applied } }, 'Dev rival')).approveApplication).toMatchObject({ code: 'NOT_FOUND' });
    expect((await t.ok(REJECT, { input: { applicationId: applied, reason: 'no' } }, 'Dev rival')).rejectApplication).toMatchObject({
      code: 'NOT_FOUND',
    });
    const rivalFan = await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    const asRival = `Dev rival/fan:${rivalFan.externalId}`;
    expect((await t.ok(APPLY, { input: { inviteCode: g.inviteCode, answer: 'x', acceptRules: true } }, asRival)).applyToCommunity).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await t.ok(MINE, {}, asRival)).communityApplications.totalCount).toBe(0);
    // A fan sees only their own applications.
    const other = await newFan(t);
    expect((await t.ok(MINE, {}, other.as)).communityApplications.totalCount).toBe(0);
    expect(await t.database.prisma.communityApplication.findUniqueOrThrow({ where: { id: rawId(applied) } })).toMatchObject({ status: 'PENDING' });
  });
});
