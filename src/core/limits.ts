// Request limits: query depth, aliases, tokens, directives and cost (graphql-armor, counted over
// fragments too, with introspection's own __schema field exempt only as a real field), the number of
// objects a result may hold (result-size.ts), request body size, CSRF prevention for browsers, and
// introspection off in production unless enabled.
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { GraphQLError } from 'graphql';
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
      maxDepth: { n: l.maxDepth, flattenFragments: false, exposeLimits: true },
      maxAliases: { n: l.maxAliases, exposeLimits: true },
      maxTokens: { n: l.maxTokens, exposeLimits: true },
      maxDirectives: { n: l.maxDirectives, exposeLimits: true },
      costLimit: { maxCost: l.maxCost, exposeLimits: true },
      blockFieldSuggestion: { enabled: config.env === 'production' },
    }) as Plugin,
    useResultSizeLimit(l.maxResultNodes),
  ];
  if (!config.introspection) plugins.push(useDisableIntrospection() as Plugin);
  return plugins;
}

/**
 * Refuses bodies over `max` bytes with 413 before they are parsed. A declared Content-Length is
 * trusted for the refusal; a body without one (chunked) is counted while a copy is read, stopping
 * as soon as it passes the limit, so it cannot slip past unmeasured.
 */
function bodyLimit(max: number): Plugin {
  const refuse = (endResponse: (r: Response) => void, size: string) => {
    const error = new GraphQLError(`Request body of ${size} bytes exceeds the limit of ${max}`, { extensions: { code: 'PAYLOAD_TOO_LARGE' } });
    endResponse(new Response(JSON.stringify({ errors: [error.toJSON()] }), { status: 413, headers: { 'content-type': 'application/json' } }));
  };
  return {
    async onRequest({ request, endResponse }) {
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (Number(declared) > max) refuse(endResponse, declared);
        return;
      }
      if (!request.body || request.method === 'GET' || request.method === 'HEAD') return;
      const reader = request.clone().body!.getReader();
      let total = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        total += value.byteLength;
        if (total > max) {
          await reader.cancel().catch(() => {});
          return refuse(endResponse, `at least ${total}`);
        }
      }
    },
  };
}
