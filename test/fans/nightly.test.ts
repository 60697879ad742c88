// The nightly lifecycle refresh: an hourly crontab job refreshes each organization at 03:00 in its own
// time zone. The job is given the crontab's timestamp (a fake clock), so the test picks the hour.
import { describe, expect } from 'vitest';
import { NIGHTLY_LIFECYCLE_TASK } from '../../src/services.js';
import { useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 5 });
const DAY = 86_400_000;

describe('nightly lifecycle refresh', () => {
  it('refreshes an organization at 03:00 in its time zone, and not at another hour', async ({ t }) => {
    await t.database.prisma.organization.update({ where: { id: t.orgId }, data: { timeZone: 'Asia/Shanghai' } });
    // 19:00 UTC is 03:00 in Shanghai (no daylight saving); the most recent one in the past.
    const three = new Date(`${new Date().toISOString().slice(0, 10)}T19:00:00Z`);
    if (three.getTime() > Date.now()) three.setTime(three.getTime() - DAY);
    const four = new Date(three.getTime() + 3_600_000);
    const fan = await t.database.prisma.fan.create({
      data: { orgId: t.orgId, externalId: 'nightly-1', displayName: 'Nightly', lifecycle: 'NEW', createdAt: new Date(three.getTime() - 40 * DAY) },
    });
    const run = async (ts: Date) => {
      await t.database.prisma.$transaction((tx) => t.services.jobs.enqueue(tx, NIGHTLY_LIFECYCLE_TASK, { _cron: { ts: ts.toISOString() } }));
      await t.services.jobs.drain();
    };
    const stage = async () => (await t.database.prisma.fan.findUniqueOrThrow({ where: { id: fan.id } })).lifecycle;

    await run(four);
    expect(await stage()).toBe('NEW');
    await run(three);
    expect(await stage()).toBe('SILENT'); // 40 days since joining, never active
  });
});
