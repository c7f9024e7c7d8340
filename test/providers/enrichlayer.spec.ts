import type { CompanyProfile } from '../../src/providers/company/company.types';
import { costOf } from '../../src/providers/core/cost';
import type { ProviderRequest } from '../../src/providers/core/enrichment-provider';
import { ProviderError } from '../../src/providers/core/provider-error';
import { providerSettingsProblems } from '../../src/providers/core/provider-settings';
import {
  ENRICHLAYER_METADATA,
  EnrichLayerProvider,
} from '../../src/providers/enrichlayer/enrichlayer.provider';
import type { PersonProfile } from '../../src/providers/person/person.types';
import { adapterAt, failure } from '../support/adapters';
import { antiBotPage } from '../support/anti-bot';
import { fixture, refusedUrl, VendorStub } from '../support/vendor-stub';

const KEY = 'enrichlayer-test-key-5d2e';

const enrichLayerAt = (baseUrl: string, env: Record<string, string> = {}) =>
  adapterAt(new EnrichLayerProvider(), {
    ENRICHLAYER_API_KEY: KEY,
    ENRICHLAYER_BASE_URL: baseUrl,
    ...env,
  });

const person = (linkedin_url: string): ProviderRequest => ({
  capability: 'person.linkedin',
  input: { linkedin_url },
});
const company = (linkedin_url: string): ProviderRequest => ({
  capability: 'company.linkedin',
  input: { linkedin_url },
});

const json = (name: string, status = 200, headers: Record<string, string> = {}) => ({
  status,
  headers,
  json: fixture('enrichlayer', name),
});

