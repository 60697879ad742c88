// Check-in: the checkIn mutation and the month calendar query (check-ins plus the live schedule).
import { ownFanRow } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { LiveSessionRef } from '../live/types.js';
import type { Calendar, CalendarDay } from './calendar.js';

export const CheckInRef = builder.prismaObject('CheckIn', {
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

export const CalendarRef = builder.objectRef<Calendar>('CheckInCalendar').implement({
  description: "A month of a fan's check-ins next to the live schedule.",
  fields: (t) => ({
    month: t.exposeString('month', { description: 'The month, YYYY-MM.' }),
    timeZone: t.exposeString('timeZone', { description: "The organization's time zone the days are counted in." }),
    days: t.field({ type: [CalendarDayRef], description: 'Every day of the month, in order.', resolve: (c) => c.days }),
    checkedInDays: t.int({ description: 'Days checked in this month.', resolve: (c) => c.days.filter((d) => d.checkedIn).length }),
  }),
});
