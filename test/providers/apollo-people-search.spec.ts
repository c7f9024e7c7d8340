import { costOf } from '../../src/providers/core/cost';
import type { PeopleSearchInput, PeopleSearchPage } from '../../src/providers/person/person.types';
import { failure } from '../support/adapters';
import { fixture, VendorStub } from '../support/vendor-stub';
import { apolloAt, enrich, KEY, limitHeaders, search, SEARCH_KEY } from './support/apollo';

describe('Apollo people.search: mixed_people/api_search (against a local stub)', () => {
  let stub: VendorStub;
  beforeAll(async () => {
    stub = await VendorStub.start();
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.reset());

  it('POSTs the filters as JSON with the key in X-Api-Key and maps obfuscated records as such', async () => {
    stub.reply({ json: fixture('apollo', 'people-api-search') });
    // Prices that would charge per call: the free search still costs nothing.
    const { call, settings } = apolloAt(stub.url, { APOLLO_PRICES: '{"perCallUsd":0.05}' });
    const r = await call(
      search({
        domain: 'https://www.Acme.com/team',
        titles: ['VP Sales', ' Head of Revenue ', ''],
        seniorities: ['VP', 'C-Suite'],
        include_similar_titles: false,
      }),
    );

    const req = stub.requests[0];
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/api/v1/mixed_people/api_search');
    expect(req.headers['x-api-key']).toBe(KEY);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toEqual({
      q_organization_domains_list: ['acme.com'],
      person_titles: ['VP Sales', 'Head of Revenue'],
      person_seniorities: ['vp', 'c_suite'],
      include_similar_titles: false,
      page: 1,
      per_page: 100,
    });

    expect(r.found).toBe(true);
    const page = r.data as PeopleSearchPage;
    expect(page).toMatchObject({ total_entries: 2145, page: 1, total_pages: 22 });
    expect(page.people).toEqual([
      {
        vendor_id: '66f1c0a1b2c3d4e5f6a7b8c9',
        first_name: 'Tim',
        obfuscated: true,
        last_name_obfuscated: 'Zh***g',
        available: { email: true, direct_phone: 'yes', city: true, state: true, country: true },
        title: 'Founder & CEO',
        organization: { name: 'Acme Corp' },
        refreshed_at: '2025-03-06T00:00:00.000+00:00',
      },
      {
        vendor_id: '66f1c0a1b2c3d4e5f6a7b8d0',
        first_name: 'Priya',
        obfuscated: true,
        last_name_obfuscated: 'Ra***n',
        available: { email: false, direct_phone: 'maybe', city: true, state: false, country: true },
        title: 'VP of Sales',
        organization: { name: 'Acme Corp' },
        refreshed_at: '2025-02-11T00:00:00.000+00:00',
      },
    ]);
    // Never a made-up last name, full name, email or LinkedIn URL.
    for (const p of page.people) {
      expect(p).not.toHaveProperty('last_name');
      expect(p).not.toHaveProperty('name');
      expect(p).not.toHaveProperty('email');
      expect(p).not.toHaveProperty('linkedin_url');
    }
    expect(costOf(settings.cost, r)).toBe(0);
  });

  it('reads pagination.total_entries too, and filters on organization_ids when given', async () => {
    stub.reply({ json: fixture('apollo', 'people-api-search-pagination') });
    const r = await apolloAt(stub.url).call(
      search({
        organization_ids: ['5e66b6381e05b4008c8331b8'],
        domain: 'acme.com',
        page: 3,
        per_page: 2,
      }),
    );
    expect(stub.requests[0].body).toEqual({
      organization_ids: ['5e66b6381e05b4008c8331b8'],
      page: 3,
      per_page: 2,
    });
    const page = r.data as PeopleSearchPage;
    expect(page).toMatchObject({ total_entries: 7, page: 3, total_pages: 4 });
    expect(page.people).toHaveLength(1);
    expect(page.people[0]).toMatchObject({
      first_name: 'Marta',
      obfuscated: true,
      available: { direct_phone: 'maybe' },
    });
  });

  it('an empty result is found: false with the page and its total still given', async () => {
    stub.reply({ json: fixture('apollo', 'people-api-search-empty') }, { json: {} });
    const { call } = apolloAt(stub.url);
    expect(await call(search({ domain: 'acme.com' }))).toEqual({
      found: false,
      data: { people: [], total_entries: 0, page: 1, total_pages: 0 },
      usage: { results: 0 },
      costUsd: 0,
    });
    // A body without `people` at all is an empty page too.
    expect(await call(search({ domain: 'acme.com', page: 2 }))).toMatchObject({
      found: false,
      data: { people: [], page: 2 },
    });
  });

  it('uses APOLLO_SEARCH_API_KEY for the search and APOLLO_API_KEY for everything else', async () => {
    stub.reply(
      { json: fixture('apollo', 'people-api-search-empty') },
      { json: fixture('apollo', 'people-bulk-match-short') },
    );
    const { call } = apolloAt(stub.url, { APOLLO_SEARCH_API_KEY: SEARCH_KEY });
    await call(search({ domain: 'acme.com' }));
    await call(enrich({ people: [{ email: 'sam@acme.com' }] }));
    expect(stub.requests.map((r) => r.headers['x-api-key'])).toEqual([SEARCH_KEY, KEY]);
    expect(stub.requests.every((r) => !r.path.includes(KEY) && !r.path.includes(SEARCH_KEY))).toBe(
      true,
    );
  });

  it('403 (not a master key) is AUTH, not retried, and says a master key is needed; 401 is AUTH', async () => {
    stub.reply(
      { status: 403, json: fixture('apollo', 'error-403-master-key') },
      { status: 403, json: fixture('apollo', 'error-403-master-key') },
      { status: 401, json: fixture('apollo', 'error-401') },
    );
    const forbidden = await failure(apolloAt(stub.url).call(search({ domain: 'acme.com' })));
    expect(forbidden).toMatchObject({ code: 'AUTH', retryable: false, status: 403 });
    expect(forbidden.message).toContain('not accessible with this api_key');
    expect(forbidden.message).toMatch(/needs a master API key/);
    expect(forbidden.message).toContain('APOLLO_SEARCH_API_KEY (or APOLLO_API_KEY)');

    const withSearchKey = apolloAt(stub.url, { APOLLO_SEARCH_API_KEY: SEARCH_KEY });
    const again = await failure(withSearchKey.call(search({ domain: 'acme.com' })));
    expect(again.message).toMatch(/set APOLLO_SEARCH_API_KEY to a master key/);
    expect(again.message).not.toContain(SEARCH_KEY);

    const auth = await failure(withSearchKey.call(search({ domain: 'acme.com' })));
    expect(auth).toMatchObject({ code: 'AUTH', retryable: false, status: 401 });
    expect(auth.message).toContain('Invalid access credentials.');
  });

  it('refuses what Apollo cannot answer before any request', async () => {
    const { call } = apolloAt(stub.url);
    const cases: Array<[PeopleSearchInput, RegExp]> = [
      [{ organization_name: 'Acme' }, /needs `organization_ids` or a `domain`/],
      [{ domain: 'acme.com', per_page: 101 }, /per_page/],
      [{ domain: 'acme.com', page: 0 }, /page/],
      [{ domain: 'acme.com', page: 501, per_page: 100 }, /at most 50000 records/],
      [{ domain: 'acme.com', seniorities: ['chief'] }, /unknown seniorities chief/],
      [{ domain: 'not a domain' }, /not a domain name/],
    ];
    for (const [input, message] of cases) {
      const e = await failure(call(search(input)));
      expect(e).toMatchObject({ code: 'BAD_INPUT', retryable: false });
      expect(e.message).toMatch(message);
    }
    expect(stub.requests).toHaveLength(0);
  });

  it('5xx is TEMPORARY (retryable); 429 reads the rate headers', async () => {
    stub.reply(
      { status: 503, raw: 'upstream unavailable', headers: { 'content-type': 'text/plain' } },
      { status: 429, headers: limitHeaders({ minute: 0, hourly: 50, daily: 200 }), json: {} },
    );
    const { call } = apolloAt(stub.url);
    expect(await failure(call(search({ domain: 'acme.com' })))).toMatchObject({
      code: 'TEMPORARY',
      retryable: true,
      status: 503,
    });
    expect(await failure(call(search({ domain: 'acme.com' })))).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterMs: 60_000,
    });
  });
});
