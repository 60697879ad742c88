// The Pothos plugin that watches each field's declared errors (`errors: refusals(…)`). It wraps the
// errors plugin, so it sees only what that plugin let through: a DomainError whose class the field did
// not declare. That error still reaches the client as a GraphQL error with its code (app.ts maps it,
// never masked), but it is a bug in the declaration: it is logged, and under NODE_ENV=test recorded so
// the test app fails the file that met it (test/helpers/app.ts).
import SchemaBuilder, { BasePlugin, isThenable, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import { DomainError } from './errors.js';

export interface UndeclaredRefusal {
  field: string;
  code: string;
  message: string;
}

const undeclared: UndeclaredRefusal[] = [];

/** The undeclared refusals met since the last call (tests fail on any). */
export function takeUndeclaredRefusals(): UndeclaredRefusal[] {
  return undeclared.splice(0);
}

function report(field: string, error: unknown): void {
  if (!(error instanceof DomainError)) return;
  const seen = { field, code: error.code, message: error.message };
  console.error(`${field} threw ${error.code} ("${error.message}") but does not declare it in errors: add it to its refusals(…)`);
  if (process.env.NODE_ENV === 'test') undeclared.push(seen);
}

export class DeclaredErrorsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (!fieldConfig.extensions?.pothosErrors) return resolver;
    const name = `${fieldConfig.parentType}.${fieldConfig.name}`;
    return (parent, args, context, info) => {
      try {
        const result = resolver(parent, args, context, info);
        return isThenable(result) ? Promise.resolve(result).catch((e: unknown) => (report(name, e), Promise.reject(e))) : result;
      } catch (e) {
        report(name, e);
        throw e;
      }
    };
  }
}

const pluginName = 'declaredErrors';
declare global {
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      declaredErrors: DeclaredErrorsPlugin<Types>;
    }
  }
}
SchemaBuilder.registerPlugin(pluginName, DeclaredErrorsPlugin);
export default pluginName;
