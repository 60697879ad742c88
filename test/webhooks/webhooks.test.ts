// Outbound webhooks through the API, delivered by the job queue to a receiver on loopback that checks
// every signature with the `standardwebhooks` package, as a partner would. Retries use a 50 ms base
// (WEBHOOK_RETRY_BASE_MS) instead of the production ~24 h schedule.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect } from 'vitest';
import { emitOutbound } from '../../src/core/outbound.js';
import { loadManifest } from '../../src/core/persisted.js';
import { gid } from '../helpers/ids.js';
import { type Check, pollUntil } from '../helpers/poll.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';
import { hashOf, partnerKey, persisted, post } from '../security/security-helpers.js';

const it = useTestApp({
  fans: 5,
  jobs: true,
  env: {
    WEBHOOK_RETRY_BASE_MS: '50',
    WEBHOOK_MAX_ATTEMPTS: '3',
    WEBHOOK_TIMEOUT_MS: '1500', // long enough for a loopback answer on a loaded 2-core machine
    WEBHOOK_DISABLE_AFTER: '1',
    JOBS_POLL_INTERVAL_MS: '50',
  },
});

// ───────────── the receiver ─────────────
type Received = { path: string; id: string; body: any; verified: boolean };
const received: Received[] = [];
const secrets = new Map<string, string>(); // path → secret
const behaviour = new Map<string, (n: number) => number | 'hang'>(); // path → status for the n-th request
const counts = new Map<string, number>();
let receiver: Server;
let base = '';

function handle(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const path = req.url ?? '/';
    const body = Buffer.concat(chunks).toString('utf8');
    const n = (counts.get(path) ?? 0) + 1;
    counts.set(path, n);
    const answer = behaviour.get(path)?.(n) ?? 200;
    if (answer === 'hang') return; // never answers: the sender's timeout ends it
    let verified = false;
    try {
      new Webhook(secrets.get(path) ?? 'whsec_AAAA').verify(body, req.headers as Record<string, string>);
      verified = true;
    } catch {}
    received.push({ path, id: String(req.headers['webhook-id']), body: JSON.parse(body), verified });
    res.writeHead(verified ? answer : 401).end();
  });
}

it.beforeAll(async () => {
  receiver = createServer(handle);
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
});

const until = <T>(what: string, check: Check<T>, ms = 15_000) => pollUntil(what, check, ms, 25);

// ───────────── API helpers ─────────────
const CREATE = `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) {
  __typename ... on MutationCreateWebhookEndpointSuccess { data { secret endpoint { id url active } } } ... on Error { code message field } } }`;
const ENDPOINT = `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { active disabledReason consecutiveFailures
  deliveries(first: 10) { totalCount nodes { id eventId kind status attempts responseCode latencyMs error payload } } } } }`;
const REPLAY = `mutation($id: ID!) { replayWebhookDelivery(deliveryId: $id) { __typename
  ... on MutationReplayWebhookDeliverySuccess { data { status attempts } } ... on Error { code message field } } }`;
const UPDATE = `mutation($i: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $i) { __typename
  ... on MutationUpdateWebhookEndpointSuccess { data { active disabledReason consecutiveFailures } } ... on Error { code message } } }`;
const DELETE = `mutation($id: ID!) { deleteWebhookEndpoint(endpointId: $id) { __typename ... on Error { code } } }`;

async function register(t: SeededTestApp, path: string, kinds = ['REDEMPTION_CREATED']) {
  const r = await t.ok(CREATE, { i: { url: `${base}${path}`, eventKinds: kinds, description: `test ${path}` } });
  expect(r.createWebhookEndpoint.__typename).toBe('MutationCreateWebhookEndpointSuccess');
  const { secret, endpoint } = r.createWebhookEndpoint.data;
  secrets.set(path, secret);
  return endpoint.id as string;
}

let redemptions = 0;
/** A real redemption through the API: emits redemption.created in its transaction. */
async function redeem(t: SeededTestApp) {
  const n = ++redemptions;
  const fan = await t.database.prisma.fan.create({
    data: { orgId: t.orgId, externalId: `wh-${n}`, displayName: `Webhook fan ${n}`, pointsBalance: 100 },
  });
  const reward = await t.database.prisma.reward.create({
    data: { orgId: t.orgId, name: `Gift ${n}`, shelf: 'ESSENTIALS', costPoints: 50, stock: 5 },
  });
  const r = await t.ok(
    `mutation($i: RedeemRewardInput!) { redeemReward(input: $i) { __typename ... on MutationRedeemRewardSuccess { data { id } } } }`,
    {
      i: { rewardId: gid('Reward', reward.id), fanId: gid('Fan', fan.id), idempotencyKey: `webhook-${n}-key` },
    },
  );
  expect(r.redeemReward.__typename).toBe('MutationRedeemRewardSuccess');
  return { fanId: fan.id, rewardName: reward.name };
}

