// Communities (fan groups), their members and the activity feed dashboards watch.
import { ownFanRow } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { orgIdOf } from '../core/context.js';
import { anyOf } from '../core/filters.js';
import { OperatorRef } from '../organizations/types.js';

export const CommunityKindEnum = builder.enumType('CommunityKind', {
  description: 'How a group is run.',
  values: {
    VERTICAL: { description: 'By product category (liquor, jewelry, beauty, mother & baby, travel, apparel, tech…).' },
    LIKE: { description: 'Hand-picked engaged fans who like the live room on cue, with frequent lotteries.' },
    FISSION: { description: 'Growth group for referral campaigns.' },
    VIP: { description: 'Many-to-one service group for high-value fans.' },
    KOC: { description: 'A group of key opinion consumers.' },
    SMALL: { description: 'Small general group (≤ 30 precise members).' },
    LARGE: { description: 'Large general group (200+ members).' },
  },
});

export const CommunityLifecycleEnum = builder.enumType('CommunityLifecycle', {
  description: 'Where a group is in its life.',
  values: {
    ACTIVATING: { description: 'First weeks, while KOCs warm it up.' },
    ACTIVE: { description: 'Running normally.' },
    DECLINING: { description: 'Activity falling.' },
    DORMANT: { description: 'No meaningful activity.' },
  },
});

export const MemberRoleEnum = builder.enumType('MemberRole', {
  description: "A member's role in one group.",
  values: {
    MEMBER: { description: 'An ordinary member.' },
    KOC: { description: 'A key opinion consumer who warms the group up.' },
    ASSISTANT: { description: 'Helps the owner run the group.' },
    OWNER: { description: 'Owns the group.' },
  },
});

export const ActivityKindEnum = builder.enumType('ActivityKind', {
  description: 'What happened in a group.',
  values: {
    MEMBER_JOINED: { description: 'A fan joined.' },
    MEMBER_LEFT: { description: 'A fan left.' },
    MESSAGE_POSTED: { description: 'Messages were posted (counted, not stored).' },
    BUYER_SHOW_POSTED: { description: 'A buyer show (photo review) was posted.' },
    CHECK_IN: { description: 'A fan checked in.' },
    LIKE_BURST: { description: 'A burst of likes during a like campaign.' },
    RESERVATION_MADE: { description: 'A fan reserved a live session or item.' },
    REWARD_REDEEMED: { description: 'A fan redeemed a points-mall reward.' },
    KOC_ACTION: { description: 'A KOC acted (warm-up, after-sales defence…).' },
    COMPLAINT_RAISED: { description: 'An after-sales complaint was raised.' },
    COMPLAINT_RESOLVED: { description: 'An after-sales complaint was resolved.' },
  },
});

export const CommunityRef = builder.prismaNode('Community', {
  description: 'A fan group on the chat platform, run by an operator.',
  select: { id: true },
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Group name.' }),
    kind: t.expose('kind', { type: CommunityKindEnum, description: 'How the group is run.' }),
    category: t.exposeString('category', { nullable: true, description: 'Product category, for VERTICAL groups.' }),
    capacity: t.exposeInt('capacity', { description: "Member cap (the chat platform's 200 or 500)." }),
    memberCount: t.exposeInt('memberCount', { description: 'Current members.' }),
    minOrders: t.exposeInt('minOrders', { description: 'Orders a fan needs before being let in.' }),
    minIntimacy: t.exposeInt('minIntimacy', { description: 'Intimacy score a fan needs before being let in.' }),
    rules: t.exposeString('rules', { nullable: true, description: 'Group rules shown to newcomers.' }),
    requiresApplication: t.exposeBoolean('requiresApplication', {
      description: 'Fans join by application (`applyToCommunity`), decided by an assistant of the group or an admin, not by invite code alone.',
    }),
    joinQuestion: t.exposeString('joinQuestion', { nullable: true, description: 'The question applicants answer.' }),
    lifecycle: t.expose('lifecycle', { type: CommunityLifecycleEnum, description: 'Where the group is in its life.' }),
    inviteCode: t.exposeString('inviteCode', { description: 'Code fans join with; a full group rolls it over to a new group.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the group was created.' }),
    owner: t.relation('owner', { nullable: true, description: 'The operator who owns the group.' }),
    assistants: t.field({
      type: [OperatorRef],
      description: 'Operators assisting the owner.',
      select: (_args, _ctx, nested) => ({ assistants: { include: { operator: nested() } } }),
      resolve: (c) => c.assistants.map((a) => a.operator),
    }),
    rolledOverTo: t.relation('rolledOverTo', { nullable: true, description: 'The group new invites went to once this one filled up.' }),
    members: t.relatedConnection('memberships', {
      cursor: 'id',
      totalCount: true,
      description: 'Current members, newest first.',
      query: { where: { leftAt: null }, orderBy: [{ joinedAt: 'desc' }, { id: 'desc' }] },
    }),
    activity: t.relatedConnection('activity', {
      cursor: 'id',
      description: 'The group activity feed, newest first.',
      query: { orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }] },
    }),
  }),
});

