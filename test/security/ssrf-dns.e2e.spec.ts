import { randomBytes, randomUUID } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { lookup as dnsLookup } from 'node:dns';
import request from 'supertest';
import { loadConfig } from '../../src/common/config/app.config';
import { outboundResolver, parseDnsServers } from '../../src/common/net/dns-resolver';
import { ProviderClient } from '../../src/providers/core/provider-client';
import { ProviderError } from '../../src/providers/core/provider-error';
import { DnsRecord, rr, TestDnsServer } from '../support/dns-server';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';

/**
 * SSRF through DNS, against a real DNS server (dns2, UDP and TCP on 127.0.0.1) that the booted
 * application resolves through (OUTBOUND_DNS_SERVERS), for both outbound clients: the web reader
 * (builtin_web, through ProviderClient) and callbacks (a task's callback_url, sent by the worker).
 *
 * A name whose answer holds any non-public address is refused with BLOCKED, and nothing connects:
 * an HTTP canary listening on 127.0.0.1, 127.0.0.2 and ::1 (one port, the port of every URL here)
 * counts zero TCP connections, and Node makes no connection attempt to that port at all (every
 * client socket's `connectionAttempt` is recorded). DNS rebinding (an allowed answer first, a
 * forbidden one on the next query) is caught across a redirect and across callback attempts,
 * because the address is checked inside each connection's own lookup.
 */

type Json = Record<string, any>;

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
/** A public address (never connected to: every name that has it has a blocked one too). */
const PUBLIC = '93.184.216.34';

/** One HTTP server on several loopback addresses and one port, counting per local address. */
interface Listener {
  port: number;
  /** TCP connections accepted, per local address (127.0.0.1, 127.0.0.2, ::1). */
  connections: Map<string, number>;
  /** Requests as `<local address> <method> <path>`. */
  requests: string[];
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  total(): number;
  reset(): void;
  close(): Promise<void>;
}

const OK = (_req: IncomingMessage, res: ServerResponse) =>
  res.writeHead(200, { 'content-type': 'text/html' }).end('<title>inside</title><p>read</p>');

