// recordActivityBatch: partners and group bots push counted activity; all rows are validated before
// anything is written, and a bad row is named by its index (input.events.3.count).
import { orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { refusals } from '../core/error-types.js';
import { items, json, range, text } from '../core/input-rules.js';
import { DAILY_INTIMACY } from '../fans/intimacy.js';
import { FanRef } from '../fans/types.js';
import type { Prisma } from '../generated/prisma/client.js';
import { INTIMACY, MAX_EVENT_AGE_DAYS, REPORTABLE_KINDS, recordActivityBatch } from './activity.js';
import { ActivityKindEnum, CommunityRef } from './types.js';

const MAX_EVENTS = 500;

const ReportedActivityInput = builder.inputType('ReportedActivityInput', {
  description: 'One counted activity in a group, reported by a partner system or group bot.',
  fields: (t) => ({
    communityId: t.globalID({ for: CommunityRef, required: true, description: 'The group it happened in.' }),
    fanId: t.globalID({
      for: FanRef,
      required: false,
      description: 'Who did it, by global id (or give fanExternalId, not both; neither for group-wide counts).',
    }),
    fanExternalId: t.string({ required: false, description: "Who did it, by the live platform's user id.", ...text(1, 64) }),
    kind: t.field({
      type: ActivityKindEnum,
      required: true,
      description: `One of ${REPORTABLE_KINDS.join(', ')}; the other kinds are recorded by this API's own mutations.`,
    }),
    count: t.int({ required: false, defaultValue: 1, description: 'How many (messages, likes…). Default 1.', ...range(1, 10_000) }),
    occurredAt: t.field({
      type: 'DateTime',
      required: false,
      description: `When it happened (within the last ${MAX_EVENT_AGE_DAYS} days); default now.`,
    }),
    payload: t.field({ type: 'JSON', required: false, description: 'Small details, e.g. {"complaintId": "c-19"}.', ...json(2_000) }),
  }),
});

const RecordActivityBatchInput = builder.inputType('RecordActivityBatchInput', {
  description:
    `A batch of activities. Intimacy per fan: +1 per message (at most +${DAILY_INTIMACY.MESSAGE_POINTS_CAP} per fan per day of the organization, however the day's messages are batched), ` +
    `+${INTIMACY.BUYER_SHOW_POSTED} per buyer show, +${INTIMACY.KOC_ACTION} per KOC action, +${INTIMACY.LIKE_BURST} per like burst; complaints add none. ` +
    'Last-active moves to the latest occurredAt.',
  fields: (t) => ({
    events: t.field({
      type: [ReportedActivityInput],
      required: true,
      description: 'The activities; one bad row refuses the whole batch.',
      ...items(1, MAX_EVENTS),
    }),
    batchKey: t.string({
      required: false,
      ...text(1, 100),
      description:
        'Your id for this batch, unique per organization. Send it so a retry after a timeout is safe: the same key with the same events replays the first receipt and changes nothing; the same key with different events is refused (CONFLICT).',
    }),
  }),
});

const Receipt = builder.simpleObject('ActivityBatchReceipt', {
  description: 'What a batch of reported activity did.',
  fields: (t) => ({
    accepted: t.int({ description: 'Activities written to the feed (all of the batch).' }),
    fansUpdated: t.int({ description: 'Distinct fans whose intimacy and last-active time were updated.' }),
    replayed: t.boolean({ description: 'True when this batch key was already recorded: this receipt is the first one, and nothing changed now.' }),
  }),
});

builder.mutationFields((t) => ({
  recordActivityBatch: t.field({
    type: Receipt,
    errors: refusals('CONFLICT', 'NOT_FOUND'),
    description: 'Partners (scope "events") and operators push group activity in batches; feed, intimacy and last-active update together.',
    authScopes: { partner: 'events', operatorWrite: true },
    args: { input: t.arg({ type: RecordActivityBatchInput, required: true, description: 'The batch.' }) },
    resolve: (_root, { input }, ctx) => {
      const events = input.events.map((e) => ({
        ...e,
        communityId: e.communityId.id,
        fanId: e.fanId?.id,
        count: e.count ?? 1,
        payload: e.payload as Prisma.InputJsonValue | null,
      }));
      return recordActivityBatch(ctx, orgOf(ctx.viewer), events, new Date(), input.batchKey);
    },
  }),
}));
