// Session reminders at the times the operator sets per session (default: 10:00 and 15:00 on the session
// day in the organization's time zone, and 30 minutes before the start). One job per session is pending
// at a time (job key `session-reminders:<id>`): it runs at the next reminder time, emits `reminder.due`
// to every fan who reserved the session or one of its items (opted-out fans get none), and plans the next
// one in the same transaction. Rescheduling replaces the job, cancelling or going live removes it, and
// `remindedThrough` makes a job that runs twice (a crashed instance) send nothing twice.
import type { Context } from '../core/context.js';
import type { Tx } from '../core/db.js';
import { DomainError, notFound } from '../core/errors.js';
import { enqueueJob, removeJob } from '../core/jobs/queue.js';
import { minutesOfDay, zonedDay, zonedInstant } from '../core/local-time.js';
import { emitOutboundMany } from '../core/outbound.js';
import type { LiveSession, Prisma } from '../generated/prisma/client.js';
import { orgTimeZone, requireStatus } from './common.js';

type Deps = Pick<Context, 'db'>;

/** A reminder time: a wall-clock time on the session day, or minutes before the start. */
export type ReminderTime = { localTime: string; minutesBefore?: null } | { minutesBefore: number; localTime?: null };

export const DEFAULT_REMINDER_TIMES: ReminderTime[] = [{ localTime: '10:00' }, { localTime: '15:00' }, { minutesBefore: 30 }];
export const MAX_REMINDER_TIMES = 6;

/** The job that sends a session's next reminder (registered in services.ts). */
export const SESSION_REMINDER_TASK = 'live.session-reminder';
export interface SessionReminderJob {
  orgId: string;
  sessionId: string;
  /** The reminder instant this job is for (ISO). */
  at: string;
}

const jobKey = (sessionId: string) => `session-reminders:${sessionId}`;

type Planned = Pick<LiveSession, 'id' | 'orgId' | 'scheduledAt' | 'reminderTimes'>;

export function reminderTimesOf(session: Pick<LiveSession, 'reminderTimes'>): ReminderTime[] {
  return (session.reminderTimes as ReminderTime[] | null) ?? DEFAULT_REMINDER_TIMES;
}

/** Each reminder time with its instant, in the order set; times at or after the start are never sent. */
export function reminderInstants(session: Pick<LiveSession, 'scheduledAt' | 'reminderTimes'>, timeZone: string) {
  const day = zonedDay(session.scheduledAt, timeZone);
  return reminderTimesOf(session).map((time) => ({
    time,
    at: time.localTime ? zonedInstant(day, time.localTime, timeZone) : new Date(session.scheduledAt.getTime() - time.minutesBefore! * 60_000),
  }));
}

type PlanState = Pick<LiveSession, 'scheduledAt' | 'remindedThrough' | 'remindersPlannedFrom' | 'remindedBeforePlan'>;

/**
 * Where one reminder instant stands. Times up to the instant the operator's plan starts from were settled
 * before it: sent if they were by then, otherwise past when planned and never sent (SKIPPED). Later
 * ones are sent by the job, in order (remindedThrough).
 */
export function reminderStatus(s: PlanState, at: Date): 'PLANNED' | 'SENT' | 'SKIPPED' {
  if (at >= s.scheduledAt) return 'SKIPPED';
  if (s.remindersPlannedFrom && at <= s.remindersPlannedFrom) return s.remindedBeforePlan && at <= s.remindedBeforePlan ? 'SENT' : 'SKIPPED';
  return s.remindedThrough && at <= s.remindedThrough ? 'SENT' : 'PLANNED';
}

/** Queues the job of the first reminder after `after` (replacing the pending one), or removes it when none is left. */
export async function planReminders(tx: Tx, session: Planned, after: Date): Promise<Date | null> {
  const timeZone = await orgTimeZone(tx, session.orgId);
  const next = reminderInstants(session, timeZone)
    .map((r) => r.at)
    .filter((at) => at > after && at < session.scheduledAt)
    .sort((a, b) => a.getTime() - b.getTime())[0];
  if (!next) {
    await removeJob(tx, jobKey(session.id));
    return null;
  }
  const job: SessionReminderJob = { orgId: session.orgId, sessionId: session.id, at: next.toISOString() };
  await enqueueJob(tx, SESSION_REMINDER_TASK, job, { runAt: next, jobKey: jobKey(session.id) });
  return next;
}