async function startListener(hosts: string[]): Promise<Listener> {
  const sockets = new Set<Socket>();
  const servers: Server[] = [];
  const l: Listener = {
    port: 0,
    connections: new Map(),
    requests: [],
    handler: OK,
    total: () => [...l.connections.values()].reduce((a, b) => a + b, 0),
    reset() {
      l.connections.clear();
      l.requests = [];
      l.handler = OK;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
  const make = () => {
    const server = createServer((req, res) => {
      l.requests.push(`${req.socket.localAddress} ${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => l.handler(req, res));
    });
    server.on('connection', (s: Socket) => {
      const local = s.localAddress ?? '?';
      l.connections.set(local, (l.connections.get(local) ?? 0) + 1);
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    return server;
  };
  // The first address picks the port; it may be taken on the others: try a few.
  for (let attempt = 0; ; attempt++) {
    try {
      let port = 0;
      for (const host of hosts) {
        const server = make();
        servers.push(server);
        port = await new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
        });
      }
      l.port = port;
      return l;
    } catch (err) {
      await Promise.all(
        servers.filter((s) => s.listening).map((s) => new Promise((r) => s.close(r))),
      );
      servers.length = 0;
      if (attempt >= 5) throw err;
    }
  }
}

/** Every TCP connection attempt Node starts while active, as `address:port` (connected or not). */
class AttemptSpy {
  attempts: string[] = [];
  private readonly onSocket = (msg: unknown) => {
    const socket = (msg as { socket: Socket }).socket;
    socket.on('connectionAttempt', (ip: string, port: number) =>
      this.attempts.push(`${ip.includes(':') ? `[${ip}]` : ip}:${port}`),
    );
  };

  start(): void {
    this.attempts = [];
    subscribe('net.client.socket', this.onSocket);
  }

  stop(): void {
    unsubscribe('net.client.socket', this.onSocket);
  }

  /** The attempts to `port` (the canary's: Postgres and Redis connections are left out). */
  to(port: number): string[] {
    return this.attempts.filter((a) => a.endsWith(`:${port}`));
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** [what, host name, its records, the address the refusal names (with its range)] */
const CORPUS: Array<[string, string, DnsRecord[], string]> = [
  [
    'loopback',
    'loopback.dns.test',
    [rr.a('127.0.0.1')],
    '127.0.0.1 (a non-public address: loopback)',
  ],
  [
    'another loopback address',
    'loopback2.dns.test',
    [rr.a('127.0.0.2')],
    '127.0.0.2 (a non-public address: loopback)',
  ],
  ['RFC 1918 10/8', 'ten.dns.test', [rr.a('10.0.0.5')], '10.0.0.5 (a non-public address: private)'],
  [
    'the cloud metadata address',
    'metadata.dns.test',
    [rr.a('169.254.169.254')],
    '169.254.169.254 (a cloud metadata address)',
  ],
  [
    'RFC 1918 192.168/16',
    'router.dns.test',
    [rr.a('192.168.1.1')],
    '192.168.1.1 (a non-public address: private)',
  ],
  [
    'IPv6 loopback',
    'v6-loopback.dns.test',
    [rr.aaaa('::1')],
    '::1 (a non-public address: loopback)',
  ],
  [
    'unique-local IPv6',
    'ula.dns.test',
    [rr.aaaa('fd00::1')],
    'fd00::1 (a non-public address: uniqueLocal)',
  ],
  [
    'IPv4-mapped IPv6 loopback',
    'mapped.dns.test',
    [rr.aaaa('::ffff:127.0.0.1')],
    '::ffff:127.0.0.1 (a non-public address: ipv4Mapped)',
  ],
  [
    'one public and one private address',
    'split.dns.test',
    [rr.a(PUBLIC), rr.a('127.0.0.1')],
    '127.0.0.1 (a non-public address: loopback)',
  ],
  [
    'a public A and a private AAAA',
    'split6.dns.test',
    [rr.a(PUBLIC), rr.aaaa('fd00::1')],
    'fd00::1 (a non-public address: uniqueLocal)',
  ],
  [
    'a CNAME to a private name',
    'alias.dns.test',
    [rr.cname('ten.dns.test')],
    '10.0.0.5 (a non-public address: private)',
  ],
  [
    'a chain of CNAMEs to loopback',
    'chain.dns.test',
    [rr.cname('hop.dns.test')],
    '127.0.0.1 (a non-public address: loopback)',
  ],
  [
    'a loopback address at the end of an answer too long for UDP (read over TCP)',
    'long.dns.test',
    [...Array.from({ length: 80 }, (_, i) => rr.a(`93.184.${i}.34`)), rr.a('127.0.0.1')],
    '127.0.0.1 (a non-public address: loopback)',
  ],
];

describe('SSRF through DNS: a local DNS server as OUTBOUND_DNS_SERVERS', () => {
  let dns: TestDnsServer;
  let canary: Listener;
  const spy = new AttemptSpy();

  beforeAll(async () => {
    dns = await TestDnsServer.start();
    canary = await startListener(['127.0.0.1', '127.0.0.2', '::1']);
  });
  afterAll(async () => {
    await canary?.close();
    await dns?.close();
  });
  beforeEach(() => {
    dns.reset();
    for (const [, name, records] of CORPUS) dns.set(name, records);
    dns.set('hop.dns.test', [rr.cname('loopback.dns.test')]);
    canary.reset();
    spy.start();
  });
  afterEach(() => {
    spy.stop();
    // Nothing the server could not parse or answer.
    expect(dns.errors).toEqual([]);
  });

  const start = (env: Record<string, string> = {}) =>
    startTestApp({
      OUTBOUND_DNS_SERVERS: dns.address,
      CALLBACK_SIGNING_SECRET: SECRET,
      CALLBACK_TIMEOUT_MS: '5000',
      ...env,
    });
  const read = (t: TestApp, url: string) =>
    t.app.get(ProviderClient).call('builtin_web', { capability: 'web.read', input: { url } });
  const readFailure = async (t: TestApp, url: string): Promise<ProviderError> => {
    const r = await read(t, url).then(
      (v) => ({ ok: true as const, v }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    if (r.ok) throw new Error(`expected ${url} to fail, got ${JSON.stringify(r.v).slice(0, 300)}`);
    expect(r.e).toBeInstanceOf(ProviderError);
    return r.e as ProviderError;
  };
  /** Creates a diagnostic task that calls back `url`; returns its job id. */
  const withCallback = async (t: TestApp, url: string): Promise<string> =>
    (
      await request(t.app.getHttpServer())
        .post('/api/v1/tasks/create/diagnostic')
        .set(authHeaders)
        .send({ callback_url: url })
        .expect(200)
    ).body.job_id;
  /** The task's single delivery, once it is in one of `statuses`. */
  const delivery = (t: TestApp, jobId: string, statuses: string[]) =>
    waitFor(
      async () => {
        const items = (
          await request(t.app.getHttpServer())
            .get(`/api/v1/callbacks?job_id=${jobId}`)
            .set(authHeaders)
            .expect(200)
        ).body.items as Json[];
        return items.length === 1 && statuses.includes(items[0].status) ? items[0] : null;
      },
      `the delivery of ${jobId} to be ${statuses.join('/')}`,
    );

  describe('names resolving to non-public addresses (nothing allow-listed)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await start();
    });
    afterAll(async () => {
      await t?.close();
    });
    afterEach(() => {
      expect(canary.total()).toBe(0);
      expect(spy.to(canary.port)).toEqual([]);
    });

    it.each(CORPUS)(
      'the web reader refuses %s (%s) without a connection attempt',
      async (_what, name, _records, blocked) => {
        const err = await readFailure(t, `http://${name}:${canary.port}/${randomUUID()}`);
        expect({ code: err.code, retryable: err.retryable }).toEqual({
          code: 'BLOCKED',
          retryable: false,
        });
        expect(err.message).toMatch(new RegExp(`${escape(name)} resolves to ${escape(blocked)}`));
        // Asked of the local server (both families), not of the system's resolver.
        expect(dns.queriesFor(name).map((q) => q.type)).toEqual(
          expect.arrayContaining(['A', 'AAAA']),
        );
      },
    );

    it('reads the long answer over TCP (the UDP answer is truncated)', async () => {
      await readFailure(t, `http://long.dns.test:${canary.port}/`);
      expect(dns.queriesFor('long.dns.test', 'A').map((q) => q.transport)).toEqual(['udp', 'tcp']);
    });

    it('asks the configured server only: localhost, unknown there, does not exist (NOT_FOUND)', async () => {
      // The system resolver would answer 127.0.0.1 (BLOCKED): the answer proves which one is used.
      const err = await readFailure(t, `http://localhost:${canary.port}/`);
      expect({ code: err.code, retryable: err.retryable }).toEqual({
        code: 'NOT_FOUND',
        retryable: false,
      });
      expect(dns.queriesFor('localhost', 'A')).toHaveLength(1);
    });

    it('reports a server failure (SERVFAIL) as temporary, and connects nowhere', async () => {
      dns.set('broken.dns.test', 'SERVFAIL');
      const err = await readFailure(t, `http://broken.dns.test:${canary.port}/${randomUUID()}`);
      expect(err.code).toBe('TEMPORARY');
      expect(err.message).toMatch(/ESERVFAIL/);
    });

    it.each(CORPUS)(
      'callbacks refuse %s (%s): the delivery is dead at once, nothing is sent',
      async (_what, name, _records, blocked) => {
        const jobId = await withCallback(t, `http://${name}:${canary.port}/hook`);
        const d = await delivery(t, jobId, ['dead']);
        expect(d).toMatchObject({ attempts: 1, last_status_code: null });
        expect(d.last_error).toMatch(
          new RegExp(`^BLOCKED: blocked: ${escape(name)} resolves to ${escape(blocked)}`),
        );
        expect(dns.queriesFor(name, 'A').length).toBeGreaterThan(0);
      },
    );
  });

  describe('rebinding: an allowed answer (127.0.0.1, allow-listed), then a forbidden one (127.0.0.2)', () => {
    let t: TestApp;
    // The listener's 127.0.0.1 is the allowed site; its 127.0.0.2 and ::1 are the canary.
    const forbiddenConnections = () =>
      (canary.connections.get('127.0.0.2') ?? 0) + (canary.connections.get('::1') ?? 0);
    const forbiddenAttempts = () => spy.to(canary.port).filter((a) => !a.startsWith('127.0.0.1:'));

    beforeAll(async () => {
      t = await start({
        WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1',
        CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
        CALLBACK_RETRY_SCHEDULE: '0,0.2,0.2',
      });
    });
    afterAll(async () => {
      await t?.close();
    });
    afterEach(() => {
      expect(forbiddenConnections()).toBe(0);
      expect(forbiddenAttempts()).toEqual([]);
    });

    it('reads a page by a name that resolves to the allowed address (the control)', async () => {
      dns.set('site.dns.test', [rr.a('127.0.0.1')]);
      const res = await read(t, `http://site.dns.test:${canary.port}/${randomUUID()}`);
      expect(res).toMatchObject({
        found: true,
        data: expect.objectContaining({ title: 'inside' }),
      });
      expect(canary.connections.get('127.0.0.1')).toBe(1);
      // The spy sees connection attempts: its empty lists elsewhere mean something.
      expect(spy.to(canary.port)).toEqual([`127.0.0.1:${canary.port}`]);
    });

    it('web reader: the redirect to the same name resolves again, to 127.0.0.2, and is refused', async () => {
      dns.sequence('rebind.dns.test', [[rr.a('127.0.0.1')], [rr.a('127.0.0.2')]]);
      canary.handler = (req, res) =>
        res.writeHead(302, { location: `http://rebind.dns.test:${canary.port}/next` }).end();
      const url = `http://rebind.dns.test:${canary.port}/start-${randomUUID()}`;
      const err = await readFailure(t, url);
      expect({ code: err.code, retryable: err.retryable }).toEqual({
        code: 'BLOCKED',
        retryable: false,
      });
      expect(err.message).toMatch(
        /rebind\.dns\.test resolves to 127\.0\.0\.2 \(a non-public address: loopback\)/,
      );
      // The first hop reached the allowed address; the second hop connected nowhere.
      expect(canary.requests).toEqual([`127.0.0.1 GET ${new URL(url).pathname}`]);
      expect(dns.queriesFor('rebind.dns.test', 'A')).toHaveLength(2);
    });

    it('callbacks: a second delivery to the same URL resolves to 127.0.0.2 and is refused', async () => {
      dns.sequence('hook.dns.test', [[rr.a('127.0.0.1')], [rr.a('127.0.0.2')]]);
      const url = `http://hook.dns.test:${canary.port}/hook`;

      const first = await delivery(t, await withCallback(t, url), ['delivered', 'dead']);
      expect(first).toMatchObject({ status: 'delivered', attempts: 1, last_status_code: 200 });
      expect(canary.requests).toEqual(['127.0.0.1 POST /hook']);

      const second = await delivery(t, await withCallback(t, url), ['delivered', 'dead']);
      expect(second).toMatchObject({ status: 'dead', attempts: 1, last_status_code: null });
      expect(second.last_error).toMatch(
        /^BLOCKED: blocked: hook\.dns\.test resolves to 127\.0\.0\.2 \(a non-public address: loopback\)/,
      );
      expect(canary.requests).toHaveLength(1);
      expect(dns.queriesFor('hook.dns.test', 'A')).toHaveLength(2);
    });

    it('callbacks: the retry after a failed attempt resolves to 127.0.0.2 and is refused', async () => {
      dns.sequence('retry.dns.test', [[rr.a('127.0.0.1')], [rr.a('127.0.0.2')]]);
      canary.handler = (_req, res) => res.writeHead(500).end('try again');
      const jobId = await withCallback(t, `http://retry.dns.test:${canary.port}/retry`);
      const d = await delivery(t, jobId, ['dead']);
      // Attempt 1: the allowed address answered 500; attempt 2: refused before connecting; a
      // blocked URL is not retried further.
      expect(d).toMatchObject({ attempts: 2, last_status_code: null });
      expect(d.last_error).toMatch(/^BLOCKED: blocked: retry\.dns\.test resolves to 127\.0\.0\.2/);
      expect(canary.requests).toEqual(['127.0.0.1 POST /retry']);
      expect(dns.queriesFor('retry.dns.test', 'A')).toHaveLength(2);
    });
  });
});

describe('OUTBOUND_DNS_SERVERS', () => {
  it('takes IP addresses with an optional port; empty is the system resolver', () => {
    const servers = '10.0.0.53, 10.0.0.53:5353, [fd00::53]:53, fd00::54, [fd00::55]';
    const config = loadConfig({ OUTBOUND_DNS_SERVERS: servers });
    expect(parseDnsServers(config.OUTBOUND_DNS_SERVERS)).toEqual([
      '10.0.0.53',
      '10.0.0.53:5353',
      '[fd00::53]:53',
      'fd00::54',
      'fd00::55',
    ]);
    // node:dns accepts them all (setServers throws on anything it cannot use).
    expect(typeof outboundResolver(config.OUTBOUND_DNS_SERVERS)).toBe('function');
    expect(loadConfig({}).OUTBOUND_DNS_SERVERS).toEqual([]);
    expect(outboundResolver([])).toBe(dnsLookup);
  });

  it('is validated at boot: invalid entries stop start-up with a message naming each', () => {
    expect(() =>
      loadConfig({ OUTBOUND_DNS_SERVERS: '10.0.0.53, dns.example, 10.0.0.53:99999, fd00::53:53x' }),
    ).toThrow(
      /OUTBOUND_DNS_SERVERS: "dns\.example" is not a DNS server address: write an IP address, optionally with a port .*; "10\.0\.0\.53:99999" .*; "fd00::53:53x"/,
    );
  });
});
