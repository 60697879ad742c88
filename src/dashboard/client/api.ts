// How the page talks to the API: queries over HTTP and subscriptions over one graphql-ws socket, both
// with the signed-in credential only, and both sending the persisted hash of a typed document (never
// the text), so a query the schema does not know cannot even be written here.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type Client, createClient } from 'graphql-ws';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface ApiError {
  message: string;
  extensions?: { code?: string };
}

export class RequestFailed extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** `Bearer <token>` for a bare token; a value that already names its scheme (`Bearer …`, `Dev demo`) as it is. */
export const authorizationOf = (credential: string) => (/\s/.test(credential.trim()) ? credential.trim() : `Bearer ${credential.trim()}`);

const hashOf = (doc: object) => (doc as unknown as { __meta__: { hash: string } }).__meta__.hash;
const persisted = (doc: object) => ({ persistedQuery: { version: 1, sha256Hash: hashOf(doc) } });

export async function query<R, V extends Record<string, unknown>>(authorization: string, doc: TypedDocumentNode<R, V>, variables?: V): Promise<R> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization },
    body: JSON.stringify({ variables, extensions: persisted(doc) }),
  });
  const body = (await res.json().catch(() => ({}))) as { data?: R; errors?: ApiError[] };
  if (body.errors?.length || !body.data) {
    const first = body.errors?.[0];
    throw new RequestFailed(first?.message ?? `HTTP ${res.status}`, first?.extensions?.code);
  }
  return body.data;
}

export interface Live {
  subscribe<R, V extends Record<string, unknown>>(
    doc: TypedDocumentNode<R, V>,
    variables: V,
    onData: (data: R) => void,
    onError?: (message: string) => void,
  ): () => void;
  dispose(): void;
}

/**
 * One reconnecting graphql-ws client. `onState` hears every change of the connection; a refused
 * credential (close code 4403) is not retried and is reported through `onRefused`.
 */
export function connect(authorization: string, onState: (s: ConnectionState) => void, onRefused: (reason: string) => void): Live {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  let everConnected = false;
  const client: Client = createClient({
    url: `${protocol}//${location.host}/graphql`,
    connectionParams: { authorization },
    lazy: false,
    keepAlive: 10_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    retryWait: async (retries) => new Promise((r) => setTimeout(r, Math.min(500 * 2 ** retries, 8_000))),
    shouldRetry: (e) => !(e && typeof e === 'object' && 'code' in e && (e as CloseEvent).code === 4403),
    on: {
      connecting: () => onState(everConnected ? 'reconnecting' : 'connecting'),
      connected: () => {
        everConnected = true;
        onState('connected');
      },
      closed: (e) => {
        const close = e as CloseEvent | undefined;
        if (close?.code === 4403) {
          onState('closed');
          onRefused(close.reason || 'The credential was refused.');
        } else onState(everConnected ? 'reconnecting' : 'connecting');
      },
    },
  });
  return {
    subscribe<R, V extends Record<string, unknown>>(
      doc: TypedDocumentNode<R, V>,
      variables: V,
      onData: (data: R) => void,
      onError?: (message: string) => void,
    ) {
      return client.subscribe<R>(
        { query: '', variables, extensions: persisted(doc) },
        {
          next: (r) => {
            if (r.data) onData(r.data as R);
            else if (r.errors?.length) onError?.(r.errors.map((e) => e.message).join('; '));
          },
          error: (e) => onError?.(Array.isArray(e) ? e.map((x) => x.message).join('; ') : String((e as Error)?.message ?? 'connection lost')),
          complete: () => {},
        },
      );
    },
    dispose: () => void client.dispose(),
  };
}
