import { createServer, Server } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { OutboundRequestError, safePost } from '../../src/common/net/safe-http.client';
import {
  AllowList,
  blockedRange,
  isBlockedAddress,
  outboundUrlProblem,
  parseOutboundUrl,
} from '../../src/common/net/ssrf-guard';

describe('isBlockedAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['169.254.10.10', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['fd00:ec2::254', 'metadata'],
    ['fc00::1', 'uniqueLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.100.100.200', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['::ffff:127.0.0.1', 'ipv4Mapped'],
    ['::ffff:7f00:1', 'ipv4Mapped'],
    ['::ffff:8.8.8.8', 'ipv4Mapped'],
    ['::7f00:1', 'ipv4Compatible'],
    ['64:ff9b::7f00:1', 'rfc6052'],
    ['2002:7f00:1::', '6to4'],
    ['2001::1', 'teredo'],
    ['0177.0.0.1', 'invalid'],
    ['2130706433', 'invalid'],
    ['0x7f.1', 'invalid'],
    ['localhost', 'invalid'],
  ])('%s is blocked (%s)', (ip, range) => {
    expect(blockedRange(ip)).toBe(range);
    expect(isBlockedAddress(ip)).toBe(true);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '[2a00:1450::1]'])(
    '%s is public',
    (ip) => expect(isBlockedAddress(ip)).toBe(false),
  );
});

