// GraphQL Code Generator: typed documents for the operations under schema/operations
// (examples and, later, partner operations), generated into src/generated/graphql (not committed).
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
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
