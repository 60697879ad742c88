// Shared by the live-session tests: API calls as a client makes them, and an SSE subscriber that reads
// subscription events from the app in-process (POST with accept: text/event-stream).
import { expect } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { gid } from '../helpers/ids.js';

export const DAY = 86_400_000;

/** 20:00 Shanghai (12:00 UTC), `days` from today: comfortably in the future, one whole local day around it. */
export function eveningIn(days: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days, 12));
}

export { rawId as decodeId } from '../helpers/ids.js';

const SESSION_FIELDS =
  'id status scheduledAt startedAt endedAt title host theme viewers likes orderCount gmvCents platformOrderCount platformGmvCents reservationCount';

export const Q = {
  schedule: `mutation($i: ScheduleLiveSessionInput!) { r: scheduleLiveSession(input: $i) { __typename ... on MutationScheduleLiveSessionSuccess { data { ${SESSION_FIELDS} } } ... on DomainError { code field message } } }`,
  reschedule: `mutation($i: RescheduleLiveSessionInput!) { r: rescheduleLiveSession(input: $i) { __typename ... on MutationRescheduleLiveSessionSuccess { data { ${SESSION_FIELDS} items { slotAt } } } ... on DomainError { code field message } } }`,
  cancel: `mutation($id: ID!) { r: cancelLiveSession(sessionId: $id) { __typename ... on MutationCancelLiveSessionSuccess { data { ${SESSION_FIELDS} } } ... on DomainError { code field message } } }`,
  goLive: `mutation($id: ID!) { r: goLive(sessionId: $id) { __typename ... on MutationGoLiveSuccess { data { remindedCount session { ${SESSION_FIELDS} } } } ... on DomainError { code field message } } }`,
  end: `mutation($id: ID!) { r: endLiveSession(sessionId: $id) { __typename ... on MutationEndLiveSessionSuccess { data { ${SESSION_FIELDS} } } ... on DomainError { code field message } } }`,
  stats: `mutation($i: ReportLiveStatsInput!) { r: reportLiveStats(input: $i) { __typename ... on MutationReportLiveStatsSuccess { data { ${SESSION_FIELDS} } } ... on DomainError { code field message } } }`,
  addItem: `mutation($i: AddLineupItemInput!) { r: addLineupItem(input: $i) { __typename ... on MutationAddLineupItemSuccess { data { item { id productName sku priceCents slotAt position onSaleAt } fulfilledWishes { id productName status voteCount fulfilledBy { id } } } } ... on DomainError { code field message } } }`,
  updateItem: `mutation($i: UpdateLineupItemInput!) { r: updateLineupItem(input: $i) { __typename ... on MutationUpdateLineupItemSuccess { data { item { id productName sku priceCents slotAt position } fulfilledWishes { id } } } ... on DomainError { code field message } } }`,
  removeItem: `mutation($id: ID!) { r: removeLineupItem(itemId: $id) { __typename ... on MutationRemoveLineupItemSuccess { data { id items { id } } } ... on DomainError { code field message } } }`,
  onSale: `mutation($id: ID!) { r: putItemOnSale(itemId: $id) { __typename ... on MutationPutItemOnSaleSuccess { data { remindedCount item { id onSaleAt } } } ... on DomainError { code field message } } }`,
  reserveSession: `mutation($i: ReserveSessionInput!) { r: reserveSession(input: $i) { __typename ... on MutationReserveSessionSuccess { data { id fan { id } session { id } item { id } } } ... on DomainError { code field message } } }`,
  reserveItem: `mutation($i: ReserveItemInput!) { r: reserveItem(input: $i) { __typename ... on MutationReserveItemSuccess { data { id fan { id } session { id } item { id } } } ... on DomainError { code field message } } }`,
  cancelReservation: `mutation($id: ID!) { r: cancelReservation(reservationId: $id) { __typename ... on MutationCancelReservationSuccess { data { id reservationCount } } ... on DomainError { code field message } } }`,
  makeWish: `mutation($i: MakeWishInput!) { r: makeWish(input: $i) { __typename ... on MutationMakeWishSuccess { data { created voted wish { id productName status voteCount } } } ... on DomainError { code field message } } }`,
  voteWish: `mutation($i: WishVoteInput!) { r: voteWish(input: $i) { __typename ... on MutationVoteWishSuccess { data { id status voteCount } } ... on DomainError { code field message } } }`,
  unvoteWish: `mutation($i: WishVoteInput!) { r: unvoteWish(input: $i) { __typename ... on MutationUnvoteWishSuccess { data { id status voteCount } } ... on DomainError { code field message } } }`,
};

