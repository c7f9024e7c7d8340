import { randomBytes } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import request from 'supertest';
import { ProviderClient } from '../../src/providers/core/provider-client';
import { ProviderError } from '../../src/providers/core/provider-error';
import { DnsRecord, rr, TestDnsServer } from '../support/dns-server';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';

/**
 * What the SSRF-through-DNS suites share (ssrf-dns-*.e2e.spec.ts): a real DNS server (dns2, UDP
 * and TCP on 127.0.0.1) that the booted application resolves through (OUTBOUND_DNS_SERVERS), an
 * HTTP canary listening on 127.0.0.1, 127.0.0.2 and ::1 (one port, the port of every URL there)
 * that counts TCP connections per address, and a spy on every client socket's
 * `connectionAttempt`, so that "nothing connects" means Node made no attempt at all.
 */

type Json = Record<string, any>;

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
/** A public address (never connected to: every name that has it has a blocked one too). */
export const PUBLIC = '93.184.216.34';

/** One HTTP server on several loopback addresses and one port, counting per local address. */
export interface Listener {
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

export const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** [what, host name, its records, the address the refusal names (with its range)] */
export const CORPUS: Array<[string, string, DnsRecord[], string]> = [
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

/**
 * For the describe block it is called in: the DNS server and the canary (started in beforeAll),
 * every CORPUS name served and the canary and spy fresh before each test, and after each test a
 * check that the DNS server could parse and answer everything. `start(env)` boots an app that
 * resolves through that server; the other helpers act on such an app.
 */
export function useDnsAndCanary() {
  let dnsServer: TestDnsServer | undefined;
  let listener: Listener | undefined;
  const spy = new AttemptSpy();

  beforeAll(async () => {
    dnsServer = await TestDnsServer.start();
    listener = await startListener(['127.0.0.1', '127.0.0.2', '::1']);
  });
  afterAll(async () => {
    await listener?.close();
    await dnsServer?.close();
  });
  const servers = {
    get dns(): TestDnsServer {
      if (!dnsServer) throw new Error('the DNS server starts in beforeAll');
      return dnsServer;
    },
    get canary(): Listener {
      if (!listener) throw new Error('the canary starts in beforeAll');
      return listener;
    },
  };
  beforeEach(() => {
    servers.dns.reset();
    for (const [, name, records] of CORPUS) servers.dns.set(name, records);
    servers.dns.set('hop.dns.test', [rr.cname('loopback.dns.test')]);
    servers.canary.reset();
    spy.start();
  });
  afterEach(() => {
    spy.stop();
    // Nothing the server could not parse or answer.
    expect(servers.dns.errors).toEqual([]);
  });

  const start = (env: Record<string, string> = {}) =>
    startTestApp({
      OUTBOUND_DNS_SERVERS: servers.dns.address,
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

  return { servers, spy, start, read, readFailure, withCallback, delivery };
}
