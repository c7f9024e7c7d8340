import {
  BUILTWITH_METADATA,
  BuiltWithProvider,
} from '../../src/providers/builtwith/builtwith.provider';
import {
  classifyInBandError,
  confidenceScore,
  mapBuiltWithResponse,
} from '../../src/providers/builtwith/builtwith.mapper';
import type { TechStack } from '../../src/providers/company/company.types';
import { costOf } from '../../src/providers/core/cost';
import type { ProviderRequest } from '../../src/providers/core/enrichment-provider';
import { ProviderError } from '../../src/providers/core/provider-error';
import { adapterAt, failure } from '../support/adapters';
import { fixture, refusedUrl, VendorStub } from '../support/vendor-stub';

const KEY = '6f1d0c2e-5a4b-4c3d-9e8f-bw-test-key';
/** When domain-acme.json was "recorded": its dates are 2, 10, 60, 200 and 400 days before this. */
const RECORDED_AT = Date.parse('2025-01-01T00:00:00Z');
const DATE_KEYS = new Set(['FirstDetected', 'LastDetected', 'FirstIndexed', 'LastIndexed', 'D']);

/** The recorded answer replayed as of now: every epoch-ms date moves by the same offset. */
function replayedNow<T>(value: T, delta = Date.now() - RECORDED_AT): T {
  if (Array.isArray(value)) return value.map((v) => replayedNow(v, delta)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        DATE_KEYS.has(k) && typeof v === 'number' && v > 0 ? v + delta : replayedNow(v, delta),
      ]),
    ) as T;
  }
  return value;
}

const builtwithAt = (baseUrl: string, env: Record<string, string> = {}) =>
  adapterAt(new BuiltWithProvider(), {
    BUILTWITH_API_KEY: KEY,
    BUILTWITH_BASE_URL: baseUrl,
    ...env,
  });

const lookup = (domain: string): ProviderRequest => ({
  capability: 'tech.stack',
  input: { domain },
});

const inBand = (message: string) => ({
  json: { Results: [], Errors: [{ Lookup: 'acme.com', Message: message, Code: -1 }] },
});

