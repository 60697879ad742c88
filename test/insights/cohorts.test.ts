// Cohorts through the API, exact against a recomputation from the raw rows: after random joins, group
// activity and orders (attributed to groups or not), every cohort's size and weekly active members — for
// the organization and for groups — match what this file derives from Fan, Membership, ActivityEvent
// and Order rows with the README's rules (weeks Monday–Sunday in the organization's time zone).
import { describe, expect } from 'vitest';
import { gid } from '../helpers/ids.js';
import { useTestApp } from '../helpers/test-app.js';
import { rng } from './insights-helpers.js';

const it = useTestApp({ fans: 40 });
const DAY = 86_400_000;
const SEED = Number(process.env.COHORT_SEED ?? Date.now() % 100_000);

// Asia/Shanghai (the demo's zone) is UTC+8 all year: a local Monday is found by shifting 8 hours.
const OFFSET = 8 * 3_600_000;
const weekOf = (d: Date) => {
  const local = new Date(d.getTime() + OFFSET);
  const day = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  return day - ((local.getUTCDay() + 6) % 7) * DAY;
};
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const COHORTS = /* GraphQL */ `
  query($c: ID, $since: Date!, $n: Int, $k: Int) {
    fanCohorts(communityId: $c, since: $since, cohorts: $n, followingWeeks: $k) { weekStart members weeks { week activeMembers share } }
  }`;