describe('outbound URL parsing', () => {
  it('shows what WHATWG URL makes of odd IPv4 spellings (all become 127.0.0.1)', () => {
    for (const u of [
      'http://2130706433/',
      'http://0x7f.1/',
      'http://0177.0.0.1/',
      'http://127.1/',
      'http://0x7f000001/',
      'http://%31%32%37.0.0.1/',
      'http://127.0.0.1./',
    ]) {
      expect(new URL(u).hostname).toBe('127.0.0.1');
    }
  });

  it.each([
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://0x7f000001/',
    'http://%31%32%37.0.0.1/',
    'http://127.0.0.1./',
    'http://0/',
  ])('refuses the non-standard spelling %s even when 127.0.0.1 is allow-listed', (u) => {
    expect(() => parseOutboundUrl(u)).toThrow(/non-standard form/);
    expect(outboundUrlProblem(u, AllowList.parse(['127.0.0.1']))).toMatch(/non-standard form/);
  });

  it.each([
    ['http://127.0.0.1/', /loopback/],
    ['http://[::1]/', /loopback/],
    ['http://[::ffff:127.0.0.1]/', /ipv4Mapped/],
    ['http://[fd00:ec2::254]/', /metadata/],
    ['http://169.254.169.254/latest/meta-data/', /metadata/],
    ['http://100.64.0.1/', /carrierGradeNat/],
    ['http://0.0.0.0/', /unspecified/],
    ['http://10.0.0.1:8080/x', /private/],
    ['ftp://example.com/', /http:\/\/ or https:\/\//],
    ['http:example.com/', /http:\/\/ or https:\/\//],
    ['http://user:pw@example.com/', /credentials/],
    ['http://', /not a valid URL/],
  ])('refuses %s', (u, why) => {
    expect(outboundUrlProblem(u, AllowList.EMPTY)).toMatch(why);
  });

  it('accepts public addresses and host names (names are checked at connect time)', () => {
    expect(outboundUrlProblem('https://hooks.example.com/cb?x=1', AllowList.EMPTY)).toBeNull();
    expect(outboundUrlProblem('http://8.8.8.8:8080/', AllowList.EMPTY)).toBeNull();
    expect(outboundUrlProblem('http://localhost:9/', AllowList.EMPTY)).toBeNull();
    // WHATWG treats a backslash as a path separator: the host is evil.com, not 127.0.0.1.
    expect(parseOutboundUrl('http://evil.com\\@127.0.0.1/').hostname).toBe('evil.com');
  });

  it('lets allow-listed addresses and names through', () => {
    const allow = AllowList.parse(['127.0.0.1', '10.1.0.0/16', 'hooks.internal', '*.svc.local']);
    expect(outboundUrlProblem('http://127.0.0.1:3000/cb', allow)).toBeNull();
    expect(outboundUrlProblem('http://10.1.2.3/', allow)).toBeNull();
    expect(outboundUrlProblem('http://10.2.0.1/', allow)).toMatch(/private/);
    // Exact family: the mapped form of an allowed IPv4 address is not allowed.
    expect(outboundUrlProblem('http://[::ffff:127.0.0.1]/', allow)).toMatch(/ipv4Mapped/);
    expect(allow.allowsName('hooks.internal')).toBe(true);
    expect(allow.allowsName('a.b.svc.local')).toBe(true);
    expect(allow.allowsName('svc.local.evil.com')).toBe(false);
  });

  it('rejects invalid allow-list entries with a message naming them', () => {
    expect(() => AllowList.parse(['10.0.0.0/99', 'exa mple', '1.2.3'])).toThrow(
      /"10.0.0.0\/99" is not a valid CIDR.*"exa mple".*"1.2.3"/,
    );
  });
});

describe('safePost', () => {
  let server: Server;
  let port: number;
  let connections = 0;
  let requests: Array<{ url: string; body: string; headers: Record<string, unknown> }> = [];
  let handler: (res: import('node:http').ServerResponse) => void = (res) => res.end('ok');
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests.push({
          url: req.url ?? '',
          body: Buffer.concat(chunks).toString(),
          headers: req.headers,
        });
        handler(res);
      });
    });
    server.on('connection', (s: Socket) => {
      connections++;
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    connections = 0;
    requests = [];
    handler = (res) => res.end('ok');
  });

  const post = (url: string, allowHosts: string[] = ['127.0.0.1'], timeoutMs = 5000) =>
    safePost(url, '{"a":1}', { 'content-type': 'application/json' }, { timeoutMs, allowHosts });

  it('posts to an allow-listed address and returns status, headers and body', async () => {
    handler = (res) => res.writeHead(201, { 'x-seen': 'yes' }).end('created');
    const res = await post(`http://127.0.0.1:${port}/hook?q=1`);
    expect(res).toMatchObject({ status: 201, body: 'created', truncated: false });
    expect(res.headers['x-seen']).toBe('yes');
    expect(requests).toEqual([expect.objectContaining({ url: '/hook?q=1', body: '{"a":1}' })]);
  });

  it.each([
    ['a literal loopback address not allow-listed', () => `http://127.0.0.1:${port}/`, []],
    // Resolved at connect time: the name is fine, the address it resolves to is not.
    ['a name resolving to loopback (localhost)', () => `http://localhost:${port}/`, []],
    [
      'the mapped IPv6 form of an allowed IPv4',
      () => `http://[::ffff:127.0.0.1]:${port}/`,
      ['127.0.0.1'],
    ],
    [
      'the decimal spelling of an allowed address',
      () => `http://2130706433:${port}/`,
      ['127.0.0.1'],
    ],
    ['the hex spelling of an allowed address', () => `http://0x7f.1:${port}/`, ['127.0.0.1']],
  ])('blocks %s before any connection', async (_what, url, allow) => {
    const err = await post(url(), allow as string[]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutboundRequestError);
    expect((err as OutboundRequestError).code).toMatch(/^(BLOCKED|BAD_URL)$/);
    expect(connections).toBe(0);
    expect(requests).toHaveLength(0);
  });

  it('connects to a name whose every resolved address is allow-listed (checked in the lookup)', async () => {
    const res = await post(`http://localhost:${port}/by-address`, ['127.0.0.1', '::1']);
    expect(res.status).toBe(200);
    expect(requests.map((r) => r.url)).toEqual(['/by-address']);
  });

  it('allows a name when the name itself is allow-listed', async () => {
    const res = await post(`http://localhost:${port}/`, ['localhost']);
    expect(res.status).toBe(200);
  });

  it('never follows a redirect', async () => {
    handler = (res) => res.writeHead(302, { location: `http://127.0.0.1:${port}/elsewhere` }).end();
    const res = await post(`http://127.0.0.1:${port}/start`);
    expect(res.status).toBe(302);
    expect(requests.map((r) => r.url)).toEqual(['/start']);
  });

  it('reads at most maxResponseBytes of an endless body', async () => {
    handler = (res) => {
      res.writeHead(200);
      const chunk = 'x'.repeat(16 * 1024);
      const pump = () => {
        while (res.write(chunk)) {
          if (res.destroyed) return;
        }
        res.once('drain', pump);
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    };
    const res = await safePost(
      `http://127.0.0.1:${port}/`,
      'x',
      {},
      {
        timeoutMs: 5000,
        allowHosts: ['127.0.0.1'],
        maxResponseBytes: 1000,
      },
    );
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1000);
    expect(res.truncated).toBe(true);
  });

  it('gives up after timeoutMs on a receiver that never answers', async () => {
    handler = () => undefined;
    const err = await post(`http://127.0.0.1:${port}/`, ['127.0.0.1'], 300).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'TIMEOUT' });
  });

  it('reports a refused connection as a network error', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = await post(`http://127.0.0.1:${freePort}/`).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NETWORK' });
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
  });
});
