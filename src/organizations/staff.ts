// Organizations and their staff: the platform creates an organization with an owner invitation; owners
// and admins invite operators by e-mail with a role, change roles and deactivate. An invitation is a
// one-time token (only its SHA-256 is stored) the invitee redeems, before it expires, to become an
// operator and get a sign-in token. Rules:
// - Only an OWNER may make (invite or promote) an OWNER, or change or deactivate one.
// - The last active OWNER can be neither demoted nor deactivated (INVALID_STATE). Every role change and
//   deactivation first locks the organization row, so two admins demoting the last two owners at once
//   queue: the second sees one owner left and is refused.
// - A deactivated operator's tokens are refused on their next request (auth.ts reads deactivatedAt);
//   redeeming a new invitation for the same e-mail brings them back with the invitation's role.
// Creating organizations and redeeming invitations come from callers without an organization (the
// platform admin, an invitee), so they run on the unconfined client, as the CLI does.
import { randomBytes } from 'node:crypto';
import type { Config } from '../core/config.js';
import type { OperatorRole } from '../core/context.js';
import type { Db, Tx } from '../core/db.js';
import { DomainError, invalid, notFound } from '../core/errors.js';
import { sha256Hex } from '../core/hash.js';
import { isUniqueViolation } from '../core/prisma-errors.js';
import { signToken } from '../core/tokens.js';
import type { Operator, OperatorInvitation, Organization } from '../generated/prisma/client.js';

export const INVITATION_DAYS = 7;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,}$/;
const SLUG = /^[a-z0-9][a-z0-9-]{1,39}$/;

export interface Actor {
  operatorId: string;
  role: OperatorRole;
}

export interface IssuedInvitation {
  invitation: OperatorInvitation;
  /** The one-time token; only its hash is stored. */
  token: string;
}

