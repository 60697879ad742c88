// Builder configuration only: plugins, scalars and root types. Domain modules add their types.
import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import { GraphQLError } from 'graphql';
import { JSONResolver } from 'graphql-scalars';
import type PrismaTypes from '../generated/pothos-types.js';
import { getDatamodel } from '../generated/pothos-types.js';
import AuditPlugin from './audit.js';
import type { Context } from './context.js';
import DeclaredErrorsPlugin from './declared-errors.js';
import { ValidationError } from './errors.js';
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
  /** The platform admin (PLATFORM_ADMIN_TOKEN), who belongs to no organization. */
  platformAdmin: boolean;
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
  // Audit outermost: it sees every operator mutation's outcome, refusals by scope included (core/audit.ts).
  // DeclaredErrors next: its wrapper sits outside the errors plugin's and sees what that let through.
  plugins: [AuditPlugin, DeclaredErrorsPlugin, ScopeAuthPlugin, ErrorsPlugin, InputRulesPlugin, PrismaPlugin, RelayPlugin, SimpleObjectsPlugin],
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
        platformAdmin: v.kind === 'platform',
      };
    },
  },
  // A field that declares `errors: refusals(…)` (core/error-types.ts) answers a union of its success type
  // and the error types of those codes; VALIDATION is always among them (input rules refuse arguments).
  errors: { defaultTypes: [ValidationError] },
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
    nodeQueryOptions: {
      description: 'Any object with a global id, if it belongs to your organization; null otherwise.',
      nullable: true,
      authScopes: { operator: true, partner: 'read' },
    },
    nodesQueryOptions: {
      description: 'Several objects by global id; null for any not in your organization.',
      nullable: { list: false, items: true },
      authScopes: { operator: true, partner: 'read' },
    },
    nodeTypeOptions: { description: 'An object with a globally unique id, refetchable with `node(id:)`.' },
    pageInfoTypeOptions: { description: 'Where a page of a connection sits, for cursor pagination.' },
  },
});

builder.addScalarType('DateTime', DateTimeScalar, {});
builder.addScalarType('Date', DateScalar, {});
builder.addScalarType('JSON', JSONResolver, { description: 'Free-form JSON, used for small event payloads.' });

builder.queryType({ description: "Reads, always confined to the caller's organization." });
builder.mutationType({
  description:
    'Actions of operators, fans and partner systems. Refusals come back as one of the error types its result union names (all implement `Error`).',
});
builder.subscriptionType({ description: "Live streams over graphql-ws or SSE, confined to the caller's organization." });
