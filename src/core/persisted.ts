// Persisted operations. The manifest (hash → document) is built by codegen from schema/operations;
// partner API keys may run only those registered for partners (schema/operations/partner, listed in
// a second generated manifest), by hash — a first-party hash answers PERSISTED_QUERY_NOT_FOR_PARTNERS
// (403) and nothing runs; operators and fans may also send ad-hoc documents
// when ALLOW_ADHOC_OPERATIONS is on (default outside production) — and, when they may, register them
// as automatic persisted queries (APQ: send the hash alone; on PERSISTED_QUERY_NOT_FOUND send the
// document with its hash once, then the hash alone again), which saves the console's bandwidth.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { createGraphQLError, type GraphQLParams, type Plugin } from 'graphql-yoga';
import { credentialScheme } from './auth.js';
import { sha256Hex } from './hash.js';

export const manifestFile = fileURLToPath(new URL('../generated/graphql/persisted-documents.json', import.meta.url));
export const partnerManifestFile = fileURLToPath(new URL('../generated/graphql/partner/persisted-documents.json', import.meta.url));

/** hash (bare sha256 hex) → document text. */
export function loadManifest(file = manifestFile): Map<string, string> {
  if (!existsSync(file)) return new Map();
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  return new Map(Object.entries(raw).map(([k, v]) => [k.replace(/^sha256:/, ''), v]));
}

/** The hashes partner keys may run: the operations under schema/operations/partner. */
export function loadPartnerOperations(file = partnerManifestFile): Set<string> {
  return new Set(loadManifest(file).keys());
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

/**
 * Documents first-party clients registered through APQ, least recently used first. Bounded by total
 * size, since every entry is a document a caller chose; per instance — a client that lands on another
 * instance gets PERSISTED_QUERY_NOT_FOUND once and re-registers, as the protocol expects.
 */
export class AutomaticPersistedQueries {
  private readonly docs = new Map<string, string>();
  private bytes = 0;
  constructor(private readonly maxBytes = 8 << 20) {}

  get(hash: string): string | undefined {
    const doc = this.docs.get(hash);
    if (doc !== undefined) {
      this.docs.delete(hash);
      this.docs.set(hash, doc);
    }
    return doc;
  }

  set(hash: string, doc: string) {
    if (this.docs.has(hash)) return;
    this.docs.set(hash, doc);
    this.bytes += doc.length;
    for (const [oldest, d] of this.docs) {
      if (this.bytes <= this.maxBytes) break;
      this.docs.delete(oldest);
      this.bytes -= d.length;
    }
  }
}

export function usePersistedManifest(
  manifest: Map<string, string>,
  allowAdhoc: boolean,
  apq = new AutomaticPersistedQueries(),
  partnerOperations = loadPartnerOperations(),
): Plugin[] {
  const mayRegister = (request: Request) => allowAdhoc && !isPartnerRequest(request);
  // Runs before the manifest plugin: a partner's hash must be a partner operation; a document sent
  // with its hash is checked and remembered.
  const checkHash: Plugin = {
    onParams({ params, request }) {
      const hash = extractId(params);
      if (hash && !params.query && isPartnerRequest(request) && manifest.has(hash) && !partnerOperations.has(hash)) {
        throw createGraphQLError(
          'This persisted operation is registered for first-party clients, not for partners: use an operation from schema/operations/partner',
          {
            extensions: { code: 'PERSISTED_QUERY_NOT_FOR_PARTNERS', http: { status: 403 } },
          },
        );
      }
      if (!params.query || !hash || !mayRegister(request)) return;
      if (sha256Hex(params.query) !== hash) {
        throw createGraphQLError('The document does not match extensions.persistedQuery.sha256Hash (SHA-256 of the exact query text, hex)', {
          extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH', http: { status: 400 } },
        });
      }
      apq.set(hash, params.query);
    },
  };
  const manifestPlugin = usePersistedOperations({
    getPersistedOperation: (key, request) => manifest.get(key) ?? (mayRegister(request) ? apq.get(key) : undefined) ?? null,
    extractPersistedOperationId: (params) => extractId(params),
    allowArbitraryOperations: mayRegister,
    customErrors: {
      notFound: {
        message:
          'Unknown persisted operation: register it under schema/operations and rebuild the manifest (first-party clients: send the document with its hash once)',
        extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
      },
      persistedQueryOnly: {
        message: 'Only persisted operations are accepted from this caller: send extensions.persistedQuery.sha256Hash',
        extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
      },
      keyNotFound: {
        message: 'Send the persisted operation hash in extensions.persistedQuery.sha256Hash',
        extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
      },
    },
  });
  return [checkHash, manifestPlugin];
}
