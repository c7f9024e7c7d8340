import { readFileSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** One request as the stub received it (body parsed when it is JSON). */
export interface StubRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

/** What the stub answers: JSON, a raw body, or `hang` (never answers: for abort tests). */
export interface StubReply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  body?: string;
  hang?: boolean;
}

type Responder = StubReply | ((req: StubRequest) => StubReply);

/**
 * A vendor API stand-in on 127.0.0.1: records every request and answers from a queue of replies
 * (a reply may be computed from the request). An unexpected request gets a 599 that names it, so a test fails loudly
 * instead of hanging. Never reaches past loopback.
 */
export class VendorStub {
  readonly requests: StubRequest[] = [];
  private readonly queue: Responder[] = [];
  private readonly hanging = new Set<ServerResponse>();
  private waiters: Array<{ n: number; resolve: () => void }> = [];

  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => this.answer(req.method ?? 'GET', req.url ?? '/', req.headers, chunks, res));
  });
  private port = 0;

  private constructor() {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<VendorStub> {
    const stub = new VendorStub();
    await new Promise<void>((resolve) => stub.server.listen(0, '127.0.0.1', resolve));
    stub.port = (stub.server.address() as AddressInfo).port;
    return stub;
  }

  /** Queues replies, answered in order. */
  reply(...replies: Responder[]): this {
    this.queue.push(...replies);
    return this;
  }

  /** Resolves once `n` requests have arrived in total. */
  received(n: number): Promise<void> {
    if (this.requests.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    chunks: Buffer[],
    res: ServerResponse,
  ): void {
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      /* not JSON: keep the raw text */
    }
    const req: StubRequest = { method, path, headers, body };
    this.requests.push(req);
    const next = this.queue.shift();
    const r: StubReply = next
      ? typeof next === 'function'
        ? next(req)
        : next
      : {
          status: 599,
          json: { error: { message: `stub: no reply queued for ${method} ${path}` } },
        };
    this.waiters = this.waiters.filter((w) =>
      this.requests.length >= w.n ? (w.resolve(), false) : true,
    );
    if (r.hang) {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    const text = r.body ?? JSON.stringify(r.json ?? {});
    res.writeHead(r.status ?? 200, { 'content-type': 'application/json', ...(r.headers ?? {}) });
    res.end(text);
  }
}

/** A fresh copy of a recorded-style vendor response under test/fixtures/. */
export function fixture<T = any>(vendor: string, name: string): T {
  return JSON.parse(
    readFileSync(join(__dirname, '..', 'fixtures', vendor, `${name}.json`), 'utf8'),
  ) as T;
}

/** A loopback URL where nothing listens (connection refused). */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
