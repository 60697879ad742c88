// LISTEN/NOTIFY on PostgreSQL for the whole process (Database.listen in db.ts; PGlite has its own).
import pg from 'pg';

/** Reconnect backoff after the listening session is lost (a PostgreSQL restart): 250 ms doubling to 5 s. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5_000;

/**
 * PostgreSQL LISTEN for the whole process: one client on a session connection (never through a
 * transaction-pooling PgBouncer: LISTEN belongs to a session), connected on first use and shared by
 * every channel and callback. When the connection is lost it reconnects by itself with backoff and
 * LISTENs again on every channel, so notifications resume after a PostgreSQL restart without anyone
 * calling listen() again; what was notified meanwhile is lost (callers keep a slow poll as well).
 */
export function pgListener(url: string, opts: { connectTimeoutMs?: number } = {}) {
  const callbacks = new Map<string, Set<(payload: string) => void>>();
  let client: Promise<pg.Client> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let delay = RETRY_FIRST_MS;
  let closed = false;
  const quote = (channel: string) => `"${channel.replaceAll('"', '""')}"`;

  const reconnectLater = () => {
    if (closed || retry || client || !callbacks.size) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect().then(
        () => void (delay = RETRY_FIRST_MS),
        () => {
          delay = Math.min(delay * 2, RETRY_MAX_MS);
          reconnectLater();
        },
      );
    }, delay);
  };
  const lost = (c: pg.Client) => {
    void c.end().catch(() => {});
    client = undefined;
    reconnectLater();
  };

  const connect = () =>
    (client ??= (async () => {
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000 });
      c.on('notification', (n) => callbacks.get(n.channel)?.forEach((cb) => cb(n.payload ?? '')));
      let gone = false;
      const onGone = () => {
        if (gone) return;
        gone = true;
        lost(c);
      };
      c.on('error', onGone);
      c.on('end', onGone);
      try {
        await c.connect();
        for (const channel of callbacks.keys()) await c.query(`LISTEN ${quote(channel)}`);
      } catch (e) {
        gone = true;
        void c.end().catch(() => {});
        throw e;
      }
      return c;
    })().catch((e) => {
      client = undefined;
      throw e;
    }));

  return {
    listen: async (channel: string, onPayload: (payload: string) => void) => {
      const set = callbacks.get(channel) ?? new Set();
      callbacks.set(channel, set);
      set.add(onPayload);
      const c = await connect();
      if (set.size === 1) await c.query(`LISTEN ${quote(channel)}`);
      return async () => {
        set.delete(onPayload);
        if (set.size || !client) return;
        callbacks.delete(channel);
        await (await client).query(`UNLISTEN ${quote(channel)}`).catch(() => {});
      };
    },
    close: async () => {
      closed = true;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      callbacks.clear();
      if (c) await (await c.catch(() => undefined))?.end().catch(() => {});
    },
  };
}
