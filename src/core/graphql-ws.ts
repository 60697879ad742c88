// graphql-ws over the same pipeline as HTTP. Each `subscribe` message becomes the request an HTTP
// client would have sent — a POST carrying the connection's credential — and goes through Yoga's
// own parameter handling (`getResultForParams`): persisted-only rules, APQ, document limits,
// introspection, result size, rate limits, the context and its credential check, error masking.
// So one policy holds on POST, GET, SSE and WebSocket alike (test/security/transports.test.ts).
//
// A refusal answers its own operation with an `error` message and the socket stays open for the
// others; only a bad `connection_init` closes it: 4400 for a malformed payload, 4403 for a
// credential that is refused — the codes graphql-ws defines.
import type { IncomingMessage } from 'node:http';
import { type ExecutionResult, GraphQLError, type GraphQLSchema, parse } from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import type { YogaServerInstance } from 'graphql-yoga';
import type { WebSocket } from 'ws';
import { unavailableError } from './unavailable.js';

type Extra = { socket: WebSocket; request: IncomingMessage };
type Yoga = YogaServerInstance<any, any>;
type Pipeline = { getResultForParams(payload: { params: object; request: Request }, serverContext: object): Promise<unknown> };

// graphql-ws decides between execute and subscribe from the operation type; the result itself was
// produced by the pipeline, so these stand-in documents only carry that type.
const STAND_IN = { query: parse('query Result { __typename }'), subscription: parse('subscription Result { __typename }') };

/** The HTTP request a WebSocket client would have sent, with the connection's credential as headers. */
function asRequest(yoga: Yoga, params: Record<string, unknown> | undefined, upgrade: IncomingMessage): Request {
  const headers = new Headers({ 'content-type': 'application/json' });
  if (typeof params?.authorization === 'string') headers.set('authorization', params.authorization);
  if (typeof params?.['x-api-key'] === 'string') headers.set('x-api-key', params['x-api-key']);
  const forwarded = upgrade.headers['x-forwarded-for'];
  if (typeof forwarded === 'string') headers.set('x-forwarded-for', forwarded);
  return new Request(`http://${upgrade.headers.host ?? 'localhost'}${yoga.graphqlEndpoint}`, { method: 'POST', headers });
}

// `extensions.http` steers HTTP status codes; it means nothing in a WebSocket message.
function withoutHttp(e: GraphQLError): GraphQLError {
  if (!e.extensions?.http) return e;
  const { http: _http, ...extensions } = e.extensions;
  return new GraphQLError(e.message, { nodes: e.nodes, path: e.path, extensions });
}

/** A result's `payload` as JSON, built once per result object: a broadcast hands thousands of sockets the same one. */
const payloads = new WeakMap<object, Buffer>();
function payloadJson(result: ExecutionResult): Buffer {
  let json = payloads.get(result);
  if (!json) {
    const { errors, ...rest } = result;
    const payload = errors?.length ? { ...rest, errors: errors.map((e) => (e instanceof GraphQLError ? withoutHttp(e).toJSON() : e)) } : rest;
    payloads.set(result, (json = Buffer.from(JSON.stringify(payload))));
  }
  return json;
}

const CLOSE = Buffer.from('}');

/**
 * One WebSocket text frame (FIN, opcode 1, unmasked as a server sends) holding the operation's prefix,
 * the payload and the closing brace: one buffer, written with one call. ws would frame the same bytes
 * as a header plus the message, corked into a two-buffer `writev`, and copy the message first.
 */
export function textFrame(prefix: Buffer, payload: Buffer): Buffer {
  const length = prefix.length + payload.length + 1;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  prefix.copy(frame, header);
  payload.copy(frame, header + prefix.length);
  frame[frame.length - 1] = 0x7d; // }
  return frame;
}

type RawSocket = { write(chunk: Buffer, cb: (e?: Error | null) => void): boolean; writableLength: number; writable: boolean };

/**
 * A subscription's results written to its socket as graphql-ws \`next\` messages, by this iterator
 * rather than by graphql-ws: the message is the operation's own prefix plus the result's payload JSON
 * serialised once for every watcher of a broadcast (graphql-ws would validate, spread and stringify the
 * whole message per socket). It yields nothing; graphql-ws still answers errors and \`complete\`. As
 * graphql-ws does, the next result is taken only once the socket has taken the previous message.
 *
 * Without a negotiated extension (the server offers none: no permessage-deflate) ws's sender never
 * queues a data frame, so the frame goes straight to the TCP socket, as ws itself would write it; a
 * frame the kernel took at once needs no wait for the write's callback (nothing is left buffered).
 */
