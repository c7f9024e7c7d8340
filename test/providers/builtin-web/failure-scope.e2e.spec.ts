import { createServer } from 'node:net';
import request from 'supertest';
import { ProviderClient } from '../../../src/providers/core/provider-client';
import { ProviderError } from '../../../src/providers/core/provider-error';
import { CompanySite, startCompanySite } from '../../accounts/company-site-server';
import { authHeaders, startTestApp, TestApp } from '../../support/test-app';

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * The built-in reader's failures belong to the site it read: a dead site must not open a breaker
 * that would stop every other site's reads (failureScope: 'target').
 */
describe('builtin_web failures are per site, not per provider', () => {
  let t: TestApp;
  let site: CompanySite;

  beforeAll(async () => {
    site = await startCompanySite('brightforge-plain');
    t = await startTestApp({
      WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1',
      PROVIDER_BREAKER_THRESHOLD: '1',
      PROVIDER_RETRY_ATTEMPTS: '1',
    });
  });
  afterAll(async () => {
    await t?.close();
    await site?.close();
  });

  it('a dead site fails TEMPORARY, the breaker stays closed and another site is read', async () => {
    const client = t.app.get(ProviderClient);
    const dead = `http://127.0.0.1:${await closedPort()}/`;
    for (let i = 0; i < 3; i++) {
      const err = await client
        .call(
          'builtin_web',
          { capability: 'web.read', input: { url: dead } },
          { bypassCache: true },
        )
        .then(
          () => null,
          (e: unknown) => e as ProviderError,
        );
      expect(err?.code).toBe('TEMPORARY');
    }
    const providers = await request(t.app.getHttpServer())
      .get('/api/v1/providers')
      .set(authHeaders)
      .expect(200);
    expect(providers.body.find((p: { id: string }) => p.id === 'builtin_web').breaker).toBe(
      'closed',
    );

    const page = await client.call<{ title: string | null }>('builtin_web', {
      capability: 'web.read',
      input: { url: `${site.origin}/` },
    });
    expect(page.found).toBe(true);
    expect(page.data?.title).toBeTruthy();
  });
});
