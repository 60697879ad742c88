// Builder configuration only: plugins, scalars and root types. Domain modules add their types.
import SchemaBuilder from '@pothos/core';
import { GraphQLError } from 'graphql';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import { JSONResolver } from 'graphql-scalars';
import type PrismaTypes from '../generated/pothos-types.js';
import { getDatamodel } from '../generated/pothos-types.js';
import type { Context } from './context.js';
import { DomainError, ErrorCodes } from './errors.js';
import InputRulesPlugin from './input-plugin.js';
import { PAGE } from './result-size.js';
import { DateScalar, DateTimeScalar } from './scalars.js';

export interface AuthScopes {
  /** Anyone, credential or not: declared explicitly so an unguarded field stands out. */
  public: boolean;
  /** Any operator of the organization, analysts included (read access). */
  operator: boolean;
  /** Operators who may change things: OWNER, ADMIN, OPERATOR — not ANALYST. */
  operatorWrite: boolean;
  /** OWNER or ADMIN. */
  operatorAdmin: boolean;
  /** A signed-in fan (acts only on their own records). */
  fan: boolean;
  /** A partner key holding this scope. */
  partner: string;
}

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: AuthScopes;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    Date: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
    ID: { Input: string; Output: string | number };
  };
}>({
  plugins: [ScopeAuthPlugin, ErrorsPlugin, InputRulesPlugin, PrismaPlugin, RelayPlugin, SimpleObjectsPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    // Refusals surface as a clear FORBIDDEN error rather than a silent null.
    treatErrorsAsUnauthorized: true,
    // Check a subscription's scopes once, when it starts — not only per event.
    authorizeOnSubscribe: true,
    // Anonymous callers are told to authenticate; signed-in callers that lack a scope are forbidden.
    unauthorizedError: (_parent, ctx, info) =>
      ctx.viewer.kind === 'anonymous'
        ? new GraphQLError(`Authentication required for ${info.parentType.name}.${info.fieldName}`, { extensions: { code: 'UNAUTHENTICATED' } })
        : new GraphQLError(`Not allowed to use ${info.parentType.name}.${info.fieldName}`, { extensions: { code: 'FORBIDDEN' } }),
    authScopes: (ctx) => {
      const v = ctx.viewer;
      return {
        public: true,
        operator: v.kind === 'operator',
        operatorWrite: v.kind === 'operator' && v.role !== 'ANALYST',
        operatorAdmin: v.kind === 'operator' && (v.role === 'OWNER' || v.role === 'ADMIN'),
        fan: v.kind === 'fan',
        partner: (scope: string) => v.kind === 'partner' && v.scopes.includes(scope),
      };
    },
  },
  // Every mutation that declares `errors: {}` answers a union of its success type and DomainError.
  errors: { defaultTypes: [DomainError] },
  prisma: {
    // Hot types declare \`select: { id: true }\`: their columns are then read as fields ask for them,
    // not the whole row. Reads go through the SQL read path (core/reads) behind ctx.db.
    client: (ctx) => ctx.db,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    // A resolver that forgets to spread `query` causes N+1 queries; tests turn this into an error.
    onUnusedQuery: process.env.NODE_ENV === 'test' ? 'error' : null,
    maxConnectionSize: PAGE.max,
    defaultConnectionSize: PAGE.default,
  },
  relay: {
    clientMutationId: 'omit',
    nodesOnConnection: true,
    cursorType: 'String',
    nodeQueryOptions: { description: 'Any object with a global id, if it belongs to your organization; null otherwise.', nullable: true, authScopes: { operator: true, partner: 'read' } },
    nodesQueryOptions: { description: 'Several objects by global id; null for any not in your organization.', nullable: { list: false, items: true }, authScopes: { operator: true, partner: 'read' } },
    nodeTypeOptions: { description: 'An object with a globally unique id, refetchable with `node(id:)`.' },
    pageInfoTypeOptions: { description: 'Where a page of a connection sits, for cursor pagination.' },
  },
});

builder.addScalarType('DateTime', DateTimeScalar, {});
builder.addScalarType('Date', DateScalar, {});
builder.addScalarType('JSON', JSONResolver, { description: 'Free-form JSON, used for small event payloads.' });

builder.queryType({ description: 'Reads, always confined to the caller\'s organization.' });
builder.mutationType({ description: 'Actions of operators, fans and partner systems. Refusals come back as DomainError.' });
builder.subscriptionType({ description: 'Live streams over graphql-ws or SSE, confined to the caller\'s organization.' });

const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description: 'Why an action was refused.',
  values: {
    NOT_FOUND: { description: 'No such object in your organization.' },
    FORBIDDEN: { description: 'You may not do this.' },
    UNAUTHENTICATED: { description: 'Sign in first.' },
    VALIDATION: { description: 'An input value is malformed or out of range; `field` names it.' },
    CONFLICT: { description: 'It already exists or clashes with existing data.' },
    THRESHOLD_NOT_MET: { description: "The fan does not meet the group's entry thresholds." },
    COMMUNITY_FULL: { description: 'The group is at capacity.' },
    INSUFFICIENT_POINTS: { description: 'Not enough points.' },
    OUT_OF_STOCK: { description: 'No stock left.' },
    ALREADY_CHECKED_IN: { description: 'Already checked in today.' },
    CAMPAIGN_NOT_RUNNING: { description: 'The campaign is not open now.' },
    CAP_REACHED: { description: 'A per-fan limit is reached.' },
    INVALID_STATE: { description: 'Not possible in the current state (e.g. ending a session that never went live).' },
  } satisfies Record<(typeof ErrorCodes)[number], { description: string }>,
});

builder.objectType(DomainError, {
  name: 'DomainError',
  description: 'A refused action. Nothing was changed.',
  fields: (t) => ({
    code: t.field({ type: ErrorCodeEnum, description: 'Machine-readable reason.', resolve: (e) => e.code }),
    message: t.exposeString('message', { description: 'Human-readable explanation.' }),
    field: t.string({ nullable: true, description: 'The input field at fault, e.g. "input.capacity".', resolve: (e) => e.field ?? null }),
  }),
});
