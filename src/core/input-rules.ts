// Rules every argument value obeys before a resolver sees it, wherever it came from (a literal, a
// variable, an input object, a list): strings and ids are bounded and hold no NUL character or
// unpaired UTF-16 surrogate (PostgreSQL cannot store either), numbers stay within declared ranges,
// lists and JSON are bounded, JSON is storable, global ids decode to a known type (and to the
// declared one). A field that needs other bounds declares them next to itself:
//   t.string({ ...text(1, 80) })   t.int({ ...range(0, 999) })   t.field({ type: [Row], ...items(1, 500) })
// text() trims the value before it is measured and before the resolver sees it. The bound is stated
// once: input-plugin.ts appends it to the field's description. Every issue is reported with its path
// ("input.fans.3.displayName"), not just the first.
import { decodeGlobalID } from '@pothos/plugin-relay';
import { type GraphQLField, type GraphQLInputType, type GraphQLSchema, isInputObjectType, isListType, isNonNullType, isObjectType } from 'graphql';
import { DomainError } from './errors.js';

/** Defaults for inputs that declare nothing. */
export const INPUT_LIMITS = {
  /** Characters of a String (names, notes, search text, cursors…). */
  string: 200,
  /** Characters of an ID (a global id is about 40). */
  id: 100,
  /** Characters of a JSON value, serialized. */
  json: 10_000,
  /** Items of a list (import batches are the longest: 1,000 fans). */
  items: 1_000,
} as const;

/** What a field, argument or input field may declare in `extensions`. */
export interface InputRuleExtensions {
  /** Trim surrounding white space first (the resolver receives the trimmed text). */
  trim?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  min?: number;
  max?: number;
}

/** A text field of `minLength` to `maxLength` characters once trimmed. */
export const text = (minLength: number, maxLength: number) => ({ extensions: { trim: true, minLength, maxLength } satisfies InputRuleExtensions });
/** A number from `min` to `max` (either may be undefined). */
export const range = (min: number | undefined, max: number | undefined) => ({ extensions: { min, max } satisfies InputRuleExtensions });
/** A list of `minItems` to `maxItems` items. */
export const items = (minItems: number, maxItems: number) => ({ extensions: { minItems, maxItems } satisfies InputRuleExtensions });
/** A JSON value of at most `maxLength` characters once serialized. */
export const json = (maxLength: number) => ({ extensions: { maxLength } satisfies InputRuleExtensions });

export interface InputIssue {
  /** Where, from the argument name down: "input.fans.3.displayName". */
  path: string;
  message: string;
}

type Extensions = InputRuleExtensions & { isRelayGlobalID?: boolean; relayGlobalIDFor?: { typename: string }[] | null };

/** The first character PostgreSQL cannot store in text, if any: NUL or half a surrogate pair. */
export function unstorableCharacter(s: string): string | null {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return 'a NUL character (\\u0000)';
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return `an unpaired UTF-16 surrogate (\\u${c.toString(16)})`;
    } else if (c >= 0xdc00 && c <= 0xdfff) return `an unpaired UTF-16 surrogate (\\u${c.toString(16)})`;
  }
  return null;
}

function checkText(given: string, ext: Extensions, max: number, path: string, issues: InputIssue[]) {
  const s = ext.trim ? given.trim() : given;
  const bad = unstorableCharacter(s);
  if (bad) issues.push({ path, message: `must not contain ${bad}` });
  if (s.length > max) issues.push({ path, message: `must be at most ${max.toLocaleString('en')} characters (got ${s.length.toLocaleString('en')})` });
  const min = ext.minLength ?? 0;
  if (s.length < min)
    issues.push({
      path,
      message: min === 1 ? 'must not be empty' : `must be at least ${min.toLocaleString('en')} characters (got ${s.length.toLocaleString('en')})`,
    });
}

