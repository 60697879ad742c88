// recordActivityBatch: partners and group bots push counted activity; all rows are validated before
// anything is written, and a bad row is named by its index (input.events.3.count).
import { z } from 'zod';
import { orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { parseInput } from '../core/validation.js';
import { refusals } from '../core/error-types.js';
import { FanRef } from '../fans/schema.js';
import type { Prisma } from '../generated/prisma/client.js';
import { INTIMACY, recordActivityBatch, REPORTABLE_KINDS } from './ingest.js';
import { ActivityKindEnum, CommunityRef } from './schema.js';

const MAX_EVENTS = 500;
const FUTURE_SKEW_MS = 5 * 60_000;
const MAX_AGE_MS = 30 * 86_400_000;

const ReportedActivityInput = builder.inputType('ReportedActivityInput', {
  description: 'One counted activity in a group, reported by a partner system or group bot.',
  fields: (t) => ({
    communityId: t.globalID({ for: CommunityRef, required: true, description: 'The group it happened in.' }),
    fanId: t.globalID({ for: FanRef, required: false, description: 'Who did it, by global id (or give fanExternalId, not both; neither for group-wide counts).' }),
    fanExternalId: t.string({ required: false, description: "Who did it, by the live platform's user id." }),
    kind: t.field({
      type: ActivityKindEnum,
      required: true,
      description: `One of ${REPORTABLE_KINDS.join(', ')}; the other kinds are recorded by this API's own mutations.`,
    }),
    count: t.int({ required: false, defaultValue: 1, description: 'How many (messages, likes…), 1–10,000. Default 1.' }),
    occurredAt: t.field({ type: 'DateTime', required: false, description: 'When it happened (within the last 30 days); default now.' }),
    payload: t.field({ type: 'JSON', required: false, description: 'Small details (at most 2,000 characters of JSON), e.g. {"complaintId": "c-19"}.' }),
  }),
});

const RecordActivityBatchInput = builder.inputType('RecordActivityBatchInput', {
  description:
    `A batch of up to ${MAX_EVENTS} activities. Intimacy per fan: +${INTIMACY.MESSAGE_POSTED} per message (at most +${INTIMACY.MESSAGE_CAP} per batch), ` +
    `+${INTIMACY.BUYER_SHOW_POSTED} per buyer show, +${INTIMACY.KOC_ACTION} per KOC action, +${INTIMACY.LIKE_BURST} per like burst; complaints add none. ` +
    'Last-active moves to the latest occurredAt.',
  fields: (t) => ({
    events: t.field({ type: [ReportedActivityInput], required: true, description: 'The activities; one bad row refuses the whole batch.' }),
    batchKey: t.string({
      required: false,
      description:
        'Your id for this batch (1–100 characters, unique per organization). Send it so a retry after a timeout is safe: the same key with the same events replays the first receipt and changes nothing; the same key with different events is refused (CONFLICT).',
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

function eventSchema(now: number) {
  return z
    .object({
      communityId: z.string(),
      fanId: z.string().nullish(),
      fanExternalId: z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters').nullish(),
      kind: z.enum(REPORTABLE_KINDS, { error: `must be one of ${REPORTABLE_KINDS.join(', ')}` }),
      count: z.number().int().min(1, 'must be at least 1').max(10_000, 'must be at most 10,000'),
      occurredAt: z
        .date()
        .refine((d) => d.getTime() <= now + FUTURE_SKEW_MS, 'must not be in the future')
        .refine((d) => d.getTime() >= now - MAX_AGE_MS, 'must be within the last 30 days')
        .nullish(),
      payload: z
        .unknown()
        .refine((p) => p == null || JSON.stringify(p).length <= 2_000, 'must be at most 2,000 characters of JSON')
        .nullish(),
    })
    .superRefine((e, ctx) => {
      if (e.fanId && e.fanExternalId) ctx.addIssue({ code: 'custom', path: ['fanExternalId'], message: 'give fanId or fanExternalId, not both' });
    });
}

builder.mutationFields((t) => ({
  recordActivityBatch: t.field({
    type: Receipt,
    errors: refusals('CONFLICT', 'NOT_FOUND'),
    description: 'Partners (scope "events") and operators push group activity in batches; feed, intimacy and last-active update together.',
    authScopes: { partner: 'events', operatorWrite: true },
    args: { input: t.arg({ type: RecordActivityBatchInput, required: true, description: 'The batch.' }) },
    resolve: (_root, { input }, ctx) => {
      const now = new Date();
      const v = parseInput(
        z.object({
          events: z.array(eventSchema(now.getTime())).min(1, 'must hold at least one event').max(MAX_EVENTS, `must hold at most ${MAX_EVENTS} events`),
          batchKey: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters').nullish(),
        }),
        { events: input.events.map((e) => ({ ...e, communityId: e.communityId.id, fanId: e.fanId?.id })), batchKey: input.batchKey },
      );
      return recordActivityBatch(ctx, orgOf(ctx.viewer), v.events.map((e) => ({ ...e, payload: e.payload as Prisma.InputJsonValue | null })), now, v.batchKey);
    },
  }),
}));
