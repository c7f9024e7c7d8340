import { ProviderClient } from '../../../src/providers/core/provider-client';
import { ProviderRegistry } from '../../../src/providers/core/provider-registry';
import type { EmailVerifyResult } from '../../../src/providers/email/email.types';
import type { TestDnsServer } from '../../support/dns-server';
import { TestSmtpServer } from '../../support/smtp-server';
import { startTestApp, TestApp } from '../../support/test-app';
import { startDns, world } from './smtp-harness';

/**
 * builtin_smtp inside the app: registered keyless and on by default, its BUILTIN_SMTP_* settings
 * read at boot (and refused when invalid), called through the ProviderClient: free, cached.
 */
describe('builtin_smtp through the call path', () => {
  let dns: TestDnsServer;
  let smtp: TestSmtpServer;
  let t: TestApp;

  beforeAll(async () => {
    [dns, smtp] = await Promise.all([startDns(), TestSmtpServer.start({ rcpt: world })]);
    t = await startTestApp({
      ASSAY_ROLE: 'api',
      OUTBOUND_DNS_SERVERS: dns.address,
      BUILTIN_SMTP_PORT: String(smtp.port),
      BUILTIN_SMTP_ALLOWED_HOSTS: '127.0.0.1',
      BUILTIN_SMTP_HELO_NAME: 'verifier.assay.test',
    });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([dns?.close(), smtp?.close()]);
  });

  it('is configured without a key, free, and answers a repeat from the cache', async () => {
    const p = t.app.get(ProviderRegistry).get('builtin_smtp');
    expect(p?.settings).toMatchObject({ configured: true, enabled: true });
    expect(
      t.app
        .get(ProviderRegistry)
        .forCapability('email.verify')
        .map((x) => x.meta.id),
    ).toContain('builtin_smtp');
    const client = t.app.get(ProviderClient);
    const input = { emails: ['alice@acme.test', 'nobody@acme.test'] };
    const first = await client.call<EmailVerifyResult>('builtin_smtp', {
      capability: 'email.verify',
      input,
    });
    expect(first).toMatchObject({ cached: false, costUsd: 0, found: true });
    expect(first.data!.results.map((r) => r.status)).toEqual(['deliverable', 'undeliverable']);
    expect(first.data!.results[0].provider).toBe('builtin_smtp');
    const sessions = smtp.connectionsFor('acme.test').length;
    expect(sessions).toBe(1);

    const again = await client.call<EmailVerifyResult>('builtin_smtp', {
      capability: 'email.verify',
      input,
    });
    expect(again).toMatchObject({ cached: true, costUsd: 0 });
    expect(again.data).toEqual(first.data);
    expect(smtp.connectionsFor('acme.test')).toHaveLength(sessions);
  });

  it('refuses to boot on an invalid BUILTIN_SMTP_* value; BUILTIN_SMTP_ENABLED=false switches it off', async () => {
    await expect(
      startTestApp({ BUILTIN_SMTP_PORT: 'smtp', BUILTIN_SMTP_PROXY: 'http://x' }),
    ).rejects.toThrow(
      /BUILTIN_SMTP_PORT must be a TCP port[\s\S]*BUILTIN_SMTP_PROXY must be socks5/,
    );
    const off = await startTestApp({ ASSAY_ROLE: 'api', BUILTIN_SMTP_ENABLED: 'false' });
    try {
      expect(off.app.get(ProviderRegistry).get('builtin_smtp')?.settings.configured).toBe(false);
    } finally {
      await off.close();
    }
  });
});
