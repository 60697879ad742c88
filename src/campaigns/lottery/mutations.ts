// Member-day lottery: a fan (or an operator for them) spins the wheel.
import { actingFanId, orgOf } from '../../core/acting.js';
import { builder } from '../../core/builder.js';
import { refusals } from '../../core/error-types.js';
import { FanRef } from '../../fans/types.js';
import { CampaignRef } from '../types.js';
import { spinLottery } from './service.js';
import { LotterySpinRef } from './types.js';

const SpinLotteryInput = builder.inputType('SpinLotteryInput', {
  description: 'Spin a member-day prize wheel.',
  fields: (t) => ({
    campaignId: t.globalID({ for: CampaignRef, required: true, description: 'The LOTTERY campaign (a Campaign id).' }),
    fanId: t.globalID({ for: FanRef, required: false, description: 'The fan spinning; omit when the fan calls for themself.' }),
  }),
});

builder.mutationFields((t) => ({
  spinLottery: t.field({
    type: LotterySpinRef,
    errors: refusals('CAMPAIGN_NOT_RUNNING', 'CAP_REACHED', 'FORBIDDEN', 'INVALID_STATE', 'NOT_FOUND', 'OUT_OF_STOCK'),
    description:
      "Spin a running LOTTERY campaign's wheel: per-fan daily (organization's time zone) and total caps, weighted odds, never oversells a prize.",
    authScopes: { fan: true, operatorWrite: true },
    args: { input: t.arg({ type: SpinLotteryInput, required: true, description: 'The spin.' }) },
    resolve: (_root, { input }, ctx) =>
      spinLottery(ctx, orgOf(ctx.viewer), { campaignId: input.campaignId.id, fanId: actingFanId(ctx.viewer, input.fanId?.id) }),
  }),
}));
