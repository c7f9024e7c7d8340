import { loadConfig } from '../../../src/common/config/app.config';
import { ProviderError } from '../../../src/providers/core/provider-error';
import { fakeDns, makeReader, SocketSpy, startSite, TestSite } from './web-test-servers';

/**
 * The web reader must never connect to a non-public address, however it is spelt or reached
 * (redirects, DNS answers, protocol switches). Every case checks three things: the read fails
 * with BLOCKED (not retryable) and a message saying why, the loopback canary server saw no
 * connection, and Node created no connected socket — for literal addresses no socket at all,
 * which is the proof that nothing was sent anywhere (10.0.0.1, 169.254.169.254… included).
 */

const spy = new SocketSpy();

/** Fails with BLOCKED, and no socket connected anywhere but to `allowedPeers` (host:port). */
async function expectBlocked(
  failure: (url: string) => Promise<ProviderError>,
  url: string,
  why: RegExp,
  allowedPeers: string[] = [],
) {
  spy.start();
  let err: ProviderError;
  try {
    err = await failure(url);
  } finally {
    spy.stop();
  }
  expect(err).toBeInstanceOf(ProviderError);
  expect({ code: err.code, retryable: err.retryable }).toEqual({
    code: 'BLOCKED',
    retryable: false,
  });
  expect(err.message).toMatch(why);
  expect(spy.connections.filter((c) => !allowedPeers.includes(c))).toEqual([]);
  return { err, sockets: spy.created.length };
}

describe('builtin_web SSRF corpus, default configuration (nothing allow-listed)', () => {
  // Listens on every loopback spelling the corpus can reach: 127.0.0.1, 127.0.0.2 and ::1.
  let canary: TestSite;
  const { failure } = makeReader();

  beforeAll(async () => {
    canary = await startSite(['127.0.0.1', '127.0.0.2', '::1']);
  });
  afterAll(() => canary.close());
  afterEach(() => expect(canary.connections).toBe(0));

  const C = () => canary.port;
  it.each<[string, () => string, RegExp]>([
    [
      'loopback',
      () => `http://127.0.0.1:${C()}/`,
      /127\.0\.0\.1 \(a non-public address: loopback\)/,
    ],
    ['another loopback address', () => `http://127.0.0.2:${C()}/`, /loopback/],
    ['loopback over https', () => `https://127.0.0.1:${C()}/`, /loopback/],
    ['decimal', () => `http://2130706433:${C()}/`, /non-standard form; write it as 127\.0\.0\.1/],
    ['hex', () => `http://0x7f000001:${C()}/`, /non-standard form/],
    ['dotted hex', () => `http://0x7f.0.0.1:${C()}/`, /non-standard form/],
    ['octal', () => `http://0177.0.0.1:${C()}/`, /non-standard form/],
    ['short form', () => `http://127.1:${C()}/`, /non-standard form/],
    ['percent-encoded', () => `http://%31%32%37.0.0.1:${C()}/`, /non-standard form/],
    ['zero', () => `http://0:${C()}/`, /non-standard form/],
    ['IPv6 loopback', () => `http://[::1]:${C()}/`, /::1 \(a non-public address: loopback\)/],
    ['IPv4-mapped IPv6', () => `http://[::ffff:127.0.0.1]:${C()}/`, /ipv4Mapped/],
    ['IPv4-compatible IPv6', () => `http://[::127.0.0.1]:${C()}/`, /ipv4Compatible/],
    ['NAT64 of loopback', () => 'http://[64:ff9b::7f00:1]/', /rfc6052/],
    ['6to4 of loopback', () => 'http://[2002:7f00:1::]/', /6to4/],
    ['unspecified', () => `http://0.0.0.0:${C()}/`, /unspecified/],
    ['IPv6 unspecified', () => `http://[::]:${C()}/`, /unspecified/],
    ['AWS/GCP/Azure metadata', () => 'http://169.254.169.254/latest/meta-data/', /cloud metadata/],
    ['AWS IPv6 metadata', () => 'http://[fd00:ec2::254]/', /cloud metadata/],
    ['link-local', () => 'http://169.254.1.1/', /linkLocal/],
    ['CGNAT', () => 'http://100.64.0.1/', /carrierGradeNat/],
    ['RFC 1918 10/8', () => 'http://10.0.0.1/', /private/],
    ['RFC 1918 172.16/12', () => 'http://172.16.0.1:8080/', /private/],
    ['RFC 1918 192.168/16', () => 'http://192.168.1.1/', /private/],
    ['multicast', () => 'http://224.0.0.1/', /multicast/],
    ['broadcast', () => 'http://255.255.255.255/', /broadcast/],
    ['unique-local IPv6', () => 'http://[fc00::1]/', /uniqueLocal/],
    ['link-local IPv6', () => 'http://[fe80::1]/', /linkLocal/],
  ])('%s: %s is refused before any socket exists', async (_what, url, why) => {
    const { sockets } = await expectBlocked(failure, url(), why);
    // Literal addresses are refused before Node opens a socket: nothing can leave the host.
    expect(sockets).toBe(0);
  });

  it('refuses a host name that resolves to loopback (localhost) inside the connection lookup', async () => {
    const { sockets } = await expectBlocked(
      failure,
      `http://localhost:${C()}/`,
      /localhost resolves to 127\.0\.0\.1 \(a non-public address: loopback\)/,
    );
    // The socket exists (the check runs in its DNS lookup) but never connects.
    expect(sockets).toBeLessThanOrEqual(1);
  });

  it('refuses credentials in the URL without sending them anywhere', async () => {
    const { err, sockets } = await expectBlocked(
      failure,
      'http://admin:secret@example.com/',
      /credentials/,
    );
    expect(err.message).not.toContain('secret');
    expect(sockets).toBe(0);
  });
});