/** Runs a mutation from Q and returns its result (`r`): the success's data, or the DomainError. */
export async function run(t: TestApp, query: string, variables: Record<string, unknown>, as?: string) {
  const res = await t.ok<{ r: Record<string, any> }>(query, variables, as);
  return res.r;
}

export async function ok(t: TestApp, query: string, variables: Record<string, unknown>, as?: string) {
  const r = await run(t, query, variables, as);
  expect(r.__typename, JSON.stringify(r)).not.toMatch(/Error$/);
  return r.data;
}

export async function newSession(t: TestApp, days = 10, as?: string) {
  return ok(
    t,
    Q.schedule,
    { i: { title: 'Snack Festival live', host: 'Lumi', theme: 'Snack Festival', scheduledAt: eveningIn(days).toISOString() } },
    as,
  );
}

export async function newItem(t: TestApp, sessionId: string, productName = 'Silk pillowcase', extra: Record<string, unknown> = {}) {
  const data = await ok(t, Q.addItem, { i: { sessionId, productName, priceCents: 15_900, ...extra } });
  return data.item;
}

let fanSeq = 0;
/** A fan of the organization (by slug), with a Dev credential to act as them. */
export async function newFan(t: TestApp, orgId: string, slug: string, opts: { optedOut?: boolean } = {}) {
  const externalId = `live-fan-${++fanSeq}-${Math.random().toString(36).slice(2, 8)}`;
  const fan = await t.database.prisma.fan.create({
    data: { orgId, externalId, displayName: `Hangzhou-oily skin·${externalId}`, optedOut: opts.optedOut ?? false },
  });
  return { id: fan.id, gid: gid('Fan', fan.id), as: `Dev ${slug}/fan:${externalId}` };
}

export interface Subscriber {
  /** Every `next` payload received so far ({ data } or { errors }). */
  events: Record<string, any>[];
  waitFor(count: number, ms?: number): Promise<Record<string, any>[]>;
  close(): Promise<void>;
}

/** Opens a subscription over SSE and resolves once the server is listening (or has ended the stream). */
export async function subscribe(t: TestApp, query: string, variables: Record<string, unknown>, as: string): Promise<Subscriber> {
  const listening = t.listening();
  const res = await t.app.fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: as },
    body: JSON.stringify({ query, variables }),
  });
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: Record<string, any>[] = [];
  // Waiters are woken by each arriving event (or the end of the stream), never by polling.
  const waiters = new Set<() => void>();
  const arrived = () => waiters.forEach((w) => w());
  let ended = false;
  let buffer = '';
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trim())
            .join('');
          if (data) events.push(JSON.parse(data));
          arrived();
        }
      }
    } catch {
      // cancelled
    } finally {
      ended = true;
      arrived();
    }
  })();
  // Reading the stream makes the server pull the subscription, which attaches its pub/sub listener and
  // says so; a refused subscription ends the stream instead.
  await Promise.race([listening, pump]);
  return {
    events,
    async waitFor(count, ms = 2_000) {
      if (events.length >= count || ended) return events;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const check = () => (events.length >= count || ended) && done();
        const timer = setTimeout(done, ms); // a bound for the assertion that follows, not a wait for the server
        waiters.add(check);
      });
      return events;
    },
    async close() {
      await reader.cancel().catch(() => {});
      await pump;
    },
  };
}

export const FAN_REMINDERS = `subscription { fanReminders { kind sessionId itemId productName at } }`;
export const SESSION_EVENTS = `subscription($id: ID!) { liveSessionEvents(sessionId: $id) { kind sessionId status itemId productName reservationCount viewers likes orderCount gmvCents } }`;
