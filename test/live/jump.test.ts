// Sessions carry the live room's link and/or passphrase for the mini-program's jump: an https link and a
// 4–64 character passphrase; anything else is refused with nothing changed. Fans read them.
import { describe, expect } from 'vitest';
import { useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 3 });

const FIELDS = 'id title liveRoomUrl liveRoomPassphrase';
const SCHEDULE = `mutation($i: ScheduleLiveSessionInput!) { r: scheduleLiveSession(input: $i) {
  __typename ... on MutationScheduleLiveSessionSuccess { data { ${FIELDS} } } ... on Error { code field message } } }`;
const RESCHEDULE = `mutation($i: RescheduleLiveSessionInput!) { r: rescheduleLiveSession(input: $i) {
  __typename ... on MutationRescheduleLiveSessionSuccess { data { ${FIELDS} } } ... on Error { code field message } } }`;
const inADay = () => new Date(Date.now() + 86_400_000).toISOString();
const base = () => ({ title: 'Winter skincare live', host: 'Lumi', scheduledAt: inADay() });

describe('live-room link and passphrase', () => {
  it('are stored with the session, read by fans, changed or removed (empty) while it is scheduled', async ({ t }) => {
    const made = await t.ok(SCHEDULE, {
      i: { ...base(), liveRoomUrl: 'https://live.example.com/room/8812', liveRoomPassphrase: '  8812 winter glow  ' },
    });
    expect(made.r.data).toMatchObject({ liveRoomUrl: 'https://live.example.com/room/8812', liveRoomPassphrase: '8812 winter glow' });
    const id = made.r.data.id as string;
    // The fan who reserved the session reads where to jump from their reservations.
    const fan = 'Dev demo/fan:u100000';
    const reserved = await t.ok(`mutation($i: ReserveSessionInput!) { reserveSession(input: $i) { __typename } }`, { i: { sessionId: id } }, fan);
    expect(reserved.reserveSession.__typename).toBe('MutationReserveSessionSuccess');
    const fanView = await t.ok(`{ viewer { fan { reservations { session { id liveRoomUrl liveRoomPassphrase } } } } }`, {}, fan);
    expect(fanView.viewer.fan.reservations.map((r: { session: unknown }) => r.session)).toContainEqual({
      id,
      liveRoomUrl: 'https://live.example.com/room/8812',
      liveRoomPassphrase: '8812 winter glow',
    });
    const changed = await t.ok(RESCHEDULE, { i: { sessionId: id, scheduledAt: inADay(), liveRoomUrl: '', liveRoomPassphrase: 'NEWCODE' } });
    expect(changed.r.data).toMatchObject({ liveRoomUrl: null, liveRoomPassphrase: 'NEWCODE' });
    const kept = await t.ok(RESCHEDULE, { i: { sessionId: id, scheduledAt: inADay(), title: 'Renamed' } });
    expect(kept.r.data).toMatchObject({ title: 'Renamed', liveRoomPassphrase: 'NEWCODE' });
  });

  it('refuses a link that is not https, a passphrase too short, too long or on two lines; nothing is written', async ({ t }) => {
    const before = await t.database.prisma.liveSession.count({ where: { orgId: t.orgId } });
    for (const liveRoomUrl of ['http://live.example.com/room', 'javascript:alert(1)', 'live.example.com/room', 'https://']) {
      const r = await t.ok(SCHEDULE, { i: { ...base(), liveRoomUrl } });
      expect(r.r, liveRoomUrl).toMatchObject({ code: 'VALIDATION', field: 'input.liveRoomUrl' });
    }
    for (const liveRoomPassphrase of ['abc', 'x'.repeat(65), 'two\nlines']) {
      const r = await t.ok(SCHEDULE, { i: { ...base(), liveRoomPassphrase } });
      expect(r.r, liveRoomPassphrase).toMatchObject({ code: 'VALIDATION', field: 'input.liveRoomPassphrase' });
    }
    expect(await t.database.prisma.liveSession.count({ where: { orgId: t.orgId } })).toBe(before);
    const made = await t.ok(SCHEDULE, { i: { ...base(), liveRoomPassphrase: 'GOOD1' } });
    const bad = await t.ok(RESCHEDULE, { i: { sessionId: made.r.data.id, scheduledAt: inADay(), liveRoomUrl: 'ftp://x.example.com' } });
    expect(bad.r).toMatchObject({ code: 'VALIDATION', field: 'input.liveRoomUrl' });
    const row = await t.database.prisma.liveSession.findFirstOrThrow({ where: { title: 'Winter skincare live', liveRoomPassphrase: 'GOOD1' } });
    expect(row.liveRoomUrl).toBeNull();
  });
});
