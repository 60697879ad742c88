// Group broadcasts through the API: composed to groups by ids, kinds or a saved segment's groups, sent
// now or by a job at their time (fake clock: drain({ until })), delivered to a loopback receiver as one
// signed `broadcast.requested` per group, recorded with their reach; cancellable before sending only;
// held by quiet hours unless crisis. A cancel racing the send job ends in exactly one of the two.
import { afterAll, describe, expect } from 'vitest';
import { zonedDay, zonedInstant, zonedMinutes } from '../../src/core/local-time.js';
import { gid, rawId } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const it = useTestApp({ fans: 5 });
let receiver: WebhookReceiver;
it.beforeAll(async ({ t }) => {
  receiver = await startWebhookReceiver();
  await receiver.register(t, ['BROADCAST_REQUESTED']);
});
afterAll(() => receiver?.close());

const HOUR = 3_600_000;
const MIN = 60_000;
const soon = (h: number) => new Date(Date.now() + h * HOUR);
const TZ = 'Asia/Shanghai';

const FIELDS = 'id status text linkUrl imageUrl crisis requestedAt sendAt heldByQuietHours reach groupCount sentAt cancelledAt communities { id }';
const CREATE = `mutation($i: CreateBroadcastInput!) { r: createBroadcast(input: $i) { __typename
  ... on MutationCreateBroadcastSuccess { data { ${FIELDS} } } ... on Error { code field message } } }`;
const CANCEL = `mutation($id: ID!) { r: cancelBroadcast(broadcastId: $id) { __typename
  ... on MutationCancelBroadcastSuccess { data { ${FIELDS} } } ... on Error { code field message } } }`;
const LIST = `query($s: [BroadcastStatus!]) { broadcasts(statuses: $s, first: 50) { totalCount nodes { ${FIELDS} } } }`;
const QUIET = `mutation($i: SetQuietHoursInput!) { r: setQuietHours(input: $i) { __typename
  ... on MutationSetQuietHoursSuccess { data { quietHours { start end } } } ... on Error { code field message } } }`;

const create = async (t: SeededTestApp, i: Record<string, unknown>, as?: string) => (await t.ok<any>(CREATE, { i }, as)).r;
const cancel = async (t: SeededTestApp, id: string) => (await t.ok<any>(CANCEL, { id })).r;
const sentFor = (id: string) => receiver.events('broadcast.requested').filter((e) => e.data.broadcastId === rawId(id));

let seq = 0;
/** A group of the demo organization with these members (opted-out ones flagged). */
async function group(t: SeededTestApp, kind: 'VIP' | 'SMALL' | 'KOC', members: { optedOut?: boolean; name?: string }[], shared: string[] = []) {
  const n = ++seq;
  const community = await t.database.prisma.community.create({
    data: {
      orgId: t.orgId,
      name: `Broadcast group ${n}`,
      kind,
      inviteCode: `BC-${n}-${Math.random().toString(36).slice(2, 8)}`,
      memberCount: members.length + shared.length,
    },
  });
  const fans = await Promise.all(
    members.map((m, i) =>
      t.database.prisma.fan.create({
        data: { orgId: t.orgId, externalId: `bc-${n}-${i}`, displayName: m.name ?? `Broadcast fan ${n}-${i}`, optedOut: m.optedOut ?? false },
      }),
    ),
  );
  const fanIds = [...fans.map((f) => f.id), ...shared];
  await t.database.prisma.membership.createMany({ data: fanIds.map((fanId) => ({ orgId: t.orgId, communityId: community.id, fanId })) });
  return { id: community.id, gid: gid('Community', community.id), inviteCode: community.inviteCode, fanIds };
}

