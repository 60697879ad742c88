// GraphQL Code Generator: typed documents for the operations under schema/operations (first-party
// examples, and partner operations under schema/operations/partner), generated into
// src/generated/graphql (not committed), plus persisted-documents.json — the manifest
// (sha256 hash → document) the server accepts persisted operations from. The partner operations
// alone are generated again into src/generated/graphql/partner: its persisted-documents.json is the
// list of hashes partner keys may run (src/core/persisted.ts).
// Test documents: every `graphql(`…`)` call under test/ is generated into test/generated (not committed),
// so a test's result and variables are typed; `graphql()` returns the document as a typed string that
// TestApp.gql/ok send as they are. Only `graphql(` calls are read (no `/* GraphQL */` comments, no other
// tags), so deliberately invalid documents in security and fuzz tests stay plain strings.
import type { CodegenConfig } from '@graphql-codegen/cli';

const output = {
  preset: 'client' as const,
  config: {
    scalars: { DateTime: 'string', Date: 'string', JSON: 'unknown', ID: 'string' },
    enumsAsTypes: true,
    useTypeImports: true,
  },
  presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' as const } },
};

const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  ignoreNoDocuments: false,
  // ESM output: relative imports carry their .js extension.
  emitLegacyCommonJSImports: false,
  silent: true,
  generates: {
    // The live dashboard's operations (src/dashboard/client) are first-party operations too: typed for the
    // page and in the manifest, so the page sends hashes and works where only persisted operations run.
    'src/generated/graphql/': { ...output, documents: ['schema/operations/**/*.graphql', 'src/dashboard/client/**/*.ts'] },
    'src/generated/graphql/partner/': { ...output, documents: ['schema/operations/partner/**/*.graphql'] },
    'test/generated/': {
      preset: 'client',
      documents: ['test/**/*.ts', '!test/generated/**'],
      config: { ...output.config, documentMode: 'string' },
      presetConfig: { fragmentMasking: false },
    },
  },
  pluckConfig: { modules: [], globalGqlIdentifierName: 'graphql', gqlMagicComment: 'typed-graphql-only' },
};

export default config;
