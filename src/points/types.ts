// The points ledger, the points-mall catalogue and redemptions.
import { ownFanRow } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { orgIdOf } from '../core/context.js';

export const PointsReasonEnum = builder.enumType('PointsReason', {
  description: 'Why points moved.',
  values: {
    ORDER: { description: 'Converted from a live-room order.' },
    CHECK_IN: { description: 'Daily check-in and streak bonus.' },
    CAMPAIGN: { description: 'Won or earned in a campaign.' },
    REDEMPTION: { description: 'Spent in the points mall.' },
    REFUND: { description: 'Reversed because an order was refunded, or returned for a cancelled redemption.' },
    EXPIRY: { description: 'Expired.' },
    GIFT: { description: 'Gifted by an operator.' },
  },
});

export const RewardShelfEnum = builder.enumType('RewardShelf', {
  description: 'The points-mall shelf a reward sits on.',
  values: {
    ASPIRATIONAL: { description: 'Full-size premium products.' },
    ESSENTIALS: { description: 'Everyday essentials: face towels, bedding.' },
    SEASONAL: { description: 'Seasonal items: slippers in winter, mite removers in spring.' },
  },
});

export const RedemptionStatusEnum = builder.enumType('RedemptionStatus', {
  description: 'State of a redemption.',
  values: { COMPLETED: { description: 'Points spent, reward reserved.' }, CANCELLED: { description: 'Cancelled; points returned.' } },
});

export const PointsEntryRef = builder.prismaNode('PointsEntry', {
  description: 'One append-only line of the points ledger. A fan sees only their own.',
  select: { id: true, fanId: true },
  authScopes: ownFanRow,
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    delta: t.exposeInt('delta', { description: 'Points added (positive) or taken (negative).' }),
    balanceAfter: t.exposeInt('balanceAfter', { description: "The fan's balance right after this entry." }),
    reason: t.expose('reason', { type: PointsReasonEnum, description: 'Why the points moved.' }),
    reference: t.exposeString('reference', { description: 'What caused it, e.g. "order:<id>".' }),
    note: t.exposeString('note', { nullable: true, description: 'Free text, e.g. why an operator gifted points.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the entry was written.' }),
    fan: t.relation('fan', { description: 'Whose points.' }),
  }),
});

export const RewardRef = builder.prismaNode('Reward', {
  description: 'A points-mall reward with limited stock.',
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Reward name.' }),
    description: t.exposeString('description', { nullable: true, description: 'What the fan gets.' }),
    shelf: t.expose('shelf', { type: RewardShelfEnum, description: 'Shelf it sits on.' }),
    costPoints: t.exposeInt('costPoints', { description: 'Points it costs.' }),
    stock: t.exposeInt('stock', { description: 'Units left.' }),
    active: t.exposeBoolean('active', { description: 'Whether fans can redeem it now.' }),
    redemptionCount: t.relationCount('redemptions', { where: { status: 'COMPLETED' }, description: 'Completed redemptions.' }),
  }),
});

export const RedemptionRef = builder.prismaNode('Redemption', {
  description: 'A fan spending points on a reward. A fan sees only their own.',
  authScopes: ownFanRow,
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    points: t.exposeInt('points', { description: 'Points spent.' }),
    status: t.expose('status', { type: RedemptionStatusEnum, description: 'Completed or cancelled.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was made.' }),
    fan: t.relation('fan', { description: 'Who redeemed.' }),
    reward: t.relation('reward', { description: 'What was redeemed.' }),
  }),
});