function checkGlobalId(s: string, ext: Extensions, nodeTypes: Set<string>, path: string, issues: InputIssue[]) {
  const expected = ext.relayGlobalIDFor?.map((f) => f.typename);
  const what = expected?.length ? `the id of a ${expected.join(' or ')}` : 'a global id';
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(s);
  } catch {
    return issues.push({ path, message: `must be ${what}, as returned in an \`id\` field` });
  }
  if (!nodeTypes.has(decoded.typename) || (expected?.length && !expected.includes(decoded.typename))) {
    return issues.push({
      path,
      message: `must be ${what} (got the id of a ${nodeTypes.has(decoded.typename) ? decoded.typename : 'type this API does not have'})`,
    });
  }
  if (unstorableCharacter(decoded.id) || decoded.id.length > INPUT_LIMITS.id)
    issues.push({ path, message: `must be ${what}, as returned in an \`id\` field` });
}

function checkJson(value: unknown, max: number, path: string, issues: InputIssue[]) {
  const text = JSON.stringify(value);
  if (text.length > max)
    issues.push({ path, message: `must be at most ${max.toLocaleString('en')} characters of JSON (got ${text.length.toLocaleString('en')})` });
  // JSON.stringify escapes what it cannot store, so look at the keys and strings themselves.
  const bad = firstUnstorable(value);
  if (bad) issues.push({ path, message: `must not contain ${bad} in any key or string` });
}

function firstUnstorable(value: unknown): string | null {
  if (typeof value === 'string') return unstorableCharacter(value);
  if (typeof value !== 'object' || value === null) return null;
  for (const [k, v] of Object.entries(value)) {
    const bad = (Array.isArray(value) ? null : unstorableCharacter(k)) ?? firstUnstorable(v);
    if (bad) return bad;
  }
  return null;
}

function checkNumber(n: number, ext: Extensions, path: string, issues: InputIssue[]) {
  const { min, max } = ext;
  if ((min !== undefined && n < min) || (max !== undefined && n > max)) {
    const range =
      min !== undefined && max !== undefined
        ? `from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}`
        : min !== undefined
          ? `at least ${min.toLocaleString('en')}`
          : `at most ${max!.toLocaleString('en')}`;
    issues.push({ path, message: `must be ${range} (got ${n})` });
  }
}

function checkValue(type: GraphQLInputType, value: unknown, ext: Extensions, path: string, nodeTypes: Set<string>, issues: InputIssue[]) {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return checkValue(type.ofType, value, ext, path, nodeTypes, issues);
  if (isListType(type)) {
    if (!Array.isArray(value)) return checkValue(type.ofType, value, ext, path, nodeTypes, issues);
    const max = ext.maxItems ?? INPUT_LIMITS.items;
    if (value.length > max)
      return void issues.push({ path, message: `must hold at most ${max.toLocaleString('en')} items (got ${value.length.toLocaleString('en')})` });
    if (value.length < (ext.minItems ?? 0))
      issues.push({ path, message: `must hold at least ${ext.minItems!.toLocaleString('en')} item${ext.minItems === 1 ? '' : 's'}` });
    value.forEach((v, i) => checkValue(type.ofType, v, ext, `${path}.${i}`, nodeTypes, issues));
    return;
  }
  if (isInputObjectType(type)) {
    const fields = type.getFields();
    for (const name of Object.keys(value as object)) {
      const f = fields[name];
      if (f) checkValue(f.type, (value as Record<string, unknown>)[name], f.extensions as Extensions, `${path}.${name}`, nodeTypes, issues);
    }
    return;
  }
  switch (type.name) {
    case 'String':
      if (typeof value === 'string') checkText(value, ext, ext.maxLength ?? INPUT_LIMITS.string, path, issues);
      return;
    case 'ID':
      if (typeof value !== 'string') return;
      checkText(value, ext, ext.maxLength ?? INPUT_LIMITS.id, path, issues);
      if (ext.isRelayGlobalID && !issues.some((i) => i.path === path)) checkGlobalId(value, ext, nodeTypes, path, issues);
      return;
    case 'Int':
    case 'Float':
      if (typeof value === 'number') checkNumber(value, ext, path, issues);
      return;
    case 'JSON':
      checkJson(value, ext.maxLength ?? INPUT_LIMITS.json, path, issues);
  }
}

