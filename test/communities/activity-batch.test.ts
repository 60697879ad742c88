// Partner/bot activity batches: feed rows, intimacy by the documented weights, last-active time;
// a bad row refuses the whole batch; overlapping batches never lose an update.
import { describe, expect } from 'vitest';
import { loadManifest } from '../../src/core/persisted.js';
import { gid } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';
import { hashOf, partnerKey, persisted, post } from '../security/security-helpers.js';

let communityId: string;

const manifest = loadManifest();

/** A partner's call: a real API key running the persisted PartnerRecordActivity operation. */
async function asPartner(t: SeededTestApp, scopes: string[], input: Record<string, unknown>) {
  const { authorization } = await partnerKey(t, 'demo', scopes);
  return (await post(t.app, persisted(hashOf(manifest, 'PartnerRecordActivity'), { input }), { authorization })).body;
}

const it = useTestApp({ fans: 10 });
it.beforeAll(async ({ t }) => {
  const c = await t.database.prisma.community.create({ data: { orgId: t.orgId, name: 'Beauty Chat', kind: 'LARGE', inviteCode: 'BATCH001' } });
  communityId = gid('Community', c.id);
});

const BATCH = /* GraphQL */ `
  mutation Batch($input: RecordActivityBatchInput!) {
    recordActivityBatch(input: $input) {
      __typename
      ... on MutationRecordActivityBatchSuccess { data { accepted fansUpdated } }
      ... on DomainError { code message field }
    }
  }
`;

const BATCH_KEYED = BATCH.replace('data { accepted fansUpdated }', 'data { accepted fansUpdated replayed }');

let seq = 0;
const newFan = (t: SeededTestApp, intimacy = 0) => {
  seq += 1;
  return t.database.prisma.fan.create({ data: { orgId: t.orgId, externalId: `batch-${seq}`, displayName: `Wuhan-dry skin·${seq}`, intimacy } });
};
const fanRow = (t: SeededTestApp, id: string) => t.database.prisma.fan.findUniqueOrThrow({ where: { id } });
// Intimacy caps count per day of the organization's time zone (the demo's Asia/Shanghai): within 40
// minutes after its midnight, the events are placed before it, so one test's events share one day.
const localMinutes = (() => {
  const [h, m] = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .format(new Date())
    .split(':')
    .map(Number);
  return h * 60 + m;
})();
const shift = localMinutes < 40 ? localMinutes + 1 : 0;
const minutesAgo = (m: number) => new Date(Date.now() - (m + shift) * 60_000).toISOString();

