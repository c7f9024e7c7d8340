import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ProviderClient } from '../../src/providers/core/provider-client';
import { RateLimiter } from '../../src/providers/core/rate-limiter';
import { antiBotPage } from '../support/anti-bot';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';
import { fixture, StubRequest, VendorStub } from '../support/vendor-stub';

/** A profile / company URL no other test asked for (no cache hit). */
const profileUrl = () => `https://www.linkedin.com/in/jane-${randomBytes(4).toString('hex')}`;
const companyUrl = () => `https://www.linkedin.com/company/acme-${randomBytes(4).toString('hex')}`;

/** Enrich Layer as documented: profiles and companies found, whatever the URL. */
const enrichLayer = (req: StubRequest) =>
  req.path.startsWith('/api/v2/profile')
    ? { json: fixture('enrichlayer', 'person-profile') }
    : { json: fixture('enrichlayer', 'company-profile') };

/** One Bright Data collection that succeeds: trigger, ready, the snapshot. */
const brightDataCollects = (snapshot: 'snapshot-person' | 'snapshot-company') => [
  { json: fixture('brightdata', 'trigger') },
  { json: fixture('brightdata', 'progress-ready') },
  { json: fixture('brightdata', snapshot) },
];

/**
 * Seed 004's rule through the booted app (real Redis limiter, real ledger): a LinkedIn-data
 * provider that answers a CAPTCHA page, or a 429 without Retry-After, is paused for its
 * `<ID>_BLOCK_PAUSE_SECONDS`, is not called during the pause, and the capability's waterfall
 * answers from the next provider.
 */
