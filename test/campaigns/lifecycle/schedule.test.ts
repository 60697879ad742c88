// Campaigns start and end at their planned times, through the job queue, with a fake clock: scheduling
// queues the start at startsAt; starting queues the end at endsAt (drain({ until }) makes what is
// planned up to that instant due now). A step already taken by hand leaves the campaign as it is.
import { describe, expect } from 'vitest';
import { useTestApp } from '../../helpers/test-app.js';
import { CREATE, rawId, transition } from './helpers.js';

const it = useTestApp({ fans: 5 });
const HOUR = 3_600_000;
const soon = (h: number) => new Date(Date.now() + h * HOUR);
const like = { targetLikes: 1_000, milestoneEvery: 100 };

describe('planned campaign times', () => {
  it('a scheduled campaign starts at startsAt and ends at endsAt, each step once', async ({ t }) => {
    const created = await t.ok(CREATE, {
      input: { kind: 'LIKE', name: 'Timed likes', startsAt: soon(1).toISOString(), endsAt: soon(3).toISOString(), like },
    });
    const id = created.createCampaign.data.id as string;
    const status = async () => (await t.database.prisma.campaign.findUniqueOrThrow({ where: { id: rawId(id) } })).status;
    expect((await t.ok(transition('schedule'), { id })).scheduleCampaign.data.status).toBe('SCHEDULED');

    await t.services.jobs.drain({ until: soon(0.5) }); // half an hour later: not yet
    expect(await status()).toBe('SCHEDULED');
    await t.services.jobs.drain({ until: soon(1.01) });
    expect(await status()).toBe('RUNNING');
    await t.services.jobs.drain({ until: soon(2) });
    expect(await status()).toBe('RUNNING');
    await t.services.jobs.drain({ until: soon(3.01) });
    expect(await status()).toBe('ENDED');
  });

  it('a campaign started by hand before its time is not started again, and one cancelled is not started', async ({ t }) => {
    const make = async (name: string) => {
      const c = await t.ok(CREATE, { input: { kind: 'LIKE', name, startsAt: soon(1).toISOString(), like } });
      const id = c.createCampaign.data.id as string;
      await t.ok(transition('schedule'), { id });
      return id;
    };
    const early = await make('Started early');
    const cancelled = await make('Cancelled');
    expect((await t.ok(transition('start'), { id: early })).startCampaign.data.status).toBe('RUNNING');
    expect((await t.ok(transition('cancel'), { id: cancelled })).cancelCampaign.data.status).toBe('CANCELLED');
    await t.services.jobs.drain({ until: soon(1.01) });
    const statuses = await t.database.prisma.campaign.findMany({
      where: { id: { in: [rawId(early), rawId(cancelled)] } },
      select: { name: true, status: true },
    });
    expect(statuses.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'Cancelled', status: 'CANCELLED' },
      { name: 'Started early', status: 'RUNNING' },
    ]);
  });
});
