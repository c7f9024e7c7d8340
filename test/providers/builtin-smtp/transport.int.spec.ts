import type Redis from 'ioredis';
import type { TestDnsServer } from '../../support/dns-server';
import { TestSmtpServer } from '../../support/smtp-server';
import { testEnv } from '../../support/test-app';
import { redisClient, smtpProvider, startDns, world } from './smtp-harness';
import { TestSocksProxy } from './socks-proxy';

/** builtin_smtp's transports on loopback: STARTTLS (a self-signed certificate) and a SOCKS5 proxy. */

let dns: TestDnsServer;
let smtp: TestSmtpServer;
let redis: Redis;

beforeAll(async () => {
  [dns, smtp] = await Promise.all([startDns(), TestSmtpServer.start({ rcpt: world })]);
  redis = redisClient();
});
afterAll(async () => {
  redis.disconnect();
  await Promise.all([dns.close(), smtp.close()]);
});

const PREFIX = testEnv().REDIS_PREFIX;
const provider = (env: Record<string, string> = {}) =>
  smtpProvider(dns, redis, smtp.port, env, PREFIX);

describe('STARTTLS', () => {
  let tls: TestSmtpServer;
  beforeAll(async () => {
    tls = await TestSmtpServer.start({ rcpt: world, starttls: true });
  });
  afterAll(() => tls.close());

  it('upgrades when offered; a self-signed certificate is accepted only without verification', async () => {
    const env = { BUILTIN_SMTP_TLS_VERIFY: 'false' };
    const [ok] = await smtpProvider(dns, redis, tls.port, env, PREFIX).verify('alice@acme.test');
    expect(ok).toMatchObject({ status: 'deliverable' });
    const [session] = tls.connectionsFor('acme.test');
    expect(session.secure).toBe(true);
    expect(session.commands.filter((c) => /^EHLO/.test(c))).toHaveLength(2);

    const [refused] = await smtpProvider(dns, redis, tls.port, {}, PREFIX).verify('bob@acme.test');
    expect(refused).toMatchObject({ status: 'unknown', smtp: null });
    expect(refused.reasons).toContain('smtp_error');
  });
});

describe('SOCKS5 proxy', () => {
  let proxy: TestSocksProxy;
  beforeAll(async () => {
    proxy = await TestSocksProxy.start({ user: 'assay', password: 's3cret pass' });
  });
  afterAll(() => proxy.close());

  it('connects through the proxy, which resolves the MX name; a refused proxy is unknown', async () => {
    const env = {
      BUILTIN_SMTP_PROXY: `socks5://assay:${encodeURIComponent('s3cret pass')}@127.0.0.1:${proxy.port}`,
    };
    const [a] = await provider(env).verify('alice@acme.test');
    expect(a).toMatchObject({ status: 'deliverable', smtp: { host: 'mx.acme.test', code: 250 } });
    expect(proxy.requests).toEqual([{ host: 'mx.acme.test', port: smtp.port, user: 'assay' }]);

    const wrong = { BUILTIN_SMTP_PROXY: `socks5://assay:nope@127.0.0.1:${proxy.port}` };
    const [b] = await provider(wrong).verify('bob@acme.test');
    expect(b).toMatchObject({ status: 'unknown', smtp: null, reasons: ['connection_refused'] });
    expect(JSON.stringify(b)).not.toContain('nope');
  });
});
