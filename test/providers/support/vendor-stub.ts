import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** One request the stub received, with what happened to it. */
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
  /** Sent as is (e.g. invalid JSON); wins over `json`. */
  raw?: string;
  /** Wait before sending headers. */
  delayMs?: number;
  /** Never answer (the client must time out). */
  hang?: boolean;
  /** Send headers at once, then the body in `chunks` pieces `everyMs` apart. */
  slowBody?: { chunks: number; everyMs: number };
  /** Hold the answer until this settles (a test releases it). */
  hold?: Promise<unknown>;
}

export type Behaviour = (req: StubRequest) => Reply | Promise<Reply>;

/**
 * The default vendor: `POST /<anything>/lookup {domain}` finds `{domain, name}`, except domains
 * starting with `missing` (404, "not found").
 */
export const lookupVendor: Behaviour = (req) => {
  const domain = String(req.body?.domain ?? '');
  if (domain.startsWith('missing')) return { status: 404, json: { error: 'no such company' } };
  return { status: 200, json: { company: { domain, legal_name: `Company of ${domain}` } } };
};

/** A strict quota: no more than `limit` accepted requests in any `windowMs` (a sliding window). */
export interface Quota {
  limit: number;
  windowMs: number;
}

const now = () => performance.timeOrigin + performance.now();

/**
 * A local vendor API on 127.0.0.1:0 that misbehaves on purpose: scripted replies (429 with
 * Retry-After, 5xx, hangs, slow bodies, invalid JSON) are served first, in order, laid over
 * `behaviour`'s answer; then `behaviour` alone. With a quota it answers 429 above it, counting in a sliding window, which is
 * stricter than any fixed-window alignment a real vendor may use.
 */
export class VendorStub {
  readonly requests: StubRequest[] = [];
  readonly rejected: StubRequest[] = [];
  private readonly script: Reply[] = [];
  private readonly accepted: number[] = [];
  private seq = 0;

  private constructor(
    private readonly server: Server,
    public behaviour: Behaviour,
    public quota?: Quota,
  ) {}

  static async start(behaviour: Behaviour = lookupVendor, quota?: Quota): Promise<VendorStub> {
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

  /** Replies used by the next requests, in order, before `behaviour`. */
  enqueue(...replies: Reply[]): this {
    this.script.push(...replies);
    return this;
  }

  /** Requests whose path starts with `prefix` (one provider's, when each has its own base path). */
  to(prefix: string): StubRequest[] {
    return this.requests.filter((r) => r.path.startsWith(prefix));
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
        this.requests.push(r);
        res.writeHead(429, {
          'content-type': 'application/json',
          'retry-after': String(retryAfterS),
        });
        res.end(JSON.stringify({ error: 'rate limit exceeded' }));
        return;
      }
      this.accepted.push(at);
    }
    this.requests.push(r);

    // A scripted reply is laid over the default one, so `{ slowBody }` still carries a body.
    const scripted = this.script.shift();
    const reply = { ...(await this.behaviour(r)), ...scripted };
    if (reply.hold) await reply.hold;
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (reply.hang || res.destroyed) return;
    const status = reply.status ?? 200;
    const payload = reply.raw ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
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
