import { actingFanId, orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { refusals } from '../core/error-types.js';
import { parseMonth } from '../core/scalars.js';
import { FanRef } from '../fans/types.js';
import { checkInCalendar } from './calendar.js';
import { CalendarRef } from './types.js';

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
