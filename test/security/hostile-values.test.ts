// Values PostgreSQL cannot store, or no one means, are refused at the edge of the schema with a typed
// error naming the field — never an internal error — and change nothing: NUL characters and unpaired
// surrogates in any string (arguments, input fields, list items, JSON), over-long strings, dates and
// months outside 1970–2100, malformed or foreign-typed global ids (after the auth check). Fan search
// is bounded and literal (`%` and `_` are not wildcards).
import { describe, expect } from 'vitest';
import { NOW } from '../helpers/fixtures.js';
import { gid } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';
import { codes } from './security-helpers.js';

const it = useTestApp({ fans: 5 });

const CREATE_COMMUNITY = `mutation($input: CreateCommunityInput!) { createCommunity(input: $input) { __typename ... on DomainError { code message field } } }`;
const IMPORT_FANS = `mutation($input: ImportFansInput!) { importFans(input: $input) { __typename ... on DomainError { code message field } } }`;
const FANS = `query($filter: FanFilter) { fans(filter: $filter) { totalCount nodes { displayName } } }`;
const communities = (t: SeededTestApp) => t.database.prisma.community.count({ where: { orgId: t.orgId } });
const fans = (t: SeededTestApp) => t.database.prisma.fan.count({ where: { orgId: t.orgId } });

/** A mutation refused with VALIDATION naming `field`, and nothing written. */
async function refusedMutation(
  t: SeededTestApp,
  count: (t: SeededTestApp) => Promise<number>,
  query: string,
  variables: Record<string, unknown>,
  field: string,
  message: RegExp,
) {
  const before = await count(t);
  const res = await t.gql(query, variables);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  const result = Object.values(res.data!)[0];
  expect(result).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION', field });
  expect(result.message).toMatch(message);
  expect(await count(t)).toBe(before);
}

/** A query refused with BAD_USER_INPUT naming `field`. */
async function refusedQuery(
  t: SeededTestApp,
  query: string,
  variables: Record<string, unknown>,
  field: string | undefined,
  message: RegExp,
  as?: string,
) {
  const res = await t.gql(query, variables, as);
  expect(codes(res), JSON.stringify(res.errors)).toEqual(['BAD_USER_INPUT']);
  if (field) expect(res.errors![0].extensions?.field).toBe(field);
  expect(res.errors![0].message).toMatch(message);
}

