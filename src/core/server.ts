// Listens: one port for HTTP GraphQL (POST/GET, SSE) and graphql-ws, on the same path.
// stop() first drains (behind a load balancer: /ready answers 503 for drainMs while everything is still
// served, so the balancer's health check takes the instance out before it stops accepting), then stops
// accepting, lets in-flight requests finish (up to a timeout), closes sockets with 1001 "going away" so
// clients reconnect elsewhere, then returns.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { graphqlWsOptions } from './graphql-ws.js';

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  stop(): Promise<void>;
}

export async function startServer(
  yoga: YogaServerInstance<any, any>,
  opts: { host: string; port: number; shutdownTimeoutMs: number; drainMs?: number },
): Promise<RunningServer> {
  // SSE responses never finish by themselves: remember them so stop() can end them at once.
  const streams = new Set<ServerResponse>();
  let draining = false;
  const server = createServer((req, res) => {
    if (draining && req.url === '/ready') {
      res.writeHead(503, { 'content-type': 'text/plain', connection: 'close' }).end('draining');
      return;
    }
    if (req.headers.accept?.includes('text/event-stream')) {
      streams.add(res);
      res.once('close', () => streams.delete(res));
    }
    void yoga(req, res);
  });
  // 1 MiB per frame bounds what one socket can make us buffer; MAX_BODY_BYTES applies per message
  // in graphql-ws.ts, as it does to HTTP bodies.
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: 1 << 20 });

  const wsServer = useServer(
    graphqlWsOptions(yoga),
    wss,
    12_000, // keep-alive ping interval
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (opts.drainMs) {
        draining = true;
        await new Promise((r) => setTimeout(r, opts.drainMs));
      }
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const client of wss.clients) client.close(1001, 'Server shutting down');
      for (const res of streams) res.end();
      await wsServer.dispose();
      // Keep-alive sockets become idle as their last response finishes; close them as they do.
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const timer = setTimeout(() => server.closeAllConnections(), opts.shutdownTimeoutMs);
      await closed;
      clearInterval(sweep);
      clearTimeout(timer);
    })());

  return { server, port, url: `http://${host}:${port}${yoga.graphqlEndpoint}`, stop };
}
