// A counting TCP proxy in front of PostgreSQL, for bench:api's per-request statement counts. It relays
// bytes unchanged and reads the protocol on the side: every Query ('Q') or Execute ('E') message a
// client sends is one statement (BEGIN/COMMIT included), every DataRow ('D') the server sends back is
// one row transferred. pg_stat_statements would need a server restart on this machine; this needs none.
// Only the statement-count phase goes through it, so its own cost never touches the throughput figures.
import net from 'node:net';

export interface ProxyCounts {
  statements: number;
  rowsSent: number;
  /** SQL texts seen in Parse and Query messages, in order, for the record (capped). */
  texts: string[];
}

export async function startCountingProxy(target: { host: string; port: number }) {
  const counts: ProxyCounts = { statements: 0, rowsSent: 0, texts: [] };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    client.on('close', () => sockets.delete(client) && upstream.destroy());
    upstream.on('close', () => sockets.delete(upstream) && client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    // The client's first message (startup, or an SSL/GSS request) has no type byte.
    const fromClient = reader(true, (type, body) => {
      if (type === 'Q' || type === 'E') counts.statements++;
      if ((type === 'Q' || type === 'P') && counts.texts.length < 200) {
        const text = type === 'Q' ? cstring(body, 0) : cstring(body, body.indexOf(0) + 1);
        counts.texts.push(text.replace(/\s+/g, ' ').trim());
      }
    });
    const fromServer = reader(false, (type) => {
      if (type === 'D') counts.rowsSent++;
    });
    client.on('data', (b) => {
      fromClient(b);
      upstream.write(b);
    });
    upstream.on('data', (b) => {
      fromServer(b);
      client.write(b);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    counts,
    reset() {
      counts.statements = 0;
      counts.rowsSent = 0;
      counts.texts = [];
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

const cstring = (b: Buffer, from: number) => b.subarray(from, Math.max(from, b.indexOf(0, from))).toString();

/** Splits a byte stream into protocol messages: type byte + int32 length (which counts itself) + body. */
function reader(startup: boolean, onMessage: (type: string, body: Buffer) => void) {
  let pending: Buffer = Buffer.alloc(0);
  let untyped = startup;
  return (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    for (;;) {
      if (untyped) {
        if (pending.length < 8) return;
        const len = pending.readInt32BE(0);
        if (pending.length < len) return;
        const code = pending.readInt32BE(4);
        pending = pending.subarray(len);
        // SSLRequest / GSSENCRequest are followed by another untyped startup message.
        if (code !== 80877103 && code !== 80877104) untyped = false;
        continue;
      }
      if (pending.length < 5) return;
      const len = pending.readInt32BE(1);
      if (pending.length < 1 + len) return;
      onMessage(String.fromCharCode(pending[0]), pending.subarray(5, 1 + len));
      pending = pending.subarray(1 + len);
    }
  };
}
