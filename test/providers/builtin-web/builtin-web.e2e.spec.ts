import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SiteReaderService } from '../../../src/providers/web/site-reader.service';
import { ProviderClient } from '../../../src/providers/core/provider-client';
import { ProviderError } from '../../../src/providers/core/provider-error';
import type { WebPage } from '../../../src/providers/web/web-read.types';
import { authHeaders, startTestApp, TestApp } from '../../support/test-app';
import { startSite, TestSite } from './web-test-servers';

/**
 * The built-in reader in the booted application (real Postgres and Redis): registered keyless,
 * called through ProviderClient (cache, ledger, limiter), and used by the site reader.
 */
describe('builtin_web through the real call path', () => {
  let t: TestApp;
  let site: TestSite;
  let client: ProviderClient;

  beforeAll(async () => {
    site = await startSite(['127.0.0.1'], (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path.endsWith('/about'))
        return res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<title>About</title><p>We are Acme.</p>');
      if (path.endsWith('/contact'))
        return res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<title>Contact</title><p>Call us.</p>');
      res
        .writeHead(200, { 'content-type': 'text/html', server: 'local-test' })
        .end(
          `<title>Home</title><nav><a href="about">About</a> <a href="contact">Contact us</a></nav><h1>Acme</h1>`,
        );
    });
    t = await startTestApp({ WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1' });
    client = t.app.get(ProviderClient);
  });
  afterAll(async () => {
    await t?.close();
    await site?.close();
  });
  beforeEach(() => site.reset());

  it('is listed as configured without any key', async () => {
    const res = await request(t.app.getHttpServer())
      .get('/api/v1/providers')
      .set(authHeaders)
      .expect(200);
    expect(res.body.find((p: { id: string }) => p.id === 'builtin_web')).toMatchObject({
      configured: true,
      capabilities: ['web.read', 'people.search'],
    });
  });

  it('reads a page once: the second read is a cache hit and the site sees one request', async () => {
    const url = `${site.origin}/${randomUUID()}/`;
    const first = await client.call<WebPage>('builtin_web', {
      capability: 'web.read',
      input: { url },
    });
    expect(first).toMatchObject({ found: true, cached: false, costUsd: 0 });
    expect(first.data).toMatchObject({
      title: 'Home',
      reader: 'builtin',
      headers: { server: 'local-test' },
    });

    const second = await client.call<WebPage>('builtin_web', {
      capability: 'web.read',
      input: { url },
    });
    expect(second).toMatchObject({ found: true, cached: true });
    expect(second.data).toEqual(first.data);
    expect(site.requests).toHaveLength(1);

    const ledger = await t.app
      .get(DataSource)
      .query(
        `SELECT outcome, cached FROM provider_calls WHERE provider = 'builtin_web' AND fingerprint = $1 ORDER BY id`,
        [ProviderClient.fingerprint('builtin_web', 'web.read', { url })],
      );
    expect(ledger).toEqual([
      { outcome: 'ok', cached: false },
      { outcome: 'cache_hit', cached: true },
    ]);
  });

  it('fails a blocked URL with BLOCKED, recorded in the ledger, without retries', async () => {
    const url = `http://169.254.169.254/latest/meta-data/${randomUUID()}`;
    const err = await client
      .call('builtin_web', { capability: 'web.read', input: { url } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'BLOCKED', retryable: false, providerId: 'builtin_web' });
    expect((err as Error).message).toMatch(/cloud metadata/);
    const ledger = await t.app
      .get(DataSource)
      .query(`SELECT outcome, attempts, error_message FROM provider_calls WHERE fingerprint = $1`, [
        ProviderClient.fingerprint('builtin_web', 'web.read', { url }),
      ]);
    expect(ledger).toEqual([
      { outcome: 'BLOCKED', attempts: 1, error_message: expect.stringMatching(/cloud metadata/) },
    ]);
  });

  it('reads a site through the call path; reading it again is served from the cache', async () => {
    const reader = t.app.get(SiteReaderService);
    const home = `${site.origin}/${randomUUID()}/`;
    const r = await reader.read(home);
    expect(r.pages.map((p) => p.title)).toEqual(['Home', 'About', 'Contact']);
    expect(r.failures).toEqual([]);
    expect(site.requests).toHaveLength(3);

    site.reset();
    const again = await reader.read(home);
    expect(again.pages.map((p) => p.final_url)).toEqual(r.pages.map((p) => p.final_url));
    expect(site.requests).toHaveLength(0);
  });
});