function writtenTo(socket: WebSocket, id: string, results: AsyncIterable<ExecutionResult>): AsyncIterableIterator<never> {
  const source = results[Symbol.asyncIterator]();
  const prefix = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
  const raw = socket.extensions === '' ? (socket as unknown as { _socket?: RawSocket })._socket : undefined;
  /** Undefined when the socket took the frame whole; otherwise settles once it has. */
  const send = (payload: Buffer): Promise<void> | undefined => {
    if (socket.readyState !== socket.OPEN) return undefined;
    if (raw?.writable) {
      let failed: Error | undefined;
      let done: ((e?: Error | null) => void) | undefined;
      raw.write(textFrame(prefix, payload), (e) => (done ? done(e) : (failed = e ?? undefined)));
      if (raw.writableLength === 0 && !failed) return undefined;
      return new Promise<void>((resolve, reject) => {
        if (failed) return reject(failed);
        done = (e) => (e ? reject(e) : resolve());
      });
    }
    return new Promise<void>((resolve, reject) => {
      // A text frame, as graphql-ws sends (a Buffer would go out as a binary frame).
      socket.send(Buffer.concat([prefix, payload, CLOSE]), { binary: false }, (e) => (e ? reject(e) : resolve()));
    });
  };
  const writer: AsyncIterableIterator<never> = {
    [Symbol.asyncIterator]: () => writer,
    async next() {
      for (;;) {
        const r = await source.next();
        if (r.done) return { done: true, value: undefined };
        const sending = send(payloadJson(r.value));
        if (sending) await sending;
      }
    },
    async return() {
      await source.return?.();
      return { done: true, value: undefined };
    },
    async throw(e) {
      await source.return?.();
      throw e;
    },
  };
  return writer;
}

const isAsyncIterable = (x: unknown): x is AsyncIterable<unknown> => typeof x === 'object' && x !== null && Symbol.asyncIterator in x;
const unexpected = () => new GraphQLError('Unexpected error.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });

export function graphqlWsOptions(yoga: Yoga): ServerOptions<Record<string, unknown>, Extra> {
  const pipeline = yoga as unknown as Pipeline;
  let schema: GraphQLSchema | undefined;
  const schemaOf = () => (schema ??= yoga.getEnveloped({}).schema as GraphQLSchema);
  const serverContext = (ctx: { connectionParams?: Record<string, unknown>; extra: Extra }, payloadBytes?: number) => ({
    req: ctx.extra.request,
    socket: ctx.extra.socket,
    connectionParams: ctx.connectionParams,
    wsPayloadBytes: payloadBytes,
  });

  return {
    // A socket that never says connection_init is closed (4408) instead of holding a slot forever.
    connectionInitWaitTimeout: 5_000,
    onConnect: async (ctx) => {
      const params = ctx.connectionParams;
      const socket = ctx.extra.socket;
      for (const key of ['authorization', 'x-api-key']) {
        if (params?.[key] !== undefined && typeof params[key] !== 'string') {
          socket.close(4400, `connection_init payload: ${key} must be a string`);
          return false;
        }
      }
      // The credential is checked once here, as the HTTP context would check it, so a bad one fails
      // the connection rather than each operation; it is checked again for every operation.
      try {
        const request = asRequest(yoga, params, ctx.extra.request);
        await yoga.getEnveloped({ request, params: {}, ...serverContext(ctx) }).contextFactory();
        return true;
      } catch (e) {
        const refused = e instanceof GraphQLError && (e.extensions?.code === 'UNAUTHENTICATED' || e.extensions?.code === 'FORBIDDEN');
        // Close reasons are limited to 123 bytes. A database outage is temporary: 1013 (try again later)
        // is not fatal to graphql-ws clients, which reconnect by themselves.
        if (!refused && unavailableError(e)) socket.close(1013, 'DATABASE_UNAVAILABLE: the database is unavailable; retry in a few seconds');
        else socket.close(refused ? 4403 : 4500, refused ? Buffer.from(e.message).subarray(0, 120).toString() : 'Internal server error');
        return false;
      }
    },
    onSubscribe: async (ctx, id, payload) => {
      const params = { ...payload, query: payload.query || undefined };
      let result: unknown;
      try {
        const request = asRequest(yoga, ctx.connectionParams, ctx.extra.request);
        result = await pipeline.getResultForParams({ params, request }, serverContext(ctx, Buffer.byteLength(JSON.stringify(payload))));
      } catch (e) {
        // What Yoga's HTTP handler would answer for an error thrown before execution.
        return [e instanceof GraphQLError ? withoutHttp(e) : withoutHttp(unavailableError(e) ?? unexpected())];
      }
      if (isAsyncIterable(result))
        return {
          schema: schemaOf(),
          document: STAND_IN.subscription,
          rootValue: writtenTo(ctx.extra.socket, id, result as AsyncIterable<ExecutionResult>),
          contextValue: {},
        };
      const single = result as ExecutionResult;
      // Refused before anything ran: answer this operation alone with an `error` message.
      if (single.data === undefined && single.errors?.length)
        return single.errors.map((e) => withoutHttp(e instanceof GraphQLError ? e : new GraphQLError(String((e as Error).message))));
      return { schema: schemaOf(), document: STAND_IN.query, rootValue: single, contextValue: {} };
    },
    execute: (args) => args.rootValue as ExecutionResult,
    subscribe: (args) => args.rootValue as AsyncGenerator<ExecutionResult>,
    onNext: (_ctx, _id, _payload, _args, result) =>
      result.errors?.some((e) => (e as GraphQLError).extensions?.http)
        ? { ...result, errors: result.errors.map((e) => withoutHttp(e as GraphQLError).toJSON()) }
        : undefined,
  };
}