export const MembershipRef = builder.prismaNode('Membership', {
  description: "A fan's place in a group: role, when they joined and whether they left. A fan sees only their own.",
  select: { id: true, fanId: true },
  authScopes: ownFanRow,
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    role: t.expose('role', { type: MemberRoleEnum, description: 'Role in this group.' }),
    joinedAt: t.expose('joinedAt', { type: 'DateTime', description: 'When the fan (last) joined.' }),
    leftAt: t.expose('leftAt', { type: 'DateTime', nullable: true, description: 'When the fan left; null while a member.' }),
    fan: t.relation('fan', { description: 'The member.' }),
    community: t.relation('community', { description: 'The group.' }),
  }),
});

builder.prismaNode('ActivityEvent', {
  description: 'One entry of the live group feed.',
  select: { id: true },
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    kind: t.expose('kind', { type: ActivityKindEnum, description: 'What happened.' }),
    count: t.exposeInt('count', { description: 'How many times (message counts and like bursts arrive aggregated).' }),
    payload: t.expose('payload', { type: 'JSON', nullable: true, description: 'Small details, e.g. the complaint id.' }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime', description: 'When it happened.' }),
    community: t.relation('community', { nullable: true, description: 'Where it happened.' }),
    fan: t.relation('fan', { nullable: true, description: 'Who did it, when known.' }),
  }),
});

export function communityWhere(orgId: string, args: { kinds?: string[] | null; lifecycles?: string[] | null }) {
  return { orgId, kind: anyOf(args.kinds as never[]), lifecycle: anyOf(args.lifecycles as never[]) };
}

export const ApplicationStatusEnum = builder.enumType('ApplicationStatus', {
  description: 'Where an application to join a group stands.',
  values: {
    PENDING: { description: 'Waiting for an assistant of the group or an admin.' },
    APPROVED: { description: 'Approved: the fan became a member.' },
    REJECTED: { description: 'Rejected, with a reason for the fan.' },
  },
});

export const CommunityApplicationRef = builder.prismaNode('CommunityApplication', {
  description: "A fan's application to join a group that admits by application. A fan sees only their own.",
  select: { id: true, fanId: true },
  authScopes: ownFanRow,
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    status: t.expose('status', { type: ApplicationStatusEnum, description: 'PENDING until decided once: APPROVED or REJECTED.' }),
    answer: t.exposeString('answer', { description: "The fan's answer to the group's joinQuestion." }),
    rulesAcceptedAt: t.expose('rulesAcceptedAt', { type: 'DateTime', description: 'When the fan accepted the group rules (required to apply).' }),
    reason: t.exposeString('reason', { nullable: true, description: 'Why it was rejected; null otherwise.' }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true, description: 'When it was approved or rejected; null while pending.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the fan applied.' }),
    community: t.relation('community', { description: 'The group applied to.' }),
    fan: t.relation('fan', { description: 'The applicant.' }),
    decidedBy: t.relation('decidedBy', { nullable: true, description: 'The operator who decided (hidden from fans).' }),
  }),
});
