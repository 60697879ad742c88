// The Pothos plugin that applies input-rules.ts to every field with arguments, after the field's
// authorization: an anonymous caller is told to sign in before being told an id is malformed.
// Pothos decodes global ids ("arg mappers") before any plugin's resolver wrapper runs, so this
// plugin takes the mappers over: they record a refusal instead of throwing, and the wrapper —
// which runs inside scope-auth and the errors plugin — raises it. A refusal is a VALIDATION
// DomainError for fields that declare `errors` (mutations: it becomes their result) and a
// BAD_USER_INPUT error otherwise; each names the argument path.
import SchemaBuilder, { BasePlugin, isThenable, type PothosOutputFieldConfig, PothosValidationError, type SchemaTypes } from '@pothos/core';
import {
  type GraphQLArgument,
  GraphQLError,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLInputField,
  type GraphQLSchema,
  getNamedType,
  isInputObjectType,
  isObjectType,
} from 'graphql';
import { ValidationError } from './errors.js';
import { checkArguments, describeIssues, INPUT_LIMITS, type InputIssue, type InputRuleExtensions, normalizeArguments } from './input-rules.js';

const REFUSED = Symbol('refused input');
type Args = Record<string | symbol, unknown>;

/** The refusal for `issues`: a DomainError where the field declares errors, else a GraphQL error. */
export function inputRefusal(issues: InputIssue[], declaresErrors: boolean): Error {
  const message = describeIssues(issues);
  const field = issues[0]?.path || undefined;
  if (declaresErrors) return new ValidationError(message, field);
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}), issues } });
}

/** Pothos' own input refusals (a malformed cursor, a negative `first`) carry no code; give them one. */
function coded(error: unknown, declaresErrors: boolean): unknown {
  return error instanceof PothosValidationError ? inputRefusal([{ path: '', message: error.message }], declaresErrors) : error;
}

function fieldOf(schema: GraphQLSchema, parentType: string, name: string): GraphQLField<unknown, unknown> | undefined {
  const type = schema.getType(parentType);
  return isObjectType(type) ? type.getFields()[name] : undefined;
}

// Descriptions that already state a bound ("1–80 characters", "(1–32)", "up to 500") are left alone.
const STATES_A_BOUND = /character|\d\s*[–-]\s*\d|up to \d|at most \d/i;

const n = (x: number) => x.toLocaleString('en');

/** The bound a field declares (or the default for text), as a sentence for its description. */
function boundOf(input: GraphQLArgument | GraphQLInputField): string | null {
  const ext = input.extensions as InputRuleExtensions;
  const type = getNamedType(input.type).name;
  const between = (lo: number | undefined, hi: number | undefined, unit: string) =>
    lo !== undefined && hi !== undefined
      ? `${n(lo)} to ${n(hi)}${unit}`
      : lo !== undefined
        ? `At least ${n(lo)}${unit}`
        : hi !== undefined
          ? `At most ${n(hi)}${unit}`
          : null;
  const list = ext.minItems !== undefined || ext.maxItems !== undefined ? between(ext.minItems, ext.maxItems, ' items') : null;
  let value: string | null = null;
  if (type === 'String' || type === 'JSON') {
    const max = ext.maxLength ?? (type === 'JSON' ? INPUT_LIMITS.json : INPUT_LIMITS.string);
    value = between(ext.minLength || undefined, max, type === 'JSON' ? ' characters of JSON' : ' characters');
    if (value && ext.trim) value += ' once trimmed';
  } else if (type === 'Int' || type === 'Float') value = between(ext.min, ext.max, '');
  if (value && /^\d/.test(value) && (type === 'Int' || type === 'Float')) value = `From ${value}`;
  const parts = [list && `${list}${value ? ',' : ''}`, value && (list ? `${value.replace(/^[A-Z]/, (c) => c.toLowerCase())} each` : value)].filter(
    Boolean,
  );
  return parts.length ? `${parts.join(' ')}.` : null;
}

/** States the declared bound in the description of an input that does not state one in words already. */
function describeBound(input: GraphQLArgument | GraphQLInputField) {
  if (STATES_A_BOUND.test(input.description ?? '')) return;
  const bound = boundOf(input);
  if (bound) input.description = input.description ? `${input.description.replace(/\.?$/, '.')} ${bound}` : bound;
}

export class InputRulesPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override afterBuild(schema: GraphQLSchema): GraphQLSchema {
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (isInputObjectType(type)) Object.values(type.getFields()).forEach(describeBound);
      // Cursors (after/before) are opaque: their bound is in the README, not on every connection.
      if (isObjectType(type))
        for (const field of Object.values(type.getFields()))
          field.args.filter((a) => a.name !== 'after' && a.name !== 'before').forEach(describeBound);
    }
    return schema;
  }

  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    if (!Object.keys(fieldConfig.args).length) return fieldConfig;
    const { parentType, name } = fieldConfig;
    const mappers = fieldConfig.argMappers ?? [];
    const refuse = (args: Args, issues: InputIssue[]) => ({ ...args, [REFUSED]: issues });
    return {
      ...fieldConfig,
      argMappers: [
        (args, context, info) => {
          const field = fieldOf(info.schema, parentType, name);
          const issues = field ? checkArguments(info.schema, field, args) : [];
          if (issues.length) return refuse(args, issues);
          if (field) args = normalizeArguments(field, args);
          // The remaining mappers (global-id decoding) may still refuse: record it, do not throw.
          const run = (i: number, acc: Record<string, unknown>): Record<string, unknown> | Promise<Record<string, unknown>> => {
            if (i === mappers.length) return acc;
            try {
              const next = mappers[i](acc, context, info);
              return isThenable(next)
                ? Promise.resolve(next).then(
                    (n) => run(i + 1, n),
                    (e: Error) => refuse(args, [{ path: '', message: e.message }]),
                  )
                : run(i + 1, next);
            } catch (e) {
              return refuse(args, [{ path: '', message: (e as Error).message }]);
            }
          };
          return run(0, args);
        },
      ],
    };
  }

  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (!Object.keys(fieldConfig.args).length) return resolver;
    const declaresErrors = Boolean(fieldConfig.extensions?.pothosErrors);
    return (parent, args, context, info) => {
      const refused = (args as Args)[REFUSED] as InputIssue[] | undefined;
      if (refused) throw inputRefusal(refused, declaresErrors);
      try {
        const result = resolver(parent, args, context, info);
        return isThenable(result) ? Promise.resolve(result).catch((e: unknown) => Promise.reject(coded(e, declaresErrors))) : result;
      } catch (e) {
        throw coded(e, declaresErrors);
      }
    };
  }

  override wrapSubscribe(
    subscribe: GraphQLFieldResolver<unknown, Types['Context'], object> | undefined,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ) {
    if (!subscribe || !Object.keys(fieldConfig.args).length) return subscribe;
    return (parent: unknown, args: object, context: Types['Context'], info: Parameters<GraphQLFieldResolver<unknown, unknown>>[3]) => {
      const refused = (args as Args)[REFUSED] as InputIssue[] | undefined;
      if (refused) throw inputRefusal(refused, false);
      return subscribe(parent, args, context, info);
    };
  }
}

const pluginName = 'inputRules';
declare global {
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      inputRules: InputRulesPlugin<Types>;
    }
  }
}
SchemaBuilder.registerPlugin(pluginName, InputRulesPlugin);
export default pluginName;
