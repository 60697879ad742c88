// What a valid new campaign looks like: common fields, one settings block matching the kind, and the
// cross-field rules (milestoneEvery ≤ targetLikes, endsAt > startsAt, daily cap ≤ total cap …).
import { z } from 'zod';
import type { CampaignKind } from '../../generated/prisma/enums.js';

const int = (min: number, max: number) =>
  z.number().int('must be a whole number').min(min, `must be at least ${min.toLocaleString('en')}`).max(max, `must be at most ${max.toLocaleString('en')}`);
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

const like = z
  .object({ targetLikes: int(1, 100_000_000), milestoneEvery: int(1, 100_000_000), winnersPerMilestone: int(1, 1_000).nullish(), perFanWinCap: int(1, 1_000).nullish() })
  .superRefine((v, ctx) => {
    if (v.milestoneEvery > v.targetLikes) ctx.addIssue({ code: 'custom', path: ['milestoneEvery'], message: 'must not exceed targetLikes' });
  });

const fission = z.object({ targetInvites: int(1, 1_000), prizeName: text(80), burstLimit: int(1, 100_000).nullish(), burstWindowSecs: int(1, 86_400).nullish() });

const checkIn = z.object({
  pointsPerCheckIn: int(0, 10_000),
  streakBonuses: z
    .array(z.object({ days: int(2, 366), points: int(1, 100_000) }))
    .max(20, 'must have at most 20 entries')
    .nullish()
    .superRefine((list, ctx) => {
      const seen = new Set<number>();
      list?.forEach((b, i) => {
        if (seen.has(b.days)) ctx.addIssue({ code: 'custom', path: [i, 'days'], message: `streak length ${b.days} is listed twice` });
        seen.add(b.days);
      });
    }),
});

const lottery = z
  .object({
    perFanDailyCap: int(1, 100),
    perFanTotalCap: int(1, 1_000),
    prizes: z.array(z.object({ name: text(80), weight: int(1, 1_000_000), stock: int(0, 1_000_000) })).min(1, 'must list at least one prize').max(20, 'must list at most 20 prizes'),
  })
  .superRefine((v, ctx) => {
    if (v.perFanDailyCap > v.perFanTotalCap) ctx.addIssue({ code: 'custom', path: ['perFanDailyCap'], message: 'must not exceed perFanTotalCap' });
    const names = new Set<string>();
    v.prizes.forEach((p, i) => {
      if (names.has(p.name)) ctx.addIssue({ code: 'custom', path: ['prizes', i, 'name'], message: `prize "${p.name}" is listed twice` });
      names.add(p.name);
    });
  });

const coupon = z
  .object({ title: text(80), discountCents: int(1, 10_000_000), minSpendCents: int(0, 100_000_000).nullish(), validUntil: z.date().nullish() })
  .superRefine((v, ctx) => {
    if (v.minSpendCents && v.discountCents >= v.minSpendCents) ctx.addIssue({ code: 'custom', path: ['discountCents'], message: 'must be less than minSpendCents' });
    if (v.validUntil && v.validUntil <= new Date()) ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'must be in the future' });
  });

/** Input key of each kind's settings block. */
export const settingsKey = { LIKE: 'like', FISSION: 'fission', CHECK_IN: 'checkIn', LOTTERY: 'lottery', COUPON: 'coupon' } as const satisfies Record<CampaignKind, string>;
type SettingsKey = (typeof settingsKey)[CampaignKind];

export const createCampaignSchema = z
  .object({
    kind: z.enum(['LIKE', 'FISSION', 'CHECK_IN', 'LOTTERY', 'COUPON']),
    name: text(80),
    startsAt: z.date().nullish(),
    endsAt: z.date().nullish(),
    like: like.nullish(),
    fission: fission.nullish(),
    checkIn: checkIn.nullish(),
    lottery: lottery.nullish(),
    coupon: coupon.nullish(),
  })
  .superRefine((v, ctx) => {
    const own = settingsKey[v.kind];
    if (v[own] == null) ctx.addIssue({ code: 'custom', path: [own], message: `required for a ${v.kind} campaign` });
    for (const key of Object.values(settingsKey) as SettingsKey[]) {
      if (key !== own && v[key] != null) ctx.addIssue({ code: 'custom', path: [key], message: `not allowed for a ${v.kind} campaign (give only ${own})` });
    }
    if (v.startsAt && v.endsAt && v.endsAt <= v.startsAt) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    // "Only new fans count" is measured from startsAt, so a referral campaign must say when it starts.
    if (v.kind === 'FISSION' && !v.startsAt) ctx.addIssue({ code: 'custom', path: ['startsAt'], message: 'required for a FISSION campaign' });
  });

export type CreateCampaign = z.output<typeof createCampaignSchema>;
