import type { Sourced } from '../../../src/providers/core/provenance';
import {
  candidatesFromCompanyProfile,
  candidatesFromTechStack,
  combineCandidates,
  extractCompanyFacts,
  mergeProfile,
  toProcessedData,
} from '../../../src/modules/accounts/extraction';
import { SEED_ACCOUNT_KEYS } from '../../seed-contract/seed-contract';
import { loadSite } from './company-sites';

const llm = <T>(value: T, extra: Partial<Sourced<T>> = {}): Sourced<T> => ({
  value,
  source: 'gemini',
  method: 'llm',
  retrieved_at: '2026-11-20T10:05:00.000Z',
  confidence: 0.7,
  cost_usd: 0.002,
  task_id: 't1',
  evidence: ['https://news.example.com/northwind-series-b'],
  ...extra,
});

describe('toProcessedData', () => {
  it('gives a keyless profile the seed’s processed_data shape, with seed defaults for what is unknown', () => {
    const data = toProcessedData(
      mergeProfile(extractCompanyFacts(loadSite('northwind-jsonld'), {})),
    );
    expect(Object.keys(data)).toEqual(SEED_ACCOUNT_KEYS);
    expect(data).toEqual({
      company_name: 'Northwind Analytics',
      employee_count: 85,
      industry: 'Demand forecasting, Inventory optimisation, Retail analytics',
      location: 'London, GB',
      website: 'https://www.northwind-analytics.co.uk',
      linkedin_url: 'https://www.linkedin.com/company/northwind-analytics',
      technologies: ['Cloudflare', 'Google Analytics', 'Google Tag Manager', 'Open Graph'],
      funding_details: {},
      company_type: null,
      founded_year: 2014,
      customers: ['Contoso Retail Group', 'Fabrikam Home', 'Tailspin Toys'],
      competitors: [],
      tech_profile: {},
      recent_events: [],
      analysis_summary: null,
    });
  });

  it('an SPA shell still yields a usable record', () => {
    const data = toProcessedData(mergeProfile(extractCompanyFacts(loadSite('lumen-spa'), {})));
    expect(data).toMatchObject({
      company_name: 'Lumen',
      website: 'https://lumenhq.ai',
      linkedin_url: null,
      location: null,
      founded_year: null,
      technologies: ['Open Graph', 'Vercel', 'Next.js', 'React', 'Webpack'],
    });
  });

  it('merges vendors and LLM intelligence into the seed fields, intelligence first for customers', () => {
    const facts = extractCompanyFacts(loadSite('northwind-jsonld'), {});
    const apollo = candidatesFromCompanyProfile(
      {
        name: 'Northwind Analytics Ltd',
        employee_count: 92,
        industry: 'Computer Software',
        company_type: 'private',
        linkedin_url: 'http://www.linkedin.com/company/northwind-analytics',
        total_funding_usd: 24_000_000,
        funding_rounds: [
          {
            series: 'Series B',
            amount: 18_000_000,
            currency: 'USD',
            date: '2025-09-02',
            investors: ['Balderton'],
          },
        ],
        technologies: ['Cloudflare', 'HubSpot'],
        vendor_id: 'org_123',
      },
      {
        source: 'apollo',
        method: 'api',
        retrieved_at: '2026-11-20T10:01:00.000Z',
        confidence: 0.8,
        cost_usd: 0.01,
        task_id: 't1',
      },
    );
    const builtwith = candidatesFromTechStack(
      {
        domain: 'northwind-analytics.co.uk',
        technologies: [{ name: 'Stripe', categories: ['Payment processors'], confidence: 0.95 }],
        categories: { 'Payment processors': ['Stripe'] },
      },
      {
        source: 'builtwith',
        method: 'api',
        retrieved_at: '2026-11-20T10:02:00.000Z',
        confidence: 0.9,
        cost_usd: 0.02,
        task_id: 't1',
      },
    );
    const techProfileDump = {
      enrichment_type: 'technology_profile',
      source: 'builtwith',
      status: 'completed',
    };
    const intel = {
      customers: [llm('Tailspin Toys'), llm('Wide World Importers')],
      competitors: [llm('Blue Yonder'), llm('RELEX Solutions'), llm('blue yonder')],
      recent_events: [
        llm({
          title: 'Northwind raises £14m Series B',
          description: 'Led by Balderton.',
          date: '2025-09-02',
          url: 'https://news.example.com/northwind-series-b',
        }),
      ],
      analysis_summary: [
        llm('**Northwind Analytics** sells demand forecasting to mid-market retail.'),
      ],
      tech_profile: [{ ...llm(techProfileDump), method: 'api' as const, source: 'builtwith' }],
    };
    const profile = mergeProfile(combineCandidates(facts, apollo, builtwith, intel));
    const data = toProcessedData(profile);

    expect(data.company_name).toBe('Northwind Analytics Ltd'); // vendor over JSON-LD
    expect(data.employee_count).toBe(92);
    expect(data.industry).toBe('Computer Software');
    expect(data.company_type).toBe('private');
    expect(data.linkedin_url).toBe('http://www.linkedin.com/company/northwind-analytics');
    expect(data.technologies).toEqual([
      'Stripe',
      'Cloudflare',
      'HubSpot',
      'Google Analytics',
      'Google Tag Manager',
      'Open Graph',
    ]);
    expect(data.funding_details).toEqual({
      total_funding: { amount: 24_000_000, currency: 'USD', as_of_date: null },
      funding_rounds: [
        {
          series: 'Series B',
          amount: 18_000_000,
          currency: 'USD',
          date: '2025-09-02',
          lead_investors: [],
          other_investors: ['Balderton'],
          valuation: null,
        },
      ],
    });
    // web-search intelligence first, then the site's logo wall; one "Tailspin Toys"
    expect(data.customers).toEqual([
      'Tailspin Toys',
      'Wide World Importers',
      'Contoso Retail Group',
      'Fabrikam Home',
    ]);
    expect(data.competitors).toEqual(['Blue Yonder', 'RELEX Solutions']);
    expect(data.recent_events).toEqual([
      {
        title: 'Northwind raises £14m Series B',
        description: 'Led by Balderton.',
        date: '2025-09-02',
        source: 'https://news.example.com/northwind-series-b',
      },
    ]);
    expect(data.analysis_summary).toMatch(/^\*\*Northwind Analytics\*\*/);
    expect(data.tech_profile).toEqual(techProfileDump);
    expect(data.location).toBe('London, GB');

    // every disagreement behind those choices is on record
    const conflicts = Object.fromEntries(profile.conflicts.map((c) => [c.field, c]));
    expect(conflicts.employee_count).toMatchObject({
      chosen: { value: 92, source: 'apollo' },
      others: [expect.objectContaining({ value: 85, detail: 'json-ld' })],
      decided_by: 'precedence',
    });
    expect(conflicts.name).toBeUndefined(); // "Northwind Analytics Ltd" = "Northwind Analytics"
  });
});