const deliveriesOf = async (t: SeededTestApp, endpointId: string) => (await t.ok(ENDPOINT, { id: endpointId })).node;

describe('delivery', () => {
  it('signs each event (verified with standardwebhooks), logs it, and shows the secret only once', async ({ t }) => {
    const id = await register(t, '/ok');
    expect(secrets.get('/ok')).toMatch(/^whsec_/);
    const listed = await t.ok(`{ webhookEndpoints { id url eventKinds active } }`);
    expect(listed.webhookEndpoints).toEqual([{ id, url: `${base}/ok`, eventKinds: ['REDEMPTION_CREATED'], active: true }]);
    expect(JSON.stringify(listed)).not.toContain(secrets.get('/ok'));

    const { fanId, rewardName } = await redeem(t);
    const got = await until('the delivery', async () => received.find((r) => r.path === '/ok'));
    expect(got).toMatchObject({ verified: true, body: { type: 'redemption.created', data: { fanId, rewardName, points: 50 } } });
    expect(got.id).toBe(got.body.id);
    const log = await until('the log', async () => {
      const n = await deliveriesOf(t, id);
      return n.deliveries.nodes[0]?.status === 'DELIVERED' && n;
    });
    expect(log.deliveries.nodes[0]).toMatchObject({ eventId: got.id, kind: 'REDEMPTION_CREATED', attempts: 1, responseCode: 200, error: null });
    expect(log.deliveries.nodes[0].latencyMs).toBeGreaterThanOrEqual(0);
    expect((await t.ok(DELETE, { id })).deleteWebhookEndpoint.__typename).toBe('MutationDeleteWebhookEndpointSuccess');
  });

  it('retries a receiver that answers 500, and delivers on its 200', async ({ t }) => {
    behaviour.set('/flaky', (n) => (n === 1 ? 500 : 200));
    const id = await register(t, '/flaky');
    await redeem(t);
    const log = await until('delivered after a retry', async () => {
      const n = await deliveriesOf(t, id);
      return n.deliveries.nodes[0]?.status === 'DELIVERED' && n;
    });
    expect(log.deliveries.nodes[0]).toMatchObject({ attempts: 2, responseCode: 200 });
    const both = received.filter((r) => r.path === '/flaky');
    expect(both.map((r) => r.id)).toEqual([both[0]!.id, both[0]!.id]); // the same webhook-id: receivers de-duplicate
    expect(log.active).toBe(true);
    await t.ok(DELETE, { id });
  });

  it('disables an endpoint that never answers, with the reason; a replay is refused until it is back on', async ({ t }) => {
    behaviour.set('/hang', () => 'hang');
    const id = await register(t, '/hang');
    await redeem(t);
    const log = await until('disabled', async () => {
      const n = await deliveriesOf(t, id);
      return !n.active && n.deliveries.nodes[0]?.status === 'FAILED' && n;
    });
    expect(log.deliveries.nodes[0]).toMatchObject({ attempts: 3, responseCode: null, error: expect.stringContaining('no answer within 1500 ms') });
    expect(log.disabledReason).toMatch(/1 deliveries in a row failed after every retry .*no answer within 1500 ms.*set active: true/);
    const deliveryId = log.deliveries.nodes[0].id;

    expect((await t.ok(REPLAY, { id: deliveryId })).replayWebhookDelivery).toMatchObject({ __typename: 'InvalidStateError', field: 'deliveryId' });
    behaviour.set('/hang', () => 200);
    expect((await t.ok(UPDATE, { i: { endpointId: id, active: true } })).updateWebhookEndpoint.data).toEqual({
      active: true,
      disabledReason: null,
      consecutiveFailures: 0,
    });
    expect((await t.ok(REPLAY, { id: deliveryId })).replayWebhookDelivery.__typename).toBe('MutationReplayWebhookDeliverySuccess');
    const replayed = await until('replayed', async () => {
      const n = await deliveriesOf(t, id);
      return n.deliveries.nodes[0]?.status === 'DELIVERED' && n;
    });
    expect(replayed.deliveries.nodes[0]).toMatchObject({ eventId: log.deliveries.nodes[0].eventId, attempts: 1, responseCode: 200 });
    expect(received.filter((r) => r.path === '/hang').map((r) => r.id)).toEqual([log.deliveries.nodes[0].eventId]);
    await t.ok(DELETE, { id });
  });

  it('sends no marketing event about an opted-out fan', async ({ t }) => {
    const id = await register(t, '/reminders', ['REMINDER_DUE']);
    const [inFan, outFan] = await Promise.all(
      ['in', 'out'].map((x) =>
        t.database.prisma.fan.create({ data: { orgId: t.orgId, externalId: `opt-${x}`, displayName: `Opt ${x}`, optedOut: x === 'out' } }),
      ),
    );
    await t.database.prisma.$transaction(async (tx) => {
      expect(await emitOutbound(tx, t.orgId, 'reminder.due', { fanId: outFan!.id })).toBeNull();
      expect(await emitOutbound(tx, t.orgId, 'reminder.due', { fanId: inFan!.id })).not.toBeNull();
    });
    await t.services.jobs.drain();
    const log = await until('one delivery', async () => {
      const n = await deliveriesOf(t, id);
      return n.deliveries.nodes[0]?.status === 'DELIVERED' && n;
    });
    expect(log.deliveries.totalCount).toBe(1);
    expect(received.filter((r) => r.path === '/reminders').map((r) => r.body.data.fanId)).toEqual([inFan!.id]);
    await t.ok(DELETE, { id });
  });
});

