import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import type { Reply } from './vendor-stub';

/** One request with its body as the exact bytes received (audio uploads are binary). */
export interface RawRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  bytes: Buffer;
}

/**
 * A speech-to-text vendor stand-in on 127.0.0.1:0 (never past loopback). Unlike VendorStub, which
 * decodes bodies as UTF-8 text, it keeps each body's bytes, so a test can check that the audio
 * streamed is the file byte for byte and read a multipart form back (`formOf`). Answers the
 * replies queued with `reply()` in order, then a 599 naming the unexpected request.
 */
export class AudioVendorStub {
  readonly requests: RawRequest[] = [];
  private readonly script: Reply[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<AudioVendorStub> {
    const server = createServer();
    const stub = new AudioVendorStub(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        stub.requests.push({
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          headers: req.headers,
          bytes: Buffer.concat(chunks),
        });
        const reply = stub.script.shift() ?? {
          status: 599,
          json: { error: { message: `stub: no reply queued for ${req.method} ${req.url}` } },
        };
        res.writeHead(reply.status ?? 200, {
          'content-type': 'application/json',
          ...reply.headers,
        });
        res.end(reply.raw ?? JSON.stringify(reply.json ?? {}));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return stub;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reply(...replies: Reply[]): this {
    this.script.push(...replies);
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.script.length = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A multipart/form-data request's form, parsed by the platform's own parser. */
export function formOf(req: RawRequest): Promise<FormData> {
  return new Response(req.bytes, {
    headers: { 'content-type': String(req.headers['content-type']) },
  }).formData();
}
