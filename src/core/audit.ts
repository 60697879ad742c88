// The audit log of operator mutations, kept by one Pothos plugin rather than a line in each resolver:
// every Mutation field an operator calls appends one AuditEntry (who, which mutation, the operation's
// name, the arguments with secrets and tokens redacted and long values cut, and how it ended: OK or the
// refusal's code). The table is append-only in the database (a trigger refuses UPDATE, DELETE and
// TRUNCATE; migration 20261205000200). The entry is written after the mutation, on the request's
// confined client; a failure to write it is logged and does not undo the mutation.
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { GraphQLError, type GraphQLFieldResolver } from 'graphql';
import type { Context } from './context.js';
import { DomainError, ErrorCodes } from './errors.js';

/** Argument names whose values never reach the log. */
const SECRET = /token|secret|password|authorization|apikey|^key$/i;
const MAX_STRING = 200;
const MAX_ITEMS = 20;
const MAX_DEPTH = 6;

/**
 * PostgreSQL's jsonb refuses NUL and unpaired surrogates, which a refused hostile input may carry: they
 * are kept as U+FFFD so the refusal is still recorded.
 */
const UNPAIRED = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const NUL = String.fromCharCode(0);
const storable = (s: string) => s.replaceAll(NUL, '\uFFFD').replace(UNPAIRED, '\uFFFD');

/** The arguments as the log keeps them: secrets redacted, long strings and lists cut. */
export function auditSummary(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return storable(value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… (${value.length} characters)` : value);
  if (typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_ITEMS).map((v) => auditSummary(v, depth + 1));
    return value.length > MAX_ITEMS ? [...kept, `… ${value.length - MAX_ITEMS} more`] : kept;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), SECRET.test(k) ? '[redacted]' : auditSummary(v, depth + 1)]));
}

const CODES = new Set<string>(ErrorCodes);

/**
 * OK, or the refusal's code. The errors plugin hands declared refusals back as proxies whose prototype
 * chain is proxied too (instanceof fails), so a returned refusal is matched by its shape.
 */
function outcomeOf(result: unknown): string {
  if (result instanceof GraphQLError) return String(result.extensions?.code ?? 'ERROR');
  if (result instanceof DomainError) return result.code;
  const { code, name } = (result ?? {}) as { code?: unknown; name?: unknown };
  if (typeof code === 'string' && CODES.has(code) && typeof name === 'string' && name.endsWith('Error')) return code;
  return result instanceof Error ? 'ERROR' : 'OK';
}

async function record(ctx: Context, mutation: string, operationName: string | undefined, args: object, outcome: string) {
  const v = ctx.viewer;
  if (v.kind !== 'operator') return;
  try {
    await ctx.db.auditEntry.create({
      data: {
        orgId: v.orgId,
        operatorId: v.operatorId,
        role: v.role,
        mutation,
        operationName: operationName ?? null,
        input: auditSummary(args) as object,
        outcome,
      },
    });
  } catch (e) {
    console.error(`[audit] could not record ${mutation}: ${(e as Error).message}`);
  }
}

export class AuditPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (fieldConfig.parentType !== 'Mutation') return resolver;
    const mutation = fieldConfig.name;
    return async (parent, args, context, info) => {
      const ctx = context as unknown as Context;
      // Fans and partners are not audited: their mutations (a like storm's hundreds a second) pass straight through.
      if (ctx.viewer?.kind !== 'operator') return resolver(parent, args, context, info);
      const operationName = info.operation.name?.value;
      try {
        const result = await resolver(parent, args, context, info);
        await record(ctx, mutation, operationName, args, outcomeOf(result));
        return result;
      } catch (e) {
        await record(ctx, mutation, operationName, args, outcomeOf(e));
        throw e;
      }
    };
  }
}

const pluginName = 'audit';
declare global {
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      audit: AuditPlugin<Types>;
    }
  }
}
SchemaBuilder.registerPlugin(pluginName, AuditPlugin);
export default pluginName;
