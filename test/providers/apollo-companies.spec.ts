import type {
  CompanySearchInput,
  CompanySearchPage,
} from '../../src/providers/company/company.types';
import { costOf } from '../../src/providers/core/cost';
import type { ProviderRequest } from '../../src/providers/core/enrichment-provider';
import { failure } from '../support/adapters';
import { fixture, VendorStub } from '../support/vendor-stub';
import { apolloAt, KEY } from './support/apollo';

const companySearch = (input: CompanySearchInput): ProviderRequest => ({
  capability: 'company.profile',
  operation: 'search',
  input,
});

describe('Apollo company.profile operation "search": mixed_companies/search (local stub)', () => {
  let stub: VendorStub;
  beforeAll(async () => {
    stub = await VendorStub.start();
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.reset());

  it('POSTs the name and maps accounts and organizations to candidates with Apollo org ids', async () => {
    stub.reply({ json: fixture('apollo', 'companies-search') });
    const { call, settings } = apolloAt(stub.url);
    const r = await call(companySearch({ name: ' Acme ' }));

    const req = stub.requests[0];
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/api/v1/mixed_companies/search');
    expect(req.headers['x-api-key']).toBe(KEY);
    expect(req.body).toEqual({ q_organization_name: 'Acme', page: 1, per_page: 100 });

    expect(r.found).toBe(true);
    const page = r.data as CompanySearchPage;
    expect(page).toEqual({
      // The CRM account first, under its Apollo organization id (not its account id); the same
      // organization listed again under `organizations` is not repeated.
      companies: [
        {
          name: 'Acme Corp',
          domain: 'acme.com',
          website: 'http://www.acme.com',
          linkedin_url: 'http://www.linkedin.com/company/acme-corp',
          vendor_id: '5e66b6381e05b4008c8331b8',
        },
        {
          name: 'Acme Anvils Ltd',
          domain: 'acmeanvils.co.uk',
          website: 'https://acmeanvils.co.uk',
          linkedin_url: 'http://www.linkedin.com/company/acme-anvils',
          industry: 'machinery',
          founded_year: 1988,
          vendor_id: '5f77c7492f16c5119d9442c9',
        },
      ],
      total_entries: 3,
      page: 1,
      total_pages: 1,
    });
    // A company search costs a credit per call.
    expect(r.usage).toEqual({ results: 1 });
    expect(costOf(settings.cost, r)).toBe(0.2);
  });

  it('searches by domains (normalised), paged; an account without an organization id has no vendor_id', async () => {
    stub.reply({
      json: {
        pagination: { page: 2, per_page: 10, total_entries: 11 },
        accounts: [{ id: 'crm-account-1', name: 'Globex', domain: 'globex.com' }],
        organizations: null,
      },
    });
    const r = await apolloAt(stub.url).call(
      companySearch({
        domains: ['https://www.Globex.com/about', 'globex.com'],
        page: 2,
        per_page: 10,
      }),
    );
    expect(stub.requests[0].body).toEqual({
      q_organization_domains_list: ['globex.com'],
      page: 2,
      per_page: 10,
    });
    expect(r.data).toEqual({
      companies: [{ name: 'Globex', domain: 'globex.com' }],
      total_entries: 11,
      page: 2,
      total_pages: 2,
    });
  });

  it('no candidates is found: false, and the call still costs its credit', async () => {
    stub.reply({
      json: {
        pagination: { page: 1, per_page: 100, total_entries: 0, total_pages: 0 },
        accounts: [],
        organizations: [],
      },
    });
    const { call, settings } = apolloAt(stub.url);
    const r = await call(companySearch({ name: 'Nonexistent Widgets' }));
    expect(r).toMatchObject({ found: false, data: { companies: [], total_entries: 0 } });
    expect(costOf(settings.cost, r)).toBe(0.2);
  });

  it('refuses a search without a name or domains, and a bad domain, before any request', async () => {
    const { call } = apolloAt(stub.url);
    const none = await failure(call(companySearch({ name: '  ' })));
    expect(none).toMatchObject({ code: 'BAD_INPUT', retryable: false });
    expect(none.message).toMatch(/needs a `name` or `domains`/);
    expect(await failure(call(companySearch({ domains: ['not a domain'] })))).toMatchObject({
      code: 'BAD_INPUT',
    });
    expect(await failure(call(companySearch({ name: 'Acme', per_page: 500 })))).toMatchObject({
      code: 'BAD_INPUT',
    });
    expect(stub.requests).toHaveLength(0);
  });

  it('403 names the endpoint and APOLLO_API_KEY (no master key hint); 5xx is TEMPORARY', async () => {
    stub.reply(
      { status: 403, json: { error: 'This endpoint is not available on your plan' } },
      { status: 502, raw: '<html>Bad gateway</html>', headers: { 'content-type': 'text/html' } },
    );
    const { call } = apolloAt(stub.url);
    const forbidden = await failure(call(companySearch({ name: 'Acme' })));
    expect(forbidden).toMatchObject({ code: 'AUTH', retryable: false, status: 403 });
    expect(forbidden.message).toContain('check APOLLO_API_KEY');
    expect(forbidden.message).toContain('mixed_companies/search');
    expect(forbidden.message).not.toMatch(/master/);
    expect(await failure(call(companySearch({ name: 'Acme' })))).toMatchObject({
      code: 'TEMPORARY',
      retryable: true,
    });
  });
});