describe('Enrich Layer adapter: LinkedIn person and company profiles (local stub)', () => {
  let stub: VendorStub;
  beforeAll(async () => {
    stub = await VendorStub.start();
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.reset());

  it('GET /api/v2/profile with the normalised profile URL and a Bearer key; maps the whole profile', async () => {
    stub.reply(json('person-profile'));
    const { call, settings } = enrichLayerAt(stub.url);
    const r = await call(person('linkedin.com/in/johnrmarty/?originalSubdomain=uk'));

    const req = stub.requests[0];
    expect(req.method).toBe('GET');
    expect(req.path).toBe(
      '/api/v2/profile?profile_url=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fjohnrmarty',
    );
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.path).not.toContain(KEY);

    expect(r.found).toBe(true);
    expect(r.sources).toEqual(['https://www.linkedin.com/in/johnrmarty']);
    expect(r.data as PersonProfile).toEqual({
      vendor_id: 'johnrmarty',
      name: 'John Marty',
      first_name: 'John',
      last_name: 'Marty',
      title: 'Co-Founder',
      headline: 'Financial Freedom through Real Estate',
      about:
        'Most people go through life lost, disengaged, and unhappy at work. I help them build passive income through real estate.',
      linkedin_url: 'https://www.linkedin.com/in/johnrmarty',
      photo_url: 'https://s3.us-west-000.backblazeb2.com/proxycurl/person/johnrmarty/profile',
      location: {
        city: 'Seattle',
        state: 'Washington',
        country: 'United States of America',
        country_code: 'US',
        formatted: 'Seattle, Washington, United States of America',
      },
      organization: {
        name: 'Freedom Fund Real Estate',
        linkedin_url: 'https://www.linkedin.com/company/freedomfund',
        logo_url: 'https://s3.us-west-000.backblazeb2.com/proxycurl/company/freedomfund/profile',
      },
      employments: [
        {
          title: 'Co-Founder',
          organization_name: 'Freedom Fund Real Estate',
          organization_linkedin_url: 'https://www.linkedin.com/company/freedomfund',
          organization_logo_url:
            'https://s3.us-west-000.backblazeb2.com/proxycurl/company/freedomfund/profile',
          current: true,
          start_date: '2021-08-01',
          description:
            'Our mission is to provide everyday people seeking financial freedom long before the age of 65.',
        },
        {
          title: 'Founder',
          organization_name: 'Mindset Reset Podcast',
          current: false,
          start_date: '2016-01-01',
          end_date: '2021-07-31',
          location: 'Denver, Colorado, United States',
        },
      ],
      education: [
        {
          school: 'University of Colorado Denver',
          degree: 'MBA',
          field_of_study: 'Finance',
          start_date: '2013-01-01',
          end_date: '2015-12-31',
        },
      ],
      languages: ['English', 'Spanish'],
      recommendations: ['John is a great mentor and a clear thinker about real estate.'],
      connections: 500,
    });
    // One credit per profile, at the declared price per credit.
    expect(costOf(settings.cost, r)).toBe(0.02);
  });

  it('without experiences, the title and employer come from `occupation`; personal emails and numbers are kept', async () => {
    stub.reply(json('person-no-experiences'));
    const r = await enrichLayerAt(stub.url).call(
      person('https://uk.linkedin.com/in/jane-doe-acme'),
    );
    expect(stub.requests[0].path).toBe(
      '/api/v2/profile?profile_url=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fjane-doe-acme',
    );
    expect(r.data as PersonProfile).toEqual({
      vendor_id: 'jane-doe-acme',
      name: 'Jane Doe',
      first_name: 'Jane',
      last_name: 'Doe',
      title: 'Chief Executive Officer',
      headline: 'CEO at Acme Corp | Anvils that last',
      personal_emails: ['jane.doe@example.org'],
      phone_numbers: [{ number: '+44 20 7946 0000', type: 'personal' }],
      linkedin_url: 'https://www.linkedin.com/in/jane-doe-acme',
      location: { country: 'United Kingdom', country_code: 'GB', formatted: 'United Kingdom' },
      organization: { name: 'Acme Corp' },
      connections: 212,
    });
  });

  it('GET /api/v2/company with the normalised company URL; maps the whole company', async () => {
    stub.reply(json('company-profile'));
    const { call, settings } = enrichLayerAt(stub.url);
    const r = await call(company('https://www.linkedin.com/company/microsoft/about/'));

    expect(stub.requests[0].path).toBe(
      '/api/v2/company?url=https%3A%2F%2Fwww.linkedin.com%2Fcompany%2Fmicrosoft',
    );
    expect(stub.requests[0].headers.authorization).toBe(`Bearer ${KEY}`);
    expect(r.found).toBe(true);
    expect(r.data as CompanyProfile).toEqual({
      name: 'Microsoft',
      domain: 'news.microsoft.com',
      website: 'https://news.microsoft.com/',
      linkedin_url: 'https://www.linkedin.com/company/microsoft',
      logo_url: 'https://s3.us-west-000.backblazeb2.com/proxycurl/company/microsoft/profile',
      description:
        "Every company has a mission. What's ours? To empower every person and every organization to achieve more.",
      industry: 'Software Development',
      keywords: ['Business Software', 'Developer Tools', 'Cloud Computing'],
      employee_count: 220000,
      company_size: '10001+',
      founded_year: 1975,
      company_type: 'public',
      headquarters: {
        street: '1 Microsoft Way',
        city: 'Redmond',
        state: 'Washington',
        postal_code: '98052',
        country: 'US',
        formatted: '1 Microsoft Way, Redmond, Washington, 98052, US',
      },
      locations: [
        {
          street: '1 Microsoft Way',
          city: 'Redmond',
          state: 'Washington',
          postal_code: '98052',
          country: 'US',
          formatted: '1 Microsoft Way, Redmond, Washington, 98052, US',
        },
        {
          street: 'South County Business Park',
          city: 'Dublin',
          postal_code: 'D18 P521',
          country: 'IE',
          formatted: 'South County Business Park, Dublin, D18 P521, IE',
        },
      ],
      linkedin_followers: 23000000,
      vendor_id: '1035',
    });
    expect(costOf(settings.cost, r)).toBe(0.02);
  });

  it('404 is "not found": a result, not a failure, and free', async () => {
    stub.reply(json('error-404', 404), json('error-404', 404));
    const { call, settings } = enrichLayerAt(stub.url);
    const p = await call(person('https://www.linkedin.com/in/nobody-here'));
    expect(p).toEqual({ found: false, data: null, usage: { results: 0 } });
    expect(costOf(settings.cost, p)).toBe(0);
    expect(await call(company('https://www.linkedin.com/company/nothing'))).toMatchObject({
      found: false,
      data: null,
    });
  });

  it('the error table: 400 BAD_INPUT, 401 AUTH, 403 out of credits, 410 deprecated — none retried', async () => {
    stub.reply(json('error-400', 400), json('error-401', 401), json('error-403', 403), {
      status: 410,
      headers: { 'content-type': 'text/plain' },
      raw: 'Gone',
    });
    const { call } = enrichLayerAt(stub.url);
    const ask = () => call(person('https://www.linkedin.com/in/johnrmarty'));
    const bad = await failure(ask());
    expect(bad).toBeInstanceOf(ProviderError);
    expect(bad).toMatchObject({ code: 'BAD_INPUT', retryable: false, status: 400 });
    expect(bad.message).toContain('profile_url is not a LinkedIn profile URL');
    const auth = await failure(ask());
    expect(auth).toMatchObject({ code: 'AUTH', retryable: false, status: 401 });
    expect(auth.message).toMatch(/Invalid API key.*ENRICHLAYER_API_KEY/);
    const credits = await failure(ask());
    expect(credits).toMatchObject({ code: 'QUOTA_EXHAUSTED', retryable: false, status: 403 });
    expect(credits.message).toContain('You have run out of credits');
    const gone = await failure(ask());
    expect(gone).toMatchObject({ code: 'NOT_FOUND', retryable: false, status: 410 });
    expect(gone.message).toContain('ENRICHLAYER_BASE_URL');
  });

  it('429 is RATE_LIMITED with or without Retry-After; 500 and 503 are TEMPORARY (retried)', async () => {
    const limited = { code: 429, description: 'Rate limited', name: 'Too Many Requests' };
    stub.reply(
      { status: 429, headers: { 'retry-after': '30' }, json: limited },
      { status: 429, json: limited },
      { status: 500, json: { code: 500, description: 'Server error', name: 'Error' } },
      { status: 503, json: { code: 503, description: 'Enrichment failed', name: 'Error' } },
    );
    const { call } = enrichLayerAt(stub.url);
    const ask = () => call(company('https://www.linkedin.com/company/microsoft'));
    expect(await failure(ask())).toMatchObject({
      code: 'RATE_LIMITED',
      retryable: true,
      retryAfterMs: 30_000,
    });
    // No Retry-After: none is invented here; the platform's block pause decides (provider-block.ts).
    const bare = await failure(ask());
    expect(bare).toMatchObject({ code: 'RATE_LIMITED', retryable: true, status: 429 });
    expect(bare.retryAfterMs).toBeUndefined();
    expect(await failure(ask())).toMatchObject({ code: 'TEMPORARY', retryable: true, status: 500 });
    const failed = await failure(ask());
    expect(failed).toMatchObject({ code: 'TEMPORARY', retryable: true, status: 503 });
    expect(failed.message).toContain('Enrichment failed');
  });

  it('an anti-bot / CAPTCHA page where JSON was expected is BLOCKED, whatever its status', async () => {
    stub.reply(
      { status: 200, headers: { 'content-type': 'text/html' }, raw: antiBotPage('captcha-page') },
      {
        status: 403,
        headers: { 'content-type': 'text/html; charset=UTF-8' },
        raw: antiBotPage('cloudflare-challenge'),
      },
      // An HTML error page without a wall's markers is a plain vendor fault, not a block.
      { status: 502, headers: { 'content-type': 'text/html' }, raw: '<html>Bad Gateway</html>' },
      { status: 200, headers: { 'content-type': 'text/plain' }, raw: 'not json' },
    );
    const { call } = enrichLayerAt(stub.url);
    const ask = () => call(person('https://www.linkedin.com/in/johnrmarty'));
    const captcha = await failure(ask());
    expect(captcha).toMatchObject({ code: 'BLOCKED', retryable: false, status: 200 });
    expect(captcha.message).toMatch(/Enrich Layer answered an anti-bot \/ CAPTCHA page/);
    // A wall's 403 is not "out of credits".
    expect(await failure(ask())).toMatchObject({ code: 'BLOCKED', status: 403 });
    expect(await failure(ask())).toMatchObject({ code: 'TEMPORARY', status: 502 });
    expect(await failure(ask())).toMatchObject({
      code: 'TEMPORARY',
      message: expect.stringMatching(/not JSON/),
    });
  });

  it('refuses what is not the right LinkedIn URL before any request; an unreachable vendor is TEMPORARY', async () => {
    const { call } = enrichLayerAt(stub.url);
    for (const ask of [
      person('https://www.linkedin.com/company/microsoft'),
      person('https://example.com/in/jane'),
      company('https://www.linkedin.com/in/johnrmarty'),
      { capability: 'company.profile' as const, input: { domain: 'microsoft.com' } },
    ]) {
      expect(await failure(call(ask))).toMatchObject({ code: 'BAD_INPUT', retryable: false });
    }
    expect(stub.requests).toHaveLength(0);
    const down = await failure(
      enrichLayerAt(await refusedUrl()).call(person('https://www.linkedin.com/in/johnrmarty')),
    );
    expect(down).toMatchObject({ code: 'TEMPORARY' });
    expect(down.message).toMatch(/cannot reach Enrich Layer/);
  });

  it('declares price per credit, 300/min, 30 days of cache, the block rule and a self-test; settings override them', () => {
    expect(ENRICHLAYER_METADATA).toMatchObject({
      id: 'enrichlayer',
      capabilities: ['person.linkedin', 'company.linkedin'],
      baseUrl: 'https://enrichlayer.com',
      cost: { perResultUsd: 0.02, maxResultsPerCall: 1 },
      rateLimits: { perMinute: 300 },
      cacheTtlSeconds: 30 * 24 * 3600,
      pauseWhenBlocked: true,
    });
    expect(new EnrichLayerProvider().selfTestRequest()).toEqual(
      person('https://www.linkedin.com/in/williamhgates'),
    );
    const { settings } = enrichLayerAt('https://enrichlayer.example', {
      ENRICHLAYER_PRICES: '{"perResultUsd":0.01}',
      ENRICHLAYER_RATE_PER_MINUTE: '2',
      ENRICHLAYER_BLOCK_PAUSE_SECONDS: '600',
    });
    expect(settings).toMatchObject({
      cost: { perResultUsd: 0.01, maxResultsPerCall: 1 },
      rateLimits: { perMinute: 2 },
      blockPauseSeconds: 600,
    });
    expect(enrichLayerAt('https://enrichlayer.example').settings.blockPauseSeconds).toBe(3600);
    expect(
      providerSettingsProblems('enrichlayer', { ENRICHLAYER_BLOCK_PAUSE_SECONDS: '1h' }),
    ).toEqual([
      expect.stringMatching(
        /^ENRICHLAYER_BLOCK_PAUSE_SECONDS must be a whole number of seconds ≥ 0.*"1h"/,
      ),
    ]);
    expect(() =>
      enrichLayerAt('https://enrichlayer.example', { ENRICHLAYER_BLOCK_PAUSE_SECONDS: '-5' }),
    ).toThrow(/ENRICHLAYER_BLOCK_PAUSE_SECONDS/);
  });
});
