// One typed pub/sub for the whole app. Domain modules declare their topics by merging into
// PubSubTopics (see src/activity/events.ts). With REDIS_URL set, events travel through Redis so
// subscribers on every instance see what any instance publishes; otherwise they stay in process.
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub as createYogaPubSub, type PubSub as YogaPubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';

// Each entry: topic name → [id, payload] (per-id channels, e.g. per organization) or [payload].
// biome-ignore lint/suspicious/noEmptyInterface: modules augment it (declaration merging)
export interface PubSubTopics {}

type Topics = { [K in keyof PubSubTopics]: PubSubTopics[K] };
export type PubSub = YogaPubSub<Topics>;

export interface PubSubHandle {
  pubsub: PubSub;
  kind: 'memory' | 'redis';
  close(): Promise<void>;
}

type Target = {
  addEventListener(topic: string, listener: unknown): void;
  removeEventListener(topic: string, listener: unknown): void;
  dispatchEvent(event: Event): boolean;
};
type ListeningHook = (topic: string) => void;
const listeningHooks = new WeakMap<object, Set<ListeningHook>>();

/**
 * Calls `hook` each time a subscriber's listener is in place — in this process, and on Redis once the
 * SUBSCRIBE is acknowledged — so whoever publishes next is heard. Tests wait on it instead of a timer;
 * the server logs it at debug level. Returns a function that removes the hook.
 */
export function onListening(pubsub: PubSub, hook: ListeningHook): () => void {
  const hooks = listeningHooks.get(pubsub);
  if (!hooks) throw new Error('onListening: this pub/sub was not made by createPubSub or createPubSubHandle');
  hooks.add(hook);
  return () => hooks.delete(hook);
}

/** Wraps an event target so each added listener reports itself once `ready(topic)` settles. */
function observed(target: Target, ready: (topic: string) => Promise<unknown> | void): { eventTarget: Target; hooks: Set<ListeningHook> } {
  const hooks = new Set<ListeningHook>();
  const announce = (topic: string) => {
    for (const hook of hooks) hook(topic);
  };
  return {
    hooks,
    eventTarget: {
      addEventListener(topic, listener) {
        target.addEventListener(topic, listener);
        if (!hooks.size) return;
        const pending = ready(topic);
        if (pending)
          void pending.then(
            () => announce(topic),
            () => {},
          );
        else announce(topic);
      },
      removeEventListener: (topic, listener) => target.removeEventListener(topic, listener),
      dispatchEvent: (event) => target.dispatchEvent(event),
    },
  };
}

function withHooks(eventTarget: Target, ready: (topic: string) => Promise<unknown> | void): PubSub {
  const { eventTarget: wrapped, hooks } = observed(eventTarget, ready);
  const pubsub = createYogaPubSub<Topics>({ eventTarget: wrapped as never }) as PubSub;
  listeningHooks.set(pubsub, hooks);
  return pubsub;
}

export function createPubSub(): PubSub {
  return withHooks(new EventTarget() as unknown as Target, () => {});
}

/**
 * Connects, failing with the underlying error (ECONNREFUSED …) rather than "Connection is closed".
 * Later connection errors are left to ioredis, which reconnects by itself (commands fail meanwhile);
 * listening keeps it from printing every retry's stack as an unhandled error event.
 */
export async function connectRedis(client: Redis): Promise<void> {
  let last: Error | undefined;
  client.on('error', (e: Error) => void (last = e));
  try {
    await client.connect();
  } catch (e) {
    client.disconnect();
    throw last ?? e;
  }
}

export async function createPubSubHandle(redisUrl?: string): Promise<PubSubHandle> {
  if (!redisUrl) return { pubsub: createPubSub(), kind: 'memory', close: async () => {} };
  // A subscribing Redis connection can do nothing else, so publishing needs its own.
  const publishClient = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
  await Promise.all([connectRedis(publishClient), connectRedis(subscribeClient)]).catch((e: unknown) => {
    publishClient.disconnect();
    subscribeClient.disconnect();
    throw e;
  });
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  return {
    // The Redis target subscribes without waiting for the reply; a second SUBSCRIBE to the same channel
    // changes nothing in Redis and is answered after the first, so its reply says the channel is live.
    pubsub: withHooks(eventTarget as unknown as Target, (topic) => subscribeClient.subscribe(topic)),
    kind: 'redis',
    close: async () => {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}
