// Every refusal carries `extensions.code` and says what to send instead, whatever the transport:
// a request without a document is told what this caller may send; variables that do not fit their
// types are BAD_USER_INPUT; an unsupported content type or accept header gets a body; production
// never echoes the JSON parser's (or anything's) original error.
import { type ExecutionResult, GraphQLError } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { Config } from './config.js';
import { isPartnerRequest } from './persisted.js';

type Params = { query?: string; documentId?: unknown; extensions?: { persistedQuery?: { sha256Hash?: unknown } } };

/** Errors without a code from a result that never executed (variables that do not fit their types). */
function codeUncodedInputErrors(result: ExecutionResult, setResult: (r: ExecutionResult) => void) {
  if (result.data !== undefined || !result.errors?.some((e) => !e.extensions?.code)) return;
  setResult({
    ...result,
    errors: result.errors.map((e) =>
      e.extensions?.code ? e : new GraphQLError(e.message, { nodes: e.nodes, path: e.path, extensions: { ...e.extensions, code: 'BAD_USER_INPUT' } }),
    ),
  });
}

const jsonError = (status: number, message: string, code: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });

export function useActionableRefusals(config: Config): Plugin {
  const development = config.env === 'development';
  return {
    onParams({ params, request }) {
      const p = params as Params;
      if (p.query || p.documentId || p.extensions?.persistedQuery?.sha256Hash) return;
      const persistedOnly = !config.allowAdhocOperations || isPartnerRequest(request);
      throw persistedOnly
        ? createGraphQLError(
            'No operation sent: this caller may run persisted operations only; send the hash in extensions.persistedQuery.sha256Hash (or documentId)',
            {
              extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
            },
          )
        : createGraphQLError(
            'No operation sent: put a GraphQL document in `query` (or the SHA-256 hash of a registered one in extensions.persistedQuery.sha256Hash)',
            {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
            },
          );
    },
    onExecute: () => ({
      onExecuteDone: ({ result, setResult }) =>
        void (!(Symbol.asyncIterator in result) && codeUncodedInputErrors(result as ExecutionResult, setResult)),
    }),
    onSubscribe: () => ({
      onSubscribeResult: ({ result, setResult }) =>
        void (!(Symbol.asyncIterator in result) && codeUncodedInputErrors(result as ExecutionResult, setResult as never)),
    }),
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || Symbol.asyncIterator in result) return;
      const errors = (result as ExecutionResult).errors;
      const badJson = (e: GraphQLError) => e.message === 'POST body sent invalid JSON.';
      if (!errors?.some((e) => badJson(e) || (!development && e.extensions?.originalError))) return;
      setResult({
        ...result,
        errors: errors.map((e) => {
          if (badJson(e)) {
            const message = 'The request body is not valid JSON: send an object like {"query": "{ viewer { kind } }", "variables": {}}';
            return new GraphQLError(message, {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 }, ...(development ? { originalError: e.extensions.originalError } : {}) },
            });
          }
          if (development) return e;
          const { originalError: _hidden, ...extensions } = e.extensions ?? {};
          return new GraphQLError(e.message, { nodes: e.nodes, path: e.path, extensions });
        }),
      } as ExecutionResult);
    },
    onResponse({ request, response, setResponse }) {
      // Yoga answers these two with an empty body; say what would have been accepted.
      if (response.status === 415) {
        setResponse(
          jsonError(
            415,
            `Unsupported content type "${request.headers.get('content-type') ?? 'none'}": POST a JSON body with content-type: application/json, or use GET with query, variables and extensions in the query string`,
            'UNSUPPORTED_MEDIA_TYPE',
          ),
        );
      } else if (response.status === 406 && !response.body) {
        setResponse(
          jsonError(
            406,
            `Cannot answer in "${request.headers.get('accept')}": accept application/graphql-response+json, application/json or (for subscriptions) text/event-stream`,
            'NOT_ACCEPTABLE',
            { accept: response.headers.get('accept') ?? '' },
          ),
        );
      }
    },
  };
}
