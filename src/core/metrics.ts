// Prometheus metrics at GET /metrics, one registry per app (a second app in the same process, as in
// tests, keeps its own). Operation counts, durations and errors come from Yoga's Prometheus plugin;
// process, GC and event-loop figures from prom-client; the domain's own are read from the app's
// services when scraped (src/services.ts), so the hot paths (likes, counter fan-out) only bump numbers.
import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { Config } from './config.js';

export interface AppMetrics {
  registry: Registry;
  /** Requests refused by the rate limiter, by principal kind. */
  rateLimited: Counter<'principal'>;
  /** Open subscriptions on this instance, by transport. */
  subscriptions: Gauge<'transport'>;
}

export function createMetrics(): AppMetrics {
  const registry = new Registry();
  // GC buckets finer than prom-client's (1 ms, 10 ms, 100 ms, 1 s…): a pause of 20 ms or 50 ms is what
  // delays a live counter, and bench:realtime reads these to report the pauses of a like storm.
  collectDefaultMetrics({ register: registry, prefix: 'fanops_', gcDurationBuckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5] });
  return {
    registry,
    rateLimited: new Counter({
      name: 'fanops_rate_limited_total',
      help: 'Requests refused by the rate limiter.',
      labelNames: ['principal'],
      registers: [registry],
    }),
    subscriptions: new Gauge({
      name: 'fanops_subscriptions_open',
      help: 'Subscriptions open on this instance.',
      labelNames: ['transport'],
      registers: [registry],
    }),
  };
}

/** A metric whose value is read when scraped (figures a service keeps as a plain number). */
export function readOnScrape(registry: Registry, name: string, help: string, value: () => number, kind: 'counter' | 'gauge' = 'gauge') {
  if (kind === 'gauge') {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(value());
      },
    });
    return;
  }
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(value());
    },
  });
}

/**
 * A gauge with one label whose values are read (asynchronously, e.g. one SQL count) when scraped; a
 * failed read leaves the series out of that scrape rather than failing it.
 */
export function readLabelledOnScrape(registry: Registry, name: string, help: string, label: string, values: () => Promise<Record<string, number>>) {
  new Gauge({
    name,
    help,
    labelNames: [label],
    registers: [registry],
    async collect() {
      this.reset();
      const read = await values().catch(() => ({}));
      for (const [value, n] of Object.entries(read)) this.set({ [label]: value }, n);
    },
  });
}

/**
 * Operation metrics plus GET /metrics: off in production unless METRICS_TOKEN is set, then it wants
 * `Authorization: Bearer <token>`; open outside production.
 */
export function useMetrics(metrics: AppMetrics, config: Config): Plugin[] {
  const token = config.metricsToken;
  return [
    usePrometheus({
      registry: metrics.registry,
      endpoint: false,
      metrics: {
        graphql_envelop_request: true,
        graphql_envelop_request_duration: true,
        graphql_envelop_error_result: true,
        graphql_envelop_phase_parse: true,
        graphql_envelop_phase_validate: true,
        graphql_envelop_phase_execute: true,
        graphql_envelop_phase_subscribe: true,
        graphql_yoga_http_duration: true,
        graphql_envelop_deprecated_field: false,
        graphql_envelop_request_time_summary: false,
        graphql_envelop_schema_change: false,
      },
    }),
    {
      onSubscribe({ args }) {
        const transport = (args.contextValue as { request?: Request }).request?.headers.get('accept')?.includes('text/event-stream') ? 'sse' : 'ws';
        return {
          onSubscribeResult({ result }) {
            if (!(Symbol.asyncIterator in result)) return;
            metrics.subscriptions.inc({ transport });
            return { onEnd: () => metrics.subscriptions.dec({ transport }) };
          },
        };
      },
      async onRequest({ url, request, endResponse, fetchAPI }) {
        if (url.pathname !== '/metrics' || token === null) return;
        if (token && request.headers.get('authorization') !== `Bearer ${token}`) {
          endResponse(new fetchAPI.Response('metrics need Authorization: Bearer <METRICS_TOKEN>\n', { status: 401 }));
          return;
        }
        const body = await metrics.registry.metrics();
        endResponse(new fetchAPI.Response(body, { headers: { 'content-type': metrics.registry.contentType } }));
      },
    },
  ];
}
