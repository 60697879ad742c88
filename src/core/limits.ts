// Request limits: query depth, aliases, tokens, directives and cost (graphql-armor, counted over
// fragments too, with introspection's own __schema field exempt only as a real field), the number of
// objects a result may hold (result-size.ts), request body size, CSRF prevention for browsers, and
// introspection off in production unless enabled.
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Config } from './config.js';
import { useResultSizeLimit } from './result-size.js';

export function limitPlugins(config: Config): Plugin[] {
  const l = config.limits;
  const plugins: Plugin[] = [
    bodyLimit(l.maxBodyBytes),
    // Browsers cannot send this header cross-site without a CORS preflight; JSON POSTs are preflighted anyway.
    useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'apollo-require-preflight'] }) as Plugin,
    EnvelopArmorPlugin({
      maxDepth: { n: l.maxDepth, flattenFragments: false, ...refusal('depth', l.maxDepth) },
      maxAliases: { n: l.maxAliases, ...refusal('aliases', l.maxAliases) },
      maxTokens: { n: l.maxTokens, ...refusal('tokens', l.maxTokens) },
      maxDirectives: { n: l.maxDirectives, ...refusal('directives', l.maxDirectives) },
      costLimit: { maxCost: l.maxCost, ...refusal('cost', l.maxCost) },
      blockFieldSuggestion: { enabled: config.env === 'production' },
    }) as Plugin,
    useResultSizeLimit(l.maxResultNodes),
  ];
  // Yoga's useDisableIntrospection decides per HTTP request (onRequestParse), which graphql-ws never
  // has; the validation rule itself holds for every transport.
  if (!config.introspection) plugins.push({ onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule) });
  return plugins;
}

/**
 * graphql-armor words every refusal as "Syntax Error: …" and (for the validation rules) throws it,
 * which leaves it without a code and, over graphql-ws, closed the socket. Rules report it as a
 * validation error instead; the token limit, checked while parsing, still throws — with the code
 * set and the misleading prefix gone.
 */
function refusal(limit: string, max: number) {
  const reword = (err: GraphQLError) => {
    err.message = err.message.replace(/^Syntax Error: /, '');
    Object.assign(err.extensions, { code: 'DOCUMENT_LIMIT_EXCEEDED', limit, max });
    return err;
  };
  return limit === 'tokens'
    ? { exposeLimits: true, onReject: [(_ctx: ValidationContext | null, err: GraphQLError) => void reword(err)] }
    : {
        exposeLimits: true,
        propagateOnRejection: false,
        onReject: [(ctx: ValidationContext | null, err: GraphQLError) => ctx?.reportError(reword(err))],
      };
}

/**
 * Refuses bodies over `max` bytes with 413 before they are parsed. A declared Content-Length is
 * trusted for the refusal; a body without one (chunked) is read and counted, stopping as soon as
 * it passes the limit, and handed on as read. A GET's query string and a graphql-ws message are
 * held to the same limit.
 */
function bodyLimit(max: number): Plugin<{ wsPayloadBytes?: number }> {
  const message = (size: string) => `Request body of ${size} bytes exceeds the limit of ${max} (MAX_BODY_BYTES): send smaller batches`;
  const refuse = (endResponse: (r: Response) => void, size: string) => {
    const error = new GraphQLError(message(size), { extensions: { code: 'PAYLOAD_TOO_LARGE' } });
    endResponse(new Response(JSON.stringify({ errors: [error.toJSON()] }), { status: 413, headers: { 'content-type': 'application/json' } }));
  };
  return {
    async onRequest({ request, endResponse, setRequest }) {
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (Number(declared) > max) refuse(endResponse, declared);
        return;
      }
      if (!request.body || request.method === 'GET' || request.method === 'HEAD') return;
      const reader = request.body.getReader();
      const chunks: Uint8Array[] = [];
      let total = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > max) {
          await reader.cancel().catch(() => {});
          return refuse(endResponse, `at least ${total}`);
        }
        chunks.push(value);
      }
      setRequest(new Request(request.url, { method: request.method, headers: request.headers, body: Buffer.concat(chunks), signal: request.signal }));
    },
    // A GET carries its operation in the URL and a graphql-ws message in a frame: the same limit.
    onParams({ context, request }) {
      const bytes =
        (context as { wsPayloadBytes?: number }).wsPayloadBytes ??
        (request.method === 'GET' ? request.url.length - request.url.indexOf('?') - 1 : undefined);
      if (bytes !== undefined && bytes > max)
        throw new GraphQLError(message(String(bytes)), { extensions: { code: 'PAYLOAD_TOO_LARGE', http: { status: 413 } } });
    },
  };
}