describe('registration', () => {
  it('refuses a URL that is not https (or loopback http) with a typed error, storing nothing', async ({ t }) => {
    for (const url of ['ftp://files.example.com/hook', 'http://example.com/hook', 'not a url at all', 'https://user:pw@example.com/x']) {
      const r = await t.ok(CREATE, { i: { url, eventKinds: ['SESSION_LIVE'] } });
      expect(r.createWebhookEndpoint).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION', field: 'input.url' });
    }
    expect(await t.database.prisma.webhookEndpoint.count({ where: { url: { not: { startsWith: base } } } })).toBe(0);
  });

  it('keeps endpoints and deliveries to their organization, and to admins', async ({ t }) => {
    const id = await register(t, '/tenant');
    await redeem(t);
    const log = await until('delivered', async () => {
      const n = await deliveriesOf(t, id);
      return n.deliveries.nodes[0]?.status === 'DELIVERED' && n;
    });
    const deliveryId = log.deliveries.nodes[0].id;
    expect((await t.ok(`{ webhookEndpoints { id } }`, {}, 'Dev rival')).webhookEndpoints).toEqual([]);
    expect((await t.ok(`query($id: ID!) { node(id: $id) { id } }`, { id }, 'Dev rival')).node).toBeNull();
    expect((await t.ok(REPLAY, { id: deliveryId }, 'Dev rival')).replayWebhookDelivery.code).toBe('NOT_FOUND');
    expect((await t.ok(UPDATE, { i: { endpointId: id, active: false } }, 'Dev rival')).updateWebhookEndpoint.code).toBe('NOT_FOUND');
    expect((await t.ok(DELETE, { id }, 'Dev rival')).deleteWebhookEndpoint.code).toBe('NOT_FOUND');
    const analyst = await t.gql(`{ webhookEndpoints { id } }`, {}, 'Dev demo/analyst@demo.test');
    expect(analyst.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(
      (
        await t.database.prisma.webhookEndpoint.findUniqueOrThrow({
          where: { id: (await t.database.prisma.webhookEndpoint.findFirstOrThrow({ where: { url: `${base}/tenant` } })).id },
        })
      ).active,
    ).toBe(true);
    await t.ok(DELETE, { id });
  });

  it('lets a partner key with the `webhooks` scope register and list through persisted operations', async ({ t }) => {
    const manifest = loadManifest();
    const withScope = await partnerKey(t, 'demo', ['webhooks']);
    const without = await partnerKey(t, 'demo', ['read']);
    const input = { url: `${base}/partner`, eventKinds: ['SESSION_LIVE', 'REMINDER_DUE'] };
    const refused = await post(t.app, persisted(hashOf(manifest, 'PartnerRegisterWebhook'), { input }), { authorization: without.authorization });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const created = await post(t.app, persisted(hashOf(manifest, 'PartnerRegisterWebhook'), { input }), { authorization: withScope.authorization });
    expect(created.body.data.createWebhookEndpoint).toMatchObject({
      __typename: 'MutationCreateWebhookEndpointSuccess',
      data: {
        secret: expect.stringMatching(/^whsec_/),
        endpoint: { url: `${base}/partner`, eventKinds: ['SESSION_LIVE', 'REMINDER_DUE'], active: true },
      },
    });
    const listed = await post(t.app, persisted(hashOf(manifest, 'PartnerWebhookEndpoints')), { authorization: withScope.authorization });
    expect(listed.body.data.webhookEndpoints).toEqual([expect.objectContaining({ url: `${base}/partner`, active: true, disabledReason: null })]);
    await t.ok(DELETE, { id: created.body.data.createWebhookEndpoint.data.endpoint.id });
  });
});
