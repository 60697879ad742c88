// Group inputs checked by their declared rules (lengths, ranges, list sizes) and by the services' own
// rules (a reportable kind, a recent time, one fan reference): every issue of a refusal is reported at
// once with its path, values arrive trimmed, and nothing is written on a refusal.
import { describe, expect } from 'vitest';
import { gid } from '../helpers/ids.js';
import { useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 10 });

const CREATE = /* GraphQL */ `
  mutation Create($input: CreateCommunityInput!) {
    createCommunity(input: $input) {
      __typename
      ... on MutationCreateCommunitySuccess { data { id name category capacity rules inviteCode } }
      ... on Error { code message field }
    }
  }
`;
const UPDATE = /* GraphQL */ `
  mutation Update($input: UpdateCommunityInput!) {
    updateCommunity(input: $input) { __typename ... on MutationUpdateCommunitySuccess { data { name capacity } } ... on Error { code message field } }
  }
`;
const JOIN = /* GraphQL */ `
  mutation Join($input: JoinCommunityInput!) {
    joinCommunity(input: $input) { __typename ... on MutationJoinCommunitySuccess { data { community { id } } } ... on Error { code message field } }
  }
`;
const BATCH = /* GraphQL */ `
  mutation Batch($input: RecordActivityBatchInput!) {
    recordActivityBatch(input: $input) { __typename ... on MutationRecordActivityBatchSuccess { data { accepted } } ... on Error { code message field } }
  }
`;

describe('createCommunity and updateCommunity', () => {
  it('reports an empty name and a capacity of 0 together, and creates nothing', async ({ t }) => {
    const before = await t.database.prisma.community.count({ where: { orgId: t.orgId } });
    const res = (await t.ok(CREATE, { input: { name: '   ', kind: 'LARGE', capacity: 0 } })).createCommunity;
    expect(res).toEqual({
      __typename: 'ValidationError',
      code: 'VALIDATION',
      message: '2 problems: input.name: must not be empty; input.capacity: must be from 1 to 500 (got 0)',
      field: 'input.name',
    });
    expect(await t.database.prisma.community.count({ where: { orgId: t.orgId } })).toBe(before);
  });

  it('stores trimmed text, and treats an explicit null capacity as the default', async ({ t }) => {
    const res = (
      await t.ok(CREATE, { input: { name: '  Tea Lovers III ', kind: 'VERTICAL', category: ' Tea ', capacity: null, rules: '  Be kind.  ' } })
    ).createCommunity;
    expect(res.data).toMatchObject({ name: 'Tea Lovers III', category: 'Tea', capacity: 200, rules: 'Be kind.' });
  });

  it('reports every bad change of an update at once and changes nothing', async ({ t }) => {
    const c = (await t.ok(CREATE, { input: { name: 'Stays', kind: 'LARGE' } })).createCommunity.data;
    const res = (await t.ok(UPDATE, { input: { communityId: c.id, name: '', capacity: 501, minOrders: -1, assistantIds: Array(21).fill(c.id) } }))
      .updateCommunity;
    expect(res).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION', field: 'input.name' });
    expect(res.message).toMatch(
      /^4 problems: input\.name: must not be empty; input\.capacity: must be from 1 to 500 \(got 501\); input\.minOrders: must be from 0 to 1,000 \(got -1\); input\.assistantIds: must hold at most 20 items/,
    );
    expect(
      await t.database.prisma.community.findUniqueOrThrow({
        where: { id: (await t.database.prisma.community.findFirstOrThrow({ where: { name: 'Stays' } })).id },
      }),
    ).toMatchObject({ name: 'Stays', capacity: 200 });
  });
});

describe('joinCommunity', () => {
  it('takes the invite code in any case and with spaces around it; a code under 4 characters is refused by its rule', async ({ t }) => {
    const c = (await t.ok(CREATE, { input: { name: 'Open door', kind: 'LARGE' } })).createCommunity.data;
    const fan = await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: t.orgId } });
    const joined = (await t.ok(JOIN, { input: { inviteCode: ` ${c.inviteCode.toLowerCase()} `, fanId: gid('Fan', fan.id) } })).joinCommunity;
    expect(joined).toMatchObject({ __typename: 'MutationJoinCommunitySuccess', data: { community: { id: c.id } } });
    const short = (await t.ok(JOIN, { input: { inviteCode: 'ab', fanId: gid('Fan', fan.id) } })).joinCommunity;
    expect(short).toMatchObject({
      code: 'VALIDATION',
      field: 'input.inviteCode',
      message: 'input.inviteCode: must be at least 4 characters (got 2)',
    });
  });
});

describe('recordActivityBatch', () => {
  it('reports every bad row the service finds (kind, time, two fan references) at once, and writes nothing', async ({ t }) => {
    const community = await t.database.prisma.community.findFirstOrThrow({ where: { orgId: t.orgId } });
    const fan = await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: t.orgId } });
    const good = { communityId: gid('Community', community.id), fanId: gid('Fan', fan.id), kind: 'MESSAGE_POSTED' };
    const events = [
      good,
      { ...good, kind: 'MEMBER_JOINED' },
      { ...good, occurredAt: new Date(Date.now() + 3_600_000).toISOString() },
      { ...good, fanExternalId: fan.externalId },
    ];
    const before = await t.database.prisma.activityEvent.count({ where: { orgId: t.orgId } });
    const res = (await t.ok(BATCH, { input: { events } })).recordActivityBatch;
    expect(res).toEqual({
      __typename: 'ValidationError',
      code: 'VALIDATION',
      field: 'input.events.1.kind',
      message:
        '3 problems: input.events.1.kind: must be one of MESSAGE_POSTED, BUYER_SHOW_POSTED, KOC_ACTION, COMPLAINT_RAISED, COMPLAINT_RESOLVED, LIKE_BURST (got MEMBER_JOINED); ' +
        'input.events.2.occurredAt: must not be in the future; input.events.3.fanExternalId: give fanId or fanExternalId, not both',
    });
    expect(await t.database.prisma.activityEvent.count({ where: { orgId: t.orgId } })).toBe(before);
  });

  it('reports declared rules of several rows together (count range, payload size, external id length)', async ({ t }) => {
    const community = await t.database.prisma.community.findFirstOrThrow({ where: { orgId: t.orgId } });
    const base = { communityId: gid('Community', community.id), kind: 'MESSAGE_POSTED' };
    const res = (
      await t.ok(BATCH, {
        input: {
          events: [
            { ...base, count: 0 },
            { ...base, payload: { note: 'x'.repeat(2_001) } },
            { ...base, fanExternalId: 'u'.repeat(65) },
          ],
        },
      })
    ).recordActivityBatch;
    expect(res).toMatchObject({ code: 'VALIDATION', field: 'input.events.0.count' });
    expect(res.message).toMatch(
      /^3 problems: input\.events\.0\.count: must be from 1 to 10,000 \(got 0\); input\.events\.1\.payload: must be at most 2,000 characters of JSON .*; input\.events\.2\.fanExternalId: must be at most 64 characters \(got 65\)$/,
    );
  });
});
