// OpenTelemetry traces, opt-in: with OTEL_EXPORTER_OTLP_ENDPOINT set, each operation is a span
// (@envelop/opentelemetry: `query.Name`, `mutation.Name`, `subscription.Name`) and each SQL statement
// it sends is a child span (`db.query`, with the statement text; parameters are never recorded).
// Off, the hooks below cost one check per statement. Tests pass an in-memory exporter instead.
import { useOpenTelemetry } from '@envelop/opentelemetry';
import { SpanKind, type TracerProvider, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Plugin } from 'graphql-yoga';

const SERVICE = 'fanops';

export interface Tracing {
  provider: TracerProvider;
  shutdown(): Promise<void>;
}

/**
 * Registers the process's tracer provider (OpenTelemetry's API is process-global): OTLP over HTTP to
 * `endpoint`, or `exporter` (tests, exported at once). Undefined when neither is given.
 */
export function startTracing({ endpoint, exporter }: { endpoint?: string; exporter?: SpanExporter }): Tracing | undefined {
  let processor: SpanProcessor;
  if (exporter) processor = new SimpleSpanProcessor(exporter);
  else if (endpoint) processor = new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }));
  else return undefined;
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable() });
  return { provider, shutdown: () => provider.shutdown() };
}

/** Operation spans (no variables or results recorded: they may hold fans' personal data). */
export function useTracing(tracing: Tracing | undefined): Plugin[] {
  if (!tracing) return [];
  return [
    useOpenTelemetry(
      { resolvers: false, variables: false, result: false, document: false },
      tracing.provider,
      SpanKind.SERVER,
      {},
      SERVICE,
    ) as Plugin,
  ];
}

/** Runs one SQL statement inside a `db.query` span when an operation's span is active. */
export async function traceStatement<T>(statement: string, run: () => Promise<T>): Promise<T> {
  if (!trace.getActiveSpan()) return run();
  return trace
    .getTracer(SERVICE)
    .startActiveSpan('db.query', { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql', 'db.statement': statement } }, async (span) => {
      try {
        return await run();
      } finally {
        span.end();
      }
    });
}

/** A statement Prisma reports after running it (start and duration known), as a finished `db.query` span. */
export function recordStatement(statement: string, startedAt: Date, durationMs: number) {
  if (!trace.getActiveSpan()) return;
  const span = trace
    .getTracer(SERVICE)
    .startSpan('db.query', { kind: SpanKind.CLIENT, startTime: startedAt, attributes: { 'db.system': 'postgresql', 'db.statement': statement } });
  span.end(new Date(startedAt.getTime() + durationMs));
}
