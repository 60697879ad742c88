// LISTEN/NOTIFY on PostgreSQL for the whole process (Database.listen in db.ts; PGlite has its own).
import pg from 'pg';

/**
 * PostgreSQL LISTEN for the whole process: one client, connected on first use, shared by every channel
 * and callback; after a lost connection the next listen() reconnects (callers keep a slow poll as well).
 */
export function pgListener(url: string) {
  const callbacks = new Map<string, Set<(payload: string) => void>>();
  let client: Promise<pg.Client> | undefined;
  const quote = (channel: string) => `"${channel.replaceAll('"', '""')}"`;
  const connect = () =>
    (client ??= (async () => {
      const c = new pg.Client({ connectionString: url });
      c.on('notification', (n) => callbacks.get(n.channel)?.forEach((cb) => cb(n.payload ?? '')));
      c.on('error', () => {
        client = undefined;
      });
      await c.connect();
      for (const channel of callbacks.keys()) await c.query(`LISTEN ${quote(channel)}`);
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
      const c = client;
      client = undefined;
      callbacks.clear();
      if (c) await (await c.catch(() => undefined))?.end().catch(() => {});
    },
  };
}
