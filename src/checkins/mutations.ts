import { actingFanId, orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { refusals } from '../core/error-types.js';
import { FanRef } from '../fans/types.js';
import { checkIn } from './service.js';
import { CheckInRef } from './types.js';

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
