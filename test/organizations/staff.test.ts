// Organizations and staff through the API: the platform admin creates an organization whose owner redeems
// an invitation; owners and admins invite, re-role and deactivate operators (a deactivated operator's
// token stops at once); the last owner is kept, also when two owners demote each other at once; and the
// append-only audit log records every operator mutation with its secrets redacted.
import { describe, expect } from 'vitest';
import { graphql } from '../generated/index.js';
import { gid, rawId } from '../helpers/ids.js';
import type { SeededTestApp } from '../helpers/test-app.js';
import { useTestApp } from '../helpers/test-app.js';

const PLATFORM_TOKEN = 'platform-admin-token-for-tests-0123456789';
const PLATFORM = `Platform ${PLATFORM_TOKEN}`;
const it = useTestApp({ fans: 5, env: { PLATFORM_ADMIN_TOKEN: PLATFORM_TOKEN } });

const CREATE_ORG = graphql(`mutation StaffCreateOrg($input: CreateOrganizationInput!) { createOrganization(input: $input) {
  __typename ... on MutationCreateOrganizationSuccess { data { organizationId slug timeZone ownerEmail ownerInvitationToken } }
  ... on Error { code field } } }`);
const INVITE = graphql(`mutation StaffInvite($input: InviteOperatorInput!) { inviteOperator(input: $input) {
  __typename ... on MutationInviteOperatorSuccess { data { token invitation { id email role } } } ... on Error { code field } } }`);
const ACCEPT = graphql(`mutation StaffAccept($input: AcceptOperatorInvitationInput!) { acceptOperatorInvitation(input: $input) {
  __typename ... on MutationAcceptOperatorInvitationSuccess { data { token operator { id email role active } } } ... on Error { code field } } }`);
const SET_ROLE = graphql(`mutation StaffSetRole($input: SetOperatorRoleInput!) { setOperatorRole(input: $input) {
  __typename ... on MutationSetOperatorRoleSuccess { data { id role } } ... on Error { code field message } } }`);
const DEACTIVATE = graphql(`mutation StaffDeactivate($input: DeactivateOperatorInput!) { deactivateOperator(input: $input) {
  __typename ... on MutationDeactivateOperatorSuccess { data { id active deactivatedAt } } ... on Error { code field } } }`);
const ME = graphql(`query StaffMe { me { email role } viewer { kind } }`);
const AUDIT = graphql(`query StaffAudit($mutation: String, $operatorId: ID) { auditLog(mutation: $mutation, operatorId: $operatorId, first: 50) {
  totalCount nodes { mutation operationName outcome role input operator { email } } } }`);

type Data<T> = { data: T };
const dataOf = <T>(res: unknown) => (res as Data<T>).data;

let n = 0;
/** Invites `email` with `role` (as `by`) and redeems it; the new operator's id and Bearer credential. */
async function hire(t: SeededTestApp, role: 'OWNER' | 'ADMIN' | 'OPERATOR' | 'ANALYST', by = 'Dev demo') {
  const email = `staff${++n}-${role.toLowerCase()}@demo.test`;
  const invited = dataOf<{ token: string }>((await t.ok(INVITE, { input: { email, role } }, by)).inviteOperator);
  const accepted = await t.ok(ACCEPT, { input: { token: invited.token, displayName: `Staff ${n}` } }, null);
  const d = dataOf<{ token: string; operator: { id: string } }>(accepted.acceptOperatorInvitation);
  return { id: d.operator.id, email, as: `Bearer ${d.token}` };
}

const operatorRow = (t: SeededTestApp, id: string) => t.database.prisma.operator.findUniqueOrThrow({ where: { id: rawId(id) } });

