import { ProviderClient } from '../../../src/providers/core/provider-client';
import { ProviderError } from '../../../src/providers/core/provider-error';
import { TestApp, waitFor } from '../../support/test-app';
import { api, Json, startProviderApp, uniq } from '../support/harness';
import { stubEnv } from '../support/stub.provider';
import { lookupVendor, VendorStub } from '../../support/vendor-stub';

/**
 * Circuit breaker per provider: N consecutive transient failures open it (visible in
 * GET /api/v1/providers and /metrics, with no vendor call while open); after
 * PROVIDER_BREAKER_HALF_OPEN_MS one probe goes through (half-open) and a success closes it.
 */
describe('provider circuit breaker', () => {
  const HALF_OPEN_MS = 1000;
  const THRESHOLD = 3;
  let stub: VendorStub;
  let t: TestApp;
  let client: ProviderClient;
  let failing = new Set<string>();
  const flaky = 'br_flaky';
  const picky = 'br_picky';
  const lookup = () => ({
    capability: 'company.profile' as const,
    operation: 'lookup',
    input: { domain: uniq('br') },
  });
  const attempt = (id: string) =>
    client.call(id, lookup()).then(
      () => null,
      (e: ProviderError) => e,
    );
  const view = async (id: string): Promise<Json> =>
    (await api(t).providers()).find((p) => p.id === id)!;
  const breakerMetric = async (id: string) =>
    Number(
      new RegExp(`assay_provider_breaker_state\\{provider="${id}"\\} (\\d)`).exec(
        await api(t).metrics(),
      )?.[1],
    );

  beforeAll(async () => {
    stub = await VendorStub.start((r) =>
      [...failing].some((id) => r.path.startsWith(`/${id}/`))
        ? { status: failing.has(picky) ? 400 : 500 }
        : lookupVendor(r),
    );
    t = await startProviderApp(
      {
        ...stubEnv(stub.url, flaky),
        ...stubEnv(stub.url, picky),
        PROVIDER_BREAKER_THRESHOLD: String(THRESHOLD),
        PROVIDER_BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS),
        PROVIDER_RETRY_ATTEMPTS: '1',
      },
      [{ id: flaky }, { id: picky }],
    );
    client = t.app.get(ProviderClient);
  });
  afterAll(async () => {
    await t?.close();
    await stub?.close();
  });

  it('opens after N consecutive 5xx, fails fast while open, then half-open → closed on a good probe', async () => {
    expect((await view(flaky)).breaker).toBe('closed');
    failing = new Set([flaky]);
    for (let i = 0; i < THRESHOLD; i++) expect((await attempt(flaky))?.code).toBe('TEMPORARY');
    const openedBy = Date.now();
    expect(stub.to(`/${flaky}/`)).toHaveLength(THRESHOLD);

    // Open: visible without calling the vendor, and calls fail fast with no vendor request.
    expect((await view(flaky)).breaker).toBe('open');
    expect(await breakerMetric(flaky)).toBe(1);
    for (let i = 0; i < 5; i++) {
      const e = await attempt(flaky);
      // A task retrying sooner would meet the breaker still open: it says when to come back.
      expect(e).toMatchObject({ code: 'TEMPORARY', retryable: true, retryAfterMs: HALF_OPEN_MS });
      expect(e!.message).toMatch(/circuit breaker is open/);
    }
    expect(stub.to(`/${flaky}/`)).toHaveLength(THRESHOLD);
    const [last] = (await api(t).ledger({ provider: flaky })).slice(-1);
    expect(last).toMatchObject({ outcome: 'TEMPORARY', attempts: 0, cost_usd: 0 });

    // The vendor recovers; the probe is held by the stub so the half-open state can be observed.
    failing = new Set();
    let release!: () => void;
    stub.reply({ hold: new Promise<void>((r) => (release = r)) });
    await waitFor(async () => Date.now() >= openedBy + HALF_OPEN_MS, 'the half-open delay');
    const probe = client.call(flaky, lookup());
    await waitFor(async () => stub.to(`/${flaky}/`).length === THRESHOLD + 1, 'the probe');
    expect(stub.to(`/${flaky}/`)[THRESHOLD].at).toBeGreaterThanOrEqual(openedBy + HALF_OPEN_MS - 5);
    expect((await view(flaky)).breaker).toBe('half-open');
    expect(await breakerMetric(flaky)).toBe(2);

    release();
    expect((await probe).found).toBe(true);
    expect((await view(flaky)).breaker).toBe('closed');
    expect(await breakerMetric(flaky)).toBe(0);
    expect((await client.call(flaky, lookup())).found).toBe(true);
    expect(stub.to(`/${flaky}/`)).toHaveLength(THRESHOLD + 2);
  });

  it('a failed probe opens it again', async () => {
    failing = new Set([flaky]);
    for (let i = 0; i < THRESHOLD; i++) await attempt(flaky);
    const openedBy = Date.now();
    expect((await view(flaky)).breaker).toBe('open');
    await waitFor(async () => Date.now() >= openedBy + HALF_OPEN_MS, 'the half-open delay');
    const before = stub.to(`/${flaky}/`).length;
    expect((await attempt(flaky))?.code).toBe('TEMPORARY');
    expect(stub.to(`/${flaky}/`)).toHaveLength(before + 1);
    expect((await view(flaky)).breaker).toBe('open');
    failing = new Set();
  });

  it('permanent errors (4xx) never open it', async () => {
    failing = new Set([picky]);
    for (let i = 0; i < THRESHOLD + 2; i++) expect((await attempt(picky))?.code).toBe('BAD_INPUT');
    expect(stub.to(`/${picky}/`)).toHaveLength(THRESHOLD + 2);
    expect((await view(picky)).breaker).toBe('closed');
    failing = new Set();
  });
});
