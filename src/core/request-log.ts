// One log line per request, and one per subscription when it opens and when it closes, with the fields
// an operator greps for: request id, operation name and type, principal kind, organization, duration
// and result (ok, or the error codes). The request id comes from `x-request-id` when the caller (or a
// proxy) sent a sane one, else it is generated; the response echoes it. Credentials are never logged.
import { randomUUID } from 'node:crypto';
import { type ExecutionResult, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from './context.js';
import type { Logger } from './logger.js';

interface RequestEntry {
  id: string;
  started: number;
  /** Set when the request came over HTTP: its line is written when the response is. */
  http: boolean;
  operation?: { name: string | null; type: string; principal: string; organization: string | null };
  codes: string[];
}

const SANE_ID = /^[\w.:-]{1,128}$/;

/** Error codes of a result, or none: a mutation's refusals are answers (`ok`), not errors. */
function codesOf(result: ExecutionResult): string[] {
  return (result.errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
}

export function useRequestLog(logger: Logger): Plugin<Context & { request?: Request }> {
  const entries = new WeakMap<Request, RequestEntry>();
  const entryOf = (request: Request | undefined): RequestEntry => {
    const known = request && entries.get(request);
    if (known) return known;
    const given = request?.headers.get('x-request-id');
    const entry: RequestEntry = { id: given && SANE_ID.test(given) ? given : randomUUID(), started: performance.now(), http: false, codes: [] };
    if (request) entries.set(request, entry);
    return entry;
  };
  const describe = (
    entry: RequestEntry,
    ctx: Context & { request?: Request },
    document: Parameters<typeof getOperationAST>[0],
    name?: string | null,
  ) => {
    const op = getOperationAST(document, name ?? undefined);
    entry.operation = {
      name: op?.name?.value ?? null,
      type: op?.operation ?? 'unknown',
      principal: ctx.viewer?.kind ?? 'anonymous',
      organization: ctx.viewer?.orgId ?? null,
    };
  };
  const fields = (entry: RequestEntry) => ({
    requestId: entry.id,
    operation: entry.operation?.name ?? null,
    operationType: entry.operation?.type ?? null,
    principal: entry.operation?.principal ?? null,
    organization: entry.operation?.organization ?? null,
  });

  return {
    onRequest({ request }) {
      entryOf(request).http = true;
    },
    onExecute({ args }) {
      const entry = entryOf(args.contextValue.request);
      describe(entry, args.contextValue, args.document, args.operationName);
      return {
        onExecuteDone({ result }) {
          if (entry.http || Symbol.asyncIterator in result) return;
          // Over graphql-ws there is no HTTP response to hang the line on: write it now.
          entry.codes = codesOf(result);
          logger.info(
            { ...fields(entry), ms: Math.round(performance.now() - entry.started), result: entry.codes.length ? entry.codes : 'ok' },
            'operation',
          );
        },
      };
    },
    onSubscribe({ args }) {
      const entry = entryOf(args.contextValue.request);
      describe(entry, args.contextValue, args.document, args.operationName);
      const opened = performance.now();
      return {
        onSubscribeResult({ result }) {
          if (!(Symbol.asyncIterator in result)) return;
          logger.info(fields(entry), 'subscription open');
          let messages = 0;
          return {
            onNext: () => void messages++,
            onEnd: () => logger.info({ ...fields(entry), ms: Math.round(performance.now() - opened), messages }, 'subscription close'),
          };
        },
      };
    },
    // Every answer passes here, also those refused before execution (parse, validation, limits).
    onResultProcess({ request, result }) {
      const entry = entryOf(request);
      if (Array.isArray(result)) entry.codes = result.flatMap(codesOf);
      else if (!(Symbol.asyncIterator in result)) entry.codes = codesOf(result as ExecutionResult);
    },
    onResponse({ request, response }) {
      const entry = entryOf(request);
      response.headers.set('x-request-id', entry.id);
      const url = new URL(request.url);
      logger.info(
        {
          ...fields(entry),
          method: request.method,
          path: url.pathname,
          status: response.status,
          ms: Math.round(performance.now() - entry.started),
          result: entry.codes.length ? entry.codes : response.status < 400 ? 'ok' : `HTTP_${response.status}`,
        },
        'request',
      );
    },
  };
}
