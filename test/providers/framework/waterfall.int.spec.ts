import request from 'supertest';
import { ProviderClient } from '../../../src/providers/core/provider-client';
import { authHeaders, TestApp } from '../../support/test-app';
import { api, Json, startProviderApp, uniq } from '../support/harness';
import { stubEnv } from '../support/stub.provider';
import { lookupVendor, VendorStub } from '../../support/vendor-stub';

/**
 * Waterfalls (`WATERFALL_<CAPABILITY>` order, first accepted answer wins, every step recorded
 * with its cost, failing providers skipped, unconfigured ones never called) and the provider
 * listing (GET /api/v1/providers: every provider, configured or not, with breaker, limiter and
 * spend from the ledger).
 */
describe('provider waterfall and listing', () => {
  let stub: VendorStub;
  let t: TestApp;
  const ids = ['wf_broken', 'wf_nokey', 'wf_first', 'wf_second', 'wf_off'];
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    stub = await VendorStub.start((r) => {
      if (r.path.startsWith('/wf_broken/')) return { status: 502 };
      if (r.path.startsWith('/wf_first/')) return { status: 404 };
      return lookupVendor(r);
    });
    const { WF_NOKEY_API_KEY: _none, ...nokey } = stubEnv(stub.url, 'wf_nokey');
    t = await startProviderApp(
      {
        ...stubEnv(stub.url, 'wf_broken'),
        ...nokey,
        ...stubEnv(stub.url, 'wf_first'),
        ...stubEnv(stub.url, 'wf_second'),
        ...stubEnv(stub.url, 'wf_off', { WF_OFF_ENABLED: 'false' }),
        WATERFALL_COMPANY_PROFILE: 'wf_off,wf_broken,wf_nokey,wf_first,wf_second',
        PROVIDER_RETRY_ATTEMPTS: '2',
        PROVIDER_RETRY_BASE_MS: '10',
      },
      [
        { id: 'wf_broken' },
        { id: 'wf_nokey' },
        { id: 'wf_first', cost: { perCallUsd: 0.02 } },
        { id: 'wf_second', cost: { perCallUsd: 0.05 }, rateLimits: { perSecond: 4, perDay: 1000 } },
        { id: 'wf_off' },
      ],
    );
  });
  afterAll(async () => {
    await t?.close();
    await stub?.close();
  });

  it('tries providers in the configured order: a failure is skipped, not found moves on, the winner is recorded', async () => {
    const done = await api(t).run({ steps: [{ stage: 'profile', domain: uniq('wf') }] });
    expect(done.status).toBe('succeeded');
    const out = done.result.profile;
    expect(out).toMatchObject({ provider: 'wf_second', found: true, cost_usd: 0.07 });
    expect(out.steps).toEqual([
      {
        provider: 'wf_broken',
        outcome: 'TEMPORARY',
        cost_usd: 0,
        cached: false,
        error: expect.stringMatching(/502/),
        retryable: true,
      },
      { provider: 'wf_first', outcome: 'not_found', cost_usd: 0.02, cached: false },
      { provider: 'wf_second', outcome: 'accepted', cost_usd: 0.05, cached: false },
    ]);
    expect(done.cost_usd).toBe(0.07);
    // Unconfigured (no key) and disabled providers are skipped without a call.
    expect(stub.to('/wf_nokey/')).toHaveLength(0);
    expect(stub.to('/wf_off/')).toHaveLength(0);
    expect(stub.to('/wf_broken/')).toHaveLength(2);
    const ledger = await api(t).ledger({ taskId: done.job_id });
    expect(ledger.map((r) => [r.provider, r.outcome, r.cost_usd, r.stage])).toEqual([
      ['wf_broken', 'TEMPORARY', 0, 'profile'],
      ['wf_first', 'not_found', 0.02, 'profile'],
      ['wf_second', 'ok', 0.05, 'profile'],
    ]);
  });

  it("rejects answers that do not meet the caller's condition and keeps going", async () => {
    const w = await t.app
      .get(ProviderClient)
      .waterfall(
        'company.profile',
        { operation: 'lookup', input: { domain: uniq('cond') } },
        (o) => o.found && o.provider !== 'wf_second',
      );
    expect(w.winner).toBeNull();
    expect(w.steps.map((s) => [s.provider, s.outcome])).toEqual([
      ['wf_broken', 'TEMPORARY'],
      ['wf_first', 'not_found'],
      ['wf_second', 'rejected'],
    ]);
    expect(w.cost_usd).toBe(0.07);
  });

  it('a direct call to an unconfigured provider fails AUTH, saying which variable to set', async () => {
    await expect(
      t.app.get(ProviderClient).call('wf_nokey', {
        capability: 'company.profile',
        input: { domain: 'x.example' },
      }),
    ).rejects.toMatchObject({
      code: 'AUTH',
      message: expect.stringMatching(/set WF_NOKEY_API_KEY/),
    });
  });

  it('GET /api/v1/providers lists every provider with capabilities, configuration, breaker, limiter and spend', async () => {
    const list = await api(t).providers();
    const byId = (id: string): Json => list.find((p) => p.id === id)!;
    for (const id of ids) {
      expect(byId(id)).toMatchObject({ id, capabilities: ['company.profile'], breaker: 'closed' });
    }
    expect(byId('wf_nokey')).toMatchObject({ configured: false, enabled: true });
    expect(byId('wf_off')).toMatchObject({ configured: false, enabled: false });
    expect(byId('wf_second')).toMatchObject({
      configured: true,
      base_url: `${stub.url}/wf_second`,
      rate_limits: { perSecond: 4, perDay: 1000 },
      limiter: { interval_ms: expect.any(Number), per_day: 1000, paused_for_ms: 0 },
      cost_model: { perCallUsd: 0.05 },
    });
    // Both waterfalls above paid wf_second once each (from the ledger, today and over 30 days).
    const spend = { calls: 2, paid_calls: 2, cache_hits: 0, cost_usd: 0.1 };
    expect(byId('wf_second').spend_today).toMatchObject(spend);
    expect(byId('wf_second').spend_30d).toMatchObject(spend);
    expect(byId('wf_second').limiter.used_today).toBe(2);
    expect(byId('wf_nokey').spend_today).toEqual({
      calls: 0,
      paid_calls: 0,
      cache_hits: 0,
      cost_usd: 0,
    });
    expect(JSON.stringify(list)).not.toMatch(/key-wf_/);
  });

  it('self-test runs the known-good request through the call path and reports the outcome', async () => {
    const ok = await http()
      .post('/api/v1/providers/wf_second/self-test')
      .set(authHeaders)
      .expect(201);
    expect(ok.body).toMatchObject({ provider: 'wf_second', ok: true, found: true, cost_usd: 0.05 });
    const bad = await http()
      .post('/api/v1/providers/wf_broken/self-test')
      .set(authHeaders)
      .expect(201);
    expect(bad.body).toMatchObject({ provider: 'wf_broken', ok: false, error_code: 'TEMPORARY' });
    await http().post('/api/v1/providers/nope/self-test').set(authHeaders).expect(404);
  });
});
