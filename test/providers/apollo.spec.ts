import { APOLLO_METADATA, ApolloProvider } from '../../src/providers/apollo/apollo.provider';
import type { CompanyProfile } from '../../src/providers/company/company.types';
import { costOf } from '../../src/providers/core/cost';
import type { ProviderRequest } from '../../src/providers/core/enrichment-provider';
import { ProviderError } from '../../src/providers/core/provider-error';
import { resolveProviderSettings } from '../../src/providers/core/provider-settings';
import { adapterAt, failure } from '../support/adapters';
import { fixture, refusedUrl, VendorStub } from '../support/vendor-stub';

const KEY = 'apollo-test-key-7f3a';

const apolloAt = (baseUrl: string) =>
  adapterAt(new ApolloProvider(), { APOLLO_API_KEY: KEY, APOLLO_BASE_URL: baseUrl });

const lookup = (domain: string): ProviderRequest => ({
  capability: 'company.profile',
  input: { domain },
});

/** Apollo's rate-limit headers on a 429 (docs.apollo.io/reference/rate-limits). */
const limitHeaders = (left: { minute: number; hourly: number; daily: number }) => ({
  'x-rate-limit-minute': '50',
  'x-rate-limit-hourly': '100',
  'x-rate-limit-daily': '300',
  'x-minute-usage': String(50 - left.minute),
  'x-hourly-usage': String(100 - left.hourly),
  'x-daily-usage': String(300 - left.daily),
  'x-minute-requests-left': String(left.minute),
  'x-hourly-requests-left': String(left.hourly),
  'x-daily-requests-left': String(left.daily),
});