describe('strings PostgreSQL cannot store', () => {
  it('a NUL character in a group name, in a display name inside a list, in a search', async ({ t }) => {
    await refusedMutation(
      t,
      communities,
      CREATE_COMMUNITY,
      { input: { name: 'Beauty\u0000', kind: 'SMALL', capacity: 30 } },
      'input.name',
      /input\.name: must not contain a NUL character/,
    );
    await refusedMutation(
      t,
      fans,
      IMPORT_FANS,
      {
        input: {
          fans: [
            { externalId: 'ok-1', displayName: 'Fine' },
            { externalId: 'nul-1', displayName: 'Bad\u0000name' },
          ],
        },
      },
      'input.fans.1.displayName',
      /NUL/,
    );
    await refusedQuery(t, FANS, { filter: { search: 'a\u0000' } }, 'filter.search', /filter\.search: must not contain a NUL character/);
  });

  it('an unpaired UTF-16 surrogate, high or low; a proper pair (an emoji) is fine', async ({ t }) => {
    await refusedMutation(
      t,
      communities,
      CREATE_COMMUNITY,
      { input: { name: 'Beauty \ud83d', kind: 'SMALL', capacity: 30 } },
      'input.name',
      /unpaired UTF-16 surrogate/,
    );
    await refusedQuery(t, FANS, { filter: { search: '\udc00x' } }, 'filter.search', /unpaired UTF-16 surrogate/);
    expect((await t.ok(FANS, { filter: { search: '💄' } })).fans.totalCount).toBe(0);
  });

  it('inside JSON, in a key or a value', async ({ t }) => {
    const community = await t.database.prisma.community.findFirstOrThrow({ where: { orgId: t.orgId } });
    const RECORD = `mutation($input: RecordActivityBatchInput!) { recordActivityBatch(input: $input) { __typename ... on DomainError { code message field } } }`;
    const activity = () => t.database.prisma.activityEvent.count({ where: { orgId: t.orgId } });
    const event = (payload: unknown) => ({ input: { events: [{ kind: 'MESSAGE_POSTED', communityId: gid('Community', community.id), payload }] } });
    await refusedMutation(t, activity, RECORD, event({ note: 'x\u0000' }), 'input.events.0.payload', /NUL/);
    await refusedMutation(t, activity, RECORD, event({ 'k\ud800': 1 }), 'input.events.0.payload', /surrogate/);
  });

  it('a literal in the document is held to the same rules as a variable', async ({ t }) => {
    const res = await t.gql(`{ fans(filter: { search: "\\u0000" }) { totalCount } }`);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('lengths', () => {
  it('every string has a maximum (its declared one, else 200), stated in the schema; every issue is listed, not just the first', async ({ t }) => {
    const before = await communities(t);
    const res = await t.ok(CREATE_COMMUNITY, { input: { name: 'n'.repeat(201), kind: 'VERTICAL', category: 'c'.repeat(300), capacity: 30 } });
    expect(res.createCommunity).toMatchObject({ code: 'VALIDATION', field: 'input.name' });
    expect(res.createCommunity.message).toBe(
      '2 problems: input.name: must be at most 80 characters (got 201); input.category: must be at most 40 characters (got 300)',
    );
    expect(await communities(t)).toBe(before);
    await refusedQuery(
      t,
      `query($after: String) { fans(after: $after) { totalCount } }`,
      { after: 'x'.repeat(201) },
      'after',
      /after: must be at most 200 characters \(got 201\)/,
    );
  });

  it('every list holds at most 1,000 items', async ({ t }) => {
    const fan = await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: t.orgId } });
    await refusedQuery(
      t,
      `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
      { ids: Array.from({ length: 1_001 }, () => gid('Fan', fan.id)) },
      'ids',
      /ids: must hold at most 1,000 items \(got 1,001\)/,
    );
  });

  it('a field that needs more declares it: group rules take 2,000 characters, not 2,001', async ({ t }) => {
    const ok = await t.ok(CREATE_COMMUNITY, { input: { name: 'Long rules', kind: 'SMALL', capacity: 30, rules: 'r'.repeat(2_000) } });
    expect(ok.createCommunity.__typename).toBe('MutationCreateCommunitySuccess');
    await refusedMutation(
      t,
      communities,
      CREATE_COMMUNITY,
      { input: { name: 'Longer rules', kind: 'SMALL', capacity: 30, rules: 'r'.repeat(2_001) } },
      'input.rules',
      /at most 2,000 characters/,
    );
  });

  it('search is bounded (64 characters) and literal: % and _ match only themselves', async ({ t }) => {
    await refusedQuery(t, FANS, { filter: { search: 'x'.repeat(65) } }, 'filter.search', /at most 64 characters/);
    // The 95 KB pattern of the report is refused before it reaches the database.
    await refusedQuery(t, FANS, { filter: { search: '%_'.repeat(47_000) } }, 'filter.search', /at most 64 characters/);
    await t.database.prisma.fan.createMany({
      data: [
        { orgId: t.orgId, externalId: 'pct', displayName: '100%_real' },
        { orgId: t.orgId, externalId: 'bs', displayName: 'back\\slash' },
      ],
    });
    expect((await t.ok(FANS, { filter: { search: '%' } })).fans.nodes).toEqual([{ displayName: '100%_real' }]);
    expect((await t.ok(FANS, { filter: { search: '_' } })).fans.nodes).toEqual([{ displayName: '100%_real' }]);
    expect((await t.ok(FANS, { filter: { search: '\\' } })).fans.nodes).toEqual([{ displayName: 'back\\slash' }]);
    expect((await t.ok(FANS, { filter: { search: '0%_R' } })).fans.nodes).toEqual([{ displayName: '100%_real' }]);
    expect((await t.ok(FANS, { filter: { search: 'x_y' } })).fans.totalCount).toBe(0);
  });
});

describe('dates and months', () => {
  const ACTIVITY = `query($since: DateTime) { activity(since: $since, first: 1) { nodes { kind } } }`;

  it('DateTime and Date outside 1970–2100 are BAD_USER_INPUT, as variables and as literals; the ends of the range are accepted', async ({ t }) => {
    for (const since of ['0000-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '2101-01-01T00:00:00Z', '9999-12-31T23:59:59Z']) {
      const res = await t.gql(ACTIVITY, { since });
      expect(codes(res), since).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].message).toMatch(/within the years 1970–2100/);
    }
    expect(codes(await t.gql(`{ activity(since: "0000-01-01T00:00:00Z", first: 1) { nodes { kind } } }`))).toEqual(['BAD_USER_INPUT']);
    for (const since of ['1970-01-01T00:00:00Z', '2100-12-31T23:59:59Z']) expect(codes(await t.gql(ACTIVITY, { since })), since).toEqual([]);
    // A malformed instant is BAD_USER_INPUT too, not a bare validation message.
    expect(codes(await t.gql(ACTIVITY, { since: 'yesterday' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('a mutation given a year-0 date is refused before it runs, and creates nothing', async ({ t }) => {
    const before = await t.database.prisma.liveSession.count({ where: { orgId: t.orgId } });
    const res = await t.gql(`mutation($input: ScheduleLiveSessionInput!) { scheduleLiveSession(input: $input) { __typename } }`, {
      input: { title: 'Year zero', host: 'Nobody', scheduledAt: '0000-01-01T00:00:00Z' },
    });
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(await t.database.prisma.liveSession.count({ where: { orgId: t.orgId } })).toBe(before);
  });

  it('months outside 1970–2100 are refused naming the month', async ({ t }) => {
    const fan = await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: t.orgId } });
    const CALENDAR = `query($month: String!, $fanId: ID) { checkInCalendar(month: $month, fanId: $fanId) { __typename ... on DomainError { code message field } } }`;
    for (const month of ['0000-01', '9999-12', '1969-12', '2101-01']) {
      expect((await t.ok(CALENDAR, { month, fanId: gid('Fan', fan.id) })).checkInCalendar, month).toMatchObject({
        code: 'VALIDATION',
        field: 'month',
        message: expect.stringMatching(/1970–2100/),
      });
    }
    expect((await t.ok(CALENDAR, { month: NOW.toISOString().slice(0, 7), fanId: gid('Fan', fan.id) })).checkInCalendar.__typename).toBe(
      'CheckInCalendarSuccess',
    );
  });
});

describe('global ids', () => {
  const NODE = `query($id: ID!) { node(id: $id) { id } }`;

  it('a malformed id is BAD_USER_INPUT naming the argument — but only after the caller is authenticated', async ({ t }) => {
    await refusedQuery(t, NODE, { id: '!!!' }, 'id', /id: must be a global id/);
    const anonymous = await t.gql(NODE, { id: '!!!' }, null);
    expect(codes(anonymous)).toEqual(['UNAUTHENTICATED']);
  });

  it('an id of the wrong type names the type expected and the one given', async ({ t }) => {
    const fan = await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: t.orgId } });
    await refusedQuery(
      t,
      FANS,
      { filter: { communityId: gid('Fan', fan.id) } },
      'filter.communityId',
      /must be the id of a Community \(got the id of a Fan\)/,
    );
    await refusedQuery(t, FANS, { filter: { communityId: gid('Nonsense', 'x') } }, 'filter.communityId', /type this API does not have/);
  });

  it('an id whose inner part PostgreSQL cannot store never reaches it; in a mutation it is a VALIDATION result', async ({ t }) => {
    await refusedQuery(t, NODE, { id: gid('Fan', 'a\u0000b') }, 'id', /must be a global id/);
    const res = await t.ok(`mutation($input: SetFanKocInput!) { setFanKoc(input: $input) { __typename ... on DomainError { code field } } }`, {
      input: { fanId: gid('Fan', '\u0000'), isKoc: true },
    });
    expect(res.setFanKoc).toEqual({ __typename: 'ValidationError', code: 'VALIDATION', field: 'input.fanId' });
  });
});
