// campaignResults and liveSessionResults: what a campaign or a session brought, for the console.

import { CampaignKindEnum, CampaignRef } from '../../campaigns/types.js';
import { builder } from '../../core/builder.js';
import { orgIdOf } from '../../core/context.js';
import type { Campaign } from '../../generated/prisma/client.js';
import { LiveSessionRef } from '../../live/types.js';
import { checkInResults, couponResults, fissionResults, likeResults, sessionFunnel } from './service.js';
import { CheckInResultsRef, CouponResultsRef, FissionResultsRef, LikeResultsRef, SessionResultsRef } from './types.js';

const CampaignResultsRef = builder.objectRef<Campaign & { validUntil: Date | null }>('CampaignResults').implement({
  description: "A campaign's results; the field matching its kind is set, the others are null (a LOTTERY has none yet).",
  fields: (t) => ({
    kind: t.expose('kind', { type: CampaignKindEnum, description: 'The campaign kind.' }),
    like: t.field({
      type: LikeResultsRef,
      nullable: true,
      description: 'For a LIKE campaign.',
      resolve: (c, _a, ctx) => (c.kind === 'LIKE' ? likeResults(ctx.db, c) : null),
    }),
    fission: t.field({
      type: FissionResultsRef,
      nullable: true,
      description: 'For a FISSION campaign.',
      resolve: (c, _a, ctx) => (c.kind === 'FISSION' ? fissionResults(ctx.db, c.id) : null),
    }),
    checkIn: t.field({
      type: CheckInResultsRef,
      nullable: true,
      description: 'For a CHECK_IN campaign.',
      resolve: (c, _a, ctx) => (c.kind === 'CHECK_IN' ? checkInResults(ctx.db, c.id) : null),
    }),
    coupon: t.field({
      type: CouponResultsRef,
      nullable: true,
      description: 'For a COUPON campaign.',
      resolve: (c, _a, ctx) => (c.kind === 'COUPON' ? couponResults(ctx.db, c.id, c.validUntil) : null),
    }),
  }),
});

builder.queryFields((t) => ({
  campaignResults: t.field({
    type: CampaignResultsRef,
    nullable: true,
    description: 'What a campaign brought (computed now, from its rows and the paid orders); null for a campaign not in your organization.',
    authScopes: { operator: true, partner: 'read' },
    args: { campaignId: t.arg.globalID({ for: CampaignRef, required: true, description: 'The campaign.' }) },
    resolve: async (_root, { campaignId }, ctx) => {
      const c = await ctx.db.campaign.findFirst({
        where: { id: campaignId.id, orgId: orgIdOf(ctx.viewer) },
        include: { coupon: { select: { validUntil: true } } },
      });
      return c ? { ...c, validUntil: c.coupon?.validUntil ?? null } : null;
    },
  }),
  liveSessionResults: t.field({
    type: SessionResultsRef,
    nullable: true,
    description: "A live session's funnel and its private-domain GMV beside the platform's total; null for a session not in your organization.",
    authScopes: { operator: true, partner: 'read' },
    args: { sessionId: t.arg.globalID({ for: LiveSessionRef, required: true, description: 'The session.' }) },
    resolve: async (_root, { sessionId }, ctx) => {
      const s = await ctx.db.liveSession.findFirst({
        where: { id: sessionId.id, orgId: orgIdOf(ctx.viewer) },
        select: { id: true, startedAt: true, platformOrderCount: true, platformGmvCents: true },
      });
      return s ? { ...(await sessionFunnel(ctx.db, s)), platformOrderCount: s.platformOrderCount, platformGmvCents: s.platformGmvCents } : null;
    },
  }),
}));