describe('recordActivityBatch', () => {
  it('writes the feed and raises intimacy by the documented weights, by fan id or external id', async ({ t }) => {
    const a = await newFan(t, 10);
    const b = await newFan(t);
    const idle = await newFan(t, 7);
    const events = [
      { communityId, fanId: gid('Fan', a.id), kind: 'MESSAGE_POSTED', count: 5, occurredAt: minutesAgo(30) },
      { communityId, fanExternalId: a.externalId, kind: 'MESSAGE_POSTED', count: 30, occurredAt: minutesAgo(10) }, // 35 messages → capped at +20
      { communityId, fanId: gid('Fan', a.id), kind: 'BUYER_SHOW_POSTED', count: 2, occurredAt: minutesAgo(20) }, // +10
      { communityId, fanExternalId: b.externalId, kind: 'KOC_ACTION', occurredAt: minutesAgo(5) }, // +3
      { communityId, fanExternalId: b.externalId, kind: 'LIKE_BURST', count: 800, occurredAt: minutesAgo(4) }, // +1 however many taps
      { communityId, fanId: gid('Fan', b.id), kind: 'COMPLAINT_RAISED', payload: { complaintId: 'c-19' }, occurredAt: minutesAgo(3) }, // +0
      { communityId, kind: 'MESSAGE_POSTED', count: 120 }, // group-wide count, no fan
    ];
    const res = await t.ok(BATCH, { input: { events } });
    expect(res.recordActivityBatch).toEqual({ __typename: 'MutationRecordActivityBatchSuccess', data: { accepted: 7, fansUpdated: 2 } });
    const [fa, fb, fi] = await Promise.all([fanRow(t, a.id), fanRow(t, b.id), fanRow(t, idle.id)]);
    expect(fa.intimacy).toBe(10 + 20 + 10);
    expect(fb.intimacy).toBe(3 + 1);
    expect(fi.intimacy).toBe(7);
    expect(fa.lastActiveAt?.toISOString()).toBe(events[1].occurredAt);
    expect(fb.lastActiveAt?.toISOString()).toBe(events[5].occurredAt);
    const feed = await t.ok(`query($c: ID!) { activity(communityId: $c, first: 20) { nodes { kind count payload fan { id } } } }`, {
      c: communityId,
    });
    expect(feed.activity.nodes).toHaveLength(7);
    expect(feed.activity.nodes).toContainEqual({ kind: 'LIKE_BURST', count: 800, payload: null, fan: { id: gid('Fan', b.id) } });
    expect(feed.activity.nodes).toContainEqual({
      kind: 'COMPLAINT_RAISED',
      count: 1,
      payload: { complaintId: 'c-19' },
      fan: { id: gid('Fan', b.id) },
    });
    expect(feed.activity.nodes).toContainEqual({ kind: 'MESSAGE_POSTED', count: 120, payload: null, fan: null });
  });

  it('never moves last-active backwards', async ({ t }) => {
    const a = await newFan(t);
    // Compared with the later event's own time: just after midnight the events are shifted before it.
    const latest = minutesAgo(1);
    await t.ok(BATCH, { input: { events: [{ communityId, fanId: gid('Fan', a.id), kind: 'KOC_ACTION', occurredAt: latest }] } });
    await t.ok(BATCH, { input: { events: [{ communityId, fanId: gid('Fan', a.id), kind: 'KOC_ACTION', occurredAt: minutesAgo(600) }] } });
    const row = await fanRow(t, a.id);
    expect(row.lastActiveAt!.toISOString()).toBe(latest);
    expect(row.intimacy).toBe(6);
  });

  it('refuses a bad row with VALIDATION naming input.events.N.field, and writes nothing', async ({ t }) => {
    const a = await newFan(t, 5);
    const good = { communityId, fanId: gid('Fan', a.id), kind: 'MESSAGE_POSTED', count: 3 };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, count: 0 }, 'input.events.2.count'],
      [{ ...good, count: 10_001 }, 'input.events.2.count'],
      [{ ...good, kind: 'MEMBER_JOINED' }, 'input.events.2.kind'],
      [{ ...good, kind: 'CHECK_IN' }, 'input.events.2.kind'],
      [{ ...good, fanExternalId: a.externalId }, 'input.events.2.fanExternalId'],
      [{ ...good, occurredAt: new Date(Date.now() + 3_600_000).toISOString() }, 'input.events.2.occurredAt'],
      [{ ...good, occurredAt: new Date(Date.now() - 40 * 86_400_000).toISOString() }, 'input.events.2.occurredAt'],
      [{ ...good, payload: { note: 'x'.repeat(2_001) } }, 'input.events.2.payload'],
    ];
    const before = await t.database.prisma.activityEvent.count({ where: { orgId: t.orgId } });
    for (const [bad, field] of cases) {
      const res = await t.ok(BATCH, { input: { events: [good, good, bad] } });
      expect(res.recordActivityBatch, field).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION', field });
    }
    expect((await t.ok(BATCH, { input: { events: [] } })).recordActivityBatch).toMatchObject({ code: 'VALIDATION', field: 'input.events' });
    expect((await t.ok(BATCH, { input: { events: Array(501).fill(good) } })).recordActivityBatch).toMatchObject({
      code: 'VALIDATION',
      field: 'input.events',
    });
    expect(await t.database.prisma.activityEvent.count({ where: { orgId: t.orgId } })).toBe(before);
    expect((await fanRow(t, a.id)).intimacy).toBe(5);
  });

  it("refuses another organization's groups and fans (NOT_FOUND naming the row), and writes nothing", async ({ t }) => {
    const a = await newFan(t, 5);
    const good = { communityId, fanId: gid('Fan', a.id), kind: 'BUYER_SHOW_POSTED' };
    const rivalCommunity = await t.database.prisma.community.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    const rivalFan = await t.database.prisma.fan.create({ data: { orgId: t.rivalOrgId, externalId: 'only-at-rival', displayName: 'Rival fan' } });
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, communityId: gid('Community', rivalCommunity.id) }, 'input.events.1.communityId'],
      [{ ...good, fanId: gid('Fan', rivalFan.id) }, 'input.events.1.fanId'],
      [{ communityId, fanExternalId: 'only-at-rival', kind: 'KOC_ACTION' }, 'input.events.1.fanExternalId'],
    ];
    const before = await t.database.prisma.activityEvent.count();
    for (const [bad, field] of cases) {
      expect((await t.ok(BATCH, { input: { events: [good, bad] } })).recordActivityBatch).toMatchObject({
        __typename: 'NotFoundError',
        code: 'NOT_FOUND',
        field,
      });
    }
    expect(await t.database.prisma.activityEvent.count()).toBe(before);
    expect((await fanRow(t, a.id)).intimacy).toBe(5);
    expect((await fanRow(t, rivalFan.id)).intimacy).toBe(0);
  });

  it('analysts and fans may not push activity; operators may', async ({ t }) => {
    const a = await newFan(t);
    const input = { events: [{ communityId, fanId: gid('Fan', a.id), kind: 'BUYER_SHOW_POSTED' }] };
    for (const as of ['Dev demo/analyst@demo.test', `Dev demo/fan:${a.externalId}`]) {
      expect((await t.gql(BATCH, { input }, as)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect((await fanRow(t, a.id)).intimacy).toBe(0);
    expect((await t.ok(BATCH, { input }, 'Dev demo/jujube@demo.test')).recordActivityBatch.data.accepted).toBe(1);
    expect((await fanRow(t, a.id)).intimacy).toBe(5);
  });

  it("partners need the 'events' scope and call the persisted PartnerRecordActivity", async ({ t }) => {
    const a = await newFan(t);
    const input = { events: [{ communityId, fanExternalId: a.externalId, kind: 'MESSAGE_POSTED', count: 4 }] };
    const readOnly = await asPartner(t, ['read'], input);
    expect(readOnly.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await fanRow(t, a.id)).intimacy).toBe(0);
    const events = await asPartner(t, ['read', 'events'], input);
    expect(events.data?.recordActivityBatch).toEqual({
      __typename: 'MutationRecordActivityBatchSuccess',
      data: { accepted: 1, fansUpdated: 1, replayed: false },
    });
    expect((await fanRow(t, a.id)).intimacy).toBe(4);
  });

  it('a retried batch with the same batchKey replays its receipt and counts nothing twice, even 10 at once', async ({ t }) => {
    const a = await newFan(t);
    const input = {
      batchKey: 'bot-7/2026-11-23T10:00/1',
      events: [{ communityId, fanExternalId: a.externalId, kind: 'BUYER_SHOW_POSTED', count: 2 }],
    };
    const feedRows = () => t.database.prisma.activityEvent.count({ where: { fanId: a.id } });
    const first = await asPartner(t, ['events'], input);
    expect(first.data?.recordActivityBatch.data).toEqual({ accepted: 1, fansUpdated: 1, replayed: false });
    const retry = await asPartner(t, ['events'], input);
    expect(retry.data?.recordActivityBatch.data).toEqual({ accepted: 1, fansUpdated: 1, replayed: true });
    expect((await fanRow(t, a.id)).intimacy).toBe(10);
    expect(await feedRows()).toBe(1);

    const b = await newFan(t);
    const burst = { batchKey: 'bot-7/burst', events: [{ communityId, fanId: gid('Fan', b.id), kind: 'KOC_ACTION' }] };
    const results = await Promise.all(Array.from({ length: 10 }, () => t.ok(BATCH_KEYED, { input: burst })));
    expect(results.map((r) => r.recordActivityBatch.data.replayed).filter((replayed) => !replayed)).toHaveLength(1);
    expect(results.every((r) => r.recordActivityBatch.data.accepted === 1)).toBe(true);
    expect((await fanRow(t, b.id)).intimacy).toBe(3);
  });

  it('refuses a batchKey reused for different events (CONFLICT) and changes nothing; keys are per organization', async ({ t }) => {
    const a = await newFan(t);
    const events = [{ communityId, fanId: gid('Fan', a.id), kind: 'KOC_ACTION' }];
    await t.ok(BATCH_KEYED, { input: { batchKey: 'crm-42', events } });
    const reused = await t.ok(BATCH_KEYED, { input: { batchKey: 'crm-42', events: [{ ...events[0], kind: 'BUYER_SHOW_POSTED' }] } });
    expect(reused.recordActivityBatch).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT', field: 'input.batchKey' });
    expect((await fanRow(t, a.id)).intimacy).toBe(3);
    for (const batchKey of ['', ' ', 'k'.repeat(101)]) {
      expect((await t.ok(BATCH_KEYED, { input: { batchKey, events } })).recordActivityBatch).toMatchObject({
        code: 'VALIDATION',
        field: 'input.batchKey',
      });
    }
    expect((await fanRow(t, a.id)).intimacy).toBe(3);
    // A refused batch does not burn its key: fixed and re-sent under the same key, it is recorded.
    const bad = await t.ok(BATCH_KEYED, { input: { batchKey: 'crm-43', events: [{ ...events[0], count: 0 }] } });
    expect(bad.recordActivityBatch.code).toBe('VALIDATION');
    expect((await t.ok(BATCH_KEYED, { input: { batchKey: 'crm-43', events } })).recordActivityBatch.data.replayed).toBe(false);
    // Another organization's bot may use the same key for its own batch.
    const rivalCommunity = await t.database.prisma.community.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    const rival = await t.ok(
      BATCH_KEYED,
      { input: { batchKey: 'crm-42', events: [{ communityId: gid('Community', rivalCommunity.id), kind: 'MESSAGE_POSTED' }] } },
      'Dev rival',
    );
    expect(rival.recordActivityBatch.data).toEqual({ accepted: 1, fansUpdated: 0, replayed: false });
  });

  it('20 overlapping batches in parallel (fans in opposite orders) lose no update and do not deadlock', async ({ t }) => {
    const [a, b, c] = await Promise.all([newFan(t), newFan(t), newFan(t)]);
    const batches = Array.from({ length: 20 }, (_, i) => {
      const order = i % 2 ? [a, b, c] : [c, b, a];
      return order.map((f) => ({ communityId, fanId: gid('Fan', f.id), kind: 'KOC_ACTION' }));
    });
    const results = await Promise.all(batches.map((events) => t.ok(BATCH, { input: { events } })));
    expect(results.every((r) => r.recordActivityBatch.data?.accepted === 3)).toBe(true);
    for (const f of [a, b, c]) expect((await fanRow(t, f.id)).intimacy).toBe(20 * 3);
  });

  it('a batch of 500 rows for 100 fans takes a fixed handful of statements (set-based)', async ({ t }) => {
    const fans = await Promise.all(Array.from({ length: 100 }, () => newFan(t)));
    const events = Array.from({ length: 500 }, (_, i) => ({
      communityId,
      fanExternalId: fans[i % 100].externalId,
      kind: Math.floor(i / 100) % 2 ? 'MESSAGE_POSTED' : 'BUYER_SHOW_POSTED',
      count: 2,
    }));
    const { result, statements } = await t.countStatements(() => t.ok(BATCH, { input: { events } }));
    expect(result.recordActivityBatch.data).toEqual({ accepted: 500, fansUpdated: 100 });
    expect(statements.length).toBeLessThanOrEqual(12);
    // Each fan: 5 rows → 3 buyer-show rows (2 each → +30) and 2 message rows (4 messages → +4).
    const rows = await t.database.prisma.fan.findMany({ where: { id: { in: fans.map((f) => f.id) } }, select: { intimacy: true } });
    expect(new Set(rows.map((r) => r.intimacy))).toEqual(new Set([34]));
  });
});
