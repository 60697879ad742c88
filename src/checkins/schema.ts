// Check-in: the checkIn mutation and the month calendar query (check-ins plus the live schedule).
import { actingFanId, orgOf, ownFanRow } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { refusals } from '../core/error-types.js';
import { parseMonth } from '../core/scalars.js';
import { FanRef } from '../fans/schema.js';
import { LiveSessionRef } from '../live/schema.js';
import { type Calendar, type CalendarDay, checkInCalendar } from './calendar.js';
import { checkIn } from './service.js';

const CheckInRef = builder.prismaObject('CheckIn', {
  description: "One day's check-in of a fan. A fan sees only their own.",
  authScopes: ownFanRow,
  fields: (t) => ({
    day: t.expose('day', { type: 'Date', description: "The day, in the organization's time zone." }),
    streak: t.exposeInt('streak', { description: 'Consecutive days checked in, this one included.' }),
    points: t.exposeInt('points', { description: 'Points credited: the per-check-in points plus any streak bonus reached today.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the fan checked in.' }),
    fan: t.relation('fan', { description: 'Who checked in.' }),
  }),
});

const CalendarDayRef = builder.objectRef<CalendarDay>('CheckInCalendarDay').implement({
  description: 'One day of the check-in calendar.',
  fields: (t) => ({
    date: t.field({ type: 'Date', description: "The day, in the organization's time zone.", resolve: (d) => d.date }),
    checkedIn: t.exposeBoolean('checkedIn', { description: 'The fan checked in that day.' }),
    points: t.exposeInt('points', { description: 'Points the check-in earned (0 without one).' }),
    streak: t.exposeInt('streak', { nullable: true, description: 'Streak length reached that day; null without a check-in.' }),
    liveSessions: t.field({
      type: [LiveSessionRef],
      description: 'Live sessions scheduled that day (cancelled ones left out), with their themes, in time order.',
      resolve: (d) => d.liveSessions,
    }),
  }),
});

const CalendarRef = builder.objectRef<Calendar>('CheckInCalendar').implement({
  description: "A month of a fan's check-ins next to the live schedule.",
  fields: (t) => ({
    month: t.exposeString('month', { description: 'The month, YYYY-MM.' }),
    timeZone: t.exposeString('timeZone', { description: "The organization's time zone the days are counted in." }),
    days: t.field({ type: [CalendarDayRef], description: 'Every day of the month, in order.', resolve: (c) => c.days }),
    checkedInDays: t.int({ description: 'Days checked in this month.', resolve: (c) => c.days.filter((d) => d.checkedIn).length }),
  }),
});

builder.mutationFields((t) => ({
  checkIn: t.field({
    type: CheckInRef,
    errors: refusals('ALREADY_CHECKED_IN', 'CAMPAIGN_NOT_RUNNING', 'FORBIDDEN', 'NOT_FOUND'),
    description:
      "Check in for today (the organization's day). Earns the running CHECK_IN campaign's points, plus a bonus when the streak reaches a length in " +
      'its streakBonuses. Refused with ALREADY_CHECKED_IN the second time in a day and CAMPAIGN_NOT_RUNNING without a running campaign.',
    authScopes: { fan: true, operatorWrite: true },
    args: { fanId: t.arg.globalID({ for: FanRef, required: false, description: 'The fan; omit when the fan calls for themself.' }) },
    resolve: (_root, args, ctx) => checkIn(ctx, orgOf(ctx.viewer), actingFanId(ctx.viewer, args.fanId?.id, 'fanId')),
  }),
}));

builder.queryFields((t) => ({
  checkInCalendar: t.field({
    type: CalendarRef,
    errors: {
      ...refusals('FORBIDDEN', 'NOT_FOUND'),
      union: { name: 'CheckInCalendarResult', description: 'What `checkInCalendar` answers: the calendar, or an error saying why not.' },
      result: { name: 'CheckInCalendarSuccess', description: '`checkInCalendar` succeeded.' },
      dataField: { description: 'The calendar.' },
    },
    description: 'A month of check-ins and live sessions. A fan sees their own; operators name the fan.',
    authScopes: { fan: true, operator: true },
    args: {
      month: t.arg.string({ required: true, description: 'The month, YYYY-MM, e.g. "2026-11".' }),
      fanId: t.arg.globalID({ for: FanRef, required: false, description: 'The fan; omit when the fan asks for themself.' }),
    },
    resolve: (_root, args, ctx) => {
      return checkInCalendar(ctx, orgOf(ctx.viewer), actingFanId(ctx.viewer, args.fanId?.id, 'fanId'), parseMonth(args.month, 'month'));
    },
  }),
}));
