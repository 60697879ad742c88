// Reactions to activity, run inside the transaction that records it: a module reacts to what happened
// in another module (a referral campaign voids a helper's invites when the fan leaves a group) without
// the module where it happened importing it — communities knows nothing of campaigns. Reactions are
// registered once per app (src/services.ts) and run by the service that records the event.
import type { Tx } from '../core/db.js';
import type { ActivityKind } from '../generated/prisma/enums.js';
import type { ActivityMessage } from './events.js';

export type ActivityReaction = (tx: Tx, event: ActivityMessage) => Promise<unknown>;

export class ActivityReactions {
  private readonly byKind = new Map<ActivityKind, ActivityReaction[]>();

  /** Run `reaction` in the transaction of every `kind` event recorded by a service that calls run(). */
  on(kind: ActivityKind, reaction: ActivityReaction): void {
    this.byKind.set(kind, [...(this.byKind.get(kind) ?? []), reaction]);
  }

  /** The reactions to `events`, one after another in `tx`: a failing reaction rolls the whole change back. */
  async run(tx: Tx, events: ActivityMessage[]): Promise<void> {
    for (const event of events) for (const reaction of this.byKind.get(event.kind) ?? []) await reaction(tx, event);
  }
}

declare module '../core/context.js' {
  interface Services {
    /** Cross-module reactions to activity (see src/activity/reactions.ts). */
    activity: ActivityReactions;
  }
}
