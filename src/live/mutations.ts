// Live-session mutations: the schedule and its status machine. The line-up, fan-facing actions and the
// subscriptions live in sibling modules, registered here because src/schema.ts imports this file.
import { z } from 'zod';
import { orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { parseInput } from '../core/validation.js';
import { LiveSessionRef } from './schema.js';
import { cancelLiveSession, endLiveSession, goLive, reportLiveStats, rescheduleLiveSession, scheduleLiveSession } from './sessions.js';
import './lineup-mutations.js';
import './fan-mutations.js';
import './subscriptions.js';

const YEAR_MS = 366 * 86_400_000;
const scheduledAt = z.date().refine((d) => d.getTime() > Date.now(), 'must be in the future').refine((d) => d.getTime() < Date.now() + YEAR_MS, 'must be within a year');
const SessionFields = {
  title: z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters'),
  host: z.string().trim().min(1, 'must not be empty').max(60, 'must be at most 60 characters'),
  theme: z.string().trim().max(60, 'must be at most 60 characters').nullish().transform((s) => s || null),
  scheduledAt,
};

const ScheduleLiveSessionInput = builder.inputType('ScheduleLiveSessionInput', {
  description: 'A new live session on the schedule.',
  fields: (t) => ({
    title: t.string({ required: true, description: 'Title, 1–120 characters.' }),
    host: t.string({ required: true, description: 'Who hosts it, 1–60 characters.' }),
    theme: t.string({ required: false, description: 'Theme for the check-in calendar, e.g. "Snack Festival" (up to 60 characters).' }),
    scheduledAt: t.field({ type: 'DateTime', required: true, description: 'Planned start: in the future, within a year.' }),
  }),
});

const RescheduleLiveSessionInput = builder.inputType('RescheduleLiveSessionInput', {
  description: 'A new start (and optionally title, host, theme) for a session that has not started.',
  fields: (t) => ({
    sessionId: t.globalID({ for: LiveSessionRef, required: true, description: 'The session; it must be SCHEDULED.' }),
    scheduledAt: t.field({ type: 'DateTime', required: true, description: 'New planned start; planned item slots move by the same amount.' }),
    title: t.string({ required: false, description: 'New title.' }),
    host: t.string({ required: false, description: 'New host.' }),
    theme: t.string({ required: false, description: 'New theme.' }),
  }),
});

const ReportLiveStatsInput = builder.inputType('ReportLiveStatsInput', {
  description: "The live platform's latest numbers for a session that is LIVE (absolute values, not increments).",
  fields: (t) => ({
    sessionId: t.globalID({ for: LiveSessionRef, required: true, description: 'The session; it must be LIVE.' }),
    viewers: t.int({ required: true, description: 'Concurrent viewers now (0–100,000,000).' }),
    likes: t.int({ required: true, description: 'Likes so far (0–2,000,000,000).' }),
    orderCount: t.int({ required: true, description: 'Orders so far (0–100,000,000).' }),
    gmvCents: t.int({ required: true, description: 'Gross merchandise value so far, in cents (0–2,000,000,000).' }),
  }),
});

const SessionWentLive = builder.objectRef<{ session: object; remindedCount: number }>('SessionWentLive').implement({
  description: 'A session that just started, and how many fans were reminded.',
  fields: (t) => ({
    session: t.field({ type: LiveSessionRef, description: 'The session, now LIVE.', resolve: (r) => r.session as never }),
    remindedCount: t.exposeInt('remindedCount', { description: 'Fans who reserved the session (and have not opted out) and got a SESSION_LIVE reminder.' }),
  }),
});

builder.mutationFields((t) => ({
  scheduleLiveSession: t.field({
    type: LiveSessionRef,
    errors: {},
    description: 'Put a live session on the schedule (status SCHEDULED).',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: ScheduleLiveSessionInput, required: true, description: 'The session.' }) },
    resolve: (_root, { input }, ctx) => scheduleLiveSession(ctx, orgOf(ctx.viewer), parseInput(z.object(SessionFields), input)),
  }),
  rescheduleLiveSession: t.field({
    type: LiveSessionRef,
    errors: {},
    description: 'Move a SCHEDULED session; its planned item slots move with it. INVALID_STATE once it is live, ended or cancelled.',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: RescheduleLiveSessionInput, required: true, description: 'The new plan.' }) },
    resolve: (_root, { input }, ctx) => {
      const { sessionId, ...rest } = input;
      const v = parseInput(z.object(SessionFields).partial().required({ scheduledAt: true }), Object.fromEntries(Object.entries(rest).filter(([, x]) => x != null)));
      return rescheduleLiveSession(ctx, orgOf(ctx.viewer), sessionId.id, v);
    },
  }),
  cancelLiveSession: t.field({
    type: LiveSessionRef,
    errors: {},
    description: 'Call off a SCHEDULED session (→ CANCELLED).',
    authScopes: { operatorWrite: true },
    args: { sessionId: t.arg.globalID({ for: LiveSessionRef, required: true, description: 'The session to cancel.' }) },
    resolve: (_root, { sessionId }, ctx) => cancelLiveSession(ctx, orgOf(ctx.viewer), sessionId.id),
  }),
  goLive: t.field({
    type: SessionWentLive,
    errors: {},
    description: 'Start a SCHEDULED session (→ LIVE) and remind the fans who reserved it. Of two racing calls one succeeds, the other gets INVALID_STATE.',
    authScopes: { operatorWrite: true },
    args: { sessionId: t.arg.globalID({ for: LiveSessionRef, required: true, description: 'The session to start.' }) },
    resolve: (_root, { sessionId }, ctx) => goLive(ctx, orgOf(ctx.viewer), sessionId.id),
  }),
  endLiveSession: t.field({
    type: LiveSessionRef,
    errors: {},
    description: 'End a LIVE session (→ ENDED).',
    authScopes: { operatorWrite: true },
    args: { sessionId: t.arg.globalID({ for: LiveSessionRef, required: true, description: 'The session to end.' }) },
    resolve: (_root, { sessionId }, ctx) => endLiveSession(ctx, orgOf(ctx.viewer), sessionId.id),
  }),
  reportLiveStats: t.field({
    type: LiveSessionRef,
    errors: {},
    description: 'Record the live numbers of a LIVE session (operators, or the live platform with partner scope "live").',
    authScopes: { operatorWrite: true, partner: 'live' },
    args: { input: t.arg({ type: ReportLiveStatsInput, required: true, description: 'The numbers.' }) },
    resolve: (_root, { input }, ctx) => {
      const count = (max: number) => z.number().int().min(0, 'must not be negative').max(max, `must be at most ${max.toLocaleString('en')}`);
      const v = parseInput(z.object({ viewers: count(100_000_000), likes: count(2_000_000_000), orderCount: count(100_000_000), gmvCents: count(2_000_000_000) }), input);
      return reportLiveStats(ctx, orgOf(ctx.viewer), input.sessionId.id, v);
    },
  }),
}));
