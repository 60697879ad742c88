// The points ledger, the points-mall catalogue and redemptions.
import { ownFanRow } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { type Context, orgIdOf } from '../core/context.js';
import { formatMonthDay, unavailability } from './availability.js';

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

export const SHELF_ORDER_RULE =
  'Shelves in the order the mall shows them: ASPIRATIONAL first (the full-size premium showpieces that make points worth collecting), ' +
  'then ESSENTIALS (everyday items most balances reach), then SEASONAL (what is in season now); cheapest first within a shelf.';

export const RewardShelfEnum = builder.enumType('RewardShelf', {
  description: `The points-mall shelf a reward sits on. ${SHELF_ORDER_RULE}`,
  values: {
    ASPIRATIONAL: { description: 'Full-size premium products, shown first: what fans save points toward.' },
    ESSENTIALS: { description: 'Everyday essentials (face towels, bedding), shown second: what most balances can redeem today.' },
    SEASONAL: {
      description: 'Seasonal items (slippers in winter, mite removers in spring), shown last and, given a season, only while it lasts.',
    },
  },
});

export const RewardOrderEnum = builder.enumType('RewardOrder', {
  description: 'How the catalogue is ordered.',
  values: {
    SHELF: { description: SHELF_ORDER_RULE },
    COST: { description: 'Cheapest first, whatever the shelf.' },
  },
});

export type RewardSeason = { start: string; end: string };

// The organization's time zone, read once per request however many rewards ask.
const timeZones = new WeakMap<object, Promise<string>>();
function requestTimeZone(ctx: Pick<Context, 'db'>, orgId: string): Promise<string> {
  let tz = timeZones.get(ctx);
  if (!tz) {
    tz = ctx.db.organization.findUniqueOrThrow({ where: { id: orgId }, select: { timeZone: true } }).then((o) => o.timeZone);
    timeZones.set(ctx, tz);
  }
  return tz;
}

const RewardSeasonRef = builder.objectRef<RewardSeason>('RewardSeason').implement({
  description:
    "A yearly window of month-days in the organization's time zone, both days included; it wraps the new year when start is later than end (11-01 to 02-28).",
  fields: (t) => ({
    start: t.exposeString('start', { description: 'First day, MM-DD.' }),
    end: t.exposeString('end', { description: 'Last day, MM-DD.' }),
  }),
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
    active: t.exposeBoolean('active', {
      description: 'The manual override: false takes the reward off the shelves whatever its window and season say.',
    }),
    availableFrom: t.expose('availableFrom', { type: 'DateTime', nullable: true, description: 'Redeemable from this instant (null: no start).' }),
    availableUntil: t.expose('availableUntil', {
      type: 'DateTime',
      nullable: true,
      description: 'Redeemable until this instant, excluded (null: no end).',
    }),
    season: t.field({
      type: RewardSeasonRef,
      nullable: true,
      description: 'The yearly season it is redeemable in (null: all year).',
      select: { seasonStartMmdd: true, seasonEndMmdd: true },
      resolve: (r) =>
        r.seasonStartMmdd == null || r.seasonEndMmdd == null
          ? null
          : { start: formatMonthDay(r.seasonStartMmdd), end: formatMonthDay(r.seasonEndMmdd) },
    }),
    availableNow: t.boolean({
      description: 'Whether a fan can redeem it now: active, inside its window, and in season (stock aside).',
      select: { active: true, availableFrom: true, availableUntil: true, seasonStartMmdd: true, seasonEndMmdd: true, name: true, orgId: true },
      resolve: async (r, _args, ctx) => unavailability(r, new Date(), await requestTimeZone(ctx, r.orgId)) === null,
    }),
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