describe('builtin_web SSRF, names and redirects with 127.0.0.1 allow-listed', () => {
  // The allowed test site, and a canary on loopback addresses that are never allow-listed.
  let site: TestSite;
  let canary: TestSite;
  let rebindAnswers: string[][] = [];
  const dns = fakeDns({
    'site.test': ['127.0.0.1'],
    'internal.test': ['10.0.0.1'],
    'canary.test': ['127.0.0.2'],
    'split.test': ['127.0.0.1', '127.0.0.2'],
    'rebind.test': () => rebindAnswers.shift() ?? ['127.0.0.2'],
  });
  const reader = makeReader({ WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1' }, dns);

  beforeAll(async () => {
    site = await startSite(['127.0.0.1']);
    canary = await startSite(['127.0.0.2', '::1']);
  });
  afterAll(async () => {
    await site.close();
    await canary.close();
  });
  beforeEach(() => {
    site.reset();
    canary.reset();
  });
  afterEach(() => expect(canary.connections).toBe(0));

  const redirectTo = (location: () => string) => {
    site.handler = (req, res) => {
      if (req.url === '/start') res.writeHead(302, { location: location() }).end();
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<title>inside</title>');
    };
  };

  it('reads the allow-listed address, and a name that resolves to it', async () => {
    redirectTo(() => '/');
    const direct = await reader.read(`${site.origin}/`);
    expect(direct.data?.title).toBe('inside');
    const byName = await reader.read(`http://site.test:${site.port}/start`);
    expect(byName.data).toMatchObject({
      title: 'inside',
      redirects: [`http://site.test:${site.port}/start`],
    });
  });

  it.each<[string, () => string, RegExp]>([
    [
      'another loopback address',
      () => `http://127.0.0.2:${canary.port}/`,
      /redirect to http:\/\/127\.0\.0\.2.*loopback/,
    ],
    ['IPv6 loopback', () => `http://[::1]:${canary.port}/`, /loopback/],
    [
      'the decimal spelling of the canary',
      () => `http://2130706434:${canary.port}/`,
      /non-standard form/,
    ],
    // Exact family: allowing 127.0.0.1 does not allow its IPv4-mapped IPv6 form.
    [
      'the mapped form of the allowed address',
      () => `http://[::ffff:127.0.0.1]:${site.port}/`,
      /ipv4Mapped/,
    ],
    [
      'the metadata address',
      () => 'http://169.254.169.254/latest/meta-data/iam/',
      /cloud metadata/,
    ],
    ['a private address', () => 'http://10.0.0.1/admin', /private/],
    [
      'a protocol switch to https on a blocked address',
      () => `https://127.0.0.2:${canary.port}/`,
      /loopback/,
    ],
    [
      'a name resolving to the canary',
      () => `http://canary.test:${canary.port}/`,
      /canary\.test resolves to 127\.0\.0\.2/,
    ],
    [
      'a name resolving to a private address',
      () => 'http://internal.test/',
      /internal\.test resolves to 10\.0\.0\.1/,
    ],
    [
      'https to a name resolving to the canary',
      () => `https://canary.test:${canary.port}/`,
      /resolves to 127\.0\.0\.2/,
    ],
    ['a file: URL', () => 'file:///etc/passwd', /redirect to file:\/\/\/etc\/passwd refused/],
    ['a gopher: URL', () => `gopher://127.0.0.2:${canary.port}/_`, /refused/],
    ['credentials', () => `http://user:pw@127.0.0.1:${site.port}/`, /credentials/],
  ])(
    'a redirect from the allowed site to %s is refused on that hop',
    async (_what, location, why) => {
      redirectTo(location);
      const { sockets } = await expectBlocked(reader.failure, `${site.origin}/start`, why, [
        `127.0.0.1:${site.port}`,
      ]);
      // The allowed first hop only (a blocked name hop may open a socket that never connects).
      expect(sockets).toBeLessThanOrEqual(2);
      expect(site.requests).toHaveLength(1);
    },
  );

  it('refuses a name with one allowed and one blocked address (the socket could pick either)', async () => {
    await expectBlocked(
      reader.failure,
      `http://split.test:${site.port}/`,
      /split\.test resolves to 127\.0\.0\.2/,
    );
    expect(site.connections).toBe(0);
  });

  it('checks the address at connect time on every hop: a DNS answer that changes (rebinding) is caught', async () => {
    // First lookup: the allowed address; the site redirects to the same name; second lookup: the canary.
    rebindAnswers = [['127.0.0.1'], ['127.0.0.2']];
    site.handler = (req, res) =>
      res.writeHead(302, { location: `http://rebind.test:${canary.port}/next` }).end();
    await expectBlocked(
      reader.failure,
      `http://rebind.test:${site.port}/start`,
      /rebind\.test resolves to 127\.0\.0\.2/,
      [`127.0.0.1:${site.port}`],
    );
    expect(site.requests).toEqual([`rebind.test:${site.port}/start`]);
  });
});

describe('WEB_FETCH_ALLOWED_HOSTS', () => {
  it('is validated at boot: an invalid entry stops start-up with a message naming it', () => {
    expect(() => loadConfig({ WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1, 10.0.0.0/99' })).toThrow(
      /WEB_FETCH_ALLOWED_HOSTS: "10\.0\.0\.0\/99" is not a valid CIDR block/,
    );
    expect(
      loadConfig({ WEB_FETCH_ALLOWED_HOSTS: 'intranet.example, 10.0.0.0/8' })
        .WEB_FETCH_ALLOWED_HOSTS,
    ).toEqual(['intranet.example', '10.0.0.0/8']);
  });
});
