// What an operator of the service sees: one log line per request (request id echoed, operation,
// principal, organization, duration, result), subscription open/close lines, no credential in any
// line; Prometheus metrics at /metrics that move with traffic, guarded by a token when one is set.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect } from 'vitest';
import { enqueueJob } from '../../src/core/jobs/queue.js';
import type { LogFields, Logger } from '../../src/core/logger.js';
import { emitOutbound } from '../../src/core/outbound.js';
import { createTestApp } from '../helpers/app.js';
import { seedTwoTenants } from '../helpers/fixtures.js';
import { gid } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

interface Line {
  level: string;
  msg: string;
  fields: LogFields;
}
const lines: Line[] = [];
const keep =
  (level: string) =>
  (first: string | LogFields, ...rest: unknown[]) =>
    void lines.push(typeof first === 'string' ? { level, msg: first, fields: {} } : { level, msg: String(rest[0]), fields: first });
const logger: Logger = { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };

const it = useTestApp({ fans: 10, logger, env: { RATE_LIMIT_FAN: '3' } });

const post = (t: SeededTestApp, body: object, headers: Record<string, string> = {}) =>
  t.app.fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Dev demo', ...headers },
    body: JSON.stringify(body),
  });
const requestLines = (id: string) => lines.filter((l) => l.msg === 'request' && l.fields.requestId === id);
const scrape = async (t: { app: SeededTestApp['app'] }, headers: Record<string, string> = {}) => {
  const res = await t.app.fetch('http://test/metrics', { headers });
  return { status: res.status, text: await res.text() };
};
/** The value of a metric line (labels as written), 0 when absent. */
const metric = (text: string, name: string) => Number(text.match(new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm'))?.[1] ?? 0);

describe('request log', () => {
  it('writes one line per request with the id it echoes, the operation, principal, organization, duration and result', async ({ t }) => {
    const res = await post(t, { query: 'query WhoAmI { viewer { kind } }' }, { 'x-request-id': 'trace-42.a' });
    expect(res.headers.get('x-request-id')).toBe('trace-42.a');
    const [line] = requestLines('trace-42.a');
    expect(line.fields).toMatchObject({
      operation: 'WhoAmI',
      operationType: 'query',
      principal: 'operator',
      organization: t.orgId,
      method: 'POST',
      path: '/graphql',
      status: 200,
      result: 'ok',
    });
    expect(line.fields.ms).toBeGreaterThanOrEqual(0);
    expect(requestLines('trace-42.a')).toHaveLength(1);
  });

  it('generates an id when none (or an unusable one) is sent, and logs the codes of a refused document', async ({ t }) => {
    for (const sent of [undefined, 'has spaces and "quotes"', 'x'.repeat(129)]) {
      const res = await post(t, { query: '{ noSuchField }' }, sent ? { 'x-request-id': sent } : {});
      const id = res.headers.get('x-request-id') ?? '';
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(requestLines(id)[0].fields.result).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    }
  });

  it('logs a subscription opening and closing, and never a credential', async ({ t }) => {
    const campaign = await t.database.prisma.campaign.create({
      data: { orgId: t.orgId, kind: 'LIKE', name: 'log watch', status: 'RUNNING', like: { create: { targetLikes: 100, milestoneEvery: 10 } } },
    });
    const abort = new AbortController();
    const secret = 'Dev demo/analyst@demo.test';
    const res = await t.app.fetch('http://test/graphql', {
      method: 'POST',
      signal: abort.signal,
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: secret, 'x-request-id': 'watch-1' },
      body: JSON.stringify({
        query: 'subscription Watch($c: ID!) { likeCampaign(campaignId: $c) { total } }',
        variables: { c: gid('Campaign', campaign.id) },
      }),
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await expect.poll(() => lines.some((l) => l.msg === 'subscription open' && l.fields.requestId === 'watch-1')).toBe(true);
    await reader.cancel();
    abort.abort();
    await expect
      .poll(() => lines.find((l) => l.msg === 'subscription close' && l.fields.requestId === 'watch-1')?.fields)
      .toMatchObject({
        operation: 'Watch',
        principal: 'operator',
      });
    expect(JSON.stringify(lines)).not.toContain('analyst@demo.test');
  });
});

describe('/metrics', () => {
  it('counts operations, errors, likes and rate-limit refusals as they happen', async ({ t }) => {
    const before = (await scrape(t)).text;
    const campaign = await t.database.prisma.campaign.create({
      data: { orgId: t.orgId, kind: 'LIKE', name: 'metrics', status: 'RUNNING', like: { create: { targetLikes: 1000, milestoneEvery: 100 } } },
    });
    const fan = await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: t.orgId } });
    const as = `Dev demo/fan:${fan.externalId}`;
    const send = () =>
      post(
        t,
        {
          query: 'mutation Tap($i: SendLikesInput!) { sendLikes(input: $i) { __typename } }',
          variables: { i: { campaignId: gid('Campaign', campaign.id), taps: 7 } },
        },
        { authorization: as },
      );
    const answers = await Promise.all(Array.from({ length: 5 }, send));
    const accepted = answers.filter((r) => r.status === 200).length;
    expect(accepted).toBeGreaterThan(0);
    expect(answers.filter((r) => r.status === 429).length).toBeGreaterThan(0);

    const { status, text } = await scrape(t);
    expect(status).toBe(200);
    expect(metric(text, 'fanops_likes_accepted_total') - metric(before, 'fanops_likes_accepted_total')).toBe(7 * accepted);
    expect(metric(text, 'fanops_rate_limited_total{principal="fan"}') - metric(before, 'fanops_rate_limited_total{principal="fan"}')).toBe(
      5 - accepted,
    );
    expect(metric(text, 'graphql_envelop_request_duration_count{operationName="Tap",operationType="mutation"}')).toBeGreaterThanOrEqual(accepted);
    for (const name of [
      'fanops_process_cpu_seconds_total',
      'fanops_nodejs_eventloop_lag_p99_seconds',
      'fanops_subscriptions_open',
      'fanops_db_pool_in_use',
      'graphql_yoga_http_duration_bucket',
    ])
      expect(text, name).toContain(name);
  });

  it('shows the job queue depth by state and webhook failures as they happen', async () => {
    // A receiver that refuses connections (a port just freed), two attempts 10 ms apart, and a task that always throws.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const app = await createTestApp({ env: { WEBHOOK_MAX_ATTEMPTS: '2', WEBHOOK_RETRY_BASE_MS: '10', WEBHOOK_DISABLE_AFTER: '5' } });
    try {
      const { demoOrgId: orgId } = await seedTwoTenants(app, 3);
      app.services.jobs.register('test.always-fails', async () => {
        throw new Error('deliberately');
      });
      const before = (await scrape(app)).text;
      expect(metric(before, 'fanops_jobs{state="pending"}')).toBe(0);
      const created = await app.ok(
        `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { __typename } }`,
        { i: { url: `http://127.0.0.1:${port}/hook`, eventKinds: ['REMINDER_DUE'] } },
        'Dev demo',
      );
      expect(created.createWebhookEndpoint.__typename).toBe('MutationCreateWebhookEndpointSuccess');
      const fan = await app.database.prisma.fan.findFirstOrThrow({ where: { orgId } });
      await app.database.prisma.$transaction(async (tx) => {
        await emitOutbound(tx, orgId, 'reminder.due', { fanId: fan.id });
        await enqueueJob(tx, 'test.always-fails', {}, { maxAttempts: 1 });
        await enqueueJob(tx, 'test.later', {}, { runAt: new Date(Date.now() + 3_600_000) });
      });
      const queued = (await scrape(app)).text;
      expect(metric(queued, 'fanops_jobs{state="pending"}')).toBe(3);

      // Only what is due runs: the event (its first send fails, then its retry), the failing task.
      await app.services.jobs.drain({ fastForward: true });
      const after = (await scrape(app)).text;
      expect(metric(after, 'fanops_jobs{state="pending"}')).toBe(1);
      expect(metric(after, 'fanops_jobs{state="failed"}')).toBe(1);
      expect(metric(after, 'fanops_jobs{state="running"}')).toBe(0);
      expect(metric(after, 'fanops_webhook_attempts_failed_total')).toBe(2);
      expect(metric(after, 'fanops_webhook_deliveries_failed_total')).toBe(1);
    } finally {
      await app.dispose();
    }
  });

  it('wants the bearer token when METRICS_TOKEN is set, and is off in production without one', async () => {
    const guarded = await createTestApp({ env: { METRICS_TOKEN: 'scrape-token-0123456789' } });
    const production = await createTestApp({ env: { NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(32) } });
    try {
      expect((await scrape(guarded)).status).toBe(401);
      expect((await scrape(guarded, { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
      const ok = await scrape(guarded, { authorization: 'Bearer scrape-token-0123456789' });
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('fanops_likes_accepted_total');
      const off = await scrape(production);
      expect(off.status).toBe(404);
      expect(off.text).not.toContain('fanops_');
    } finally {
      await guarded.dispose();
      await production.dispose();
    }
  });
});
