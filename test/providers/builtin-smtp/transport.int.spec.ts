import { TestSmtpServer } from '../../support/smtp-server';
import { useSmtpWorld, world } from './smtp-harness';
import { TestSocksProxy } from './socks-proxy';

/** builtin_smtp's transports on loopback: STARTTLS (a self-signed certificate) and a SOCKS5 proxy. */

const w = useSmtpWorld();
const provider = (env: Record<string, string> = {}) => w.provider(env);

describe('STARTTLS', () => {
  let tls: TestSmtpServer;
  beforeAll(async () => {
    tls = await TestSmtpServer.start({ rcpt: world, starttls: true });
  });
  afterAll(() => tls.close());

  it('upgrades when offered; a self-signed certificate is accepted unless verification is asked for', async () => {
    // The default: opportunistic TLS, as between mail servers.
    const [ok] = await w.provider({}, { port: tls.port }).verify('alice@acme.test');
    expect(ok).toMatchObject({ status: 'deliverable' });
    const [session] = tls.connectionsFor('acme.test');
    expect(session.secure).toBe(true);
    expect(session.commands.filter((c) => /^EHLO/.test(c))).toHaveLength(2);

    const env = { BUILTIN_SMTP_TLS_VERIFY: 'true' };
    const [refused] = await w.provider(env, { port: tls.port }).verify('bob@acme.test');
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
    expect(proxy.requests).toEqual([{ host: 'mx.acme.test', port: w.smtp.port, user: 'assay' }]);

    const wrong = { BUILTIN_SMTP_PROXY: `socks5://assay:nope@127.0.0.1:${proxy.port}` };
    const [b] = await provider(wrong).verify('bob@acme.test');
    expect(b).toMatchObject({ status: 'unknown', smtp: null, reasons: ['connection_refused'] });
    expect(JSON.stringify(b)).not.toContain('nope');
  });
});
