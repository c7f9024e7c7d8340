import type { ProviderRequest } from '../../src/providers/core/enrichment-provider';
import type { EmailFindResult } from '../../src/providers/email/email.types';
import {
  HUNTER_METADATA,
  HUNTER_USD_PER_SEARCH_CREDIT,
} from '../../src/providers/hunter/hunter.metadata';
import { HunterProvider } from '../../src/providers/hunter/hunter.provider';
import { adapterAt, failure } from '../support/adapters';
import { fixture, refusedUrl, VendorStub } from '../support/vendor-stub';

const KEY = 'hunter-test-key-5c2e91';

const hunterAt = (baseUrl: string, env: Record<string, string> = {}) =>
  adapterAt(new HunterProvider(), { HUNTER_API_KEY: KEY, HUNTER_BASE_URL: baseUrl, ...env });

const finder = (input: Record<string, unknown>): ProviderRequest => ({
  capability: 'email.find',
  input,
});
const domainSearch = (input: Record<string, unknown>): ProviderRequest => ({
  capability: 'email.find',
  operation: 'domain-search',
  input,
});

/** Hunter's error envelope (VENDORS.md §2). */
const errors = (id: string, code: number, details: string) => ({
  errors: [{ id, code, details }],
});

describe('Hunter email.find adapter (against a local stub)', () => {
  let stub: VendorStub;
  beforeAll(async () => {
    stub = await VendorStub.start();
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.reset());

  it('email-finder: asks by domain and name with the key in X-API-KEY, never in the URL', async () => {
    stub.reply({ json: fixture('hunter', 'email-finder') });
    const r = await hunterAt(`${stub.url}/v2`).call(
      finder({ domain: 'https://www.Reddit.com/', first_name: 'Alexis', last_name: 'Ohanian' }),
    );

    const req = stub.requests[0];
    expect(req.method).toBe('GET');
    expect(req.path).toBe('/v2/email-finder?domain=reddit.com&first_name=Alexis&last_name=Ohanian');
    expect(req.headers['x-api-key']).toBe(KEY);
    expect(req.path).not.toContain(KEY);
    expect(req.path).not.toContain('api_key');

    expect(r).toMatchObject({ found: true, usage: { results: 1 } });
    expect(r.costUsd).toBeCloseTo(HUNTER_USD_PER_SEARCH_CREDIT, 8);
    expect(r.data as EmailFindResult).toEqual({
      domain: 'reddit.com',
      organization: 'Reddit',
      accept_all: false,
      total: 1,
      emails: [
        {
          email: 'alexis@reddit.com',
          confidence: 97,
          first_name: 'Alexis',
          last_name: 'Ohanian',
          position: 'Cofounder',
          linkedin_url: 'https://www.linkedin.com/in/alexisohanian',
          twitter: 'alexisohanian',
          sources: [
            {
              domain: 'redditinc.com',
              uri: 'http://redditinc.com/press',
              extracted_on: '2024-06-08',
              last_seen_on: '2025-01-10',
              still_on_page: true,
            },
          ],
          verification: { status: 'deliverable', date: '2025-01-12' },
        },
      ],
    });
  });

  it('email-finder: a miss (email null) is found: false and free; full_name and company work too', async () => {
    stub.reply({ json: fixture('hunter', 'email-finder-not-found') });
    const r = await hunterAt(stub.url).call(
      finder({ company: 'Reddit', full_name: 'Nobody Here' }),
    );
    expect(stub.requests[0].path).toBe('/email-finder?company=Reddit&full_name=Nobody+Here');
    expect(r).toEqual({ found: false, data: null, usage: { results: 0 }, costUsd: 0 });
  });

  it('refuses before any call what Hunter would refuse (no credit spent)', async () => {
    const { call } = hunterAt(stub.url);
    const cases: Array<[ProviderRequest, string]> = [
      [finder({ first_name: 'A', last_name: 'B' }), 'needs a `domain`'],
      [finder({ domain: 'acme.com', first_name: 'A' }), '`full_name`'],
      [finder({ domain: 'not a domain', full_name: 'A B' }), 'is not a domain name'],
      [domainSearch({ domain: 'acme.com', limit: 101 }), '`limit` must be a whole number 1–100'],
      [domainSearch({ domain: 'acme.com', type: 'role' }), '`type` is "personal" or "generic"'],
      [domainSearch({ domain: 'acme.com', seniority: ['boss'] }), 'unknown seniority "boss"'],
      [{ capability: 'email.find', operation: 'bulk', input: {} }, 'has no operation "bulk"'],
      [{ capability: 'person.enrich', input: {} }, 'hunter does not serve person.enrich'],
    ];
    for (const [request, message] of cases) {
      const err = await failure(call(request));
      expect(err).toMatchObject({ code: 'BAD_INPUT', retryable: false });
      expect(err.message).toContain(message);
    }
    expect(stub.requests).toHaveLength(0);
  });

  it('domain-search: maps the pattern, organization, personal vs generic emails and the total', async () => {
    stub.reply({ json: fixture('hunter', 'domain-search') });
    const r = await hunterAt(stub.url).call(
      domainSearch({
        domain: 'acme.com',
        type: 'personal',
        seniority: ['senior', 'executive'],
        department: ['sales'],
        limit: 20,
        offset: 10,
      }),
    );
    expect(stub.requests[0].path).toBe(
      '/domain-search?domain=acme.com&type=personal&seniority=senior%2Cexecutive&department=sales&limit=20&offset=10',
    );
    const data = r.data as EmailFindResult;
    expect(data).toMatchObject({
      domain: 'acme.com',
      organization: 'Acme Inc',
      pattern: '{first}.{last}',
      accept_all: false,
      disposable: false,
      webmail: false,
      total: 37,
    });
    expect(data.emails).toEqual([
      {
        email: 'olivia.martin@acme.com',
        type: 'personal',
        confidence: 96,
        first_name: 'Olivia',
        last_name: 'Martin',
        position: 'Head of Sales',
        seniority: 'executive',
        department: 'sales',
        linkedin_url: 'https://www.linkedin.com/in/olivia-martin',
        sources: [
          {
            domain: 'acme.com',
            uri: 'http://acme.com/about/team',
            extracted_on: '2025-02-11',
            last_seen_on: '2025-06-02',
            still_on_page: true,
          },
        ],
        verification: { status: 'deliverable', date: '2025-06-10' },
      },
      {
        // Generic inbox: no person, and no fresh verification (both leaves null → none).
        email: 'info@acme.com',
        type: 'generic',
        confidence: 91,
        sources: [
          {
            domain: 'acme.com',
            uri: 'http://acme.com/contact',
            extracted_on: '2024-11-03',
            last_seen_on: '2025-05-20',
            still_on_page: false,
          },
        ],
      },
    ]);
    // Two emails: one search credit (1 per 1–10 emails returned).
    expect(r).toMatchObject({ found: true, usage: { results: 1 } });
    expect(r.costUsd).toBeCloseTo(HUNTER_USD_PER_SEARCH_CREDIT, 8);
  });

  it('domain-search: nothing found is found: false with its (empty) page, free', async () => {
    stub.reply({ json: fixture('hunter', 'domain-search-empty') });
    const r = await hunterAt(stub.url).call(domainSearch({ domain: 'quiet.example' }));
    expect(stub.requests[0].path).toBe('/domain-search?domain=quiet.example&limit=10');
    expect(r).toMatchObject({ found: false, usage: { results: 0 }, costUsd: 0 });
    expect(r.data).toEqual({
      domain: 'quiet.example',
      pattern: null,
      accept_all: null,
      disposable: false,
      webmail: false,
      emails: [],
      total: 0,
    });
  });

  it('worst case: a credit per 10 emails of the page asked; one for the finder; none for account', () => {
    const { adapter, settings } = hunterAt(stub.url);
    const max = (r: ProviderRequest) => adapter.estimateMaxCostUsd(r, settings.cost);
    expect(max(domainSearch({ domain: 'acme.com', limit: 100 }))).toBeCloseTo(0.245, 8);
    expect(max(domainSearch({ domain: 'acme.com' }))).toBeCloseTo(0.0245, 8);
    expect(max(finder({ domain: 'acme.com', full_name: 'A B' }))).toBeCloseTo(0.0245, 8);
    expect(max({ capability: 'email.verify', operation: 'account', input: {} })).toBe(0);
  });

  it('HUNTER_PRICES sets the credit price', async () => {
    stub.reply({ json: fixture('hunter', 'domain-search') });
    const { call } = hunterAt(stub.url, { HUNTER_PRICES: '{"perResultUsd":0.1}' });
    expect((await call(domainSearch({ domain: 'acme.com' }))).costUsd).toBeCloseTo(0.1, 8);
  });

  it('account: the plan and its quota buckets, free and never cached', async () => {
    stub.reply({ json: fixture('hunter', 'account') });
    const r = await hunterAt(stub.url).call({
      capability: 'email.verify',
      operation: 'account',
      input: {},
    });
    expect(stub.requests[0].path).toBe('/account');
    expect(stub.requests[0].headers['x-api-key']).toBe(KEY);
    expect(r).toEqual({
      found: true,
      costUsd: 0,
      usage: { results: 0 },
      data: {
        plan_name: 'Starter',
        plan_level: 1,
        reset_date: '2025-07-01',
        buckets: {
          searches: { used: 120, available: 2000, left: 1880 },
          verifications: { used: 40, available: 4000, left: 3960 },
        },
      },
    });
    expect(HUNTER_METADATA.cacheTtlSeconds).toMatchObject({ account: 0 });
  });

  describe('errors', () => {
    const ask = () => hunterAt(stub.url).call(finder({ domain: 'acme.com', full_name: 'A B' }));

    it('400 / 422 are BAD_INPUT with Hunter’s details', async () => {
      stub.reply(
        { status: 400, json: errors('wrong_params', 400, 'You are missing the domain parameter') },
        { status: 422, json: errors('invalid_argument', 422, 'Resource creation failed') },
      );
      const e400 = await failure(ask());
      expect(e400).toMatchObject({ code: 'BAD_INPUT', status: 400, retryable: false });
      expect(e400.message).toContain('You are missing the domain parameter (wrong_params)');
      expect(await failure(ask())).toMatchObject({ code: 'BAD_INPUT', status: 422 });
    });

    it('401 is AUTH; a 403 about the plan is AUTH; a 403 rate limit is RATE_LIMITED', async () => {
      stub.reply(
        { status: 401, json: errors('authentication_failed', 401, 'No valid API key provided.') },
        { status: 403, json: errors('restricted', 403, 'Your plan does not allow this endpoint') },
        { status: 403, json: errors('too_many_requests', 403, 'You have reached the rate limit') },
      );
      const auth = await failure(ask());
      expect(auth).toMatchObject({ code: 'AUTH', status: 401, retryable: false });
      expect(auth.message).toContain('HUNTER_API_KEY');
      expect(auth.message).not.toContain(KEY);
      expect(await failure(ask())).toMatchObject({ code: 'AUTH', status: 403, retryable: false });
      expect(await failure(ask())).toMatchObject({
        code: 'RATE_LIMITED',
        status: 403,
        retryAfterMs: 1000,
      });
    });

    it('402, and a 429 about the usage limit, are QUOTA_EXHAUSTED (not retried)', async () => {
      stub.reply(
        { status: 402, json: errors('quota_exceeded', 402, 'Please upgrade your plan') },
        {
          status: 429,
          json: errors('too_many_requests', 429, 'You have reached your usage limit'),
        },
      );
      expect(await failure(ask())).toMatchObject({ code: 'QUOTA_EXHAUSTED', retryable: false });
      const quota = await failure(ask());
      expect(quota).toMatchObject({ code: 'QUOTA_EXHAUSTED', status: 429, retryable: false });
      expect(quota.message).toContain('operation "account"');
    });

    it('429 is RATE_LIMITED, with Retry-After when given', async () => {
      stub.reply(
        {
          status: 429,
          headers: { 'retry-after': '7' },
          json: errors('too_many_requests', 429, 'Slow down'),
        },
        { status: 429, json: errors('too_many_requests', 429, 'Slow down') },
      );
      expect(await failure(ask())).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 7000 });
      const bare = await failure(ask());
      expect(bare).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
      expect(bare.retryAfterMs).toBeUndefined();
    });

    it('5xx, a body that is not JSON and a refused connection are TEMPORARY (retried)', async () => {
      stub.reply({ status: 503, raw: 'upstream unavailable' }, { raw: '<html>oops</html>' });
      expect(await failure(ask())).toMatchObject({
        code: 'TEMPORARY',
        retryable: true,
        status: 503,
      });
      expect(await failure(ask())).toMatchObject({ code: 'TEMPORARY', retryable: true });
      const down = await failure(
        hunterAt(await refusedUrl()).call(finder({ domain: 'acme.com', full_name: 'A B' })),
      );
      expect(down).toMatchObject({ code: 'TEMPORARY', retryable: true });
    });

    it('451 on a search is BLOCKED (restricted for legal reasons), not retried', async () => {
      stub.reply({ status: 451, json: errors('restricted', 451, 'Unavailable for legal reasons') });
      expect(await failure(ask())).toMatchObject({ code: 'BLOCKED', retryable: false });
    });
  });
});
