// One typed pub/sub for the whole app. Domain modules declare their topics by merging into
// PubSubTopics (see src/communities/events.ts); going multi-instance swaps the event target for Redis.
import { createPubSub as createYogaPubSub, type PubSub as YogaPubSub } from 'graphql-yoga';

// Each entry: topic name → [id, payload] (per-id channels, e.g. per organization) or [payload].
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PubSubTopics {}

type Topics = { [K in keyof PubSubTopics]: PubSubTopics[K] };
export type PubSub = YogaPubSub<Topics>;
type EventTarget = NonNullable<NonNullable<Parameters<typeof createYogaPubSub>[0]>['eventTarget']>;

export function createPubSub(eventTarget?: EventTarget): PubSub {
  return createYogaPubSub<Topics>(eventTarget ? { eventTarget } : undefined);
}
