// fanCohorts: retention by join week, for the organization or one group.

import { CommunityRef } from '../../communities/types.js';
import { builder } from '../../core/builder.js';
import { orgIdOf } from '../../core/context.js';
import { range } from '../../core/input-rules.js';
import { type Cohort, type CohortWeek, fanCohorts } from './service.js';

const CohortWeekRef = builder.objectRef<CohortWeek>('FanCohortWeek').implement({
  description: 'How many members of a cohort were active in one week after they joined.',
  fields: (t) => ({
    week: t.exposeInt('week', { description: 'Weeks since the join week (0 is the join week itself).' }),
    activeMembers: t.exposeInt('activeMembers', { description: 'Members of the cohort active that week.' }),
    share: t.exposeFloat('share', { description: 'activeMembers / members, from 0 to 1.' }),
  }),
});

const CohortRef = builder.objectRef<Cohort>('FanCohort').implement({
  description: 'The members who joined in one week, and how many of them were active in each week since.',
  fields: (t) => ({
    weekStart: t.exposeString('weekStart', { description: "Monday of the join week (YYYY-MM-DD, in the organization's time zone)." }),
    members: t.exposeInt('members', { description: 'Members who joined that week (including those who left since).' }),
    weeks: t.field({
      type: [CohortWeekRef],
      description: 'Week 0 (the join week) and each following week that has started, in order.',
      resolve: (c) => c.weeks,
    }),
  }),
});

builder.queryFields((t) => ({
  fanCohorts: t.field({
    type: [CohortRef],
    nullable: true,
    description:
      "Retention by join week. Organization: fans by the week they entered the private domain, active when they caused any event (leaving a group aside) or placed an order. Group: members by the week they joined it, active when they did something in it or placed an order attributed to it. Weeks are Monday–Sunday in the organization's time zone. Null for a group not in your organization.",
    authScopes: { operator: true, partner: 'read' },
    args: {
      communityId: t.arg.globalID({ for: CommunityRef, required: false, description: 'A group; omit for the whole organization.' }),
      since: t.arg({ type: 'Date', required: true, description: 'A day in the first join week.' }),
      cohorts: t.arg.int({ required: false, defaultValue: 8, description: 'How many consecutive join weeks (default 8).', ...range(1, 52) }),
      followingWeeks: t.arg.int({
        required: false,
        defaultValue: 8,
        description: 'How many weeks after the join week to report (default 8).',
        ...range(0, 52),
      }),
    },
    resolve: async (_root, args, ctx) => {
      const orgId = orgIdOf(ctx.viewer);
      if (args.communityId && !(await ctx.db.community.count({ where: { id: args.communityId.id, orgId } }))) return null;
      if (!ctx.viewer.orgId) return [];
      return fanCohorts(ctx.db, orgId, {
        since: args.since,
        cohorts: args.cohorts ?? 8,
        followingWeeks: args.followingWeeks ?? 8,
        communityId: args.communityId?.id,
      });
    },
  }),
}));
