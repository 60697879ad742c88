// One typed pub/sub for the whole app. Domain modules declare their topics by merging into
// PubSubTopics (see src/activity/events.ts). With REDIS_URL set, events travel through Redis so
// subscribers on every instance see what any instance publishes; otherwise they stay in process.
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
/** Told that Redis came back: events published since `lostAt` may never have arrived. */
export type ResumedHook = (lostAt: Date) => void;
const resumedHooks = new WeakMap<object, Set<ResumedHook>>();

/**
 * Calls `hook` each time this pub/sub's Redis connection comes back after a loss, once every channel is
 * subscribed again. Whatever was published while it was gone is lost, so a subscriber that shows state
 * reads it afresh (the like counter) and a feed replays what the database recorded since (activity).
 * Never called on the in-process pub/sub. Returns a function that removes the hook.
 */
export function onResumed(pubsub: PubSub, hook: ResumedHook): () => void {
  const hooks = resumedHooks.get(pubsub);
  if (!hooks) return () => {};
  hooks.add(hook);
  return () => hooks.delete(hook);
}

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
  const resumed = new Set<ResumedHook>();
  const eventTarget = redisEventTarget(publishClient, subscribeClient, resumed);
  // The target subscribes without waiting for the reply; a second SUBSCRIBE to the same channel
  // changes nothing in Redis and is answered after the first, so its reply says the channel is live.
  const pubsub = withHooks(eventTarget, (topic) => subscribeClient.subscribe(topic));
  resumedHooks.set(pubsub, resumed);
  return {
    pubsub,
    kind: 'redis',
    close: async () => {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}

/**
 * Yoga's Redis event target, made to survive Redis going away: its publish and subscribe promises are
 * never left rejected (an unhandled rejection would end the process), and when the subscribing
 * connection is back every channel is subscribed again before the `resumed` hooks run. Events published
 * while Redis is gone are dropped (the API keeps answering; the hooks let subscribers catch up).
 */
function redisEventTarget(publishClient: Redis, subscribeClient: Redis, resumed: Set<ResumedHook>): Target {
  const callbacks = new Map<string, Set<(event: Event) => void>>();
  subscribeClient.on('message', (channel: string, message: string) => {
    const listeners = callbacks.get(channel);
    if (!listeners) return;
    let detail: unknown = null;
    try {
      if (message !== '') detail = JSON.parse(message);
    } catch {
      return; // not ours (someone else published on the channel): never a reason to end the process
    }
    const event = new CustomEvent(channel, { detail });
    for (const listener of listeners) listener(event);
  });
  let lostAt: Date | undefined;
  subscribeClient.on('close', () => void (lostAt ??= new Date()));
  subscribeClient.on('ready', () => {
    const since = lostAt;
    if (!since) return;
    lostAt = undefined;
    // ioredis re-subscribes what it knew; a SUBSCRIBE that failed during the outage it never knew.
    const topics = [...callbacks.keys()];
    void (topics.length ? subscribeClient.subscribe(...topics) : Promise.resolve()).then(
      async () => {
        // Catch up once publishing works again too, or events of the gap between would be lost.
        if (publishClient.status !== 'ready') await new Promise((r) => publishClient.once('ready', r));
        for (const hook of resumed) hook(since);
      },
      () => void (lostAt ??= since),
    );
  });
  const quietly = (p: Promise<unknown>) => void p.catch(() => {});
  const listenerOf = (l: unknown) =>
    (typeof l === 'object' && l !== null && 'handleEvent' in l ? (l as EventListenerObject).handleEvent : l) as (e: Event) => void;
  return {
    addEventListener(topic, listener) {
      let set = callbacks.get(topic);
      if (!set) {
        callbacks.set(topic, (set = new Set()));
        quietly(subscribeClient.subscribe(topic));
      }
      set.add(listenerOf(listener));
    },
    removeEventListener(topic, listener) {
      const set = callbacks.get(topic);
      if (!set) return;
      set.delete(listenerOf(listener));
      if (set.size) return;
      callbacks.delete(topic);
      quietly(subscribeClient.unsubscribe(topic));
    },
    dispatchEvent(event) {
      const detail = (event as CustomEvent).detail;
      quietly(publishClient.publish(event.type, detail === undefined ? '' : JSON.stringify(detail)));
      return true;
    },
  };
}
