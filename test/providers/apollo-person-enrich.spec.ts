import { APOLLO_METADATA, ApolloProvider } from '../../src/providers/apollo/apollo.provider';
import { costOf } from '../../src/providers/core/cost';
import type { PersonEnrichResult } from '../../src/providers/person/person.types';
import { failure } from '../support/adapters';
import { fixture, VendorStub } from '../support/vendor-stub';
import { apolloAt, enrich, KEY, limitHeaders, search } from './support/apollo';

/** What people/match and bulk_match answer for Tim Zheng (fixture people-match), mapped. */
const TIM = {
  vendor_id: '6453e9bd8f50d40001f1e348',
  name: 'Tim Zheng',
  first_name: 'Tim',
  last_name: 'Zheng',
  title: 'Founder & CEO',
  headline: 'Founder & CEO at Acme',
  seniority: 'founder',
  departments: ['c_suite'],
  subdepartments: ['founder'],
  functions: ['entrepreneurship'],
  email: 'tim@acme.com',
  email_status: 'verified',
  phone_numbers: [{ number: '+16025550100', type: 'work_hq' }],
  linkedin_url: 'http://www.linkedin.com/in/tim-zheng-677ba010',
  location: {
    city: 'San Francisco',
    state: 'California',
    country: 'United States',
    formatted: 'San Francisco, California, United States',
  },
  organization: {
    vendor_id: '5e66b6381e05b4008c8331b8',
    name: 'Acme Corp',
    domain: 'acme.com',
    website: 'http://www.acme.com',
    linkedin_url: 'http://www.linkedin.com/company/acme-corp',
    industry: 'machinery',
    employee_count: 850,
    founded_year: 1949,
  },
  // Current role first, whatever order Apollo sent them in.
  employments: [
    {
      title: 'Founder & CEO',
      organization_name: 'Acme',
      organization_id: '5e66b6381e05b4008c8331b8',
      current: true,
      start_date: '2016-01-01',
    },
    {
      title: 'Product Manager',
      organization_name: 'Roadrunner Labs',
      organization_id: '54a1b2c3d4e5f6a7b8c9d0e1',
      current: false,
      start_date: '2010-06-01',
      end_date: '2015-12-31',
    },
  ],
};

