// Date scalars that refuse what PostgreSQL cannot store or no one means: instants and days outside
// the years 1970–2100 (a year-0 date reached the database as an internal error). Months ("YYYY-MM")
// are parsed here too, with the same range. Refusals carry BAD_USER_INPUT, which graphql-js keeps
// when it wraps them ("Variable "$d" got invalid value …").
import { GraphQLError, GraphQLScalarType, type ValueNode } from 'graphql';
import { DateResolver, DateTimeResolver } from 'graphql-scalars';
import { invalid } from './errors.js';

export const YEARS = { min: 1970, max: 2100 } as const;

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

function inRange(scalar: string, value: Date): Date {
  const year = value.getUTCFullYear();
  if (year < YEARS.min || year > YEARS.max) throw badInput(`${scalar} must be within the years ${YEARS.min}–${YEARS.max} (got year ${year})`);
  return value;
}

function bounded(base: GraphQLScalarType, description: string): GraphQLScalarType {
  const parse = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof GraphQLError && e.extensions.code) throw e;
      throw badInput((e as Error).message);
    }
  };
  return new GraphQLScalarType({
    ...base.toConfig(),
    description,
    parseValue: (value) => parse(() => inRange(base.name, base.parseValue(value) as Date)),
    parseLiteral: (ast: ValueNode, variables) => parse(() => inRange(base.name, base.parseLiteral(ast, variables) as Date)),
  });
}

export const DateTimeScalar = bounded(DateTimeResolver, `An instant, as an ISO-8601 string in UTC, within the years ${YEARS.min}–${YEARS.max}.`);
export const DateScalar = bounded(DateResolver, `A calendar day, as YYYY-MM-DD, within the years ${YEARS.min}–${YEARS.max}.`);

/** A month "YYYY-MM" within the years above, or a VALIDATION DomainError naming `field`. */
export function parseMonth(text: string, field: string): string {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text);
  if (!m) throw invalid(field, `${field}: must be a month like 2026-11`);
  if (Number(m[1]) < YEARS.min || Number(m[1]) > YEARS.max)
    throw invalid(field, `${field}: must be within the years ${YEARS.min}–${YEARS.max} (got ${m[1]})`);
  return text;
}