// Per schema: the types a global id may name, and which arguments need checking at all.
const nodeTypesOf = new WeakMap<GraphQLSchema, Set<string>>();
function nodeTypes(schema: GraphQLSchema): Set<string> {
  let types = nodeTypesOf.get(schema);
  if (!types) {
    const node = schema.getType('Node');
    types = new Set(
      Object.values(schema.getTypeMap())
        .filter((t) => isObjectType(t) && t.getInterfaces().some((i) => i === node))
        .map((t) => t.name),
    );
    nodeTypesOf.set(schema, types);
  }
  return types;
}

/** Every issue with the arguments of `field`, as given (before global ids are decoded). */
export function checkArguments(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): InputIssue[] {
  const issues: InputIssue[] = [];
  for (const arg of field.args) {
    if (arg.name in args) checkValue(arg.type, args[arg.name], arg.extensions as Extensions, arg.name, nodeTypes(schema), issues);
  }
  return issues;
}

/** "input.name: must not contain …", or "2 problems: input.name: …; input.region: …" (the first 5 listed). */
export function describeIssues(issues: InputIssue[]): string {
  const listed = issues
    .slice(0, 5)
    .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
    .join('; ');
  if (issues.length === 1) return listed;
  return `${issues.length} problems: ${listed}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}`;
}

/**
 * For the rules a schema cannot declare (across fields, against the clock or stored rows), checked by
 * services: refuses with one VALIDATION error reporting every issue as the declared rules do
 * (`field` is the first path), and does nothing when there is none.
 */
export function refuseIssues(issues: InputIssue[]): void {
  if (issues.length) throw new DomainError('VALIDATION', describeIssues(issues), issues[0].path);
}

// Which arguments hold text to trim, per field (most hold none, and are passed through untouched).
const trims = new WeakMap<GraphQLField<unknown, unknown>, boolean>();
function typeTrims(type: GraphQLInputType, ext: Extensions, seen: Set<GraphQLInputType>): boolean {
  if (isNonNullType(type) || isListType(type)) return typeTrims(type.ofType, ext, seen);
  if (!isInputObjectType(type)) return Boolean(ext.trim);
  if (seen.has(type)) return false;
  seen.add(type);
  return Object.values(type.getFields()).some((f) => typeTrims(f.type, f.extensions as Extensions, seen));
}

function trimmed(type: GraphQLInputType, value: unknown, ext: Extensions): unknown {
  if (value === null || value === undefined) return value;
  if (isNonNullType(type)) return trimmed(type.ofType, value, ext);
  if (isListType(type)) return Array.isArray(value) ? value.map((v) => trimmed(type.ofType, v, ext)) : trimmed(type.ofType, value, ext);
  if (isInputObjectType(type)) {
    const fields = type.getFields();
    return Object.fromEntries(
      Object.entries(value as object).map(([k, v]) => [k, fields[k] ? trimmed(fields[k].type, v, fields[k].extensions as Extensions) : v]),
    );
  }
  return ext.trim && typeof value === 'string' ? value.trim() : value;
}

/** The arguments with every `trim` text trimmed (the same object when the field declares none). */
export function normalizeArguments(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): Record<string, unknown> {
  let any = trims.get(field);
  if (any === undefined) trims.set(field, (any = field.args.some((a) => typeTrims(a.type, a.extensions as Extensions, new Set()))));
  if (!any) return args;
  const out = { ...args };
  for (const arg of field.args) if (arg.name in out) out[arg.name] = trimmed(arg.type, out[arg.name], arg.extensions as Extensions);
  return out;
}