describe('organizations', () => {
  it('the platform admin creates an organization; its owner redeems the invitation once and signs in', async ({ t }) => {
    const res = await t.ok(
      CREATE_ORG,
      { input: { slug: 'tea-house', name: 'Tea House', timeZone: 'Asia/Hong_Kong', ownerEmail: 'Boss@Tea.test' } },
      PLATFORM,
    );
    const org = dataOf<{ ownerInvitationToken: string; ownerEmail: string; timeZone: string }>(res.createOrganization);
    expect(org).toMatchObject({ ownerEmail: 'boss@tea.test', timeZone: 'Asia/Hong_Kong' });
    expect((await t.ok(`{ viewer { kind organizationId } }`, {}, PLATFORM)).viewer).toEqual({ kind: 'PLATFORM', organizationId: null });

    const accepted = await t.ok(ACCEPT, { input: { token: org.ownerInvitationToken, displayName: 'Boss' } }, null);
    const owner = dataOf<{ token: string; operator: { role: string } }>(accepted.acceptOperatorInvitation);
    expect(owner.operator.role).toBe('OWNER');
    expect((await t.ok(ME, {}, `Bearer ${owner.token}`)).me).toEqual({ email: 'boss@tea.test', role: 'OWNER' });
    // The new organization is empty: its owner sees none of the demo organization's fans.
    expect((await t.ok(`{ fans(first: 1) { totalCount } }`, {}, `Bearer ${owner.token}`)).fans.totalCount).toBe(0);
    // Once only.
    const again = await t.ok(ACCEPT, { input: { token: org.ownerInvitationToken, displayName: 'Boss' } }, null);
    expect(again.acceptOperatorInvitation).toMatchObject({ code: 'INVALID_STATE', field: 'input.token' });
  });

  it('refuses other callers, a taken slug and bad values, creating nothing', async ({ t }) => {
    const input = { slug: 'tea-shop', name: 'Tea Shop', ownerEmail: 'a@b.test' };
    expect((await t.gql(CREATE_ORG, { input }, 'Dev demo')).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(CREATE_ORG, { input }, null)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await t.gql(CREATE_ORG, { input }, 'Platform wrong-token-wrong-token-wrong-token')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const before = await t.database.prisma.organization.count();
    for (const [bad, field] of [
      [{ slug: 'demo' }, 'input.slug'],
      [{ slug: 'Bad Slug!' }, 'input.slug'],
      [{ timeZone: 'Mars/Olympus' }, 'input.timeZone'],
      [{ ownerEmail: 'not-an-email' }, 'input.ownerEmail'],
    ] as const) {
      const res = await t.ok(CREATE_ORG, { input: { ...input, ...bad } }, PLATFORM);
      expect(res.createOrganization, field).toMatchObject({ code: field === 'input.slug' && bad.slug === 'demo' ? 'CONFLICT' : 'VALIDATION', field });
    }
    expect(await t.database.prisma.organization.count()).toBe(before);
  });
});

describe('staff', () => {
  it('invites operators with a role; only an owner invites an owner; an active e-mail or an analyst is refused', async ({ t }) => {
    const admin = await hire(t, 'ADMIN');
    expect((await t.ok(ME, {}, admin.as)).me?.role).toBe('ADMIN');
    const byAdmin = await t.ok(INVITE, { input: { email: 'x@demo.test', role: 'OWNER' } }, admin.as);
    expect(byAdmin.inviteOperator).toMatchObject({ code: 'FORBIDDEN', field: 'input.role' });
    const taken = await t.ok(INVITE, { input: { email: admin.email, role: 'OPERATOR' } });
    expect(taken.inviteOperator).toMatchObject({ code: 'CONFLICT', field: 'input.email' });
    expect(
      (await t.gql(INVITE, { input: { email: 'y@demo.test', role: 'OPERATOR' } }, 'Dev demo/analyst@demo.test')).errors?.[0].extensions?.code,
    ).toBe('FORBIDDEN');
    expect(await t.database.prisma.operatorInvitation.count({ where: { email: { in: ['x@demo.test', 'y@demo.test'] } } })).toBe(0);
    // A newer invitation replaces the open one: the first link stops working.
    const first = dataOf<{ token: string }>((await t.ok(INVITE, { input: { email: 'z@demo.test', role: 'ANALYST' } })).inviteOperator);
    const second = dataOf<{ token: string }>((await t.ok(INVITE, { input: { email: 'z@demo.test', role: 'OPERATOR' } })).inviteOperator);
    expect((await t.ok(ACCEPT, { input: { token: first.token, displayName: 'Z' } }, null)).acceptOperatorInvitation).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await t.ok(ACCEPT, { input: { token: second.token, displayName: 'Z' } }, null)).acceptOperatorInvitation).toMatchObject({
      data: { operator: { role: 'OPERATOR' } },
    });
  });

  it("changes roles (applied at the next request) and deactivates: the operator's token is refused at once", async ({ t }) => {
    const op = await hire(t, 'OPERATOR');
    expect(
      (await t.ok(`mutation { createCommunity(input: { name: "Staff group", kind: SMALL, capacity: 10 }) { __typename } }`, {}, op.as))
        .createCommunity,
    ).toMatchObject({ __typename: 'MutationCreateCommunitySuccess' });
    expect((await t.ok(SET_ROLE, { input: { operatorId: op.id, role: 'ANALYST' } })).setOperatorRole).toMatchObject({ data: { role: 'ANALYST' } });
    expect((await t.ok(ME, {}, op.as)).me?.role).toBe('ANALYST');
    const write = await t.gql(`mutation { createCommunity(input: { name: "Staff group 2", kind: SMALL, capacity: 10 }) { __typename } }`, {}, op.as);
    expect(write.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const res = await t.ok(DEACTIVATE, { input: { operatorId: op.id } });
    expect(res.deactivateOperator).toMatchObject({ data: { active: false } });
    const refused = await t.gql(ME, {}, op.as);
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect((await t.gql(ME, {}, `Dev demo/${op.email}`)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    // Twice is harmless; a new invitation brings them back with its role.
    expect((await t.ok(DEACTIVATE, { input: { operatorId: op.id } })).deactivateOperator).toMatchObject({ data: { active: false } });
    const invited = dataOf<{ token: string }>((await t.ok(INVITE, { input: { email: op.email, role: 'OPERATOR' } })).inviteOperator);
    const back = await t.ok(ACCEPT, { input: { token: invited.token, displayName: 'Back' } }, null);
    expect(back.acceptOperatorInvitation).toMatchObject({ data: { operator: { id: op.id, active: true, role: 'OPERATOR' } } });
  });

  it('an admin cannot change or deactivate an owner; the last active owner cannot be demoted or deactivated', async ({ t }) => {
    const admin = await hire(t, 'ADMIN');
    const owner = await t.database.prisma.operator.findFirstOrThrow({ where: { orgId: t.orgId, email: 'owner@demo.test' } });
    const ownerId = gid('Operator', owner.id);
    expect((await t.ok(SET_ROLE, { input: { operatorId: ownerId, role: 'ADMIN' } }, admin.as)).setOperatorRole).toMatchObject({ code: 'FORBIDDEN' });
    expect((await t.ok(DEACTIVATE, { input: { operatorId: ownerId } }, admin.as)).deactivateOperator).toMatchObject({ code: 'FORBIDDEN' });
    expect(await t.database.prisma.operator.count({ where: { orgId: t.orgId, role: 'OWNER', deactivatedAt: null } })).toBe(1);
    expect((await t.ok(SET_ROLE, { input: { operatorId: ownerId, role: 'ADMIN' } })).setOperatorRole).toMatchObject({ code: 'INVALID_STATE' });
    expect((await t.ok(DEACTIVATE, { input: { operatorId: ownerId } })).deactivateOperator).toMatchObject({ code: 'INVALID_STATE' });
    expect(await operatorRow(t, ownerId)).toMatchObject({ role: 'OWNER', deactivatedAt: null });
  });

  it('two owners demoting each other at once: one succeeds, the other is refused, one owner remains', async ({ t }) => {
    // A fresh organization with exactly two owners.
    const created = await t.ok(CREATE_ORG, { input: { slug: 'two-owners', name: 'Two Owners', ownerEmail: 'one@two.test' } }, PLATFORM);
    const token = dataOf<{ ownerInvitationToken: string }>(created.createOrganization).ownerInvitationToken;
    const one = dataOf<{ token: string; operator: { id: string } }>(
      (await t.ok(ACCEPT, { input: { token, displayName: 'One' } }, null)).acceptOperatorInvitation,
    );
    const inv = dataOf<{ token: string }>(
      (await t.ok(INVITE, { input: { email: 'two@two.test', role: 'OWNER' } }, `Bearer ${one.token}`)).inviteOperator,
    );
    const two = dataOf<{ token: string; operator: { id: string } }>(
      (await t.ok(ACCEPT, { input: { token: inv.token, displayName: 'Two' } }, null)).acceptOperatorInvitation,
    );
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all([
        t.ok(SET_ROLE, { input: { operatorId: two.operator.id, role: 'ADMIN' } }, `Bearer ${one.token}`),
        t.ok(SET_ROLE, { input: { operatorId: one.operator.id, role: 'ADMIN' } }, `Bearer ${two.token}`),
      ]);
      // The loser is refused as the last owner, or (when it waited for the winner) as no longer an owner.
      const kinds = results.map((r) => r.setOperatorRole.__typename).sort();
      expect(kinds[1]).toBe('MutationSetOperatorRoleSuccess');
      expect(['ForbiddenError', 'InvalidStateError']).toContain(kinds[0]);
      const orgId = (await operatorRow(t, one.operator.id)).orgId;
      expect(await t.database.prisma.operator.count({ where: { orgId, role: 'OWNER', deactivatedAt: null } })).toBe(1);
      // Make both owners again for the next round (as the remaining owner).
      const [a, b] = [await operatorRow(t, one.operator.id), await operatorRow(t, two.operator.id)];
      const [remaining, demoted] = a.role === 'OWNER' ? [one, two] : [two, one];
      expect([a.role, b.role].sort()).toEqual(['ADMIN', 'OWNER']);
      const back = await t.ok(SET_ROLE, { input: { operatorId: demoted.operator.id, role: 'OWNER' } }, `Bearer ${remaining.token}`);
      expect(back.setOperatorRole).toMatchObject({ data: { role: 'OWNER' } });
    }
  });
});

describe('audit log', () => {
  it('records every operator mutation (refusals too) with tokens redacted; owners and admins read it, others not', async ({ t }) => {
    const admin = await hire(t, 'ADMIN');
    const invited = dataOf<{ token: string }>(
      (await t.ok(INVITE, { input: { email: 'audited@demo.test', role: 'ANALYST' } }, admin.as)).inviteOperator,
    );
    // An operator redeeming a token: the mutation is recorded, the token is not.
    await t.ok(ACCEPT, { input: { token: invited.token, displayName: 'Audited' } }, admin.as);
    await t.ok(INVITE, { input: { email: 'boss2@demo.test', role: 'OWNER' } }, admin.as); // FORBIDDEN
    await t.gql(INVITE, { input: { email: 'a2@demo.test', role: 'OPERATOR' } }, 'Dev demo/analyst@demo.test'); // FORBIDDEN by scope

    const log = await t.ok(AUDIT, { operatorId: admin.id });
    const entries = log.auditLog.nodes;
    expect(entries.map((e) => [e.mutation, e.outcome])).toEqual([
      ['inviteOperator', 'FORBIDDEN'],
      ['acceptOperatorInvitation', 'OK'],
      ['inviteOperator', 'OK'],
    ]);
    expect(entries[1]).toMatchObject({ operationName: 'StaffAccept', role: 'ADMIN', operator: { email: admin.email } });
    expect(entries[1].input).toEqual({ input: { token: '[redacted]', displayName: 'Audited' } });
    expect(JSON.stringify(entries)).not.toContain(invited.token);
    const analystTried = await t.ok(AUDIT, { mutation: 'inviteOperator' });
    expect(analystTried.auditLog.nodes.some((e) => e.operator.email === 'analyst@demo.test' && e.outcome === 'FORBIDDEN')).toBe(true);

    // Readers: owners and admins of the organization only.
    expect((await t.gql(AUDIT, {}, 'Dev demo/analyst@demo.test')).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(AUDIT, {}, 'Dev demo/jujube@demo.test')).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(AUDIT, {}, 'Dev demo/fan:u100000')).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const rival = await t.ok(AUDIT, {}, 'Dev rival');
    expect(rival.auditLog.nodes.every((e) => !e.operator.email.endsWith('@demo.test'))).toBe(true);
  });

  it('records a refused input that jsonb cannot hold (NUL, an unpaired surrogate) with those characters replaced', async ({ t }) => {
    const email = 'nul\u0000 half\uD83D@demo.test';
    const res = await t.gql(`mutation($input: InviteOperatorInput!) { inviteOperator(input: $input) { __typename ... on Error { code } } }`, {
      input: { email, role: 'ANALYST' },
    });
    expect(res.errors?.[0]?.extensions?.code ?? res.data?.inviteOperator?.code).toBe('VALIDATION');
    const log = await t.ok(AUDIT, { mutation: 'inviteOperator' });
    const entry = log.auditLog.nodes.find((e) => JSON.stringify(e.input).includes('nul'));
    expect(entry?.outcome).toBe('VALIDATION');
    expect(entry?.input).toMatchObject({ input: { email: 'nul\uFFFD half\uFFFD@demo.test' } });
  });

  it('is append-only in the database: updates and deletes are refused', async ({ t }) => {
    await t.ok(INVITE, { input: { email: 'append@demo.test', role: 'ANALYST' } });
    const entry = await t.database.prisma.auditEntry.findFirstOrThrow({ where: { orgId: t.orgId } });
    await expect(t.database.prisma.auditEntry.update({ where: { id: entry.id }, data: { outcome: 'OK?' } })).rejects.toThrow(/append-only/);
    await expect(t.database.prisma.auditEntry.delete({ where: { id: entry.id } })).rejects.toThrow(/append-only/);
    await expect(t.database.prisma.$executeRawUnsafe('DELETE FROM "AuditEntry"')).rejects.toThrow();
    expect(await t.database.prisma.auditEntry.findUniqueOrThrow({ where: { id: entry.id } })).toEqual(entry);
  });
});
