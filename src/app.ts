// createApp(deps) builds the GraphQL server without listening: main.ts listens, tests call yoga.fetch.
import { GraphQLError } from 'graphql';
import { createGraphQLError, createYoga, maskError, type Plugin, useReadinessCheck, type YogaServerInstance } from 'graphql-yoga';
import { viewerFromCredential } from './core/auth.js';
import { useBroadcastSubscriptions } from './core/broadcast.js';
import type { Config } from './core/config.js';
import { type Context, orgIdOf, type Services } from './core/context.js';
import type { Database } from './core/db.js';
import { DomainError } from './core/errors.js';
import { renderGraphiQLPage, useGraphiQLAssets } from './core/graphiql.js';
import { limitPlugins } from './core/limits.js';
import type { Logger } from './core/logger.js';
import { createMetrics, useMetrics } from './core/metrics.js';
import { loadManifest, usePersistedManifest } from './core/persisted.js';
import { PrincipalCache } from './core/principals.js';
import { onListening, type PubSub } from './core/pubsub.js';
import { memoryRateLimiter, type RateLimiter, useRateLimit } from './core/ratelimit.js';
import { useActionableRefusals } from './core/refusals.js';
import { useRequestLog } from './core/request-log.js';
import { confineToOrganization } from './core/tenancy.js';
import { type Tracing, useTracing } from './core/tracing.js';
import { unavailableError } from './core/unavailable.js';
import { useDashboard } from './dashboard/server.js';
import { schema } from './schema.js';
import { createServices, registerServiceMetrics } from './services.js';

export interface AppDeps {
  config: Config;
  database: Database;
  pubsub: PubSub;
  logger: Logger;
  /** Shared across instances through Redis in production; in memory otherwise. */
  rateLimiter?: RateLimiter;
  /** OpenTelemetry, when on (src/core/tracing.ts). */
  tracing?: Tracing;
  /** Persisted operations (hash → document); defaults to the codegen manifest. */
  manifest?: Map<string, string>;
  /** App-scoped services; built here when not given (main.ts passes them to start and stop the job queue; tests, to observe them). */
  services?: Services;
  /** Extra Yoga/Envelop plugins (later issues add limits and persisted operations here). */
  plugins?: Plugin[];
}

/** What the transports hand to the context factory: an HTTP request, or graphql-ws connection params. */
interface ServerContext {
  request?: Request;
  connectionParams?: Record<string, unknown>;
  /** Node's request, when served by node:http (absent for in-process yoga.fetch). */
  req?: { socket?: { remoteAddress?: string } };
}

export type App = YogaServerInstance<ServerContext, Context>;

export function createApp({
  config,
  database,
  pubsub,
  logger,
  plugins = [],
  rateLimiter = memoryRateLimiter(),
  manifest = loadManifest(),
  tracing,
  services = createServices({ database, pubsub, config }),
}: AppDeps): App {
  const principals = new PrincipalCache();
  // One line per subscriber ready to receive (on Redis: once subscribed there), for operators tracing a feed.
  if (config.logLevel === 'debug') onListening(pubsub, (topic) => logger.debug(`subscriber listening on ${topic}`));
  const metrics = createMetrics();
  registerServiceMetrics(metrics.registry, services, database);
  const auth = { devAuth: config.devAuth, tokens: config.auth, platformAdminToken: config.platformAdminToken, principals };
  return createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // Served from the installed bundle (core/graphiql.ts); in development the header editor starts with
    // the development credential, so the example query runs as is.
    graphiql: config.graphiql
      ? {
          title: 'Fan operations API',
          defaultQuery: exampleQuery,
          ...(config.devAuth ? { headers: JSON.stringify({ Authorization: 'Dev demo' }, null, 2) } : {}),
        }
      : false,
    renderGraphiQL: renderGraphiQLPage,
    // Yoga's own lines go through the app's logger (one format, one level).
    logging: config.logLevel === 'silent' ? false : logger,
    // Domain errors carry safe messages: one not caught into a result union (a query, a subscription, or
    // a code its mutation did not declare) reaches the client with its code; everything else is masked
    // outside development.
    maskedErrors: {
      isDev: config.env === 'development',
      maskError: (error, message, isDev) => refusalError(error) ?? unavailableError(error) ?? maskError(error, message, isDev),
    },
    healthCheckEndpoint: '/health',
    // MAX_BODY_BYTES is enforced by limitPlugins before parsing (declared lengths and chunked bodies
    // alike); Yoga's own limit would pipe every body through a second counting stream.
    maxRequestBodySize: false,
    plugins: [
      useRequestLog(logger),
      ...useTracing(tracing),
      ...useMetrics(metrics, config),
      ...(config.graphiql ? [useGraphiQLAssets()] : []),
      // The live dashboard page at /dashboard (src/dashboard); off in production unless DASHBOARD=true.
      ...(config.dashboard ? [useDashboard({ config, db: database.prisma })] : []),
      useReadinessCheck({ endpoint: '/ready', check: () => database.ping() }),
      ...limitPlugins(config),
      useActionableRefusals(config),
      ...usePersistedManifest(manifest, config.allowAdhocOperations),
      useRateLimit(rateLimiter, config.rateLimits, (principal) => metrics.rateLimited.inc({ principal })),
      useBroadcastSubscriptions(),
      ...plugins,
    ],
    context: async ({ request, connectionParams, req }) => {
      const apiKey = request?.headers.get('x-api-key');
      const authorization = apiKey
        ? `ApiKey ${apiKey}`
        : (request?.headers.get('authorization') ?? (connectionParams?.authorization as string | undefined));
      try {
        const viewer = await viewerFromCredential(database.prisma, authorization, auth);
        const forwarded = config.trustProxy ? request?.headers.get('x-forwarded-for')?.split(',')[0]?.trim() : undefined;
        return {
          viewer,
          db: confineToOrganization(database.prisma, orgIdOf(viewer)),
          pubsub,
          config,
          principals,
          services,
          clientAddress: forwarded || req?.socket?.remoteAddress,
        };
      } catch (e) {
        if (e instanceof DomainError) throw new GraphQLError(e.message, { extensions: { code: e.code, http: { status: 401 } } });
        logger.error('context failed', e);
        throw e;
      }
    },
  });
}

/** A DomainError (thrown, or wrapped by graphql-js with the field's path) as a GraphQL error with its code. */
function refusalError(error: unknown): GraphQLError | undefined {
  const located = error instanceof GraphQLError ? error : undefined;
  const domain = located ? located.originalError : error;
  if (!(domain instanceof DomainError)) return undefined;
  return createGraphQLError(domain.message, {
    nodes: located?.nodes,
    source: located?.source,
    positions: located?.positions,
    path: located?.path,
    extensions: { code: domain.code, ...(domain.field ? { field: domain.field } : {}) },
  });
}

const exampleQuery = /* GraphQL */ `# Send the header  Authorization: Dev demo  (see README)
query Dashboard {
  organization { name timeZone }
  communities(first: 5, kinds: [VERTICAL]) {
    totalCount
    nodes {
      name memberCount
      members(first: 3) { nodes { fan { displayName orderCount totalSpendCents } } }
    }
  }
}
`;