describe('LinkedIn data: a CAPTCHA page or a 429 blocks the provider and the waterfall moves on', () => {
  let brightdata: VendorStub;
  let enrichlayer: VendorStub;
  let t: TestApp;
  let client: ProviderClient;
  const providers = async (): Promise<Array<Record<string, any>>> =>
    (await request(t.app.getHttpServer()).get('/api/v1/providers').set(authHeaders).expect(200))
      .body;

  beforeAll(async () => {
    brightdata = await VendorStub.start();
    enrichlayer = await VendorStub.start(enrichLayer);
    t = await startTestApp({
      BRIGHTDATA_API_KEY: 'bd-int-key-3f9a0c1d',
      BRIGHTDATA_BASE_URL: brightdata.url,
      BRIGHTDATA_POLL_MS: '1',
      // Short enough to watch it end; Enrich Layer keeps the default hour.
      BRIGHTDATA_BLOCK_PAUSE_SECONDS: '3',
      ENRICHLAYER_API_KEY: 'el-int-key-7b2e4d6f',
      ENRICHLAYER_BASE_URL: enrichlayer.url,
      // person.linkedin: Bright Data first (the declared order); company.linkedin: Enrich Layer first.
      WATERFALL_COMPANY_LINKEDIN: 'enrichlayer,brightdata',
      PROVIDER_RETRY_BASE_MS: '1',
    });
    client = t.app.get(ProviderClient);
  });
  afterAll(async () => {
    await t?.close();
    await brightdata?.close();
    await enrichlayer?.close();
  });

  it('a CAPTCHA page pauses Bright Data for BRIGHTDATA_BLOCK_PAUSE_SECONDS; meanwhile Enrich Layer answers; then Bright Data is called again', async () => {
    // The ledger is shared by every suite of the run: this test reads the rows after this mark.
    const [{ mark }] = await t.app
      .get(DataSource)
      .query(`SELECT coalesce(max(id), 0)::text AS mark FROM provider_calls`);
    brightdata.reply({
      status: 200,
      headers: { 'content-type': 'text/html' },
      raw: antiBotPage('cloudflare-challenge'),
    });
    const first = await client.waterfall('person.linkedin', {
      input: { linkedin_url: profileUrl() },
    });
    expect(first.winner).toMatchObject({ provider: 'enrichlayer', found: true });
    expect(first.steps).toEqual([
      {
        provider: 'brightdata',
        outcome: 'BLOCKED',
        cost_usd: 0,
        cached: false,
        error: expect.stringMatching(
          /anti-bot \/ CAPTCHA page.*brightdata is paused for 3 s \(BRIGHTDATA_BLOCK_PAUSE_SECONDS\)/,
        ),
        // When it may be asked again: a task would not retry before.
        retry_after_ms: 3000,
        retryable: false,
      },
      { provider: 'enrichlayer', outcome: 'accepted', cost_usd: 0.02, cached: false },
    ]);
    expect(brightdata.requests).toHaveLength(1);

    // The pause is the shared limiter's, with its reason, as the listing shows it.
    const bd = (await providers()).find((p) => p.id === 'brightdata')!;
    expect(bd.limiter.blocked_reason).toBe('an anti-bot / CAPTCHA page (BLOCKED, HTTP 200)');
    expect(bd.limiter.paused_for_ms).toBeGreaterThan(0);
    expect(bd.limiter.paused_for_ms).toBeLessThanOrEqual(3000);

    // During the pause: both capabilities skip Bright Data without calling it; a direct call
    // fails RATE_LIMITED at once with the rest of the pause as its Retry-After.
    const during = await client.waterfall('person.linkedin', {
      input: { linkedin_url: profileUrl() },
    });
    expect(during.winner?.provider).toBe('enrichlayer');
    expect(during.steps[0]).toMatchObject({
      provider: 'brightdata',
      outcome: 'RATE_LIMITED',
      error: expect.stringMatching(/brightdata is paused for another [1-3] s after an anti-bot/),
    });
    enrichlayer.reply({ status: 404, json: fixture('enrichlayer', 'error-404') });
    const company = await client.waterfall('company.linkedin', {
      input: { linkedin_url: companyUrl() },
    });
    expect(company.winner).toBeNull();
    expect(company.steps.map((s) => [s.provider, s.outcome])).toEqual([
      ['enrichlayer', 'not_found'],
      ['brightdata', 'RATE_LIMITED'],
    ]);
    const direct = await client
      .call('brightdata', { capability: 'person.linkedin', input: { linkedin_url: profileUrl() } })
      .catch((e: unknown) => e);
    expect(direct).toMatchObject({ code: 'RATE_LIMITED', providerId: 'brightdata' });
    expect((direct as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(3000);
    expect(brightdata.requests).toHaveLength(1);
    const ledger = await t.app.get(DataSource).query(
      `SELECT outcome, attempts FROM provider_calls
          WHERE provider = 'brightdata' AND id > $1::bigint ORDER BY id`,
      [mark],
    );
    expect(ledger).toEqual([
      { outcome: 'BLOCKED', attempts: 1 },
      { outcome: 'RATE_LIMITED', attempts: 0 },
      { outcome: 'RATE_LIMITED', attempts: 0 },
      { outcome: 'RATE_LIMITED', attempts: 0 },
    ]);

    // After the configured pause, Bright Data is asked again and answers first.
    await waitFor(
      async () => (await t.app.get(RateLimiter).blocked('brightdata')) === null,
      'the Bright Data block to end',
      15_000,
    );
    brightdata.reply(...brightDataCollects('snapshot-person'));
    const after = await client.waterfall('person.linkedin', {
      input: { linkedin_url: profileUrl() },
    });
    expect(after.winner).toMatchObject({ provider: 'brightdata', found: true });
    expect(after.steps).toHaveLength(1);
    expect(brightdata.requests).toHaveLength(4);
  });

  it('a 429 with Retry-After is waited out; one without blocks Enrich Layer for the default hour and Bright Data answers', async () => {
    const limited = { code: 429, description: 'Rate limited', name: 'Too Many Requests' };
    enrichlayer.reset();
    enrichlayer.reply({ status: 429, headers: { 'retry-after': '1' }, json: limited });
    const waited = await client.waterfall('company.linkedin', {
      input: { linkedin_url: companyUrl() },
    });
    expect(waited.winner).toMatchObject({ provider: 'enrichlayer', found: true });
    expect(enrichlayer.requests).toHaveLength(2);

    enrichlayer.reply({ status: 429, json: limited });
    brightdata.reply(...brightDataCollects('snapshot-company'));
    const blocked = await client.waterfall('company.linkedin', {
      input: { linkedin_url: companyUrl() },
    });
    expect(blocked.winner).toMatchObject({
      provider: 'brightdata',
      found: true,
      data: { name: 'Acme Corp' },
    });
    expect(blocked.steps[0]).toMatchObject({
      provider: 'enrichlayer',
      outcome: 'RATE_LIMITED',
      error: expect.stringMatching(
        /Enrich Layer 429: Rate limited; enrichlayer is paused for 3600 s \(ENRICHLAYER_BLOCK_PAUSE_SECONDS\)/,
      ),
    });
    expect(enrichlayer.requests).toHaveLength(3);
    const el = (await providers()).find((p) => p.id === 'enrichlayer')!;
    expect(el.limiter.blocked_reason).toBe(
      'a rate limit without Retry-After (RATE_LIMITED, HTTP 429)',
    );
    expect(el.limiter.paused_for_ms).toBeGreaterThan(3_500_000);

    // The block is the provider's: its person.linkedin is refused too, without a request.
    const person = await client
      .call('enrichlayer', { capability: 'person.linkedin', input: { linkedin_url: profileUrl() } })
      .catch((e: unknown) => e);
    expect(person).toMatchObject({
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/enrichlayer is paused for another 3[56]\d\d s/),
    });
    expect(enrichlayer.requests).toHaveLength(3);
  });
});
