// The operators' (and warehouse partners') list of prizes to ship.
import { getRefFromModel, PrismaObjectRef } from '@pothos/plugin-prisma';
import { builder } from '../core/builder.js';
import { orgIdOf } from '../core/context.js';
import { anyOf } from '../core/filters.js';
import type { Prisma } from '../generated/prisma/client.js';
import { FulfilmentSourceEnum, FulfilmentStatusEnum } from './types.js';

// Campaigns sit above fulfilment (they owe prizes through it), so the Campaign type is named through its model.
const campaignModel = getRefFromModel('Campaign', builder, 'object');
if (!(campaignModel instanceof PrismaObjectRef)) throw new Error('Campaign must be an object type');

const FulfilmentFilter = builder.inputType('FulfilmentFilter', {
  description: 'Which fulfilments to list; criteria combine with AND.',
  fields: (t) => ({
    status: t.field({ type: [FulfilmentStatusEnum], required: false, description: 'Only these statuses.', extensions: { maxItems: 5 } }),
    source: t.field({ type: [FulfilmentSourceEnum], required: false, description: 'Only these sources.', extensions: { maxItems: 4 } }),
    campaignId: t.globalID({ for: campaignModel, required: false, description: 'Only prizes of this campaign.' }),
    olderThan: t.field({ type: 'DateTime', required: false, description: 'Only prizes owed before this time (how long fans have waited).' }),
  }),
});

builder.queryFields((t) => ({
  fulfilments: t.prismaConnection({
    type: 'Fulfilment',
    cursor: 'id',
    description:
      'Goods prizes owed to fans, oldest first (ship in order). Operators (analysts included) and partner keys with the `fulfilment` scope.',
    authScopes: { operator: true, partner: 'fulfilment' },
    args: { filter: t.arg({ type: FulfilmentFilter, required: false, description: 'What to list.' }) },
    resolve: (query, _root, { filter }, ctx) =>
      ctx.db.fulfilment.findMany({ ...query, where: whereOf(orgIdOf(ctx.viewer), filter), orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    totalCount: (_conn, { filter }, ctx) => ctx.db.fulfilment.count({ where: whereOf(orgIdOf(ctx.viewer), filter) }),
  }),
}));

type Filter = typeof FulfilmentFilter.$inferInput;

function whereOf(orgId: string, filter: Filter | null | undefined): Prisma.FulfilmentWhereInput {
  return {
    orgId,
    status: anyOf(filter?.status),
    sourceKind: anyOf(filter?.source),
    campaignId: filter?.campaignId?.id,
    createdAt: filter?.olderThan ? { lt: filter.olderThan } : undefined,
  };
}
