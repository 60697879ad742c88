// Typed refusals: each mutation's result union names the error types it can answer, every error type
// implements `Error` (and the deprecated `DomainError`, so old fragments still match), and a refusal
// outside a union reaches the client as a GraphQL error with its code, never masked.

import { extendSchema, type GraphQLFieldResolver, parse } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { expect } from 'vitest';
import { takeUndeclaredRefusals } from '../../src/core/declared-errors.js';
import { ConflictError, NotFoundError } from '../../src/core/errors.js';
import { schema } from '../../src/schema.js';
import { gid } from '../helpers/ids.js';
import { useTestApp } from '../helpers/test-app.js';

// The app's schema plus a query that refuses, and deleteSegment run with a database that refuses from
// inside the service call with a code deleteSegment does not declare (CONFLICT).
const undeclaredProbe = gid('Segment', 'undeclared-probe');
const probes: Plugin = {
  onPluginInit({ setSchema }) {
    const extended = extendSchema(schema, parse('extend type Query { "Test only." refusalProbe: String }'));
    extended.getQueryType()!.getFields().refusalProbe.resolve = () => {
      throw new NotFoundError('Nothing to see here', 'probeId');
    };
    const field = extended.getMutationType()!.getFields().deleteSegment;
    const original = field.resolve as GraphQLFieldResolver<unknown, object>;
    const refuse = () => {
      throw new ConflictError('A refusal deleteSegment does not declare', 'segmentId');
    };
    field.resolve = (root, args, ctx, info) =>
      original(
        root,
        args,
        args.segmentId === undeclaredProbe ? new Proxy(ctx, { get: (c, key) => (key === 'db' ? refuse() : Reflect.get(c, key)) }) : ctx,
        info,
      );
    setSchema(extended);
  },
};

const it = useTestApp({ fans: 5, plugins: [probes] });

const UNION = `query($name: String!) { __type(name: $name) { kind possibleTypes { name interfaces { name } } } }`;
const ROLE = `mutation($input: SetMemberRoleInput!) { setMemberRole(input: $input) { __typename ... on Error { code message field } } }`;
const ROLE_OLD = `mutation($input: SetMemberRoleInput!) { setMemberRole(input: $input) { __typename ... on DomainError { code message field } } }`;

it('a mutation result union lists exactly its declared error types, each implementing Error and DomainError', async ({ t }) => {
  const role = (await t.ok(UNION, { name: 'MutationSetMemberRoleResult' })).__type;
  expect(role.kind).toBe('UNION');
  expect(role.possibleTypes.map((p: { name: string }) => p.name).sort()).toEqual([
    'MutationSetMemberRoleSuccess',
    'NotFoundError',
    'ValidationError',
  ]);
  const join = (await t.ok(UNION, { name: 'MutationJoinCommunityResult' })).__type;
  expect(join.possibleTypes.map((p: { name: string }) => p.name).sort()).toEqual([
    'CommunityFullError',
    'ConflictError',
    'ForbiddenError',
    'MutationJoinCommunitySuccess',
    'NotFoundError',
    'ThresholdNotMetError',
    'ValidationError',
  ]);
  for (const error of join.possibleTypes.filter((p: { name: string }) => p.name.endsWith('Error'))) {
    expect(error.interfaces.map((i: { name: string }) => i.name).sort()).toEqual(['DomainError', 'Error']);
  }
  const iface = (await t.ok(UNION, { name: 'Error' })).__type;
  expect(iface.kind).toBe('INTERFACE');
  // One error type per code, every one implementing Error.
  const codes = (await t.ok(`{ __type(name: "ErrorCode") { enumValues { name } } }`)).__type.enumValues;
  expect(iface.possibleTypes).toHaveLength(codes.length);
  expect(iface.possibleTypes.map((p: { name: string }) => p.name)).toContain('NotAvailableError');
});

it('a generic `... on Error` and an old `... on DomainError` fragment both read a refusal', async ({ t }) => {
  const community = await t.database.prisma.community.findFirstOrThrow({ where: { orgId: t.orgId } });
  const input = { communityId: gid('Community', community.id), fanId: gid('Fan', 'nobody'), role: 'KOC' };
  const refusal = { __typename: 'NotFoundError', code: 'NOT_FOUND', field: 'input.fanId' };
  expect((await t.ok(ROLE, { input })).setMemberRole).toMatchObject({ ...refusal, message: expect.any(String) });
  expect((await t.ok(ROLE_OLD, { input })).setMemberRole).toMatchObject(refusal);
});

it('a refusal outside a union (a query, or a code the mutation does not declare) is a GraphQL error with its code, not masked', async ({ t }) => {
  const query = await t.gql('{ refusalProbe }');
  expect(query.errors).toEqual([
    expect.objectContaining({ message: 'Nothing to see here', path: ['refusalProbe'], extensions: { code: 'NOT_FOUND', field: 'probeId' } }),
  ]);

  const undeclared = await t.gql(`mutation($id: ID!) { deleteSegment(segmentId: $id) { __typename ... on Error { code } } }`, {
    id: undeclaredProbe,
  });
  expect(undeclared.errors).toEqual([
    expect.objectContaining({ message: 'A refusal deleteSegment does not declare', extensions: { code: 'CONFLICT', field: 'segmentId' } }),
  ]);
  // …and it is recorded, so the test app fails the file (taken here, as this one is on purpose).
  expect(takeUndeclaredRefusals()).toEqual([
    { field: 'Mutation.deleteSegment', code: 'CONFLICT', message: 'A refusal deleteSegment does not declare' },
  ]);
});