describe('Apollo person.enrich: people/bulk_match and people/match (against a local stub)', () => {
  let stub: VendorStub;
  beforeAll(async () => {
    stub = await VendorStub.start();
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.reset());

  it('sends {details} in order and keeps positions: null where no one matched', async () => {
    stub.reply({ json: fixture('apollo', 'people-bulk-match') });
    const { call, settings } = apolloAt(stub.url);
    const r = await call(
      enrich({
        people: [
          { email: 'tim@acme.com', name: 'Tim Zheng' },
          {
            first_name: 'Nobody',
            last_name: 'Known',
            company: 'Acme Corp',
            domain: 'www.acme.com',
          },
          { vendor_id: '6453e9bd8f50d40001f1e999', linkedin_url: 'linkedin.com/in/priya-raman' },
        ],
        reveal_personal_emails: true,
      }),
    );
    const req = stub.requests[0];
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/api/v1/people/bulk_match');
    expect(req.headers['x-api-key']).toBe(KEY);
    expect(req.body).toEqual({
      details: [
        { email: 'tim@acme.com', name: 'Tim Zheng' },
        {
          first_name: 'Nobody',
          last_name: 'Known',
          organization_name: 'Acme Corp',
          domain: 'acme.com',
        },
        { id: '6453e9bd8f50d40001f1e999', linkedin_url: 'linkedin.com/in/priya-raman' },
      ],
      reveal_personal_emails: true,
    });

    const { matches } = r.data as PersonEnrichResult;
    expect(matches).toHaveLength(3);
    expect(matches[0]).toEqual(TIM);
    expect(matches[1]).toBeNull();
    expect(matches[2]).toMatchObject({
      vendor_id: '6453e9bd8f50d40001f1e999',
      name: 'Priya Raman',
      email: 'priya@acme.com',
      email_status: 'extrapolated',
      extrapolated_email_confidence: 0.74,
      seniority: 'vp',
      departments: ['master_sales'],
      location: { city: 'Phoenix', state: 'Arizona', country: 'United States' },
    });
    expect(matches[2]).not.toHaveProperty('obfuscated');
    // Priced per person matched ($0.10 each), whatever credits Apollo reports (kept in usage).
    expect(r).toMatchObject({ found: true, usage: { results: 2.02 }, costUsd: 0.2 });
    expect(costOf(settings.cost, r)).toBe(0.2);
  });

  it('a matches array shorter than the request is padded with nulls; results = people found', async () => {
    stub.reply({ json: fixture('apollo', 'people-bulk-match-short') });
    const { call, settings } = apolloAt(stub.url);
    const r = await call(
      enrich({
        people: [{ email: 'sam@acme.com' }, { email: 'a@acme.com' }, { email: 'b@acme.com' }],
      }),
    );
    const { matches } = r.data as PersonEnrichResult;
    expect(matches).toEqual([
      {
        vendor_id: '6453e9bd8f50d40001f1e777',
        name: 'Sam Lee',
        email: 'sam@acme.com',
        organization: { name: 'Acme Corp' },
      },
      null,
      null,
    ]);
    expect(r.usage).toEqual({ results: 1 });
    expect(costOf(settings.cost, r)).toBe(0.1);
  });

  it('no one matched: found false, every position null, nothing billed', async () => {
    stub.reply({ json: { status: 'success', credits_consumed: 0, matches: [null, {}] } });
    const { call, settings } = apolloAt(stub.url);
    const r = await call(enrich({ people: [{ email: 'x@acme.com' }, { email: 'y@acme.com' }] }));
    expect(r).toEqual({
      found: false,
      data: { matches: [null, null] },
      usage: { results: 0 },
      costUsd: 0,
    });
    expect(costOf(settings.cost, r)).toBe(0);
  });

  it('more than 10 people, none, or one with nothing to match on: BAD_INPUT without a call', async () => {
    const { call } = apolloAt(stub.url);
    const eleven = Array.from({ length: 11 }, (_, i) => ({ email: `p${i}@acme.com` }));
    const tooMany = await failure(call(enrich({ people: eleven })));
    expect(tooMany).toMatchObject({ code: 'BAD_INPUT', retryable: false });
    expect(tooMany.message).toMatch(/at most 10 people per call \(got 11\)/);
    expect(await failure(call(enrich({ people: [] })))).toMatchObject({ code: 'BAD_INPUT' });
    const empty = await failure(
      call(enrich({ people: [{ email: 'a@acme.com' }, { company: 'Acme' }] })),
    );
    expect(empty.message).toMatch(/people\[1\] has nothing to match on/);
    expect(stub.requests).toHaveLength(0);
  });

  it('422 is BAD_INPUT; 429 waits by the rate headers or, with the day used up, is QUOTA_EXHAUSTED', async () => {
    stub.reply(
      { status: 422, json: fixture('apollo', 'error-422-bulk') },
      { status: 429, headers: limitHeaders({ minute: 0, hourly: 80, daily: 250 }), json: {} },
      { status: 429, headers: limitHeaders({ minute: 3, hourly: 0, daily: 250 }), json: {} },
      { status: 429, headers: limitHeaders({ minute: 0, hourly: 0, daily: 0 }), json: {} },
      { status: 500, json: { error: 'internal' } },
    );
    const { call } = apolloAt(stub.url);
    const ask = () => call(enrich({ people: [{ email: 'tim@acme.com' }] }));
    const bad = await failure(ask());
    expect(bad).toMatchObject({ code: 'BAD_INPUT', retryable: false, status: 422 });
    expect(bad.message).toContain('at most 10 items');
    expect(await failure(ask())).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 60_000 });
    expect(await failure(ask())).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 3_600_000 });
    const day = await failure(ask());
    expect(day).toMatchObject({ code: 'QUOTA_EXHAUSTED', retryable: false });
    expect(day.message).toContain('APOLLO_PERSON_ENRICH_RATE_PER_DAY');
    expect(await failure(ask())).toMatchObject({ code: 'TEMPORARY', retryable: true });
  });

  it('operation "match": people/match for one person, with the same mapping', async () => {
    stub.reply(
      { json: fixture('apollo', 'people-match') },
      { json: fixture('apollo', 'people-match-null') },
    );
    const { call, settings } = apolloAt(stub.url);
    const r = await call(enrich({ people: [{ linkedin_url: TIM.linkedin_url }] }, 'match'));
    expect(stub.requests[0].path).toBe('/api/v1/people/match');
    expect(stub.requests[0].body).toEqual({ linkedin_url: TIM.linkedin_url });
    expect(r).toEqual({
      found: true,
      data: { matches: [TIM] },
      usage: { results: 1 },
      costUsd: 0.1,
    });
    expect(costOf(settings.cost, r)).toBe(0.1);
    const none = await call(enrich({ people: [{ email: 'ghost@acme.com' }] }, 'match'));
    expect(none).toEqual({
      found: false,
      data: { matches: [null] },
      usage: { results: 0 },
      costUsd: 0,
    });
    const two = await failure(
      call(enrich({ people: [{ email: 'a@acme.com' }, { email: 'b@acme.com' }] }, 'match')),
    );
    expect(two.message).toMatch(/exactly one person/);
    expect(stub.requests).toHaveLength(2);
  });

  it('declares the operations, their limits and the worst case of each for budgets', () => {
    const adapter = new ApolloProvider();
    expect(APOLLO_METADATA.capabilities).toEqual([
      'company.profile',
      'people.search',
      'person.enrich',
    ]);
    expect(APOLLO_METADATA.operationRateLimits).toEqual({
      'people.search': { perMinute: 50, perDay: 300 },
      'person.enrich': { perMinute: 5, perDay: 300 },
    });
    const cost = APOLLO_METADATA.cost;
    const people = (n: number) => Array.from({ length: n }, (_, i) => ({ email: `${i}@a.com` }));
    expect(adapter.estimateMaxCostUsd(search({ domain: 'acme.com' }), cost)).toBe(0);
    // Every person asked for may match, at $0.10 each.
    expect(adapter.estimateMaxCostUsd(enrich({ people: people(3) }), cost)).toBe(0.3);
    expect(adapter.estimateMaxCostUsd(enrich({ people: people(10) }), cost)).toBe(1);
    const org = { capability: 'company.profile' as const, input: { domain: 'acme.com' } };
    expect(adapter.estimateMaxCostUsd(org, cost)).toBe(0.2);
    expect(adapter.estimateMaxCostUsd({ ...org, operation: 'search' }, cost)).toBe(0.2);
  });

  it('the person price is overridable: APOLLO_PRICES models["person.enrich"]', async () => {
    stub.reply({ json: fixture('apollo', 'people-bulk-match') });
    const { call, settings } = apolloAt(stub.url, {
      APOLLO_PRICES: '{"models":{"person.enrich":{"perResultUsd":0.08}}}',
    });
    const r = await call(
      enrich({
        people: [{ email: 'tim@acme.com' }, { email: 'x@acme.com' }, { email: 'p@acme.com' }],
      }),
    );
    expect(costOf(settings.cost, r)).toBe(0.16);
    const adapter = new ApolloProvider();
    expect(
      adapter.estimateMaxCostUsd(enrich({ people: [{ email: 'a@b.com' }] }), settings.cost),
    ).toBe(0.08);
    // Organizations keep the credit price.
    const org = { capability: 'company.profile' as const, input: { domain: 'acme.com' } };
    expect(adapter.estimateMaxCostUsd(org, settings.cost)).toBe(0.2);
  });

  it('an operation or capability Apollo does not have is BAD_INPUT', async () => {
    const { call } = apolloAt(stub.url);
    const op = await failure(call(enrich({ people: [{ email: 'a@acme.com' }] }, 'reveal')));
    expect(op).toMatchObject({ code: 'BAD_INPUT' });
    expect(op.message).toContain('person.enrich has no operation "reveal"');
    const cap = await failure(call({ capability: 'email.find', input: {} }));
    expect(cap.message).toContain('apollo does not serve email.find');
    expect(stub.requests).toHaveLength(0);
  });
});
