// The partner operations as a partner needs them: name, hash to send, and the key scopes it requires
// (read from each root field's `authScopes.partner` in the schema, so the list cannot drift from the
// rules the server applies). Written by `npm run codegen` to src/generated/graphql/partner/operations.json
// and printed by `npm run cli -- partner-operations`.
import { type GraphQLSchema, getOperationAST, parse } from 'graphql';

export interface PartnerOperation {
  name: string;
  type: string;
  /** What a partner sends as `extensions.persistedQuery.sha256Hash`. */
  hash: string;
  /** Key scopes the operation needs (every root field's partner scope). */
  scopes: string[];
}

export function partnerOperations(schema: GraphQLSchema, manifest: Record<string, string>): PartnerOperation[] {
  return Object.entries(manifest)
    .map(([key, document]) => {
      const op = getOperationAST(parse(document));
      if (!op) throw new Error(`partner document ${key} has no single operation`);
      const root = schema.getRootType(op.operation);
      const scopes = new Set<string>();
      for (const selection of op.selectionSet.selections) {
        if (selection.kind !== 'Field') continue;
        const options = root?.getFields()[selection.name.value]?.extensions?.pothosOptions as { authScopes?: { partner?: string } } | undefined;
        const scope = options?.authScopes?.partner;
        if (typeof scope === 'string') scopes.add(scope);
      }
      return { name: op.name?.value ?? '(anonymous)', type: op.operation, hash: key.replace(/^sha256:/, ''), scopes: [...scopes].sort() };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