function checkEmail(email: string, field: string): string {
  const e = email.trim().toLowerCase();
  if (!EMAIL.test(e)) throw invalid(field, `${field}: must be an e-mail address`);
  return e;
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

async function issueInvitation(tx: Tx, orgId: string, email: string, role: OperatorRole, invitedById: string | null, now: Date) {
  const token = `foi_${randomBytes(24).toString('base64url')}`;
  // A new invitation replaces any still open for the same address: only the newest link works.
  await tx.operatorInvitation.updateMany({ where: { orgId, email, acceptedAt: null, revokedAt: null }, data: { revokedAt: now } });
  const invitation = await tx.operatorInvitation.create({
    data: { orgId, email, role, invitedById, tokenHash: sha256Hex(token), expiresAt: new Date(now.getTime() + INVITATION_DAYS * 86_400_000) },
  });
  return { invitation, token };
}

export async function createOrganization(
  db: Db,
  input: { slug: string; name: string; timeZone?: string | null; ownerEmail: string },
  now = new Date(),
): Promise<IssuedInvitation & { organization: Organization }> {
  const slug = input.slug.trim().toLowerCase();
  if (!SLUG.test(slug)) throw invalid('input.slug', 'input.slug: 2 to 40 lower-case letters, digits or dashes, starting with a letter or digit');
  const name = input.name.trim();
  if (!name || name.length > 80) throw invalid('input.name', 'input.name: must be 1 to 80 characters');
  const timeZone = input.timeZone ?? 'Asia/Shanghai';
  if (!validTimeZone(timeZone)) throw invalid('input.timeZone', `input.timeZone: "${timeZone}" is not an IANA time zone`);
  const ownerEmail = checkEmail(input.ownerEmail, 'input.ownerEmail');
  try {
    return await db.$transaction(async (tx) => {
      const organization = await tx.organization.create({ data: { slug, name, timeZone } });
      return { organization, ...(await issueInvitation(tx, organization.id, ownerEmail, 'OWNER', null, now)) };
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new DomainError('CONFLICT', `An organization with slug "${slug}" already exists`, 'input.slug');
    throw e;
  }
}

export async function inviteOperator(db: Db, orgId: string, actor: Actor, input: { email: string; role: OperatorRole }, now = new Date()) {
  const email = checkEmail(input.email, 'input.email');
  if (input.role === 'OWNER' && actor.role !== 'OWNER') throw new DomainError('FORBIDDEN', 'Only an owner can invite an owner', 'input.role');
  return db.$transaction(async (tx) => {
    const existing = await tx.operator.findFirst({ where: { orgId, email }, select: { deactivatedAt: true } });
    if (existing && !existing.deactivatedAt) throw new DomainError('CONFLICT', `${email} is already an operator of this organization`, 'input.email');
    return issueInvitation(tx, orgId, email, input.role, actor.operatorId, now);
  });
}

/** Redeems an invitation once: the operator (created, or brought back) and a sign-in token. */
export async function acceptInvitation(
  db: Db,
  config: Config,
  input: { token: string; displayName: string },
  now = new Date(),
): Promise<{ operator: Operator; token: string }> {
  const displayName = input.displayName.trim();
  if (!displayName) throw invalid('input.displayName', 'input.displayName: must not be blank');
  const operator = await db.$transaction(async (tx) => {
    const invitation = await tx.operatorInvitation.findUnique({ where: { tokenHash: sha256Hex(input.token.trim()) } });
    if (!invitation || invitation.revokedAt) throw notFound('Invitation', 'input.token');
    if (invitation.acceptedAt) throw new DomainError('INVALID_STATE', 'This invitation has already been used', 'input.token');
    if (invitation.expiresAt <= now) throw new DomainError('INVALID_STATE', 'This invitation has expired: ask for a new one', 'input.token');
    // Redeemed once, whatever races: the conditional update decides.
    const { count } = await tx.operatorInvitation.updateMany({ where: { id: invitation.id, acceptedAt: null }, data: { acceptedAt: now } });
    if (!count) throw new DomainError('INVALID_STATE', 'This invitation has already been used', 'input.token');
    const { orgId, email, role } = invitation;
    const existing = await tx.operator.findFirst({ where: { orgId, email } });
    if (existing && !existing.deactivatedAt) throw new DomainError('CONFLICT', `${email} is already an operator of this organization`, 'input.token');
    const op = existing
      ? await tx.operator.update({ where: { id: existing.id }, data: { role, displayName, deactivatedAt: null } })
      : await tx.operator.create({ data: { orgId, email, role, displayName } });
    await tx.operatorInvitation.update({ where: { id: invitation.id }, data: { operatorId: op.id } });
    return op;
  });
  const token = await signToken(config.auth, { kind: 'operator', orgId: operator.orgId, operatorId: operator.id, role: operator.role }, '12h');
  return { operator, token };
}

/**
 * Locks the organization's staff for this transaction and returns the target operator, with the actor's
 * role as it is now (a request that waited on the lock may come from someone just demoted).
 */
async function lockStaff(tx: Tx, orgId: string, actor: Actor, operatorId: string): Promise<{ target: Operator; actorRole: OperatorRole }> {
  await tx.$queryRaw`SELECT "id" FROM "Organization" WHERE "id" = ${orgId} FOR UPDATE`;
  const [target, me] = await Promise.all([
    tx.operator.findFirst({ where: { id: operatorId, orgId } }),
    tx.operator.findFirst({ where: { id: actor.operatorId, orgId, deactivatedAt: null }, select: { role: true } }),
  ]);
  if (!me || (me.role !== 'OWNER' && me.role !== 'ADMIN')) throw new DomainError('FORBIDDEN', 'Only active owners and admins manage staff');
  if (!target) throw notFound('Operator', 'input.operatorId');
  return { target, actorRole: me.role };
}

async function keepAnOwner(tx: Tx, orgId: string, target: Operator, what: string) {
  if (target.role !== 'OWNER' || target.deactivatedAt) return;
  const owners = await tx.operator.count({ where: { orgId, role: 'OWNER', deactivatedAt: null } });
  if (owners <= 1)
    throw new DomainError('INVALID_STATE', `${target.email} is the last active owner: make another owner before ${what}`, 'input.operatorId');
}

export async function setOperatorRole(db: Db, orgId: string, actor: Actor, input: { operatorId: string; role: OperatorRole }): Promise<Operator> {
  return db.$transaction(async (tx) => {
    const { target, actorRole } = await lockStaff(tx, orgId, actor, input.operatorId);
    if ((target.role === 'OWNER' || input.role === 'OWNER') && actorRole !== 'OWNER')
      throw new DomainError('FORBIDDEN', "Only an owner can make an owner or change an owner's role", 'input.role');
    if (target.role === input.role) return target;
    if (input.role !== 'OWNER') await keepAnOwner(tx, orgId, target, 'demoting this one');
    return tx.operator.update({ where: { id: target.id }, data: { role: input.role } });
  });
}

/** Deactivates at once; deactivating twice keeps the first time. */
export async function deactivateOperator(db: Db, orgId: string, actor: Actor, operatorId: string, now = new Date()): Promise<Operator> {
  return db.$transaction(async (tx) => {
    const { target, actorRole } = await lockStaff(tx, orgId, actor, operatorId);
    if (target.deactivatedAt) return target;
    if (target.role === 'OWNER' && actorRole !== 'OWNER')
      throw new DomainError('FORBIDDEN', 'Only an owner can deactivate an owner', 'input.operatorId');
    await keepAnOwner(tx, orgId, target, 'deactivating this one');
    return tx.operator.update({ where: { id: target.id }, data: { deactivatedAt: now } });
  });
}

/**
 * The two staff actions whose callers belong to no organization yet (the platform admin, an invitee):
 * app-scoped, on the unconfined client. Everything else goes through the request's confined ctx.db.
 */
export class StaffDesk {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
  ) {}

  createOrganization(input: Parameters<typeof createOrganization>[1]) {
    return createOrganization(this.db, input);
  }

  acceptInvitation(input: { token: string; displayName: string }) {
    return acceptInvitation(this.db, this.config, input);
  }
}

declare module '../core/context.js' {
  interface Services {
    /** Organization creation and invitation redemption (see src/organizations/staff.ts). */
    staff: StaffDesk;
  }
}
