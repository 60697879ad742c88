// One POST to a receiver, on kept-alive connections (a TLS or TCP handshake per delivery would cap
// throughput), with a deadline. Never throws: the outcome says what happened, for the delivery log.
import http from 'node:http';
import https from 'node:https';

export interface HttpOutcome {
  ok: boolean;
  status?: number;
  error?: string;
  latencyMs: number;
}

export class HttpSender {
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };

  // Parsed once per endpoint URL (bounded: endpoints are few).
  private readonly targets = new Map<string, URL>();

  constructor(private readonly timeoutMs: number) {}

  post(url: string, headers: Record<string, string>, body: string): Promise<HttpOutcome> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    return new Promise((resolve) => {
      let target = this.targets.get(url);
      if (!target) {
        if (this.targets.size > 10_000) this.targets.clear();
        target = new URL(url);
        this.targets.set(url, target);
      }
      const lib = target.protocol === 'https:' ? https : http;
      const req = lib.request(
        target,
        {
          method: 'POST',
          agent: this.agents[target.protocol as 'http:' | 'https:'],
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
          timeout: this.timeoutMs,
        },
        (res) => {
          res.resume(); // the body is not ours to read; drain it so the socket is reused
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const ok = status >= 200 && status < 300;
            resolve({ ok, status, latencyMs: latency(), ...(ok ? {} : { error: `HTTP ${status}` }) });
          });
          res.on('error', (e) => resolve({ ok: false, status: res.statusCode, error: e.message, latencyMs: latency() }));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (e) => resolve({ ok: false, error: e.message || String(e), latencyMs: latency() }));
      req.end(body);
    });
  }

  close(): void {
    for (const agent of Object.values(this.agents)) agent.destroy();
  }
}