export function cancelReminders(tx: Tx, sessionId: string): Promise<void> {
  return removeJob(tx, jobKey(sessionId));
}

/** Refuses a list that is not one of localTime ("HH:MM") or minutesBefore per entry (VALIDATION on the entry). */
function checkTimes(times: { localTime?: string | null; minutesBefore?: number | null }[]): ReminderTime[] {
  return times.map((t, i) => {
    const field = `input.times.${i}`;
    if ((t.localTime == null) === (t.minutesBefore == null))
      throw new DomainError('VALIDATION', `${field}: give exactly one of localTime and minutesBefore`, field);
    if (t.localTime != null) {
      if (minutesOfDay(t.localTime) == null)
        throw new DomainError('VALIDATION', `${field}.localTime: must be a 24-hour time "HH:MM"`, `${field}.localTime`);
      return { localTime: t.localTime };
    }
    return { minutesBefore: t.minutesBefore! };
  });
}

/** Sets a SCHEDULED session's reminder times (an empty list: none) and re-plans its job; sent ones stay sent. */
export async function setSessionReminders(
  deps: Deps,
  orgId: string,
  sessionId: string,
  times: { localTime?: string | null; minutesBefore?: number | null }[],
  now = new Date(),
): Promise<LiveSession> {
  const checked = checkTimes(times);
  return deps.db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "LiveSession" WHERE "id" = ${sessionId} AND "orgId" = ${orgId} FOR UPDATE`;
    if (!rows.length) throw notFound('Live session', 'input.sessionId');
    const before = await tx.liveSession.findUniqueOrThrow({ where: { id: sessionId } });
    requireStatus(before, ['SCHEDULED'], 'set reminders');
    // Planned from now (or the last time sent, if later): a time already past now is never sent (SKIPPED).
    const sent = before.remindedThrough && before.remindedThrough > now ? before.remindedThrough : now;
    const session = await tx.liveSession.update({
      where: { id: sessionId },
      data: { reminderTimes: checked as Prisma.InputJsonArray, remindersPlannedFrom: sent, remindedBeforePlan: before.remindedThrough },
    });
    await planReminders(tx, session, sent);
    return session;
  });
}

/**
 * The job: sends the reminder due at `job.at` once, then plans the next. A session that is no longer
 * SCHEDULED, or whose plan no longer has this instant (changed while the job waited to run), sends nothing.
 */
export async function runSessionReminder(deps: Deps, job: SessionReminderJob): Promise<number> {
  return deps.db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<
      { id: string }[]
    >`SELECT "id" FROM "LiveSession" WHERE "id" = ${job.sessionId} AND "orgId" = ${job.orgId} FOR UPDATE`;
    if (!rows.length) return 0;
    const session = await tx.liveSession.findUniqueOrThrow({ where: { id: job.sessionId } });
    const at = new Date(job.at);
    if (session.status !== 'SCHEDULED' || (session.remindedThrough && session.remindedThrough >= at)) return 0;
    const timeZone = await orgTimeZone(tx, job.orgId);
    if (!reminderInstants(session, timeZone).some((r) => r.at.getTime() === at.getTime()) || at >= session.scheduledAt) return 0;
    const fans = await tx.fan.findMany({
      where: { orgId: job.orgId, optedOut: false, reservations: { some: { sessionId: session.id } } },
      select: { id: true, externalId: true, displayName: true },
      orderBy: { id: 'asc' },
    });
    // Per fan, with what a chat bridge needs to reach them (the live-platform id) and to say what is coming.
    const events = await emitOutboundMany(
      tx,
      job.orgId,
      'reminder.due',
      fans.map((f) => ({
        fanId: f.id,
        fanExternalId: f.externalId,
        fanDisplayName: f.displayName,
        sessionId: session.id,
        title: session.title,
        host: session.host,
        scheduledAt: session.scheduledAt.toISOString(),
        reason: 'SCHEDULED_REMINDER',
        at: job.at,
      })),
    );
    await tx.liveSession.update({ where: { id: session.id }, data: { remindedThrough: at } });
    await planReminders(tx, session, at);
    return events.length;
  });
}
