// The result-size limit: graphql-armor's cost counts fields, not rows, so `fans(first: 100) { nodes {
// memberships(first: 100) { nodes { community { members(first: 100) … } } } } }` looks cheap while it
// asks for a million objects. Before anything executes, this estimates the most objects an operation
// can return — each connection multiplies its children by its page size (`first`/`last`, or the
// default page), other lists by an assumed length — and refuses operations above the limit.
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  GraphQLError,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  getOperationAST,
  isCompositeType,
  isListType,
  Kind,
  type SelectionSetNode,
  type ValueNode,
  valueFromASTUntyped,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Connection page sizes, applied by the builder's prisma plugin: a missing `first` means 20, at most 100. */
export const PAGE = { default: 20, max: 100 } as const;
/** Plain lists (tags, milestones, prizes…) are short; this is what one is assumed to hold. */
export const ASSUMED_LIST_LENGTH = 10;

const usesVariable = (v: ValueNode): boolean =>
  v.kind === Kind.VARIABLE ||
  (v.kind === Kind.LIST && v.values.some(usesVariable)) ||
  (v.kind === Kind.OBJECT && v.fields.some((f) => usesVariable(f.value)));

/**
 * Estimates already made, by schema, document and operation name: the parser cache hands every request
 * of the same operation the same document, and most estimates read no variable (an operation whose
 * page sizes or ids come from variables is estimated every time).
 */
const estimates = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, number>>>();

export function estimateResultNodes(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
  variables?: Record<string, unknown> | null,
): number {
  let bySchema = estimates.get(schema);
  if (!bySchema) estimates.set(schema, (bySchema = new WeakMap()));
  let byOperation = bySchema.get(document);
  const known = byOperation?.get(operationName ?? '');
  if (known !== undefined) return known;
  const { estimate, readsVariables } = estimateUncached(schema, document, operationName, variables);
  if (!readsVariables) {
    if (!byOperation) bySchema.set(document, (byOperation = new Map()));
    byOperation.set(operationName ?? '', estimate);
  }
  return estimate;
}

function estimateUncached(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
  variables?: Record<string, unknown> | null,
): { estimate: number; readsVariables: boolean } {
  let readsVariables = false;
  const operation = getOperationAST(document, operationName);
  if (!operation) return { estimate: 0, readsVariables };
  const root = schema.getRootType(operation.operation);
  if (!root) return { estimate: 0, readsVariables };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  const memo = new Map<string, number>();
  const pageSize = (args: Record<string, unknown>) => {
    const asked = Number(args.first ?? args.last ?? PAGE.default);
    return Number.isFinite(asked) && asked >= 0 ? Math.min(asked, PAGE.max) : PAGE.max;
  };

  // Objects one instance of `type` with this selection returns, beneath itself. `listLength` is the
  // length the enclosing connection gives its `nodes`/`edges`.
  const walk = (selectionSet: SelectionSetNode, type: GraphQLCompositeType, listLength: number, seen: Set<string>): number => {
    let total = 0;
    for (const sel of selectionSet.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        if (t && isCompositeType(t)) total += walk(sel.selectionSet, t, listLength, seen);
      } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(sel.name.value);
        const t = f && schema.getType(f.typeCondition.name.value);
        // A fragment cycle is a validation error elsewhere; here it just stops counting. Memoized, so
        // fragments spreading fragments twice over cannot make the estimate itself expensive.
        if (!f || !t || !isCompositeType(t) || seen.has(f.name.value)) continue;
        const key = `${f.name.value}|${listLength}`;
        let cost = memo.get(key);
        if (cost === undefined) memo.set(key, (cost = walk(f.selectionSet, t, listLength, new Set([...seen, f.name.value]))));
        total += cost;
      } else if (sel.selectionSet && 'getFields' in type) {
        const field = type.getFields()[sel.name.value];
        if (!field) continue;
        const named = getNamedType(field.type);
        if (!isCompositeType(named)) continue;
        // Only page sizes and ids count; whether one came from a variable decides if the estimate is kept.
        const args: Record<string, unknown> = {};
        for (const a of sel.arguments ?? []) {
          const name = a.name.value;
          if (name !== 'first' && name !== 'last' && name !== 'ids') continue;
          if (usesVariable(a.value)) readsVariables = true;
          args[name] = valueFromASTUntyped(a.value, variables ?? undefined);
        }
        const isConnection = named.name.endsWith('Connection') && field.args.some((a) => a.name === 'first');
        // A list fetched by ids (`nodes(ids:)`) holds one object per id asked for.
        const byIds = Array.isArray(args.ids) ? args.ids.length : undefined;
        const copies = isListType(getNullableType(field.type))
          ? (byIds ?? (sel.name.value === 'nodes' || sel.name.value === 'edges' ? listLength : ASSUMED_LIST_LENGTH))
          : 1;
        total += copies * (1 + walk(sel.selectionSet, named, isConnection ? pageSize(args) : ASSUMED_LIST_LENGTH, seen));
      }
    }
    return total;
  };
  const estimate = walk(operation.selectionSet, root, ASSUMED_LIST_LENGTH, new Set());
  return { estimate, readsVariables };
}

/** Refuses, before execution, any operation that could return more than `max` objects. */
export function useResultSizeLimit(max: number): Plugin {
  const check = (args: {
    schema: GraphQLSchema;
    document: DocumentNode;
    operationName?: string | null;
    variableValues?: Record<string, unknown> | null;
  }) => {
    const estimate = estimateResultNodes(args.schema, args.document, args.operationName, args.variableValues);
    if (estimate <= max) return undefined;
    return new GraphQLError(
      `This operation could return up to ${estimate.toLocaleString('en')} objects; the limit is ${max.toLocaleString('en')}. Ask for smaller pages (first) or fewer nested lists.`,
      {
        extensions: { code: 'RESULT_TOO_LARGE', estimate, limit: max },
      },
    );
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
