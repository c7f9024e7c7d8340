/** The vendor the provider bench calls: a local HTTP server, a strict quota, a fixed latency. */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { sleep } from '../support/common';
import { now } from './settings';

export interface StubReport {
  /** Arrival times (epoch ms) of the calls it answered, and of those it refused with 429. */
  accepted: number[];
  rejected: number[];
  /** Per call, ms from the adapter's fetch to the handler. */
  transit: number[];
}

/**
 * `POST /lookup {domain}` → 200 `{company}` after `latencyMs`. With a quota: 429 (Retry-After)
 * whenever a sliding 1-s window would hold more than `quota` accepted calls — stricter than any
 * fixed-window alignment a vendor may use.
 */
export class VendorStub {
  readonly accepted: number[] = [];
  readonly rejected: number[] = [];
  /** Per call, ms from the adapter's fetch (header x-bench-sent-at) to this handler. */
  readonly transit: number[] = [];
  private readonly window: number[] = [];
  private server!: Server;

  constructor(
    private readonly quota: number,
    private readonly latencyMs: number,
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    servers.add(this);
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.accepted.length = 0;
    this.rejected.length = 0;
    this.transit.length = 0;
  }

  /** What it saw, for the bench process (GET /_bench/report when it runs as its own process). */
  report(): StubReport {
    return { accepted: this.accepted, rejected: this.rejected, transit: this.transit };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = now();
    if (req.url?.startsWith('/_bench/')) return this.control(req, res);
    const sent = Number(req.headers['x-bench-sent-at']);
    if (sent) this.transit.push(at - sent);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (this.quota > 0) {
      while (this.window.length && this.window[0] <= at - 1000) this.window.shift();
      if (this.window.length >= this.quota) {
        this.rejected.push(at);
        const retryAfter = Math.max(1, Math.ceil((this.window[0] + 1000 - at) / 1000));
        res.writeHead(429, {
          'content-type': 'application/json',
          'retry-after': String(retryAfter),
        });
        res.end('{"error":"rate limit exceeded"}');
        return;
      }
      this.window.push(at);
    }
    this.accepted.push(at);
    if (this.latencyMs) await sleep(this.latencyMs);
    const { domain } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { domain: string };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ company: { domain, legal_name: `Company of ${domain}` } }));
  }

  /** GET /_bench/report, POST /_bench/reset: outside the quota and the figures. */
  private control(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    if (req.url === '/_bench/reset') this.reset();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(req.url === '/_bench/report' ? JSON.stringify(this.report()) : '{}');
  }

  async close(): Promise<void> {
    servers.delete(this);
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
/** The stubs still serving (closed at clean-up). */
export const servers = new Set<VendorStub>();

/** Most timestamps inside any window of `windowMs` (sliding). */
export function maxInAnyWindow(sorted: number[], windowMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j] - sorted[i] >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}
