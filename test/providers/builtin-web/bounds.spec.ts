import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { fakeDns, makeReader, startSite, TestSite } from './web-test-servers';

/**
 * The reader is bounded: redirects, connect and total time, body bytes as received and as
 * decoded, content types. Every test runs against a local server on 127.0.0.1 (allow-listed).
 */

const MAX_BYTES = 64 * 1024;
const ALLOW = { WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1' };

let site: TestSite;
/** Resolves when the server side of the current response is closed (the client hung up). */
let serverClosed: Promise<void>;

beforeAll(async () => {
  site = await startSite(['127.0.0.1']);
});
afterAll(() => site.close());
beforeEach(() => site.reset());

/** Installs a handler and records when its response closes. */
function serve(handler: (res: ServerResponse, url: string) => void) {
  let closed!: () => void;
  serverClosed = new Promise<void>((r) => (closed = r));
  site.handler = (req, res) => {
    res.on('close', closed);
    handler(res, req.url ?? '/');
  };
}

const html = (body: string) =>
  `<!doctype html><html><head><title>t</title></head><body>${body}</body></html>`;

describe('redirects', () => {
  const reader = makeReader({ ...ALLOW, WEB_FETCH_MAX_REDIRECTS: '3' });
  // /r/<n> redirects n times (301, 302, 303, 307, 308 in turn; relative and absolute), then 200.
  beforeEach(() =>
    serve((res, url) => {
      const n = Number(/^\/r\/(\d+)/.exec(url)?.[1] ?? 0);
      if (n === 0)
        return res.writeHead(200, { 'content-type': 'text/html' }).end(html('<h1>done</h1>'));
      const status = [301, 302, 303, 307, 308][n % 5];
      const location = n % 2 ? `/r/${n - 1}` : `${site.origin}/r/${n - 1}#frag`;
      res.writeHead(status, { location }).end();
    }),
  );

  it('follows a chain within WEB_FETCH_MAX_REDIRECTS and reports the hops', async () => {
    const r = await reader.read(`${site.origin}/r/3`);
    expect(r.found).toBe(true);
    expect(r.data).toMatchObject({
      url: `${site.origin}/r/3`,
      final_url: `${site.origin}/r/0`,
      status: 200,
      title: 't',
      redirects: [`${site.origin}/r/3`, `${site.origin}/r/2`, `${site.origin}/r/1`],
    });
    expect(site.requests).toHaveLength(4);
  });

  it('fails past the limit without asking for the next hop', async () => {
    const err = await reader.failure(`${site.origin}/r/4`);
    expect(err).toMatchObject({ code: 'BAD_INPUT', retryable: false });
    expect(err.message).toMatch(/more than 3 redirects/);
    expect(site.requests).toHaveLength(4);
  });

  it('refuses a redirect to an unusable URL', async () => {
    serve((res) => res.writeHead(302, { location: 'http://' }).end());
    const err = await reader.failure(`${site.origin}/`);
    expect(err.code).toMatch(/BLOCKED|BAD_INPUT/);
    expect(err.retryable).toBe(false);
  });
});

describe('time limits', () => {
  it('gives up on a page whose headers never come (total timeout), closing the connection', async () => {
    const reader = makeReader({ ...ALLOW, WEB_FETCH_TIMEOUT_MS: '300' });
    serve(() => undefined);
    const err = await reader.failure(`${site.origin}/`);
    expect(err).toMatchObject({ code: 'TEMPORARY', retryable: true });
    expect(err.message).toMatch(/no complete answer within 300 ms/);
    await serverClosed;
  });

  it('gives up on a body that trickles forever although bytes keep coming', async () => {
    const reader = makeReader({ ...ALLOW, WEB_FETCH_TIMEOUT_MS: '400' });
    serve((res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<html><body>');
      const tick = setInterval(() => res.write('.'), 10);
      res.on('close', () => clearInterval(tick));
    });
    const err = await reader.failure(`${site.origin}/`);
    expect(err.code).toBe('TEMPORARY');
    expect(err.message).toMatch(/no complete answer within 400 ms/);
    await serverClosed;
  });

  it('applies the connect timeout to a host whose DNS never answers', async () => {
    const hang = Object.assign(() => undefined, { calls: [] as string[] });
    const reader = makeReader(
      { ...ALLOW, WEB_FETCH_CONNECT_TIMEOUT_MS: '200', WEB_FETCH_TIMEOUT_MS: '60000' },
      hang,
    );
    const err = await reader.failure('http://slow-dns.test/');
    expect(err.code).toBe('TEMPORARY');
    expect(err.message).toMatch(/could not connect to slow-dns\.test within 200 ms/);
  });

  it("is cut by the caller's abort signal (the ProviderClient timeout or a task cancel)", async () => {
    const reader = makeReader(ALLOW);
    const ctl = new AbortController();
    serve((res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<html>', () => ctl.abort());
    });
    const err = await reader.failure(`${site.origin}/`, ctl.signal);
    expect(err.code).toBe('TEMPORARY');
    expect(err.message).toMatch(/aborted/);
    await serverClosed;
  });
});

describe('body size', () => {
  const reader = makeReader({ ...ALLOW, WEB_FETCH_MAX_BYTES: String(MAX_BYTES) });

  it('cuts an endless body at WEB_FETCH_MAX_BYTES, keeps what it read and hangs up', async () => {
    serve((res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.write('<html><head><title>Huge</title></head><body><a href="/about">About</a><p>');
      const chunk = 'x'.repeat(16 * 1024);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const r = await reader.read(`${site.origin}/`);
    await serverClosed;
    expect(r.found).toBe(true);
    expect(r.data).toMatchObject({ title: 'Huge', truncated: true });
    expect(Buffer.byteLength(r.data!.html!)).toBe(MAX_BYTES);
    expect(r.data!.links).toEqual([{ href: `${site.origin}/about`, text: 'About' }]);
  });

  it('reads a body of exactly the cap in full, not truncated', async () => {
    const prefix = '<html><body>';
    const body = prefix + 'y'.repeat(MAX_BYTES - prefix.length);
    serve((res) => res.writeHead(200, { 'content-type': 'text/html' }).end(body));
    const r = await reader.read(`${site.origin}/`);
    expect(r.data!.truncated).toBeUndefined();
    expect(r.data!.html).toHaveLength(MAX_BYTES);
  });

  // 32 MiB of zeros compress to a few KiB: the decoded bytes must stop at the cap.
  const zeros = Buffer.alloc(32 * 1024 * 1024);
  it.each<[string, Buffer]>([
    ['gzip', gzipSync(zeros, { level: 9 })],
    ['deflate', deflateSync(zeros, { level: 9 })],
    ['br', brotliCompressSync(zeros)],
  ])(
    'stops a %s bomb at the cap (decoded bytes ≤ cap, page flagged truncated)',
    async (encoding, bomb) => {
      expect(bomb.length).toBeLessThan(64 * 1024);
      serve((res) =>
        res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': encoding }).end(bomb),
      );
      const r = await reader.read(`${site.origin}/`);
      expect(r.data!.truncated).toBe(true);
      expect(Buffer.byteLength(r.data!.html!)).toBeLessThanOrEqual(MAX_BYTES);
    },
  );

  it('counts bytes on the wire too: an endless compressed stream that decodes to nothing is cut', async () => {
    // Concatenated empty gzip members: 20 bytes each on the wire, nothing once decoded.
    const empty = gzipSync(Buffer.alloc(0));
    const chunk = Buffer.concat(Array.from({ length: 1000 }, () => empty));
    serve((res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const r = await reader.read(`${site.origin}/`);
    await serverClosed;
    expect(r.data).toMatchObject({ truncated: true, text: '' });
  });

  it('counts bytes on the wire of an uncompressed body that is incompressible', async () => {
    const noise = randomBytes(4 * MAX_BYTES).toString('base64');
    serve((res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(noise));
    const r = await reader.read(`${site.origin}/`);
    expect(r.data).toMatchObject({ truncated: true, text: noise.slice(0, MAX_BYTES) });
  });

  it('decodes gzip, deflate (zlib and raw) and br pages', async () => {
    const page = Buffer.from(html('<h1>Compressed</h1>'));
    for (const [encoding, body] of [
      ['gzip', gzipSync(page)],
      ['deflate', deflateSync(page)],
      ['deflate', deflateRawSync(page)],
      ['br', brotliCompressSync(page)],
    ] as const) {
      serve((res) =>
        res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': encoding }).end(body),
      );
      const r = await reader.read(`${site.origin}/`);
      expect(r.data!.text).toBe('Compressed');
    }
  });

  it('fails on a corrupt compressed body (BAD_INPUT)', async () => {
    serve((res) =>
      res
        .writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' })
        .end(Buffer.from('this is not gzip at all')),
    );
    const err = await reader.failure(`${site.origin}/`);
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toMatch(/cannot be decoded/);
  });
});

describe('content types', () => {
  const reader = makeReader(ALLOW);

  it.each(['image/png', 'application/pdf', 'application/json', 'application/octet-stream'])(
    'refuses %s with BAD_INPUT and never downloads the body',
    async (type) => {
      serve((res) => {
        res.writeHead(200, { 'content-type': type });
        // A body that would take a long time to send: the client must hang up instead.
        const chunk = Buffer.alloc(64 * 1024);
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
      });
      const err = await reader.failure(`${site.origin}/file`);
      expect(err).toMatchObject({ code: 'BAD_INPUT', retryable: false });
      expect(err.message).toContain(
        `is ${type}; the web reader reads text/html, application/xhtml+xml, text/plain`,
      );
      await serverClosed;
    },
  );

  it('reads text/plain, XHTML, and sniffs a page sent without a Content-Type', async () => {
    serve((res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('Hello\r\nplain'));
    expect((await reader.read(`${site.origin}/`)).data).toMatchObject({
      content_type: 'text/plain',
      text: 'Hello\nplain',
      links: [],
    });
    serve((res) =>
      res.writeHead(200, { 'content-type': 'application/xhtml+xml' }).end(html('<p>x</p>')),
    );
    expect((await reader.read(`${site.origin}/`)).data!.content_type).toBe('application/xhtml+xml');
    serve((res) => {
      res.removeHeader('content-type');
      res.end(html('<p>sniffed</p>'));
    });
    expect((await reader.read(`${site.origin}/`)).data).toMatchObject({
      content_type: 'text/html',
      text: 'sniffed',
    });
  });
});

describe('HTTP statuses and transport errors', () => {
  const reader = makeReader(ALLOW, fakeDns({}));

  it.each([404, 410])('%s is found:false, not an error', async (status) => {
    serve((res) => res.writeHead(status, { 'content-type': 'text/html' }).end('gone'));
    expect(await reader.read(`${site.origin}/x`)).toEqual({
      found: false,
      data: null,
      sources: [`${site.origin}/x`],
    });
  });

  it('429 is RATE_LIMITED with the Retry-After delay', async () => {
    serve((res) => res.writeHead(429, { 'retry-after': '7' }).end());
    const err = await reader.failure(`${site.origin}/`);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 7000, status: 429 });
  });

  it.each([500, 502, 503])('%s is TEMPORARY (retried by the platform)', async (status) => {
    serve((res) => res.writeHead(status).end());
    expect(await reader.failure(`${site.origin}/`)).toMatchObject({
      code: 'TEMPORARY',
      retryable: true,
      status,
    });
  });

  it.each([401, 403, 451])(
    '%s is BLOCKED: the site refuses us, asking again will not help',
    async (status) => {
      serve((res) => res.writeHead(status).end());
      const err = await reader.failure(`${site.origin}/`);
      expect(err).toMatchObject({ code: 'BLOCKED', retryable: false, status });
      expect(err.message).toMatch(/refuses to be read/);
    },
  );

  it('other 4xx are BAD_INPUT', async () => {
    serve((res) => res.writeHead(400).end());
    expect(await reader.failure(`${site.origin}/`)).toMatchObject({
      code: 'BAD_INPUT',
      retryable: false,
    });
  });

  it('a host name that does not exist is NOT_FOUND; a refused connection is TEMPORARY', async () => {
    expect(await reader.failure('http://no-such-host.test/')).toMatchObject({
      code: 'NOT_FOUND',
      retryable: false,
    });
    const closed = await startSite(['127.0.0.1']);
    const port = closed.port;
    await closed.close();
    const err = await reader.failure(`http://127.0.0.1:${port}/`);
    expect(err).toMatchObject({ code: 'TEMPORARY', retryable: true });
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it('refuses an https site whose certificate does not verify (BAD_INPUT, not retried)', async () => {
    const tls = join(__dirname, '..', '..', 'fixtures', 'tls');
    let requests = 0;
    const server = createHttpsServer(
      {
        key: readFileSync(join(tls, 'self-signed.key')),
        cert: readFileSync(join(tls, 'self-signed.crt')),
      },
      (_req, res) => {
        requests++;
        res.end('never read');
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const err = await reader.failure(`https://127.0.0.1:${port}/`);
      expect(err).toMatchObject({ code: 'BAD_INPUT', retryable: false });
      expect(err.message).toMatch(/SELF_SIGNED_CERT/);
      expect(requests).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('rejects input that is not an http(s) URL as BAD_INPUT', async () => {
    for (const url of ['ftp://example.com/', 'example.com', 'http://']) {
      expect(await reader.failure(url)).toMatchObject({ code: 'BAD_INPUT', retryable: false });
    }
  });

  it('sends a polite User-Agent naming Assay, and asks for compressed HTML', async () => {
    let headers: Record<string, unknown> = {};
    site.handler = (req, res) => {
      headers = req.headers;
      res.writeHead(200, { 'content-type': 'text/html' }).end(html(''));
    };
    await reader.read(`${site.origin}/`);
    expect(headers['user-agent']).toBe('AssayBot/0.1 (+https://github.com/assay-enrichment/assay)');
    expect(headers['accept-encoding']).toBe('gzip, deflate, br');
    expect(headers.accept).toMatch(/^text\/html/);
  });
});
