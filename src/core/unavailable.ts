// A database that cannot be reached (restarting, down, frozen past DB_CONNECT_TIMEOUT_MS or
// DB_QUERY_TIMEOUT_MS) is not a fault of ours: the caller is told DATABASE_UNAVAILABLE (HTTP 503,
// Retry-After) and may retry the same request, instead of a masked "Unexpected error.".
import type { GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';

// SQLSTATE class 08 (connection exception), the server shutting down or starting (57P01–57P03), and
// the drivers' own words for a refused, dropped or timed-out connection.
const CODES = /^(08\d{3}|57P0[123]|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE)$/;
const MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|ECONNREFUSED|ECONNRESET|the database system is (starting up|shutting down|in recovery mode)|terminating connection due to administrator command|Can't reach database server|Client has encountered a connection error/i;

/** node-postgres' own words when a connection is not established within connectionTimeoutMillis. */
const CLIENT_CONNECT_TIMEOUT = 'timeout expired';

/** True when `e` (or anything it wraps) says the database could not be reached or dropped the connection. */
export function isDatabaseUnavailable(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== 'object' || depth > 5) return false;
  const err = e as {
    code?: unknown;
    originalCode?: unknown;
    message?: unknown;
    cause?: unknown;
    originalError?: unknown;
    errors?: unknown;
    extensions?: { code?: unknown };
  };
  if (err.extensions?.code === 'DATABASE_UNAVAILABLE') return true; // already told (masked once)
  for (const code of [err.code, err.originalCode]) if (typeof code === 'string' && CODES.test(code)) return true;
  if (typeof err.message === 'string' && (MESSAGES.test(err.message) || err.message === CLIENT_CONNECT_TIMEOUT)) return true;
  const nested = [err.cause, err.originalError, ...(Array.isArray(err.errors) ? err.errors : [])];
  return nested.some((n) => isDatabaseUnavailable(n, depth + 1));
}

/** The refusal a client sees when the database is unavailable; undefined for any other error. */
export function unavailableError(error: unknown): GraphQLError | undefined {
  if (!isDatabaseUnavailable(error)) return undefined;
  const located = error as Partial<GraphQLError>;
  return createGraphQLError('The database is unavailable right now (restarting or unreachable); retry in a few seconds', {
    nodes: located.nodes,
    source: located.source,
    positions: located.positions,
    path: located.path,
    extensions: { code: 'DATABASE_UNAVAILABLE', http: { status: 503, headers: { 'retry-after': '5' } } },
  });
}