describe('BuiltWith mapper (recorded Domain API answer, fixed clock)', () => {
  const now = new Date(RECORDED_AT);
  const map = (body: unknown, headers: Record<string, string> = {}) =>
    mapBuiltWithResponse(body as never, 'acme.com', {
      now,
      headers: new Headers(headers),
      redact: (s) => s,
    });

  it('merges paths, drops technologies not seen for a year and scores them like the seed', () => {
    const r = map(fixture('builtwith', 'domain-acme'));
    const stack = r.data as TechStack;
    expect(r.found).toBe(true);
    expect(r.usage).toEqual({ results: 1 });
    expect(stack.domain).toBe('acme.com');
    // Adobe Flash, last seen 400 days ago, is gone.
    expect(stack.technologies.map((t) => [t.name, t.confidence])).toEqual([
      // live (seen in the latest crawl) + ≤ 30 days + 2 paths + 1 category → capped at 1
      ['Google Analytics', 1],
      // not live, 60 days, 1 path, 2 categories
      ['HubSpot', 0.71],
      // 200 days, 1 path, no category
      ['jQuery', 0.57],
      // 10 days but 8 days older than the path's last crawl: not live
      ['Cloudflare', 0.74],
      ['WordPress', 1],
    ]);
    expect(stack.technologies[1]).toEqual({
      name: 'HubSpot',
      categories: ['Marketing Automation', 'CRM'],
      first_detected: '2020-09-13T12:26:40.000Z',
      last_detected: '2024-11-02T00:00:00.000Z',
      confidence: 0.71,
      is_premium: true,
      link: 'https://www.hubspot.com',
      description: 'HubSpot is a marketing automation and CRM platform.',
      tag: 'analytics',
    });
    // Earliest first detection and latest last detection over the root and the blog subdomain.
    expect(stack.technologies[0]).toMatchObject({
      first_detected: '2020-03-26T23:00:00.000Z',
      last_detected: '2024-12-30T00:00:00.000Z',
    });
    expect(stack.categories).toEqual({
      'Audience Measurement': ['Google Analytics'],
      'Marketing Automation': ['HubSpot'],
      CRM: ['HubSpot'],
      CDN: ['Cloudflare'],
      CMS: ['WordPress'],
    });
  });

  it('carries the seed-shaped EnrichmentResult as tech_profile', () => {
    const tp = (map(fixture('builtwith', 'domain-acme')).data as TechStack).tech_profile as any;
    expect(tp).toMatchObject({
      enrichment_type: 'technology_profile',
      source: 'builtwith',
      status: 'completed',
      completion_percentage: 100,
      error: null,
      created_at: '2025-01-01T00:00:00.000Z',
      updated_at: '2025-01-01T00:00:00.000Z',
    });
    const profile = tp.processed_data.profile;
    expect(profile.technologies[0]).toEqual({
      name: 'Google Analytics',
      description: 'Google Analytics offers a host of compelling features and benefits.',
      categories: ['Audience Measurement'],
      tag: 'analytics',
      link: 'http://google.com/analytics',
      first_detected: '2020-03-26T23:00:00.000Z',
      last_detected: '2024-12-30T00:00:00.000Z',
      is_premium: false,
      confidence_score: 1,
      paths: ['acme.com', 'blog.acme.com'],
      subdomain: 'blog',
      subdomains: ['blog'],
    });
    expect(profile.first_detected.hubspot).toBe('2020-09-13T12:26:40.000Z');
    expect(profile.last_detected.wordpress).toBe('2024-12-30T00:00:00.000Z');
    expect(profile.confidence_scores).toEqual({
      'google analytics': 1,
      hubspot: 0.71,
      jquery: 0.57,
      cloudflare: 0.74,
      wordpress: 1,
    });
    expect(profile.premium_technologies).toEqual(['HubSpot']);
    expect(profile.subdomains).toEqual({ blog: ['Google Analytics', 'WordPress'] });
    expect(profile.meta).toEqual({
      domain: 'acme.com',
      first_indexed: '2020-03-26T23:00:00.000Z',
      last_indexed: '2024-12-30T00:00:00.000Z',
    });
    const company = {
      name: 'Acme Corp',
      emails: ['info@acme.com'],
      phones: ['+1-602-555-0100'],
      location: { city: 'Phoenix', state: 'AZ', postal_code: '85001', country: 'US' },
      social_profiles: ['twitter.com/acmecorp', 'linkedin.com/company/acme-corp'],
      contacts: [{ name: 'Jane Doe', type: 0, email: 'jane@acme.com' }],
      rankings: { alexa: -1, quantcast: -1 },
      vertical: 'Industrial',
    };
    expect(profile.company_info).toEqual(company);
    expect(tp.processed_data.company_info).toEqual(company);
    expect(tp.processed_data.attributes).toMatchObject({ Employees: 850, Sitemap: 1 });
    expect(tp.quality_metrics).toEqual({
      technology_count: 5,
      category_count: 5,
      premium_count: 1,
      subdomain_count: 1,
      average_confidence: 0.804,
      // 0.2 (≥ 3 technologies) + 0.3 (average ≥ 0.8) + 0.2 (categories/technologies ≥ 0.5) + 0.1 (premium)
      coverage_score: 0.8,
      detection_quality: 'high',
      earliest_detection: '2013-11-28T23:00:00.000Z',
      latest_detection: '2024-12-30T00:00:00.000Z',
      timestamp: '2025-01-01T00:00:00.000Z',
    });
  });

  it('the confidence formula, term by term', () => {
    const day = 24 * 3600 * 1000;
    const t0 = RECORDED_AT;
    const score = (o: Partial<Parameters<typeof confidenceScore>[0]>) =>
      confidenceScore({ live: false, paths: 0, categories: 0, ...o }, t0);
    expect(score({})).toBe(0.5);
    expect(score({ live: true })).toBe(0.8);
    expect(score({ last: t0 - 30 * day })).toBe(0.7);
    expect(score({ last: t0 - 31 * day })).toBe(0.65);
    expect(score({ last: t0 - 180 * day })).toBe(0.6);
    expect(score({ last: t0 - 365 * day })).toBe(0.55);
    expect(score({ last: t0 - 366 * day })).toBe(0.5);
    expect(score({ paths: 3, categories: 2 })).toBe(0.6);
    expect(score({ paths: 9, categories: 9 })).toBe(0.7);
    expect(score({ live: true, last: t0, paths: 9, categories: 9 })).toBe(1);
  });

  it('a domain BuiltWith has not indexed: found=false, with an empty profile rated insufficient_data', () => {
    const r = map(fixture('builtwith', 'domain-not-indexed'));
    expect(r.found).toBe(false);
    expect(r.data).toMatchObject({
      domain: 'tiny-acme-startup.com',
      technologies: [],
      categories: {},
    });
    expect((r.data as any).tech_profile.quality_metrics.detection_quality).toBe(
      'insufficient_data',
    );
  });

  it('classifies in-band error messages', () => {
    expect(classifyInBandError('Invalid API key')).toMatchObject({ code: 'AUTH' });
    expect(classifyInBandError('API key not found')).toMatchObject({ code: 'AUTH' });
    expect(classifyInBandError('Out of API credits')).toMatchObject({ code: 'QUOTA_EXHAUSTED' });
    expect(classifyInBandError('Rate limit exceeded, slow down')).toMatchObject({
      code: 'RATE_LIMITED',
    });
    expect(classifyInBandError('Domain not found in our database')).toBe('not_found');
    expect(classifyInBandError('Invalid domain lookup')).toMatchObject({
      code: 'BAD_INPUT',
      retryable: false,
    });
    expect(classifyInBandError('Something odd happened')).toMatchObject({ code: 'UNKNOWN' });
  });
});

