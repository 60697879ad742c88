// Joining and leaving groups (fans for themselves, operators for a fan) and members' roles.
import { actingFanId, orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { refusals } from '../core/error-types.js';
import { text } from '../core/input-rules.js';
import { FanRef } from '../fans/types.js';
import { joinCommunity, leaveCommunity } from './membership.js';
import { setMemberRole } from './service.js';
import { CommunityRef, MemberRoleEnum, MembershipRef } from './types.js';

const JoinCommunityInput = builder.inputType('JoinCommunityInput', {
  description: 'Join the group an invite code leads to.',
  fields: (t) => ({
    inviteCode: t.string({
      required: true,
      description:
        'The code from the poster or QR, case-insensitive. If its group is full, the fan lands in the newest group the code rolled over to.',
      ...text(4, 32),
    }),
    fanId: t.globalID({ for: FanRef, required: false, description: 'The fan; omit when the fan calls for themself.' }),
  }),
});

const LeaveCommunityInput = builder.inputType('LeaveCommunityInput', {
  description: 'Leave a group (recorded in the feed, for churn metrics).',
  fields: (t) => ({
    communityId: t.globalID({ for: CommunityRef, required: true, description: 'The group to leave.' }),
    fanId: t.globalID({ for: FanRef, required: false, description: 'The fan; omit when the fan calls for themself.' }),
  }),
});

const SetMemberRoleInput = builder.inputType('SetMemberRoleInput', {
  description: "Change a current member's role in one group.",
  fields: (t) => ({
    communityId: t.globalID({ for: CommunityRef, required: true, description: 'The group.' }),
    fanId: t.globalID({ for: FanRef, required: true, description: 'The member.' }),
    role: t.field({ type: MemberRoleEnum, required: true, description: 'The new role.' }),
  }),
});

builder.mutationFields((t) => ({
  joinCommunity: t.field({
    type: MembershipRef,
    errors: refusals('COMMUNITY_FULL', 'CONFLICT', 'FORBIDDEN', 'NOT_FOUND', 'THRESHOLD_NOT_MET'),
    description:
      'Join a group by invite code. Refused with THRESHOLD_NOT_MET when the fan has fewer orders than minOrders or less intimacy than minIntimacy, ' +
      'CONFLICT when already a member. A full group rolls over to a new group of the same kind and settings, and the fan joins that one.',
    authScopes: { fan: true, operatorWrite: true },
    args: { input: t.arg({ type: JoinCommunityInput, required: true, description: 'Invite code and fan.' }) },
    resolve: (_root, { input }, ctx) =>
      joinCommunity(ctx, orgOf(ctx.viewer), { inviteCode: input.inviteCode, fanId: actingFanId(ctx.viewer, input.fanId?.id) }),
  }),
  leaveCommunity: t.field({
    type: MembershipRef,
    errors: refusals('FORBIDDEN', 'NOT_FOUND'),
    description: 'Leave a group: the seat is freed and MEMBER_LEFT is recorded. NOT_FOUND when the fan is not a current member.',
    authScopes: { fan: true, operatorWrite: true },
    args: { input: t.arg({ type: LeaveCommunityInput, required: true, description: 'Group and fan.' }) },
    resolve: (_root, { input }, ctx) =>
      leaveCommunity(ctx, orgOf(ctx.viewer), { communityId: input.communityId.id, fanId: actingFanId(ctx.viewer, input.fanId?.id) }),
  }),
  setMemberRole: t.field({
    type: MembershipRef,
    errors: refusals('NOT_FOUND'),
    description: 'Make a member a MEMBER, KOC, ASSISTANT or OWNER of one group.',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: SetMemberRoleInput, required: true, description: 'Group, member and role.' }) },
    resolve: (_root, { input }, ctx) =>
      setMemberRole(ctx, orgOf(ctx.viewer), { communityId: input.communityId.id, fanId: input.fanId.id, role: input.role }),
  }),
}));
