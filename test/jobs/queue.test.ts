// The job queue (graphile-worker on the test's database: PGlite through core/jobs/pglite-pool.ts, or
// PostgreSQL): jobs exist only when the transaction that enqueued them commits, failures retry with
// backoff and end in a visible failed state, and a job key keeps one pending job.
import { describe, expect } from 'vitest';
import { runCli } from '../../src/cli.js';
import { failedJobs } from '../../src/core/jobs/queue.js';
import { gid } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 5 });

const ran: { task: string; payload: any }[] = [];
let flakyFails = true;

it.beforeAll(async ({ t }) => {
  t.services.jobs.register('test.count', async (payload) => void ran.push({ task: 'test.count', payload }));
  t.services.jobs.register('test.flaky', async (payload) => {
    ran.push({ task: 'test.flaky', payload });
    if (flakyFails) throw new Error('receiver exploded');
  });
});

const pending = async (t: SeededTestApp, task: string) =>
  (
    await t.database.pool.query<{ attempts: number; run_at: Date; last_error: string | null; payload: any; id: string }>(
      `SELECT j.id::text, j.attempts, j.run_at, j.last_error, j.payload FROM graphile_worker._private_jobs j
       JOIN graphile_worker._private_tasks k ON k.id = j.task_id WHERE k.identifier = $1 ORDER BY j.id`,
      [task],
    )
  ).rows;

describe('enqueue inside a transaction', () => {
  it('a rolled-back transaction leaves no job; a committed one runs once', async ({ t }) => {
    ran.length = 0;
    await expect(
      t.database.prisma.$transaction(async (tx) => {
        await t.services.jobs.enqueue(tx, 'test.count', { n: 'rolled back' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await pending(t, 'test.count')).toEqual([]);

    await t.database.prisma.$transaction((tx) => t.services.jobs.enqueue(tx, 'test.count', { n: 'committed' }));
    expect(await pending(t, 'test.count')).toHaveLength(1);
    await t.services.jobs.drain();
    expect(ran).toEqual([{ task: 'test.count', payload: { n: 'committed' } }]);
    expect(await pending(t, 'test.count')).toEqual([]);
  });

  it('a refused mutation emits no outbound event; an accepted one emits one', async ({ t }) => {
    const fan = await t.database.prisma.fan.create({ data: { orgId: t.orgId, externalId: 'q-fan', displayName: 'Queue fan' } });
    const reward = await t.database.prisma.reward.create({ data: { orgId: t.orgId, name: 'Mug', shelf: 'ESSENTIALS', costPoints: 100, stock: 5 } });
    // An endpoint that wants the kind (nothing is enqueued for kinds no endpoint wants); port 1 refuses at once.
    await t.database.prisma.webhookEndpoint.create({
      data: { orgId: t.orgId, url: 'https://127.0.0.1:1/q', eventKinds: ['redemption.created'], secret: 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=' },
    });
    const REDEEM = `mutation($i: RedeemRewardInput!) { redeemReward(input: $i) { __typename ... on Error { code } } }`;
    const input = { rewardId: gid('Reward', reward.id), fanId: gid('Fan', fan.id), idempotencyKey: 'queue-0001' };
    expect((await t.ok(REDEEM, { i: input })).redeemReward).toEqual({ __typename: 'InsufficientPointsError', code: 'INSUFFICIENT_POINTS' });
    expect(await pending(t, 'outbound.event')).toEqual([]);

    await t.database.prisma.fan.update({ where: { id: fan.id }, data: { pointsBalance: 100 } });
    expect((await t.ok(REDEEM, { i: input })).redeemReward.__typename).toBe('MutationRedeemRewardSuccess');
    const events = await pending(t, 'outbound.event');
    expect(events.map((e) => [e.payload.kind, e.payload.data.fanId, e.payload.orgId])).toEqual([['redemption.created', fan.id, t.orgId]]);
    await t.services.jobs.drain(); // the fan-out ran (its delivery failed and waits for a retry)
    expect(await pending(t, 'outbound.event')).toEqual([]);
    expect(await pending(t, 'webhook.deliver')).toHaveLength(1);
  });
});

describe('failures', () => {
  it('retry with growing backoff, then stay visible as failed (CLI: jobs failed / jobs retry)', async ({ t }) => {
    ran.length = 0;
    flakyFails = true;
    await t.database.prisma.$transaction((tx) => t.services.jobs.enqueue(tx, 'test.flaky', { order: 7 }, { maxAttempts: 3 }));
    await t.services.jobs.drain();
    const [first] = await pending(t, 'test.flaky');
    expect(first).toMatchObject({ attempts: 1, last_error: expect.stringContaining('receiver exploded') });
    // graphile-worker's backoff: e^attempts seconds after the failure (≈2.7 s after the first).
    const delay1 = first!.run_at.getTime() - Date.now();
    expect(delay1).toBeGreaterThan(1_500);
    expect(delay1).toBeLessThan(3_500);

    // A fake clock for the backoff: waiting retries are made due at once, one attempt per pass.
    await t.services.jobs.drain({ fastForward: true });
    const [last] = await pending(t, 'test.flaky');
    expect(last).toMatchObject({ attempts: 3, last_error: expect.stringContaining('receiver exploded') });
    expect(ran.filter((r) => r.task === 'test.flaky')).toHaveLength(3);

    const failed = await failedJobs(t.database.pool);
    expect(failed).toEqual([
      { id: last!.id, task: 'test.flaky', attempts: 3, lastError: expect.stringContaining('receiver exploded'), payload: { order: 7 } },
    ]);
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(`ERR ${l}`) };
    expect(await runCli(['jobs', 'failed'], io, {}, { database: t.database, config: t.config })).toBe(0);
    expect(out).toEqual([expect.stringMatching(new RegExp(`^${last!.id}\\ttest\\.flaky\\tattempts 3\\t.*receiver exploded`))]);

    flakyFails = false;
    out.length = 0;
    expect(await runCli(['jobs', 'retry', last!.id], io, {}, { database: t.database, config: t.config })).toBe(0);
    await t.services.jobs.drain();
    expect(await pending(t, 'test.flaky')).toEqual([]);
    expect(ran.filter((r) => r.task === 'test.flaky')).toHaveLength(4);
    expect(await runCli(['jobs', 'retry', last!.id], io, {}, { database: t.database, config: t.config })).toBe(1);
    expect(out.at(-1)).toMatch(/no failed job/);
  });
});

describe('job keys', () => {
  it('keep one pending job per key: the later payload replaces the earlier, and it runs once', async ({ t }) => {
    ran.length = 0;
    for (const version of [1, 2, 3])
      await t.database.prisma.$transaction((tx) => t.services.jobs.enqueue(tx, 'test.count', { version }, { jobKey: 'reminder:session-1' }));
    expect((await pending(t, 'test.count')).map((j) => j.payload)).toEqual([{ version: 3 }]);
    await t.services.jobs.drain();
    expect(ran).toEqual([{ task: 'test.count', payload: { version: 3 } }]);
  });
});
