// Like-campaign read types added by this module: a batch's answer, contributions, and the audit
// fields of a draw (its snapshot and a re-run of the draw from the recorded seed).
import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../../core/builder.js';
import type { LikeBatchResult } from './likes.js';
import { byCodeUnits } from './prng.js';
import { type DrawEntry, drawWinners } from './winners.js';

export const LikeBatchRef = builder.objectRef<LikeBatchResult>('LikeBatch').implement({
  description: 'The campaign after a batch of likes was counted.',
  fields: (t) => ({
    totalLikes: t.exposeInt('totalLikes', { description: 'Likes counted in the campaign so far, this batch included.' }),
    milestonesReached: t.exposeInt('milestonesReached', { description: 'Milestones reached so far.' }),
    newlyReached: t.exposeIntList('newlyReached', {
      description: 'Milestones this batch crossed (usually empty); each is reported to exactly one batch.',
    }),
    fanLikes: t.exposeInt('fanLikes', { description: "The fan's own likes in this campaign so far." }),
    replayed: t.boolean({
      description: 'True when this batch key was already counted: the answer is the first one, and nothing was counted now.',
      resolve: (b) => b.replayed ?? false,
    }),
  }),
});

builder.prismaObject('LikeContribution', {
  description: "One fan's likes in a like campaign.",
  select: { campaignId: true, fanId: true },
  fields: (t) => ({
    fan: t.relation('fan', { description: 'The fan.' }),
    likes: t.exposeInt('likes', { description: 'Likes the fan sent in this campaign.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the fan last sent likes.' }),
  }),
});

builder.prismaObjectField('LikeCampaign', 'topContributors', (t) =>
  t.relation('contributions', {
    description: 'Fans who sent the most likes, most first.',
    args: { first: t.arg.int({ required: false, defaultValue: 10, description: 'How many, 1 to 100 (default 10).' }) },
    query: (args) => ({ take: Math.min(Math.max(args.first ?? 10, 1), 100), orderBy: [{ likes: 'desc' }, { fanId: 'asc' }] }),
  }),
);

interface Participant {
  fanId: string;
  winsBefore: number;
}

const LikeDrawParticipantRef = builder.objectRef<Participant>('LikeDrawParticipant').implement({
  description: 'One entry of the participant snapshot a like draw was made from.',
  fields: (t) => ({
    fanId: t.id({ description: "The fan's global id.", resolve: (p) => encodeGlobalID('Fan', p.fanId) }),
    winsBefore: t.exposeInt('winsBefore', {
      description: 'Rounds of this campaign the fan had won before this draw; at the cap they were not eligible.',
    }),
  }),
});

const entriesOf = (json: unknown) => (Array.isArray(json) ? (json as DrawEntry[]) : []);

builder.prismaObjectFields('LikeDraw', (t) => ({
  winnersPerMilestone: t.exposeInt('winnersPerMilestone', { description: 'Winners the round was set to draw.' }),
  perFanWinCap: t.exposeInt('perFanWinCap', { description: 'The per-fan win cap in force at the draw.' }),
  participants: t.field({
    type: [LikeDrawParticipantRef],
    description: 'The recorded snapshot: every fan who had liked, sorted by internal fan id, with their wins before the draw.',
    select: { participants: true },
    resolve: (d) => entriesOf(d.participants).map(([fanId, winsBefore]) => ({ fanId, winsBefore })),
  }),
  reproducedWinners: t.idList({
    description:
      'Winners recomputed now from the recorded seed, snapshot and rules (global fan ids, in draw order). Equal to `winners` for an untampered draw.',
    select: { seed: true, participants: true, winnersPerMilestone: true, perFanWinCap: true },
    resolve: (d) => reproduce(d).map((id) => encodeGlobalID('Fan', id)),
  }),
  verified: t.boolean({
    description: 'True when re-running the draw from its recorded seed and snapshot gives exactly the recorded winners.',
    select: { seed: true, participants: true, winnersPerMilestone: true, perFanWinCap: true, winners: { select: { fanId: true } } },
    resolve: (d) => {
      const again = reproduce(d).sort(byCodeUnits);
      const recorded = d.winners.map((w) => w.fanId).sort(byCodeUnits);
      return again.length === recorded.length && again.every((id, i) => id === recorded[i]);
    },
  }),
}));

function reproduce(d: { seed: string; participants: unknown; winnersPerMilestone: number; perFanWinCap: number }) {
  return drawWinners(d.seed, entriesOf(d.participants), { winners: d.winnersPerMilestone, perFanWinCap: d.perFanWinCap });
}

builder.prismaObjectField('LikeCampaign', 'membersOnly', (t) =>
  t.exposeBoolean('membersOnly', { description: "Only current members of the campaign's group may like (others are refused with FORBIDDEN)." }),
);

builder.prismaObjectField('LikeCampaign', 'prizeName', (t) =>
  t.exposeString('prizeName', { nullable: true, description: 'What each draw winner is owed (one fulfilment per winner); null: nothing to ship.' }),
);
