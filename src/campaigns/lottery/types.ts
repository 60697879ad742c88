// Member-day lottery read types: a spin (what the fan got, and the seed it was rolled with).
import { ownFanRow } from '../../core/acting.js';
import { builder } from '../../core/builder.js';
import { orgIdOf } from '../../core/context.js';

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
