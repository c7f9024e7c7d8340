import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ProviderClient } from '../../src/providers/core/provider-client';
import type { EmailVerifyResult } from '../../src/providers/email/email.types';
import { authHeaders, startTestApp, TestApp } from '../support/test-app';
import { fixture, VendorStub } from '../support/vendor-stub';

const KEY = 'hunter-int-key-3d8f02';

/**
 * Hunter behind the booted app: what the platform does around the adapter — prices charged once
 * and cache hits free, verdicts and finds cached apart, `account` never cached, the 202 polling
 * and a 429's Retry-After inside one call, and the per-endpoint limiters.
 */
describe('Hunter through the call path', () => {
  let stub: VendorStub;
  let t: TestApp;
  const run = randomBytes(4).toString('hex');

  beforeAll(async () => {
    stub = await VendorStub.start((req) => {
      if (req.path.startsWith('/v2/domain-search'))
        return { json: fixture('hunter', 'domain-search') };
      if (req.path.startsWith('/v2/email-verifier'))
        return { json: fixture('hunter', 'email-verifier-valid') };
      if (req.path === '/v2/account') return { json: fixture('hunter', 'account') };
      return { status: 404, json: { errors: [{ id: 'not_found', code: 404, details: req.path }] } };
    });
    t = await startTestApp({
      HUNTER_API_KEY: KEY,
      HUNTER_BASE_URL: `${stub.url}/v2`,
      HUNTER_VERIFY_POLL_MS: '0',
    });
  });
  afterAll(async () => {
    await t?.close();
    await stub?.close();
  });
  beforeEach(() => stub.reset());

  it('charges a domain search once (one credit for two emails); the same question again is a free cache hit', async () => {
    const client = t.app.get(ProviderClient);
    const ask = {
      capability: 'email.find' as const,
      operation: 'domain-search',
      input: { domain: `acme-${run}.com` },
    };
    expect(await client.call('hunter', ask)).toMatchObject({
      found: true,
      cached: false,
      costUsd: 0.0245,
      operation: 'domain-search',
    });
    expect(await client.call('hunter', ask)).toMatchObject({ cached: true, costUsd: 0 });
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0].headers['x-api-key']).toBe(KEY);
    expect(stub.requests[0].path).not.toContain(KEY);
  });

  it('verifies through 202 and a 429 with Retry-After in one call, charged once, then cached', async () => {
    const client = t.app.get(ProviderClient);
    stub.reply(
      { status: 202, json: {} },
      {
        status: 429,
        headers: { 'retry-after': '1' },
        json: { errors: [{ id: 'too_many_requests', code: 429, details: 'Slow down' }] },
      },
    );
    const ask = { capability: 'email.verify' as const, input: { emails: [`p-${run}@stripe.com`] } };
    const first = await client.call<EmailVerifyResult>('hunter', ask);
    expect(first).toMatchObject({ cached: false, costUsd: 0.01225, operation: 'email.verify' });
    expect(first.data!.results[0]).toMatchObject({ status: 'deliverable', provider: 'hunter' });
    // 202, then the 429 (the platform waited its Retry-After and asked again), then the 200.
    expect(stub.requests.map((r) => r.status)).toEqual([202, 429, 200]);
    expect(await client.call('hunter', ask)).toMatchObject({ cached: true, costUsd: 0 });
    expect(stub.requests).toHaveLength(3);

    const rows: Array<{ outcome: string; cost: number }> = await t.app
      .get(DataSource)
      .query(
        `SELECT outcome, cost_usd::float AS cost FROM provider_calls WHERE fingerprint = $1 ORDER BY created_at`,
        [ProviderClient.fingerprint('hunter', 'email.verify', ask.input)],
      );
    expect(rows.map((r) => [r.outcome, r.cost])).toEqual([
      ['ok', 0.01225],
      ['cache_hit', 0],
    ]);
  });

  it('account is free and never cached; the providers view shows each endpoint limiter', async () => {
    const client = t.app.get(ProviderClient);
    const ask = { capability: 'email.verify' as const, operation: 'account', input: {} };
    for (let i = 0; i < 2; i++)
      expect(await client.call('hunter', ask)).toMatchObject({ cached: false, costUsd: 0 });
    expect(stub.requests.map((r) => r.path)).toEqual(['/v2/account', '/v2/account']);

    const res = await request(t.app.getHttpServer())
      .get('/api/v1/providers')
      .set(authHeaders)
      .expect(200);
    const view = (res.body as Array<Record<string, any>>).find((p) => p.id === 'hunter')!;
    expect(view).toMatchObject({
      configured: true,
      capabilities: ['email.find', 'email.verify'],
      rate_limits: { perSecond: 15, perMinute: 500 },
    });
    expect(view.operation_limits['domain-search'].rate_limits).toEqual({
      perSecond: 15,
      perMinute: 500,
    });
    expect(view.operation_limits['email.verify'].rate_limits).toEqual({
      perSecond: 10,
      perMinute: 300,
    });
  });
});