describe('fan cohorts', () => {
  it('match a recomputation from the raw rows, for the organization and for groups', async ({ t }) => {
    const r = rng(SEED);
    const db = t.database.prisma;
    expect((await db.organization.findUniqueOrThrow({ where: { id: t.orgId } })).timeZone).toBe('Asia/Shanghai');
    const now = Date.now();
    const groups = (await db.community.findMany({ where: { orgId: t.orgId }, select: { id: true }, orderBy: { id: 'asc' } })).slice(0, 4);
    // New fans over the last ten weeks, each joining one or two groups some time after arriving.
    for (let i = 0; i < 40; i++) {
      const createdAt = new Date(now - r.int(0, 70 * DAY));
      const fan = await db.fan.create({ data: { orgId: t.orgId, externalId: `co-${SEED}-${i}`, displayName: `Cohort ${i}`, createdAt } });
      for (const g of new Set([r.pick(groups), r.pick(groups)])) {
        const joinedAt = new Date(Math.min(now, createdAt.getTime() + r.int(0, 20 * DAY)));
        await db.membership.create({ data: { orgId: t.orgId, communityId: g.id, fanId: fan.id, joinedAt } });
      }
    }
    const fans = await db.fan.findMany({ where: { orgId: t.orgId }, select: { id: true, externalId: true } });
    // Activity through the partner-facing batch (within the last 30 days), orders over the last 70.
    const events = Array.from({ length: 150 }, () => ({
      communityId: gid('Community', r.pick(groups).id),
      fanId: gid('Fan', r.pick(fans).id),
      kind: r.pick(['MESSAGE_POSTED', 'BUYER_SHOW_POSTED', 'LIKE_BURST', 'COMPLAINT_RAISED']),
      occurredAt: new Date(now - r.int(60_000, 29 * DAY)).toISOString(),
    }));
    for (let i = 0; i < events.length; i += 50) {
      const res = await t.ok(
        `mutation($i: RecordActivityBatchInput!) { recordActivityBatch(input: $i) { __typename ... on DomainError { message } } }`,
        { i: { events: events.slice(i, i + 50) } },
      );
      expect(res.recordActivityBatch.__typename).toBe('MutationRecordActivityBatchSuccess');
    }
    const orders = Array.from({ length: 120 }, (_, i) => ({
      externalId: `co-${SEED}-o${i}`,
      fanExternalId: r.pick(fans).externalId,
      amountCents: 4900,
      placedAt: new Date(now - r.int(60_000, 70 * DAY)).toISOString(),
      communityId: r.next() < 0.5 ? gid('Community', r.pick(groups).id) : null,
    }));
    const imported = await t.ok(`mutation($i: ImportOrdersInput!) { importOrders(input: $i) { __typename } }`, { i: { orders } });
    expect(imported.importOrders.__typename).toBe('MutationImportOrdersSuccess');

    // The recomputation: active weeks per fan and scope from the raw rows.
    const activeWeeks = new Map<string, Set<number>>();
    const mark = (fanId: string, scope: string, at: Date) => {
      const key = `${fanId}:${scope}`;
      activeWeeks.set(key, (activeWeeks.get(key) ?? new Set()).add(weekOf(at)));
    };
    for (const e of await db.activityEvent.findMany({ where: { orgId: t.orgId, fanId: { not: null }, kind: { not: 'MEMBER_LEFT' } } })) {
      mark(e.fanId!, '', e.occurredAt);
      if (e.communityId) mark(e.fanId!, e.communityId, e.occurredAt);
    }
    for (const o of await db.order.findMany({ where: { orgId: t.orgId } })) {
      mark(o.fanId, '', o.placedAt);
      if (o.communityId) mark(o.fanId, o.communityId, o.placedAt);
    }
    const first = weekOf(new Date(now - 70 * DAY));
    const today = weekOf(new Date(now));
    const N = 11,
      K = 10;
    const expected = (members: { fanId: string; at: Date }[], scope: string) => {
      const out = [];
      for (let start = first; start < first + N * 7 * DAY && start <= today; start += 7 * DAY) {
        const cohort = members.filter((m) => weekOf(m.at) === start);
        const weeks = [];
        for (let k = 0; k <= K && start + k * 7 * DAY <= today; k++) {
          const activeMembers = cohort.filter((m) => activeWeeks.get(`${m.fanId}:${scope}`)?.has(start + k * 7 * DAY)).length;
          weeks.push({ week: k, activeMembers, share: cohort.length ? activeMembers / cohort.length : 0 });
        }
        out.push({ weekStart: iso(start), members: cohort.length, weeks });
      }
      return out;
    };
    const since = iso(now - 70 * DAY + OFFSET); // a local day in the first week
    const allFans = await db.fan.findMany({ where: { orgId: t.orgId } });
    const org = (await t.ok(COHORTS, { since, n: N, k: K })).fanCohorts;
    expect(org, `seed ${SEED}`).toEqual(
      expected(
        allFans.map((f) => ({ fanId: f.id, at: f.createdAt })),
        '',
      ),
    );
    expect(org.reduce((s: number, c: any) => s + c.members, 0)).toBeGreaterThanOrEqual(40);
    for (const g of groups) {
      const members = await db.membership.findMany({ where: { communityId: g.id } });
      const got = (await t.ok(COHORTS, { c: gid('Community', g.id), since, n: N, k: K })).fanCohorts;
      expect(got, `seed ${SEED}, group ${g.id}`).toEqual(
        expected(
          members.map((m) => ({ fanId: m.fanId, at: m.joinedAt })),
          g.id,
        ),
      );
    }
  }, 180_000);

  it('stays inside the organization, and refuses fans and out-of-range arguments', async ({ t }) => {
    const db = t.database.prisma;
    const rivalGroup = await db.community.findFirstOrThrow({ where: { orgId: t.rivalOrgId } });
    const since = '2026-11-02';
    expect((await t.ok(COHORTS, { c: gid('Community', rivalGroup.id), since, n: 2, k: 1 })).fanCohorts).toBeNull();
    // The rival's organization cohorts count only its own fans.
    const rival = (await t.ok(COHORTS, { since: '2024-01-01', n: 52, k: 0 }, 'Dev rival')).fanCohorts;
    const rivalFans = await db.fan.count({
      where: { orgId: t.rivalOrgId, createdAt: { gte: new Date('2023-12-31T16:00:00Z'), lt: new Date('2024-12-29T16:00:00Z') } },
    });
    expect(rival.reduce((s: number, c: any) => s + c.members, 0)).toBe(rivalFans);
    const fan = await db.fan.findFirstOrThrow({ where: { orgId: t.orgId } });
    expect((await t.gql(COHORTS, { since, n: 2, k: 1 }, `Dev demo/fan:${fan.externalId}`)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(COHORTS, { since, n: 53, k: 1 })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await t.gql(COHORTS, { since, n: 2, k: -1 })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await t.gql(COHORTS, { since, n: 2, k: 1 }, 'Dev demo/analyst@demo.test')).errors).toBeUndefined();
  });
});
