// The lifecycle rule at its boundaries: through the mutation (operatorAdmin) with margins of a minute
// around each boundary, and through the service with a fixed clock for the exact instants.
import { describe, expect } from 'vitest';
import { refreshLifecycles } from '../../src/fans/lifecycle.js';
import type { FanLifecycle } from '../../src/generated/prisma/enums.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 10 });

const REFRESH = `mutation { refreshFanLifecycles { __typename ... on MutationRefreshFanLifecyclesSuccess { data { new active silent dormant churned changed } } } }`;
const DAY = 86_400_000;
const MIN = 60_000;

let n = 0;
type Facts = { createdAt: Date; lastActiveAt?: Date | null; lastOrderAt?: Date | null; lifecycle?: FanLifecycle };
async function fan(t: SeededTestApp, facts: Facts, org = t.orgId) {
  return t.database.prisma.fan.create({ data: { orgId: org, externalId: `lc-${++n}`, displayName: `Lc ${n}`, lifecycle: 'NEW', ...facts } });
}
async function member(t: SeededTestApp, fanId: string, left: boolean) {
  const community = await t.database.prisma.community.create({
    data: { orgId: t.orgId, name: `G${++n}`, kind: 'SMALL', inviteCode: `lc-invite-${n}` },
  });
  await t.database.prisma.membership.create({ data: { orgId: t.orgId, communityId: community.id, fanId, leftAt: left ? new Date() : null } });
}
const stage = async (t: SeededTestApp, id: string) => (await t.database.prisma.fan.findUniqueOrThrow({ where: { id } })).lifecycle;

describe('refreshFanLifecycles', () => {
  it('places fans by the documented rule, one minute either side of each boundary', async ({ t }) => {
    const now = Date.now();
    const ago = (ms: number) => new Date(now - ms);
    const old = ago(400 * DAY);
    const cases: [Facts, FanLifecycle][] = [
      [{ createdAt: ago(7 * DAY - MIN) }, 'NEW'],
      [{ createdAt: ago(7 * DAY - MIN), lastActiveAt: ago(MIN) }, 'NEW'],
      [{ createdAt: ago(7 * DAY + MIN), lastActiveAt: ago(DAY) }, 'ACTIVE'],
      [{ createdAt: old, lastActiveAt: ago(30 * DAY - MIN) }, 'ACTIVE'],
      [{ createdAt: old, lastActiveAt: ago(30 * DAY + MIN) }, 'SILENT'],
      // The later of last activity and last order counts.
      [{ createdAt: old, lastActiveAt: ago(200 * DAY), lastOrderAt: ago(2 * DAY) }, 'ACTIVE'],
      [{ createdAt: old, lastOrderAt: ago(90 * DAY - MIN) }, 'SILENT'],
      [{ createdAt: old, lastOrderAt: ago(90 * DAY + MIN) }, 'DORMANT'],
      // Never active: silent after the welcome week, dormant after 90 days.
      [{ createdAt: ago(7 * DAY + MIN) }, 'SILENT'],
      [{ createdAt: ago(90 * DAY - MIN) }, 'SILENT'],
      [{ createdAt: ago(90 * DAY + MIN) }, 'DORMANT'],
    ];
    const fans = await Promise.all(cases.map(([facts]) => fan(t, { ...facts, lifecycle: 'CHURNED' })));
    const churned = await fan(t, { createdAt: old, lastActiveAt: ago(DAY) });
    await member(t, churned.id, true);
    await member(t, churned.id, true);
    const stillIn = await fan(t, { createdAt: old, lastActiveAt: ago(DAY), lifecycle: 'CHURNED' });
    await member(t, stillIn.id, true);
    await member(t, stillIn.id, false);
    const rival = await fan(t, { createdAt: old, lifecycle: 'ACTIVE' }, t.rivalOrgId);

    const res = await t.ok(REFRESH);
    const got = await Promise.all(fans.map((f) => stage(t, f.id)));
    expect(got).toEqual(cases.map(([, s]) => s));
    expect(await stage(t, churned.id)).toBe('CHURNED');
    expect(await stage(t, stillIn.id)).toBe('ACTIVE');
    // Another tenant's fans are not touched.
    expect(await stage(t, rival.id)).toBe('ACTIVE');

    const groups = await t.database.prisma.fan.groupBy({ by: ['lifecycle'], where: { orgId: t.orgId }, _count: { _all: true } });
    const count = (s: FanLifecycle) => groups.find((g) => g.lifecycle === s)?._count._all ?? 0;
    expect(res.refreshFanLifecycles.data).toMatchObject({
      new: count('NEW'),
      active: count('ACTIVE'),
      silent: count('SILENT'),
      dormant: count('DORMANT'),
      churned: count('CHURNED'),
    });
    expect(res.refreshFanLifecycles.data.changed).toBeGreaterThanOrEqual(cases.length + 1);
    // Nothing left to move: a second refresh changes nothing.
    expect((await t.ok(REFRESH)).refreshFanLifecycles.data.changed).toBe(0);
  });

  it('is for owners and admins: operators and analysts are refused and nothing moves', async ({ t }) => {
    const f = await fan(t, { createdAt: new Date(Date.now() - 400 * DAY), lifecycle: 'ACTIVE' });
    for (const as of ['Dev demo/jujube@demo.test', 'Dev demo/analyst@demo.test']) {
      const r = await t.gql(REFRESH, {}, as);
      expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect(await stage(t, f.id)).toBe('ACTIVE');
    expect((await t.ok(REFRESH, {}, 'Dev demo/admin@demo.test')).refreshFanLifecycles.__typename).toBe('MutationRefreshFanLifecyclesSuccess');
    expect(await stage(t, f.id)).toBe('DORMANT');
  });

  it('service: the exact boundary instants belong to the older stage', async ({ t }) => {
    const now = new Date('2027-03-01T12:00:00.000Z');
    const at = (ms: number) => new Date(now.getTime() - ms);
    const cases: [Facts, FanLifecycle][] = [
      [{ createdAt: at(7 * DAY) }, 'SILENT'],
      [{ createdAt: at(7 * DAY - 1) }, 'NEW'],
      [{ createdAt: at(400 * DAY), lastActiveAt: at(30 * DAY) }, 'SILENT'],
      [{ createdAt: at(400 * DAY), lastActiveAt: at(30 * DAY - 1) }, 'ACTIVE'],
      [{ createdAt: at(400 * DAY), lastOrderAt: at(90 * DAY) }, 'DORMANT'],
      [{ createdAt: at(400 * DAY), lastOrderAt: at(90 * DAY - 1) }, 'SILENT'],
    ];
    const fans = await Promise.all(cases.map(([facts]) => fan(t, facts)));
    await refreshLifecycles(t.database.prisma, t.orgId, now);
    expect(await Promise.all(fans.map((f) => stage(t, f.id)))).toEqual(cases.map(([, s]) => s));
  });
});
