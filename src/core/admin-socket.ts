// The server's local admin socket (DATA_DIR/admin.sock, embedded database only): while the server
// holds the data directory, CLI commands (migrate, seed, token, apikey) are sent here and run inside the
// server, on its open database and with its configuration, instead of on a copy the server never sees.
// The socket file is readable and writable by its owner only (mode 0600), so only the local user who
// runs the server (and root) can connect.
import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, request } from 'node:http';
import path from 'node:path';

export interface AdminReply {
  code: number;
  out: string[];
  err: string[];
}

export type AdminHandler = (argv: string[]) => Promise<AdminReply>;

export const adminSocketOf = (dataDir: string) => path.resolve(dataDir, 'admin.sock');

// A Unix socket path must fit in sockaddr_un (108 bytes on Linux).
export const socketPathFits = (file: string) => Buffer.byteLength(file) < 104;

const MAX_REQUEST_BYTES = 64 * 1024;

export async function serveAdminSocket(file: string, handle: AdminHandler): Promise<{ close(): Promise<void> }> {
  // The caller holds the directory's lock, so a socket file left here is a dead server's.
  unlinkQuietly(file);
  const server = createServer((req, res) => {
    const reply = (status: number, body: AdminReply) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method !== 'POST' || req.url !== '/cli') return reply(404, { code: 1, out: [], err: ['error: unknown admin request'] });
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      let argv: unknown;
      try {
        argv = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { argv?: unknown }).argv;
      } catch {
        argv = undefined;
      }
      if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string'))
        return reply(400, { code: 1, out: [], err: ['error: bad admin request'] });
      handle(argv).then(
        (r) => reply(200, r),
        (e: Error) => reply(500, { code: 1, out: [], err: [`error: ${e.message}`] }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => resolve());
  });
  chmodSync(file, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        unlinkQuietly(file);
      }),
  };
}

/** Sends a CLI command to the server; rejects (with the socket error's code) when nothing answers. */
export function callAdminSocket(file: string, argv: string[]): Promise<AdminReply> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: file, path: '/cli', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as AdminReply);
        } catch (e) {
          reject(e);
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify({ argv }));
  });
}

function unlinkQuietly(file: string) {
  try {
    unlinkSync(file);
  } catch {
    // absent already
  }
}
