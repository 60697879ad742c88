// GraphQL Code Generator: typed documents for the operations under schema/operations (first-party
// examples, and partner operations under schema/operations/partner), generated into
// src/generated/graphql (not committed), plus persisted-documents.json — the manifest
// (sha256 hash → document) the server accepts persisted operations from.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['schema/operations/**/*.graphql'],
  ignoreNoDocuments: false,
  // ESM output: relative imports carry their .js extension.
  emitLegacyCommonJSImports: false,
  silent: true,
  generates: {
    'src/generated/graphql/': {
      preset: 'client',
      config: {
        scalars: { DateTime: 'string', Date: 'string', JSON: 'unknown', ID: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
    },
  },
};

export default config;