describe('BuiltWith Domain API adapter (against a local stub)', () => {
  let stub: VendorStub;
  beforeAll(async () => {
    stub = await VendorStub.start();
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.reset());

  it('GETs /v22/api.json with KEY and LOOKUP, maps the answer and reads the credit headers', async () => {
    stub.reply({
      json: replayedNow(fixture('builtwith', 'domain-acme')),
      headers: {
        'x-api-credits-available': '2000',
        'x-api-credits-used': '151',
        'x-api-credits-remaining': '1849',
      },
    });
    const { call, settings } = builtwithAt(stub.url);
    const r = await call(lookup('https://www.acme.com/pricing'));

    const req = stub.requests[0];
    expect(req.method).toBe('GET');
    const url = new URL(req.path, stub.url);
    expect(url.pathname).toBe('/v22/api.json');
    expect(Object.fromEntries(url.searchParams)).toEqual({ KEY, LOOKUP: 'acme.com' });
    expect(req.headers.authorization).toBeUndefined();

    const stack = r.data as TechStack;
    expect(r.found).toBe(true);
    expect(stack.technologies.map((t) => [t.name, t.confidence])).toEqual([
      ['Google Analytics', 1],
      ['HubSpot', 0.71],
      ['jQuery', 0.57],
      ['Cloudflare', 0.74],
      ['WordPress', 1],
    ]);
    expect(stack.vendor_credits).toEqual({ available: 2000, used: 151, remaining: 1849 });
    expect((stack.tech_profile as any).quality_metrics.detection_quality).toBe('high');
    expect(costOf(settings.cost, r)).toBe(0.05);
  });

  it('BUILTWITH_API_VERSION=v21 calls the v21 endpoint (same shape)', async () => {
    stub.reply({ json: replayedNow(fixture('builtwith', 'domain-acme')) });
    const r = await builtwithAt(stub.url, { BUILTWITH_API_VERSION: 'v21' }).call(
      lookup('acme.com'),
    );
    expect(new URL(stub.requests[0].path, stub.url).pathname).toBe('/v21/api.json');
    expect(r.found).toBe(true);
  });

  it('in-band Errors[] with HTTP 200: key → AUTH, credits → QUOTA_EXHAUSTED, unknown → found=false, bad domain → BAD_INPUT', async () => {
    stub.reply(
      { json: fixture('builtwith', 'errors-invalid-key') },
      { json: fixture('builtwith', 'errors-no-credits') },
      { json: fixture('builtwith', 'errors-not-found') },
      { json: fixture('builtwith', 'errors-bad-domain') },
    );
    const { call, settings } = builtwithAt(stub.url);
    const auth = await failure(call(lookup('acme.com')));
    expect(auth).toBeInstanceOf(ProviderError);
    expect(auth).toMatchObject({ code: 'AUTH', retryable: false });
    expect(auth.message).toContain('BUILTWITH_API_KEY');
    const quota = await failure(call(lookup('acme.com')));
    expect(quota).toMatchObject({ code: 'QUOTA_EXHAUSTED', retryable: false });
    const none = await call(lookup('unknown-acme-9d2f.com'));
    expect(none).toEqual({ found: false, data: null, usage: { results: 0 } });
    expect(costOf(settings.cost, none)).toBe(0);
    const bad = await failure(call(lookup('acme.co')));
    expect(bad).toMatchObject({ code: 'BAD_INPUT', retryable: false });
  });

  it('never lets the key out: echoed in an in-band error, a plain-text 401, a 500 or a bad body', async () => {
    stub.reply(
      inBand(`The key ${KEY} has expired`),
      {
        status: 401,
        headers: { 'content-type': 'text/plain' },
        raw: `Unauthorized: GET /v22/api.json?KEY=${encodeURIComponent(KEY)}&LOOKUP=acme.com`,
      },
      {
        status: 500,
        headers: { 'content-type': 'text/plain' },
        raw: `Server error for KEY=${KEY}`,
      },
      { headers: { 'content-type': 'text/html' }, raw: `<html>${KEY}</html>` },
    );
    const { call } = builtwithAt(stub.url);
    const errors = [];
    for (let i = 0; i < 4; i++) errors.push(await failure(call(lookup('acme.com'))));
    expect(errors.map((e) => e.code)).toEqual(['AUTH', 'AUTH', 'TEMPORARY', 'TEMPORARY']);
    for (const e of errors) {
      expect(e.message).not.toContain(KEY);
      expect(e.message).toContain('***');
      expect(e.cause).toBeUndefined();
    }
  });

  it('429 → RATE_LIMITED with Retry-After; an unreachable vendor → TEMPORARY without the key', async () => {
    stub.reply({
      status: 429,
      headers: { 'retry-after': '3', 'content-type': 'text/plain' },
      raw: 'Too Many Requests',
    });
    const limited = await failure(builtwithAt(stub.url).call(lookup('acme.com')));
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 3000, status: 429 });

    const down = await failure(builtwithAt(await refusedUrl()).call(lookup('acme.com')));
    expect(down).toMatchObject({ code: 'TEMPORARY', retryable: true });
    expect(down.message).toMatch(/cannot reach BuiltWith/);
    expect(down.message).not.toContain(KEY);
  });

  it('declares its limits, cache TTL and a self-test request', () => {
    expect(BUILTWITH_METADATA).toMatchObject({
      rateLimits: { perSecond: 10 },
      maxConcurrency: 8,
      cacheTtlSeconds: 30 * 24 * 3600,
    });
    expect(new BuiltWithProvider().selfTestRequest()).toEqual(lookup('builtwith.com'));
  });
});