describe('Apollo organizations/enrich adapter (against a local stub)', () => {
  let stub: VendorStub;
  beforeAll(async () => {
    stub = await VendorStub.start();
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.reset());

  it('asks for the bare domain with the key in X-Api-Key and maps the organization', async () => {
    stub.reply({ json: fixture('apollo', 'organization-enrich') });
    const { call, settings } = apolloAt(`${stub.url}/api/v1`);
    const r = await call(lookup('https://www.Acme.com/about'));

    const req = stub.requests[0];
    expect(req.method).toBe('GET');
    expect(req.path).toBe('/api/v1/organizations/enrich?domain=acme.com');
    expect(req.headers['x-api-key']).toBe(KEY);
    expect(req.headers.authorization).toBeUndefined();

    expect(r.found).toBe(true);
    expect(r.data as CompanyProfile).toEqual({
      name: 'Acme Corp',
      domain: 'acme.com',
      website: 'http://www.acme.com',
      linkedin_url: 'http://www.linkedin.com/company/acme-corp',
      twitter_url: 'https://twitter.com/acmecorp/',
      facebook_url: 'https://www.facebook.com/acmecorp',
      logo_url: 'https://zenprospect-production.s3.amazonaws.com/uploads/pictures/acme/picture',
      description: 'Acme Corp makes industrial anvils and rocket skates for demanding customers.',
      industry: 'machinery',
      keywords: ['anvils', 'rocket skates', 'industrial safety'],
      employee_count: 850,
      founded_year: 1949,
      headquarters: {
        street: '1 Anvil Way',
        city: 'Phoenix',
        state: 'Arizona',
        postal_code: '85001',
        country: 'United States',
        formatted: '1 Anvil Way, Phoenix, Arizona 85001, US',
      },
      phone: '+1 602-555-0100',
      technologies: ['Cloudflare DNS', 'Gmail', 'Hubspot', 'WordPress.org'],
      total_funding_usd: 32_500_000,
      funding_rounds: [
        {
          series: 'Series B',
          amount: 25_000_000,
          currency: 'USD',
          date: '2024-05-02',
          investors: ['Roadrunner Ventures', 'Coyote Capital'],
        },
        {
          series: 'Series A',
          amount: 7_500_000,
          currency: 'USD',
          date: '2019-03-14',
          investors: ['Desert Partners'],
        },
      ],
      funding_stage: 'Series B',
      annual_revenue_usd: 120_000_000,
      vendor_id: '5e66b6381e05b4008c8331b8',
    });
    // One credit at the list price.
    expect(costOf(settings.cost, r)).toBe(0.2);
  });

  it('organization: null and {} are "not found" (a result that costs no credit)', async () => {
    stub.reply(
      { json: fixture('apollo', 'organization-null') },
      { json: fixture('apollo', 'organization-empty') },
      { json: { organization: {} } },
    );
    const { call, settings } = apolloAt(`${stub.url}/api/v1`);
    for (const domain of ['unknown-acme.com', 'unknown-acme.net', 'unknown-acme.org']) {
      const r = await call(lookup(domain));
      expect(r).toEqual({ found: false, data: null, usage: { results: 0 } });
      expect(costOf(settings.cost, r)).toBe(0);
    }
    expect(stub.requests).toHaveLength(3);
  });

  it('401 → AUTH (not retried) naming APOLLO_API_KEY; 403 → AUTH', async () => {
    stub.reply(
      { status: 401, json: fixture('apollo', 'error-401') },
      { status: 403, raw: 'API_INACCESSIBLE', headers: { 'content-type': 'text/plain' } },
    );
    const { call } = apolloAt(`${stub.url}/api/v1`);
    const auth = await failure(call(lookup('acme.com')));
    expect(auth).toBeInstanceOf(ProviderError);
    expect(auth).toMatchObject({ code: 'AUTH', retryable: false, status: 401 });
    expect(auth.message).toContain('Invalid access credentials.');
    expect(auth.message).toContain('APOLLO_API_KEY');
    const forbidden = await failure(call(lookup('acme.com')));
    expect(forbidden).toMatchObject({ code: 'AUTH', status: 403 });
    expect(forbidden.message).toContain('API_INACCESSIBLE');
  });

  it('429: the x-*-requests-left headers say how long to wait; a used-up day is QUOTA_EXHAUSTED', async () => {
    stub.reply(
      {
        status: 429,
        headers: limitHeaders({ minute: 0, hourly: 40, daily: 250 }),
        json: fixture('apollo', 'error-429'),
      },
      { status: 429, headers: limitHeaders({ minute: 12, hourly: 0, daily: 200 }), json: {} },
      { status: 429, headers: limitHeaders({ minute: 0, hourly: 0, daily: 0 }), json: {} },
    );
    const { call } = apolloAt(`${stub.url}/api/v1`);
    const minute = await failure(call(lookup('acme.com')));
    expect(minute).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 60_000 });
    expect(minute.message).toContain('50 times per minute');
    const hour = await failure(call(lookup('acme.com')));
    expect(hour).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 3_600_000 });
    const day = await failure(call(lookup('acme.com')));
    expect(day).toMatchObject({ code: 'QUOTA_EXHAUSTED', retryable: false });
    expect(day.message).toMatch(/daily API limit/);
  });

  it('422 → BAD_INPUT, 500 → TEMPORARY, a 200 that is not JSON → TEMPORARY', async () => {
    stub.reply(
      { status: 422, json: fixture('apollo', 'error-422') },
      { status: 502, raw: '<html>Bad gateway</html>', headers: { 'content-type': 'text/html' } },
      { raw: '{"organization": {"name": "Acme', headers: { 'content-type': 'application/json' } },
    );
    const { call } = apolloAt(`${stub.url}/api/v1`);
    const bad = await failure(call(lookup('acme.com')));
    expect(bad).toMatchObject({ code: 'BAD_INPUT', retryable: false, status: 422 });
    expect(bad.message).toContain('not a valid domain name');
    const server = await failure(call(lookup('acme.com')));
    expect(server).toMatchObject({ code: 'TEMPORARY', retryable: true, status: 502 });
    const garbage = await failure(call(lookup('acme.com')));
    expect(garbage).toMatchObject({ code: 'TEMPORARY', retryable: true });
    expect(garbage.message).toMatch(/not JSON/);
  });

  it('an invalid domain is refused before any request; an unreachable vendor → TEMPORARY', async () => {
    const { call } = apolloAt(`${stub.url}/api/v1`);
    const bad = await failure(call(lookup('not a domain')));
    expect(bad).toMatchObject({ code: 'BAD_INPUT', retryable: false });
    expect(await failure(call({ capability: 'company.profile', input: {} }))).toMatchObject({
      code: 'BAD_INPUT',
    });
    expect(stub.requests).toHaveLength(0);

    const down = await failure(apolloAt(await refusedUrl()).call(lookup('acme.com')));
    expect(down).toMatchObject({ code: 'TEMPORARY', retryable: true });
    expect(down.message).toMatch(/cannot reach Apollo/);
  });

  it('declares its limits, cache TTL and a self-test request; configured only with a key', () => {
    const adapter = new ApolloProvider();
    expect(APOLLO_METADATA).toMatchObject({
      rateLimits: { perMinute: 50, perDay: 300 },
      cacheTtlSeconds: 30 * 24 * 3600,
    });
    expect(adapter.selfTestRequest()).toEqual(lookup('apollo.io'));
    const none = resolveProviderSettings(APOLLO_METADATA, {}, { timeoutMs: 1, maxConcurrency: 1 });
    expect(none.configured).toBe(false);
  });
});
