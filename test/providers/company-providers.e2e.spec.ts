import request from 'supertest';
import { DataSource } from 'typeorm';
import { ProviderClient } from '../../src/providers/core/provider-client';
import { ProviderError } from '../../src/providers/core/provider-error';
import { authHeaders, startTestApp, TestApp } from '../support/test-app';
import { builtWithAnswer } from '../support/builtwith-answer';
import { fixture, VendorStub } from '../support/vendor-stub';

const APOLLO_KEY = 'apollo-e2e-key-0c1d2e3f';
const BUILTWITH_KEY = 'builtwith-e2e-key-9a8b7c6d-secret';
describe('company data providers through the real call path (booted app, local vendor stubs)', () => {
  let apollo: VendorStub;
  let builtwith: VendorStub;
  let t: TestApp;
  let client: ProviderClient;
  let db: DataSource;

  beforeAll(async () => {
    apollo = await VendorStub.start();
    builtwith = await VendorStub.start();
    t = await startTestApp({
      APOLLO_API_KEY: APOLLO_KEY,
      APOLLO_BASE_URL: `${apollo.url}/api/v1`,
      BUILTWITH_API_KEY: BUILTWITH_KEY,
      BUILTWITH_BASE_URL: builtwith.url,
      // Two attempts on transient errors, quickly: the test counts the vendor's requests.
      PROVIDER_RETRY_ATTEMPTS: '2',
      PROVIDER_RETRY_BASE_MS: '1',
    });
    client = t.app.get(ProviderClient);
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
    await apollo?.close();
    await builtwith?.close();
  });
  beforeEach(() => {
    apollo.reset();
    builtwith.reset();
  });

  it('lists the company data providers: switched on by their keys; keyless Jina stays off unless asked', async () => {
    const res = await request(t.app.getHttpServer())
      .get('/api/v1/providers')
      .set(authHeaders)
      .expect(200);
    const view = (id: string) => res.body.find((p: { id: string }) => p.id === id);
    expect(view('apollo')).toMatchObject({
      configured: true,
      capabilities: ['company.profile', 'people.search', 'person.enrich'],
      base_url: `${apollo.url}/api/v1`,
      rate_limits: { perMinute: 50, perDay: 300 },
    });
    expect(view('builtwith')).toMatchObject({ configured: true, capabilities: ['tech.stack'] });
    expect(view('brightdata')).toMatchObject({
      configured: false,
      capabilities: ['company.linkedin', 'person.linkedin'],
    });
    expect(view('jina')).toMatchObject({ configured: false, capabilities: ['web.read'] });
    expect(view('jina_search')).toMatchObject({
      configured: false,
      capabilities: ['web.search'],
    });
    expect(JSON.stringify(res.body)).not.toContain(BUILTWITH_KEY);
    expect(JSON.stringify(res.body)).not.toContain(APOLLO_KEY);
    expect(apollo.requests).toHaveLength(0);
    expect(builtwith.requests).toHaveLength(0);
  });

  it('Apollo: an identical second call is a cache hit that costs 0 and sends no request', async () => {
    apollo.reply({ json: fixture('apollo', 'organization-enrich') });
    const ask = { capability: 'company.profile' as const, input: { domain: 'acme.com' } };
    const first = await client.call('apollo', ask);
    const again = await client.call('apollo', ask);

    expect(apollo.requests).toHaveLength(1);
    expect(apollo.requests[0].headers['x-api-key']).toBe(APOLLO_KEY);
    expect(first).toMatchObject({ found: true, cached: false, costUsd: 0.2 });
    expect(again).toMatchObject({ found: true, cached: true, costUsd: 0 });
    expect(again.data).toEqual(first.data);
    expect(again.data).toMatchObject({ name: 'Acme Corp', employee_count: 850 });

    const rows = await db.query(
      `SELECT outcome, cached, cost_usd::float AS cost_usd, attempts FROM provider_calls
        WHERE provider = 'apollo' AND fingerprint = $1 ORDER BY id`,
      [ProviderClient.fingerprint('apollo', 'company.profile', ask.input)],
    );
    expect(rows).toEqual([
      { outcome: 'ok', cached: false, cost_usd: 0.2, attempts: 1 },
      { outcome: 'cache_hit', cached: true, cost_usd: 0, attempts: 0 },
    ]);
  });

  it('BuiltWith: the key (a query parameter) never reaches provider_calls or provider_cache', async () => {
    builtwith.reply(
      { json: builtWithAnswer() },
      {
        json: {
          Results: [],
          Errors: [{ Lookup: 'expired.example', Message: `Key ${BUILTWITH_KEY} has expired` }],
        },
      },
      // A 5xx whose plain-text body echoes the URL; TEMPORARY, so it is tried twice.
      ...[1, 2].map(() => ({
        status: 500,
        headers: { 'content-type': 'text/plain' },
        raw: `Internal error on /v22/api.json?KEY=${BUILTWITH_KEY}&LOOKUP=broken.example`,
      })),
    );
    // Other suites of the run share this database: look only at this test's rows.
    const since = new Date();
    const stack = await client.call('builtwith', {
      capability: 'tech.stack',
      input: { domain: 'acme.com' },
    });
    expect(stack).toMatchObject({ found: true, cached: false, costUsd: 0.05 });
    expect(builtwith.requests[0].path).toContain(`KEY=${encodeURIComponent(BUILTWITH_KEY)}`);

    for (const [domain, code] of [
      ['expired.example', 'AUTH'],
      ['broken.example', 'TEMPORARY'],
    ]) {
      const err = await client
        .call('builtwith', { capability: 'tech.stack', input: { domain } })
        .then(
          () => {
            throw new Error('expected the call to fail');
          },
          (e: unknown) => e as ProviderError,
        );
      expect(err).toMatchObject({ code, providerId: 'builtwith' });
      expect(err.message).not.toContain(BUILTWITH_KEY);
    }
    expect(builtwith.requests).toHaveLength(4);

    const calls = await db.query(
      `SELECT * FROM provider_calls WHERE provider = 'builtwith' AND created_at >= $1 ORDER BY id`,
      [since],
    );
    const cache = await db.query(
      `SELECT * FROM provider_cache WHERE provider = 'builtwith' AND created_at >= $1`,
      [since],
    );
    expect(calls.map((r: { outcome: string }) => r.outcome)).toEqual(['ok', 'AUTH', 'TEMPORARY']);
    expect(calls[1].error_message).toContain('***');
    expect(calls[2].error_message).toContain('***');
    expect(cache).toHaveLength(1);
    expect(cache[0].response.data.tech_profile.source).toBe('builtwith');
    for (const text of [JSON.stringify(calls), JSON.stringify(cache)]) {
      expect(text).not.toContain(BUILTWITH_KEY);
      expect(text).not.toContain(encodeURIComponent(BUILTWITH_KEY));
    }
  });
});
