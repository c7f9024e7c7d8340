import { readFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** One request the stub received (body parsed when it is JSON), with what happened to it. */
export interface StubRequest {
  seq: number;
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
  /** Epoch ms with sub-ms precision, taken when the request arrived. */
  at: number;
  /** Status sent (undefined while the request is held or hanging). */
  status?: number;
  /** The client closed the connection before the answer was complete (e.g. a timeout abort). */
  aborted: boolean;
  closedAt?: number;
}

/** How the stub answers one request. */
export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  /** Sent as is (HTML, plain text, invalid JSON); wins over `json`. */
  raw?: string;
  /** Wait before sending headers. */
  delayMs?: number;
  /** Never answer (the client must time out or abort). */
  hang?: boolean;
  /** Send headers at once, then the body in `chunks` pieces `everyMs` apart. */
  slowBody?: { chunks: number; everyMs: number };
  /** Hold the answer until this settles (a test releases it). */
  hold?: Promise<unknown>;
}

export type Behaviour = (req: StubRequest) => Reply | Promise<Reply>;

/** A reply queued with `reply()`: fixed, or computed from the request. */
export type Scripted = Reply | Behaviour;

/** Without a behaviour, a request nothing was queued for gets a 599 that names it (fails loudly). */
const unexpected: Behaviour = (req) => ({
  status: 599,
  json: { error: { message: `stub: no reply queued for ${req.method} ${req.path}` } },
});

/**
 * A generic vendor: `POST /<anything>/lookup {domain}` finds `{domain, name}`, except domains
 * starting with `missing` (404, "not found").
 */
export const lookupVendor: Behaviour = (req) => {
  const domain = String(req.body?.domain ?? '');
  if (domain.startsWith('missing')) return { status: 404, json: { error: 'no such company' } };
  // What PostgreSQL's jsonb cannot hold as such: a NUL character and a lone surrogate.
  const name = domain.startsWith('nul-')
    ? `Company\u0000 of ${domain}\ud800`
    : `Company of ${domain}`;
  return { status: 200, json: { company: { domain, legal_name: name } } };
};

/** A strict quota: no more than `limit` accepted requests in any `windowMs` (a sliding window). */
export interface Quota {
  limit: number;
  windowMs: number;
}

const now = () => performance.timeOrigin + performance.now();

/**
 * The one vendor API stand-in of the tests, on 127.0.0.1:0 (never past loopback). It records every
 * request, with its arrival time and whether the client aborted it, and answers:
 *
 * 1. with the replies queued by `reply()`, in order — a fixed reply is laid over `behaviour`'s
 *    answer (so `{ status: 429 }` or `{ slowBody }` keep its body), a function replaces it;
 * 2. then with `behaviour` alone (by default a 599 naming the unexpected request).
 *
 * With a quota it answers 429 + Retry-After above it, counting in a sliding window, which is
 * stricter than any fixed-window alignment a real vendor may use.
 */
export class VendorStub {
  readonly requests: StubRequest[] = [];
  readonly rejected: StubRequest[] = [];
  private readonly script: Scripted[] = [];
  private readonly accepted: number[] = [];
  private waiters: Array<{ n: number; resolve: () => void }> = [];
  private seq = 0;

  private constructor(
    private readonly server: Server,
    public behaviour: Behaviour,
    public quota?: Quota,
  ) {}

  static async start(behaviour: Behaviour = unexpected, quota?: Quota): Promise<VendorStub> {
    const server = createServer();
    server.keepAliveTimeout = 30_000;
    const stub = new VendorStub(server, behaviour, quota);
    server.on('request', (req, res) => void stub.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return stub;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Replies for the next requests, in order, before `behaviour`. */
  reply(...replies: Scripted[]): this {
    this.script.push(...replies);
    return this;
  }

  /** Requests whose path starts with `prefix` (one provider's, when each has its own base path). */
  to(prefix: string): StubRequest[] {
    return this.requests.filter((r) => r.path.startsWith(prefix));
  }

  /** Resolves once `n` requests have arrived in total (an event, not a sleep). */
  received(n: number): Promise<void> {
    if (this.requests.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  reset(): void {
    this.requests.length = 0;
    this.rejected.length = 0;
    this.script.length = 0;
    this.accepted.length = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private record(r: StubRequest): void {
    this.requests.push(r);
    this.waiters = this.waiters.filter((w) =>
      this.requests.length >= w.n ? (w.resolve(), false) : true,
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = now();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* kept as text */
    }
    const r: StubRequest = {
      seq: ++this.seq,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body,
      at,
      aborted: false,
    };
    res.on('close', () => {
      r.closedAt = now();
      if (!res.writableFinished) r.aborted = true;
    });

    if (this.quota) {
      const from = at - this.quota.windowMs;
      while (this.accepted.length && this.accepted[0] <= from) this.accepted.shift();
      if (this.accepted.length >= this.quota.limit) {
        const retryAfterS = Math.max(1, Math.ceil((this.accepted[0] - from) / 1000));
        r.status = 429;
        this.rejected.push(r);
        this.record(r);
        res.writeHead(429, {
          'content-type': 'application/json',
          'retry-after': String(retryAfterS),
        });
        res.end(JSON.stringify({ error: 'rate limit exceeded' }));
        return;
      }
      this.accepted.push(at);
    }
    this.record(r);

    const scripted = this.script.shift();
    const reply: Reply =
      typeof scripted === 'function'
        ? await scripted(r)
        : scripted && this.behaviour === unexpected
          ? scripted
          : { ...(await this.behaviour(r)), ...scripted };
    if (reply.hold) await reply.hold;
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (reply.hang || res.destroyed) return;
    const status = reply.status ?? 200;
    const payload = reply.raw ?? JSON.stringify(reply.json ?? {});
    r.status = status;
    res.writeHead(status, { 'content-type': 'application/json', ...reply.headers });
    if (!reply.slowBody) {
      res.end(payload);
      return;
    }
    const { chunks: n, everyMs } = reply.slowBody;
    const size = Math.ceil(payload.length / n);
    for (let i = 0; i < n && !res.destroyed; i++) {
      res.write(payload.slice(i * size, (i + 1) * size));
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
    if (!res.destroyed) res.end();
  }
}

/** Largest number of `times` (epoch ms) inside any window of `windowMs` (a sliding count). */
export function maxInAnyWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < t.length; j++) {
    while (t[j] - t[i] >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
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
