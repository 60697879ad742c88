// Live-session mutations: the schedule and its status machine. The line-up, fan-facing actions and the
// subscriptions live in sibling modules, registered here because src/schema.ts imports this file.
import { orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { refusals } from '../core/error-types.js';
import { items, range, text } from '../core/input-rules.js';
import { MAX_REMINDER_TIMES, setSessionReminders } from './reminders.js';
import {
  cancelLiveSession,
  endLiveSession,
  goLive,
  LIVE_ROOM_PASSPHRASE_RULE,
  LIVE_ROOM_URL_RULE,
  PASSPHRASE_MAX,
  reportLiveStats,
  rescheduleLiveSession,
  scheduleLiveSession,
} from './sessions.js';
import { LiveSessionRef } from './types.js';

const ScheduleLiveSessionInput = builder.inputType('ScheduleLiveSessionInput', {
  description: 'A new live session on the schedule.',
  fields: (t) => ({
    title: t.string({ required: true, description: 'Title.', ...text(1, 120) }),
    host: t.string({ required: true, description: 'Who hosts it.', ...text(1, 60) }),
    theme: t.string({ required: false, description: 'Theme for the check-in calendar, e.g. "Snack Festival"; empty for none.', ...text(0, 60) }),
    scheduledAt: t.field({ type: 'DateTime', required: true, description: 'Planned start: in the future, within a year.' }),
    liveRoomUrl: t.string({ required: false, description: LIVE_ROOM_URL_RULE, ...text(0, 500) }),
    liveRoomPassphrase: t.string({ required: false, description: LIVE_ROOM_PASSPHRASE_RULE, ...text(0, PASSPHRASE_MAX) }),
  }),
});

const RescheduleLiveSessionInput = builder.inputType('RescheduleLiveSessionInput', {
  description: 'A new start (and optionally title, host, theme) for a session that has not started.',
  fields: (t) => ({
    sessionId: t.globalID({ for: LiveSessionRef, required: true, description: 'The session; it must be SCHEDULED.' }),
    scheduledAt: t.field({ type: 'DateTime', required: true, description: 'New planned start; planned item slots move by the same amount.' }),
    title: t.string({ required: false, description: 'New title.', ...text(1, 120) }),
    host: t.string({ required: false, description: 'New host.', ...text(1, 60) }),
    theme: t.string({ required: false, description: 'New theme; empty removes it.', ...text(0, 60) }),
    liveRoomUrl: t.string({ required: false, description: `New live-room link; empty removes it. ${LIVE_ROOM_URL_RULE}`, ...text(0, 500) }),
    liveRoomPassphrase: t.string({
      required: false,
      description: `New passphrase; empty removes it. ${LIVE_ROOM_PASSPHRASE_RULE}`,
      ...text(0, PASSPHRASE_MAX),
    }),
  }),
});

const ReportLiveStatsInput = builder.inputType('ReportLiveStatsInput', {
  description: "The live platform's latest numbers for a session that is LIVE (absolute values, not increments).",
  fields: (t) => ({
    sessionId: t.globalID({ for: LiveSessionRef, required: true, description: 'The session; it must be LIVE.' }),
    viewers: t.int({ required: true, description: 'Concurrent viewers now.', ...range(0, 100_000_000) }),
    likes: t.int({ required: true, description: 'Likes so far.', ...range(0, 2_000_000_000) }),
    orderCount: t.int({ required: true, description: 'Orders so far.', ...range(0, 100_000_000) }),
    gmvCents: t.int({ required: true, description: 'Gross merchandise value so far, in cents.', ...range(0, 2_000_000_000) }),
  }),
});

const ReminderTimeInput = builder.inputType('SessionReminderTimeInput', {
  description: 'One reminder time: give exactly one of localTime and minutesBefore.',
  fields: (t) => ({
    localTime: t.string({
      required: false,
      description: '"HH:MM" (24-hour) on the session day in the organization\'s time zone; a time at or after the start is never sent.',
      ...text(5, 5),
    }),
    minutesBefore: t.int({ required: false, description: 'Minutes before the planned start (moves with it).', ...range(1, 1_440) }),
  }),
});

const SetSessionRemindersInput = builder.inputType('SetSessionRemindersInput', {
  description: "A SCHEDULED session's reminder times, replacing the earlier ones (the default is 10:00, 15:00 and 30 minutes before).",
  fields: (t) => ({
    sessionId: t.globalID({ for: LiveSessionRef, required: true, description: 'The session; it must be SCHEDULED.' }),
    times: t.field({
      type: [ReminderTimeInput],
      required: true,
      description: `The reminder times (at most ${MAX_REMINDER_TIMES}); an empty list sends none. Times already sent are not sent again.`,
      ...items(0, MAX_REMINDER_TIMES),
    }),
  }),
});

const SessionWentLive = builder.objectRef<{ session: object; remindedCount: number }>('SessionWentLive').implement({
  description: 'A session that just started, and how many fans were reminded.',
  fields: (t) => ({
    session: t.field({ type: LiveSessionRef, description: 'The session, now LIVE.', resolve: (r) => r.session as never }),
    remindedCount: t.exposeInt('remindedCount', {
      description: 'Fans who reserved the session (and have not opted out) and got a SESSION_LIVE reminder.',
    }),
  }),
});

builder.mutationFields((t) => ({
  scheduleLiveSession: t.field({
    type: LiveSessionRef,
    errors: refusals(),
    description: 'Put a live session on the schedule (status SCHEDULED), optionally with the live-room link and/or passphrase fans jump with.',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: ScheduleLiveSessionInput, required: true, description: 'The session.' }) },
    resolve: (_root, { input }, ctx) =>
      scheduleLiveSession(ctx, orgOf(ctx.viewer), {
        ...input,
        theme: input.theme || null,
        liveRoomUrl: input.liveRoomUrl || null,
        liveRoomPassphrase: input.liveRoomPassphrase || null,
      }),
  }),
  rescheduleLiveSession: t.field({
    type: LiveSessionRef,
    errors: refusals('INVALID_STATE', 'NOT_FOUND'),
    description: 'Move a SCHEDULED session; its planned item slots move with it. INVALID_STATE once it is live, ended or cancelled.',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: RescheduleLiveSessionInput, required: true, description: 'The new plan.' }) },
    resolve: (_root, { input }, ctx) => {
      const { sessionId, scheduledAt, title, host, theme, liveRoomUrl, liveRoomPassphrase } = input;
      // An empty theme (link, passphrase) removes it; an omitted one stays.
      const clearable = (v: string | null | undefined) => (v == null ? undefined : v || null);
      return rescheduleLiveSession(ctx, orgOf(ctx.viewer), sessionId.id, {
        scheduledAt,
        title: title ?? undefined,
        host: host ?? undefined,
        theme: clearable(theme),
        liveRoomUrl: clearable(liveRoomUrl),
        liveRoomPassphrase: clearable(liveRoomPassphrase),
      });
    },
  }),
  setSessionReminders: t.field({
    type: LiveSessionRef,
    errors: refusals('INVALID_STATE', 'NOT_FOUND'),
    description:
      'Set when the fans who reserved a SCHEDULED session (or one of its items) are reminded: at each time a job emits one `reminder.due` webhook event per such fan who has not opted out, once across instances. INVALID_STATE once it is live, ended or cancelled.',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: SetSessionRemindersInput, required: true, description: 'The session and its reminder times.' }) },
    resolve: (_root, { input }, ctx) => setSessionReminders(ctx, orgOf(ctx.viewer), input.sessionId.id, input.times),
  }),
  cancelLiveSession: t.field({
    type: LiveSessionRef,
    errors: refusals('INVALID_STATE', 'NOT_FOUND'),
    description: 'Call off a SCHEDULED session (→ CANCELLED); its pending reminders are dropped.',
    authScopes: { operatorWrite: true },
    args: { sessionId: t.arg.globalID({ for: LiveSessionRef, required: true, description: 'The session to cancel.' }) },
    resolve: (_root, { sessionId }, ctx) => cancelLiveSession(ctx, orgOf(ctx.viewer), sessionId.id),
  }),
  goLive: t.field({
    type: SessionWentLive,
    errors: refusals('INVALID_STATE', 'NOT_FOUND'),
    description:
      'Start a SCHEDULED session (→ LIVE) and remind the fans who reserved it. Of two racing calls one succeeds, the other gets INVALID_STATE.',
    authScopes: { operatorWrite: true },
    args: { sessionId: t.arg.globalID({ for: LiveSessionRef, required: true, description: 'The session to start.' }) },
    resolve: (_root, { sessionId }, ctx) => goLive(ctx, orgOf(ctx.viewer), sessionId.id),
  }),
  endLiveSession: t.field({
    type: LiveSessionRef,
    errors: refusals('INVALID_STATE', 'NOT_FOUND'),
    description: 'End a LIVE session (→ ENDED).',
    authScopes: { operatorWrite: true },
    args: { sessionId: t.arg.globalID({ for: LiveSessionRef, required: true, description: 'The session to end.' }) },
    resolve: (_root, { sessionId }, ctx) => endLiveSession(ctx, orgOf(ctx.viewer), sessionId.id),
  }),
  reportLiveStats: t.field({
    type: LiveSessionRef,
    errors: refusals('INVALID_STATE', 'NOT_FOUND'),
    description: 'Record the live numbers of a LIVE session (operators, or the live platform with partner scope "live").',
    authScopes: { operatorWrite: true, partner: 'live' },
    args: { input: t.arg({ type: ReportLiveStatsInput, required: true, description: 'The numbers.' }) },
    resolve: (_root, { input: { sessionId, ...stats } }, ctx) => reportLiveStats(ctx, orgOf(ctx.viewer), sessionId.id, stats),
  }),
}));