describe('sending', () => {
  it('now, to groups by id: one signed event per group with its channel data; reach counts each fan once, opted-out fans out', async ({ t }) => {
    const a = await group(t, 'VIP', [{}, {}, { optedOut: true }]);
    const b = await group(t, 'SMALL', [{}], [a.fanIds[0]!]); // a fan in both groups counts once
    const r = await create(t, { text: 'Tonight 20:00: snack festival!', linkUrl: 'https://live.example/room/1', communityIds: [a.gid, b.gid] });
    expect(r.data).toMatchObject({ status: 'SENT', reach: 3, groupCount: 2, heldByQuietHours: false, requestedAt: null, crisis: false });
    expect(r.data.sentAt).not.toBeNull();
    await t.services.jobs.drain();
    const events = sentFor(r.data.id);
    expect(events.map((e) => e.data.communityId).sort()).toEqual([a.id, b.id].sort());
    expect(events.find((e) => e.data.communityId === a.id)!.data).toMatchObject({
      inviteCode: a.inviteCode,
      communityKind: 'VIP',
      text: 'Tonight 20:00: snack festival!',
      linkUrl: 'https://live.example/room/1',
      imageUrl: null,
      crisis: false,
    });
    const listed = (await t.ok<any>(LIST, { s: ['SENT'] })).broadcasts.nodes.find((n: any) => n.id === r.data.id);
    expect(listed).toMatchObject({ status: 'SENT', reach: 3 });
    // A crisis notice counts the opted-out member too.
    const crisis = await create(t, { text: 'Shipping delayed by snow: we are on it', crisis: true, communityIds: [a.gid] });
    expect(crisis.data).toMatchObject({ status: 'SENT', reach: 3, crisis: true });
  });

  it("by kinds, and by a saved segment's groups", async ({ t }) => {
    const koc = await group(t, 'KOC', [{}, {}]);
    const byKind = await create(t, { text: 'KOC briefing', kinds: ['KOC'] });
    expect(byKind.data.communities.map((c: any) => c.id)).toContain(koc.gid);
    const tagged = await group(t, 'SMALL', [{ name: 'Segment-target fan' }]);
    const other = await group(t, 'SMALL', [{ name: 'Someone else' }]);
    const segment = await t.database.prisma.segment.create({
      data: { orgId: t.orgId, name: 'Broadcast segment', filter: { search: 'Segment-target' } },
    });
    const bySegment = await create(t, { text: 'For you', segmentId: gid('Segment', segment.id) });
    expect(bySegment.data).toMatchObject({ status: 'SENT', groupCount: 1, reach: 1, communities: [{ id: tagged.gid }] });
    await t.services.jobs.drain();
    expect(sentFor(bySegment.data.id).map((e) => e.data.communityId)).toEqual([tagged.id]);
    expect(sentFor(bySegment.data.id).some((e) => e.data.communityId === other.id)).toBe(false);
  });

  it('bad input is refused with its field, and nothing is recorded or sent', async ({ t }) => {
    const g = await group(t, 'SMALL', [{}]);
    const rivalGroup = await t.database.prisma.community.create({
      data: { orgId: t.rivalOrgId, name: 'Rival', kind: 'SMALL', inviteCode: `RV-${Date.now()}` },
    });
    const before = await t.database.prisma.broadcast.count();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ text: 'x', communityIds: [g.gid], kinds: ['VIP'] }, 'VALIDATION', 'input'],
      [{ text: 'x' }, 'VALIDATION', 'input'],
      [{ text: 'x', communityIds: [gid('Community', rivalGroup.id)] }, 'NOT_FOUND', 'input.communityIds.0'],
      [{ text: 'x', communityIds: [g.gid], sendAt: new Date(Date.now() - MIN).toISOString() }, 'VALIDATION', 'input.sendAt'],
      [{ text: 'x', communityIds: [g.gid], linkUrl: 'javascript:alert(1)' }, 'VALIDATION', 'input.linkUrl'],
      [{ text: 'x', communityIds: [g.gid], imageUrl: 'ftp://x/y.png' }, 'VALIDATION', 'input.imageUrl'],
      [{ text: '', communityIds: [g.gid] }, 'VALIDATION', 'input.text'],
    ];
    for (const [i, code, field] of cases) expect(await create(t, i), JSON.stringify(i)).toMatchObject({ code, field });
    // The rival organization has no LARGE group: a target that names no group is refused.
    expect(await create(t, { text: 'x', kinds: ['LARGE'] }, 'Dev rival')).toMatchObject({ code: 'VALIDATION', field: 'input.kinds' });
    expect(await t.database.prisma.broadcast.count()).toBe(before);
    // Another organization's broadcast is not found and not listed.
    const mine = await create(t, { text: 'mine', communityIds: [g.gid], sendAt: soon(5).toISOString() });
    expect((await t.ok<any>(CANCEL, { id: mine.data.id }, 'Dev rival')).r).toMatchObject({ code: 'NOT_FOUND' });
    expect((await t.ok<any>(LIST, {}, 'Dev rival')).broadcasts.nodes.some((n: any) => n.id === mine.data.id)).toBe(false);
  });
});

