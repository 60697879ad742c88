// One typed pub/sub for the whole app. Topics are declared by domain modules through
// declaration merging on PubSubTopics; multi-instance deployments swap the event target for Redis.
import { createPubSub as createYogaPubSub, type PubSub as YogaPubSub } from 'graphql-yoga';

// Domain modules add their topics here: `declare module '../core/pubsub.js' { interface PubSubTopics {...} }`.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PubSubTopics {}

type TopicMap = { [K in keyof PubSubTopics]: PubSubTopics[K] };
export type PubSub = YogaPubSub<TopicMap & Record<string, [unknown] | [string, unknown]>>;

export function createPubSub(eventTarget?: Parameters<typeof createYogaPubSub>[0] extends infer O ? O extends { eventTarget?: infer T } ? T : never : never): PubSub {
  return createYogaPubSub(eventTarget ? { eventTarget } : undefined) as unknown as PubSub;
}
