// Member-day lottery read types: a spin (what the fan got, and the seed it was rolled with).
import { ownFanRow } from '../../core/acting.js';
import { builder } from '../../core/builder.js';
import { orgIdOf } from '../../core/context.js';
import { dayIn, nextWeekday } from './day.js';

export const LotterySpinRef = builder.prismaNode('LotterySpin', {
  description: 'One spin of a member-day prize wheel. A fan sees only their own.',
  authScopes: ownFanRow,
  id: { field: 'id' },
  nullable: true,
  findUnique: (id, ctx) => ({ id, orgId: orgIdOf(ctx.viewer) }),
  fields: (t) => ({
    fan: t.relation('fan', { description: 'Who spun.' }),
    prize: t.relation('prize', { nullable: true, description: 'The prize won; null for "no prize".' }),
    won: t.boolean({ description: 'Whether the spin won a prize.', select: { prizeId: true }, resolve: (s) => s.prizeId !== null }),
    day: t.expose('day', { type: 'Date', description: "The organization's calendar day of the spin (what the daily cap counts)." }),
    seed: t.exposeString('seed', { description: 'The random seed the wheel was rolled with (recorded for audit).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the wheel was spun.' }),
  }),
});

builder.prismaObjectField('LotteryCampaign', 'missWeight', (t) =>
  t.exposeInt('missWeight', { description: 'Relative weight of "no prize" on the wheel, against the prizes\' weights.' }),
);

builder.prismaObjectField('Fan', 'lotterySpins', (t) =>
  t.relation('lotterySpins', {
    description: "The fan's member-day lottery spins, newest first.",
    args: { first: t.arg.int({ required: false, defaultValue: 20, description: 'How many, 1 to 100 (default 20).' }) },
    query: (args) => ({ take: Math.min(Math.max(args.first ?? 20, 1), 100), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
);

export const WeekdayEnum = builder.enumType('Weekday', {
  description: "A day of the week, in the organization's time zone.",
  values: {
    MONDAY: { value: 1, description: 'Monday.' },
    TUESDAY: { value: 2, description: 'Tuesday.' },
    WEDNESDAY: { value: 3, description: 'Wednesday.' },
    THURSDAY: { value: 4, description: 'Thursday.' },
    FRIDAY: { value: 5, description: 'Friday.' },
    SATURDAY: { value: 6, description: 'Saturday.' },
    SUNDAY: { value: 7, description: 'Sunday.' },
  } as const,
});

export const PrizeKindEnum = builder.enumType('PrizeKind', {
  description: 'What a wheel prize gives.',
  values: {
    GOODS: { description: 'Something to ship: a win owes a fulfilment.' },
    POINTS: { description: 'Points, credited to the fan at once (no fulfilment).' },
  },
});

builder.prismaObjectField('LotteryCampaign', 'recurOn', (t) =>
  t.field({
    type: WeekdayEnum,
    nullable: true,
    description: "The weekday a recurring wheel opens (organization's time zone); null: open every day the campaign runs.",
    select: { recurWeekday: true },
    resolve: (l) => l.recurWeekday as 1 | 2 | 3 | 4 | 5 | 6 | 7 | null,
  }),
);

builder.prismaObjectField('LotteryCampaign', 'perOccurrenceSpinCap', (t) =>
  t.exposeInt('perOccurrenceSpinCap', { nullable: true, description: 'Most spins, all fans together, on one open day; null: no cap.' }),
);

builder.prismaObjectField('LotteryCampaign', 'nextOccurrence', (t) =>
  t.field({
    type: 'Date',
    nullable: true,
    description: "The next day the wheel is open, today included (organization's calendar); null for a wheel open every day.",
    select: { recurWeekday: true, campaign: { select: { org: { select: { timeZone: true } } } } },
    resolve: (l) => (l.recurWeekday ? nextWeekday(dayIn(l.campaign.org.timeZone, new Date()), l.recurWeekday) : null),
  }),
);

builder.prismaObjectField('Prize', 'kind', (t) =>
  t.expose('kind', { type: PrizeKindEnum, description: 'Goods to ship, or points credited at once.' }),
);
builder.prismaObjectField('Prize', 'perOccurrence', (t) =>
  t.exposeInt('perOccurrence', { nullable: true, description: 'Most units given out on one occurrence (open day) of the wheel; null: stock alone.' }),
);
builder.prismaObjectField('Prize', 'points', (t) => t.exposeInt('points', { description: 'Points a POINTS prize credits (0 for goods).' }));
