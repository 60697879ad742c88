// Message intimacy is capped per fan per day (the organization's day), not per batch: a partner that
// splits a day's messages into many batches must not inflate intimacy.
import { afterEach, describe, expect, vi } from 'vitest';
import { graphql } from '../generated/index.js';
import { gid } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 5 });
afterEach(() => vi.useRealTimers());

const BATCH = graphql(`
  mutation IntimacyBatch($input: RecordActivityBatchInput!) {
    recordActivityBatch(input: $input) {
      __typename
      ... on MutationRecordActivityBatchSuccess { data { accepted fansUpdated } }
      ... on Error { code message field }
    }
  }
`);

let seq = 0;
async function setup(t: SeededTestApp) {
  seq += 1;
  const fan = await t.database.prisma.fan.create({ data: { orgId: t.orgId, externalId: `intim-${seq}`, displayName: `Suzhou-oily skin·${seq}` } });
  const c = await t.database.prisma.community.create({ data: { orgId: t.orgId, name: `Chat ${seq}`, kind: 'LARGE', inviteCode: `INTIM${seq}` } });
  return { fanId: gid('Fan', fan.id), rawFanId: fan.id, communityId: gid('Community', c.id) };
}
const intimacyOf = async (t: SeededTestApp, id: string) => (await t.database.prisma.fan.findUniqueOrThrow({ where: { id } })).intimacy;
const messages = (s: { fanId: string; communityId: string }, count: number, occurredAt: string) => ({
  input: { events: [{ communityId: s.communityId, fanId: s.fanId, kind: 'MESSAGE_POSTED' as const, count, occurredAt }] },
});

describe('message intimacy, capped per day', () => {
  it('ten batches of 5 messages on one day earn the daily cap of 20, not 50', async ({ t }) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-20T06:00:00Z')); // 14:00 in Shanghai
    const s = await setup(t);
    for (let i = 0; i < 10; i++) {
      const res = await t.ok(BATCH, messages(s, 5, `2026-11-20T0${i % 6}:0${i}:00Z`));
      expect(res.recordActivityBatch.__typename).toBe('MutationRecordActivityBatchSuccess');
    }
    expect(await intimacyOf(t, s.rawFanId)).toBe(20);
  });

  it('the cap is per organization day: messages on the next Shanghai day earn again, and parallel batches never pass the cap', async ({ t }) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-21T03:00:00Z'));
    const s = await setup(t);
    // 23:30 on the 20th in Shanghai, then 00:30 on the 21st (both the 20th in UTC).
    await t.ok(BATCH, messages(s, 15, '2026-11-20T15:30:00Z'));
    await t.ok(BATCH, messages(s, 15, '2026-11-20T16:30:00Z'));
    expect(await intimacyOf(t, s.rawFanId)).toBe(30);
    const parallel = await Promise.all(Array.from({ length: 8 }, (_, i) => t.ok(BATCH, messages(s, 3, `2026-11-21T0${i % 3}:1${i}:00Z`))));
    expect(parallel.every((r) => r.recordActivityBatch.__typename === 'MutationRecordActivityBatchSuccess')).toBe(true);
    // The 21st had 15 already: 24 more messages fill it to the cap of 20 (+5), never beyond.
    expect(await intimacyOf(t, s.rawFanId)).toBe(35);
  });
});
