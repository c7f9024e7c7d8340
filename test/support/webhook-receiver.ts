import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  /** The exact bytes received (what a signature is verified against). */
  raw: string;
  body: Record<string, unknown>;
}

type Handler = (req: Received, nth: number, res: ServerResponse) => void;

/**
 * A local HTTP receiver on 127.0.0.1:<random port> that records every request and every TCP
 * connection, and answers per path (200 by default). Close it in afterAll.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  connections = 0;
  private readonly handlers = new Map<string, Handler>();
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          // Kept as raw only.
        }
        const path = (req.url ?? '/').split('?')[0];
        const r: Received = { path, headers: req.headers, raw, body };
        this.received.push(r);
        const nth = this.on(path).length;
        const handler = this.handlers.get(path);
        if (handler) handler(r, nth, res);
        else res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success"}');
      });
    });
    this.server.on('connection', (s: Socket) => {
      this.connections++;
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Answers requests to `path` with `handler` (nth = 1 for the first request to that path). */
  handle(path: string, handler: Handler): void {
    this.handlers.set(path, handler);
  }

  /** Answers `path` with a fixed status. */
  status(path: string, status: number, headers: Record<string, string> = {}): void {
    this.handle(path, (_r, _n, res) => res.writeHead(status, headers).end());
  }

  on(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (this.server) await new Promise((r) => this.server!.close(r));
  }
}
