import { builder } from '../core/builder.js';
import { orgIdOf } from '../core/context.js';
import { CampaignKindEnum, CampaignStatusEnum, campaignWhere } from './types.js';

builder.queryFields((t) => ({
  campaigns: t.prismaConnection({
    type: 'Campaign',
    cursor: 'id',
    description: 'Campaigns of your organization, newest first.',
    authScopes: { operator: true, partner: 'read' },
    args: {
      kinds: t.arg({ type: [CampaignKindEnum], required: false, description: 'Only these kinds.' }),
      statuses: t.arg({ type: [CampaignStatusEnum], required: false, description: 'Only these statuses.' }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.campaign.findMany({ ...query, where: campaignWhere(orgIdOf(ctx.viewer), args), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    totalCount: (_c, args, ctx) => ctx.db.campaign.count({ where: campaignWhere(orgIdOf(ctx.viewer), args) }),
  }),
}));
