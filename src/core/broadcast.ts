// Broadcast subscriptions: when thousands of clients watch the same thing (a like counter in a live
// room), every one of them receives the very same event object. Executing the selection set once per
// event per distinct operation — instead of once per subscriber — is what lets one instance serve
// tens of thousands of watchers. Opt in per root field with `extensions: { broadcast: true }`;
// the field's events must not depend on who is watching (authorization happens at subscribe time).
import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  getOperationAST,
  isObjectType,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Brands payloads published to every subscriber alike; only these are executed once and shared. */
const SHARED = Symbol('shared payload');

/** Marks an event object as the same for every watcher, so its execution result may be shared. */
export function sharedPayload<T extends object>(payload: T): T {
  // Not enumerable: a copy made with a spread (one watcher's own delta) is not shared.
  Object.defineProperty(payload, SHARED, { value: true });
  return payload;
}

const isShared = (payload: unknown): payload is object =>
  typeof payload === 'object' && payload !== null && (payload as { [SHARED]?: boolean })[SHARED] === true;

/** One app's cache of shared executions: payload → operation key → result. */
class SharedResults {
  // Weak: a result lives as long as its event object.
  private readonly results = new WeakMap<object, Map<string, Promise<ExecutionResult> | ExecutionResult>>();
  private readonly documentIds = new WeakMap<DocumentNode, number>();
  private nextDocumentId = 0;

  operationKey(args: ExecutionArgs): string {
    let id = this.documentIds.get(args.document);
    if (id === undefined) this.documentIds.set(args.document, (id = this.nextDocumentId++));
    return `${id}\u0000${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}`;
  }

  of(payload: object) {
    let byOperation = this.results.get(payload);
    if (!byOperation) this.results.set(payload, (byOperation = new Map()));
    return byOperation;
  }
}

function isBroadcastOperation(args: ExecutionArgs): boolean {
  const operation = getOperationAST(args.document, args.operationName);
  const root = args.schema.getSubscriptionType();
  if (operation?.operation !== 'subscription' || !root || !isObjectType(root)) return false;
  const [selection, ...rest] = operation.selectionSet.selections;
  if (rest.length || selection?.kind !== 'Field') return false;
  return root.getFields()[selection.name.value]?.extensions?.broadcast === true;
}

/** Subscribe with per-event execution shared between subscribers of the same operation. */
async function subscribeShared(shared: SharedResults, args: ExecutionArgs) {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source;
  const key = shared.operationKey(args);
  const run = (payload: unknown) => execute({ ...args, rootValue: payload }) as Promise<ExecutionResult> | ExecutionResult;
  const executeEvent = (payload: unknown) => {
    if (!isShared(payload)) return run(payload);
    const byOperation = shared.of(payload);
    let result = byOperation.get(key);
    if (!result) byOperation.set(key, (result = run(payload)));
    return result;
  };
  const events = source[Symbol.asyncIterator]();
  // A hand-written iterator, not an async generator: return() must reach the source at once even
  // while next() waits for an event, or an idle stream would never release its subscription.
  const mapped: AsyncIterableIterator<ExecutionResult> = {
    [Symbol.asyncIterator]: () => mapped,
    next: async () => {
      const r = await events.next();
      return r.done ? { done: true, value: undefined } : { done: false, value: await executeEvent(r.value) };
    },
    return: async () => {
      await events.return?.();
      return { done: true, value: undefined };
    },
    throw: async (e) => {
      await events.return?.();
      throw e;
    },
  };
  return mapped;
}

/** Envelop plugin: broadcast fields' subscriptions execute each shared event once per operation. */
export function useBroadcastSubscriptions(): Plugin {
  const shared = new SharedResults();
  const subscribe = (args: ExecutionArgs) => subscribeShared(shared, args);
  return {
    onSubscribe({ args, setSubscribeFn }) {
      if (isBroadcastOperation(args)) setSubscribeFn(subscribe as never);
    },
  };
}

/**
 * A subscriber's end of a broadcast. It holds at most one pending value: whatever the client has not
 * taken yet is replaced by newer state, so memory per subscriber stays constant and a slow client
 * never stalls the broadcaster — it simply gets the latest state when it asks for the next message.
 * `prepare(value)` runs when a value is handed over (e.g. to compute a delta since this subscriber's
 * previous message; undefined skips it); `onStop` runs once when the subscriber goes away.
 */
export function latestOnly<T, M>(initial: M, prepare: (value: T) => M | undefined, onStop: () => void) {
  let sentInitial = false;
  let pending: { value: T } | undefined;
  let done = false;
  let wake: (() => void) | undefined;
  const finish = () => {
    if (done) return;
    done = true;
    pending = undefined;
    wake?.();
    onStop();
  };
  const stream: AsyncIterableIterator<M> = {
    [Symbol.asyncIterator]: () => stream,
    async next() {
      if (!sentInitial && !done) {
        sentInitial = true;
        return { done: false, value: initial };
      }
      for (;;) {
        if (done) return { done: true, value: undefined };
        if (pending) {
          const message = prepare(pending.value);
          pending = undefined;
          if (message !== undefined) return { done: false, value: message };
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
    async return() {
      finish();
      return { done: true, value: undefined };
    },
    async throw(e) {
      finish();
      throw e;
    },
  };
  return {
    stream,
    /** Queue `value` for this subscriber, replacing any value it has not taken yet. */
    offer(value: T) {
      if (done) return;
      pending = { value };
      wake?.();
    },
  };
}
