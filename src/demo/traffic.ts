// Keeps the demo organization moving in development so the live dashboard has something to watch:
// about once a second a few members of the running demo like campaign's group send likes, and some
// group activity (messages, buyer shows, like bursts, KOC actions) is recorded — through the same
// services the API's mutations call (the like group-commit and recordActivityBatch), so counters,
// feeds, intimacy and metrics move exactly as they would for real traffic. Started by main.ts when
// DEMO_TRAFFIC is on (default in development, never in production or tests).
import { sendLikes } from '../campaigns/like/likes.js';
import { recordActivityBatch } from '../communities/activity.js';
import type { Services } from '../core/context.js';
import type { Db } from '../core/db.js';
import type { Logger } from '../core/logger.js';
import type { PubSub } from '../core/pubsub.js';
import type { ActivityKind } from '../generated/prisma/enums.js';
import { DEMO_SLUG } from './seed.js';

interface Cast {
  orgId: string;
  campaign: { id: string; likers: string[] } | null;
  /** Current memberships (group, fan) to draw activity from. */
  members: { communityId: string; fanId: string }[];
}

const ACTIVITY: { kind: ActivityKind; weight: number; count: () => number }[] = [
  { kind: 'MESSAGE_POSTED', weight: 6, count: () => 1 + Math.floor(Math.random() * 6) },
  { kind: 'LIKE_BURST', weight: 2, count: () => 10 + Math.floor(Math.random() * 90) },
  { kind: 'BUYER_SHOW_POSTED', weight: 1, count: () => 1 },
  { kind: 'KOC_ACTION', weight: 1, count: () => 1 },
];
const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!;
const pickActivity = () => {
  let r = Math.random() * ACTIVITY.reduce((s, a) => s + a.weight, 0);
  for (const a of ACTIVITY) if ((r -= a.weight) < 0) return a;
  return ACTIVITY[0]!;
};

async function loadCast(db: Db, slug: string): Promise<Cast | null> {
  const org = await db.organization.findUnique({ where: { slug }, select: { id: true } });
  if (!org) return null;
  const campaign = await db.campaign.findFirst({
    where: { orgId: org.id, kind: 'LIKE', status: 'RUNNING' },
    orderBy: { createdAt: 'desc' },
    select: { id: true, communityId: true },
  });
  const likers = campaign?.communityId
    ? (await db.membership.findMany({ where: { communityId: campaign.communityId, leftAt: null }, select: { fanId: true }, take: 200 })).map(
        (m) => m.fanId,
      )
    : [];
  const members = await db.membership.findMany({ where: { orgId: org.id, leftAt: null }, select: { communityId: true, fanId: true }, take: 500 });
  return { orgId: org.id, campaign: campaign && likers.length ? { id: campaign.id, likers } : null, members };
}

export interface DemoTraffic {
  stop(): Promise<void>;
}

export function startDemoTraffic({
  db,
  pubsub,
  services,
  logger,
  slug = DEMO_SLUG,
  everyMs = 1_000,
}: {
  db: Db;
  pubsub: PubSub;
  services: Services;
  logger: Logger;
  slug?: string;
  everyMs?: number;
}): DemoTraffic {
  let cast: Cast | null = null;
  let loadedAt = 0;
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const tick = async () => {
    // Campaigns and groups change (an operator ends the campaign, starts another): look again every 30 s.
    if (!cast || Date.now() - loadedAt > 30_000) {
      cast = await loadCast(db, slug);
      loadedAt = Date.now();
    }
    if (!cast) return;
    const { orgId, campaign, members } = cast;
    const work: Promise<unknown>[] = [];
    if (campaign) {
      const fans = Array.from({ length: 2 + Math.floor(Math.random() * 4) }, () => pick(campaign.likers));
      for (const fanId of fans)
        work.push(sendLikes({ services }, orgId, { campaignId: campaign.id, fanId, taps: 5 + Math.floor(Math.random() * 56) }));
    }
    if (members.length) {
      const events = Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () => {
        const { communityId, fanId } = pick(members);
        const a = pickActivity();
        return { communityId, fanId, kind: a.kind, count: a.count() };
      });
      work.push(recordActivityBatch({ db, pubsub }, orgId, events));
    }
    const refused = (await Promise.allSettled(work)).filter((r) => r.status === 'rejected');
    if (refused.length) throw (refused[0] as PromiseRejectedResult).reason;
  };

  const loop = () => {
    if (stopped) return;
    current = tick()
      .then(() => {
        failures = 0;
      })
      .catch((e: Error) => {
        // Say it once, not every second (e.g. the campaign was ended and its likes are refused until the next look).
        if (failures++ === 0) logger.warn(`demo traffic: ${e.message}`);
        loadedAt = 0;
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, everyMs);
      });
  };
  timer = setTimeout(loop, everyMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
