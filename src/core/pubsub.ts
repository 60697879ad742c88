// One typed pub/sub for the whole app. Domain modules declare their topics by merging into
// PubSubTopics (see src/activity/events.ts). With REDIS_URL set, events travel through Redis so
// subscribers on every instance see what any instance publishes; otherwise they stay in process.
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub as createYogaPubSub, type PubSub as YogaPubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';

// Each entry: topic name → [id, payload] (per-id channels, e.g. per organization) or [payload].
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PubSubTopics {}

type Topics = { [K in keyof PubSubTopics]: PubSubTopics[K] };
export type PubSub = YogaPubSub<Topics>;

export interface PubSubHandle {
  pubsub: PubSub;
  kind: 'memory' | 'redis';
  close(): Promise<void>;
}

export function createPubSub(): PubSub {
  return createYogaPubSub<Topics>();
}

export async function createPubSubHandle(redisUrl?: string): Promise<PubSubHandle> {
  if (!redisUrl) return { pubsub: createPubSub(), kind: 'memory', close: async () => {} };
  // A subscribing Redis connection can do nothing else, so publishing needs its own.
  const publishClient = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
  await Promise.all([publishClient.connect(), subscribeClient.connect()]);
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  return {
    pubsub: createYogaPubSub<Topics>({ eventTarget }) as PubSub,
    kind: 'redis',
    close: async () => {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}
