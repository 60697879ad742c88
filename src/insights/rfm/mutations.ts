import { orgOf } from '../../core/acting.js';
import { builder } from '../../core/builder.js';
import { ScoreRefreshRef } from './queries.js';
import { refreshFanScores } from './service.js';

builder.mutationFields((t) => ({
  refreshFanScores: t.field({
    type: ScoreRefreshRef,
    errors: {},
    description:
      'Recompute every fan\'s RFM scores, segment and frequency drop now (quintiles among buyers; README "Insight"). `npm run cli -- refresh-rfm <slug>` does the same from a scheduler.',
    authScopes: { operatorAdmin: true },
    resolve: (_root, _args, ctx) => refreshFanScores(ctx.db, orgOf(ctx.viewer)),
  }),
}));
