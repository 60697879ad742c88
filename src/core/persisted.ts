// Persisted operations. The manifest (hash → document) is built by codegen from schema/operations;
// partner API keys may run only those, by hash; operators and fans may also send ad-hoc documents
// when ALLOW_ADHOC_OPERATIONS is on (default outside production).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { credentialScheme } from './auth.js';

export const manifestFile = fileURLToPath(new URL('../generated/graphql/persisted-documents.json', import.meta.url));

/** hash (bare sha256 hex) → document text. */
export function loadManifest(file = manifestFile): Map<string, string> {
  if (!existsSync(file)) return new Map();
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  return new Map(Object.entries(raw).map(([k, v]) => [k.replace(/^sha256:/, ''), v]));
}

/** Partners present an API key; only they are held to the manifest unconditionally. */
export const isPartnerRequest = (request: Request) =>
  credentialScheme(request.headers.get('authorization')) === 'apikey' || request.headers.has('x-api-key');

// Accepts the Apollo-style `extensions.persistedQuery.sha256Hash` and the newer `documentId`.
function extractId(params: GraphQLParams & { documentId?: string }): string | null {
  const ext = params.extensions as { persistedQuery?: { sha256Hash?: string } } | undefined;
  const id = ext?.persistedQuery?.sha256Hash ?? params.documentId;
  return typeof id === 'string' ? id.replace(/^sha256:/, '') : null;
}

export function usePersistedManifest(manifest: Map<string, string>, allowAdhoc: boolean): Plugin {
  return usePersistedOperations({
    getPersistedOperation: (key) => manifest.get(key) ?? null,
    extractPersistedOperationId: (params) => extractId(params),
    allowArbitraryOperations: (request) => allowAdhoc && !isPartnerRequest(request),
    customErrors: {
      notFound: { message: 'Unknown persisted operation: register it under schema/operations and rebuild the manifest', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } },
      persistedQueryOnly: { message: 'Only persisted operations are accepted from this caller: send extensions.persistedQuery.sha256Hash', extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } } },
      keyNotFound: { message: 'Send the persisted operation hash in extensions.persistedQuery.sha256Hash', extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } } },
    },
  });
}