describe('scheduling and cancelling', () => {
  it('a scheduled broadcast is sent by its job at sendAt; cancelled before, it never is; after, cancel is refused', async ({ t }) => {
    const g = await group(t, 'VIP', [{}, {}]);
    const later = await create(t, { text: 'Friday member day', communityIds: [g.gid], sendAt: soon(2).toISOString() });
    const dropped = await create(t, { text: 'Changed our mind', communityIds: [g.gid], sendAt: soon(2).toISOString() });
    expect(later.data).toMatchObject({ status: 'SCHEDULED', sentAt: null, reach: 2 });
    expect((await cancel(t, dropped.data.id)).data).toMatchObject({ status: 'CANCELLED' });
    expect(await cancel(t, dropped.data.id)).toMatchObject({ code: 'INVALID_STATE', field: 'broadcastId' });

    await t.services.jobs.drain({ until: soon(1.9) });
    expect(sentFor(later.data.id)).toEqual([]);
    await t.services.jobs.drain({ until: soon(2.01) });
    expect(sentFor(later.data.id)).toHaveLength(1);
    expect(sentFor(dropped.data.id)).toEqual([]);
    const refused = await cancel(t, later.data.id);
    expect(refused).toMatchObject({ __typename: 'InvalidStateError', code: 'INVALID_STATE' });
    const statuses = (await t.ok<any>(LIST, {})).broadcasts.nodes.filter((n: any) => [later.data.id, dropped.data.id].includes(n.id));
    expect(Object.fromEntries(statuses.map((n: any) => [n.id, n.status]))).toEqual({ [later.data.id]: 'SENT', [dropped.data.id]: 'CANCELLED' });
  });

  it('cancels racing the send job: each broadcast ends SENT with its events or CANCELLED without, never both', async ({ t }) => {
    const g = await group(t, 'SMALL', [{}]);
    const made = await Promise.all(
      Array.from({ length: 8 }, (_, i) => create(t, { text: `Race ${i}`, communityIds: [g.gid], sendAt: soon(3).toISOString() })),
    );
    const ids = made.map((m) => m.data.id as string);
    const [, ...cancels] = await Promise.all([t.services.jobs.drain({ until: soon(3.01) }), ...ids.map((id) => cancel(t, id))]);
    await t.services.jobs.drain();
    const rows = await t.database.prisma.broadcast.findMany({ where: { id: { in: ids.map(rawId) } } });
    for (const [i, id] of ids.entries()) {
      const row = rows.find((r) => r.id === rawId(id))!;
      const cancelled = cancels[i]!.__typename === 'MutationCancelBroadcastSuccess';
      expect(row.status).toBe(cancelled ? 'CANCELLED' : 'SENT');
      expect(sentFor(id)).toHaveLength(cancelled ? 0 : 1);
      if (!cancelled) expect(cancels[i]).toMatchObject({ code: 'INVALID_STATE' });
    }
  });
});

describe('quiet hours', () => {
  /** "HH:MM" in Shanghai `minutes` from now. */
  const localIn = (minutes: number) => {
    const m = ((zonedMinutes(new Date(Date.now() + minutes * MIN), TZ) % 1440) + 1440) % 1440;
    return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  };

  it('hold a marketing broadcast until they end; a crisis notice goes at once', async ({ t }) => {
    const g = await group(t, 'VIP', [{}]);
    const [start, end] = [localIn(-120), localIn(120)];
    expect((await t.ok<any>(QUIET, { i: { start, end } })).r.data.quietHours).toEqual({ start, end });
    const held = await create(t, { text: 'New arrivals', communityIds: [g.gid] });
    const endsAt = zonedInstant(zonedDay(new Date(Date.now() + 120 * MIN), TZ), end, TZ);
    expect(held.data).toMatchObject({ status: 'SCHEDULED', heldByQuietHours: true, sendAt: endsAt.toISOString() });
    const crisis = await create(t, { text: 'Recall notice: batch 42', crisis: true, communityIds: [g.gid] });
    expect(crisis.data).toMatchObject({ status: 'SENT', heldByQuietHours: false });

    await t.services.jobs.drain({ until: new Date(endsAt.getTime() - MIN) });
    expect(sentFor(held.data.id)).toEqual([]);
    expect(sentFor(crisis.data.id)).toHaveLength(1);
    await t.services.jobs.drain({ until: new Date(endsAt.getTime() + MIN) });
    expect(sentFor(held.data.id)).toHaveLength(1);
    expect((await t.ok<any>(QUIET, { i: {} })).r.data.quietHours).toBeNull();
  });

  it('bad quiet hours are refused and change nothing', async ({ t }) => {
    await t.ok<any>(QUIET, { i: { start: '22:00', end: '08:00' } });
    for (const [i, field] of [
      [{ start: '22:00' }, 'input.end'],
      [{ start: '24:00', end: '08:00' }, 'input.start'],
      [{ start: '08:00', end: '08:00' }, 'input.end'],
    ] as const)
      expect((await t.ok<any>(QUIET, { i })).r).toMatchObject({ code: 'VALIDATION', field });
    expect((await t.ok<any>(`{ organization { quietHours { start end } } }`)).organization.quietHours).toEqual({ start: '22:00', end: '08:00' });
    // Admins only: an analyst is refused (FORBIDDEN) and nothing changes.
    const analyst = await t.gql(QUIET, { i: { start: '23:00', end: '07:00' } }, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await t.ok<any>(`{ organization { quietHours { start end } } }`)).organization.quietHours).toEqual({ start: '22:00', end: '08:00' });
    await t.ok<any>(QUIET, { i: {} });
  });
});
