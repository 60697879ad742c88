// OpenTelemetry, on: each operation is a span and the SQL it sends are its children (reads through the
// Reader and writes through Prisma alike); variables and statement parameters are never recorded.
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect } from 'vitest';
import { startTracing } from '../../src/core/tracing.js';
import { useTestApp } from '../helpers/test-app.js';

const exporter = new InMemorySpanExporter();
const tracing = startTracing({ exporter });
const it = useTestApp({ fans: 5, tracing });

const spans = () => exporter.getFinishedSpans();
const operationSpan = (name: string) => spans().find((s) => s.name === name);
const childrenOf = (spanId: string) => spans().filter((s) => s.parentSpanId === spanId);

describe('traces', () => {
  it('a query is one span with its SQL statements as children', async ({ t }) => {
    exporter.reset();
    await t.ok(`query TracedFans($first: Int!) { fans(first: $first) { nodes { id displayName } } }`, { first: 3 });
    const op = operationSpan('query.TracedFans');
    expect(op, JSON.stringify(spans().map((s) => s.name))).toBeDefined();
    const statements = childrenOf(op!.spanContext().spanId).filter((s) => s.name === 'db.query');
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.some((s) => String(s.attributes['db.statement']).includes('"Fan"'))).toBe(true);
    expect(statements.every((s) => s.spanContext().traceId === op!.spanContext().traceId)).toBe(true);
  });

  it('a mutation writing through Prisma traces its statements too, and records no variable or parameter', async ({ t }) => {
    exporter.reset();
    const name = 'secret-segment-9f2c';
    await t.ok(`mutation TracedSegment($i: CreateSegmentInput!) { createSegment(input: $i) { __typename } }`, { i: { name, filter: {} } });
    const op = operationSpan('mutation.TracedSegment');
    expect(op).toBeDefined();
    expect(childrenOf(op!.spanContext().spanId).filter((s) => s.name === 'db.query').length).toBeGreaterThan(0);
    expect(JSON.stringify(spans().map((s) => s.attributes))).not.toContain(name);
  });
});
