import type { ProvenanceMethod, Sourced } from '../../../src/providers/core/provenance';
import {
  chosenValue,
  combineCandidates,
  DEFAULT_MERGE_RULE,
  extractCompanyFacts,
  mergeProfile,
  type MergedField,
  type MergedList,
} from '../../../src/modules/accounts/extraction';
import { loadSite } from './company-sites';

function c<T>(
  value: T,
  method: ProvenanceMethod,
  source: string,
  extra: Partial<Sourced<T>> = {},
): Sourced<T> {
  return {
    value,
    source,
    method,
    retrieved_at: '2026-11-01T00:00:00.000Z',
    confidence: 0.7,
    cost_usd: method === 'api' ? 0.01 : 0,
    task_id: 't1',
    ...extra,
  };
}

const single = (p: ReturnType<typeof mergeProfile>, f: string) =>
  p.fields[f] as MergedField<unknown>;
const list = (p: ReturnType<typeof mergeProfile>, f: string) => p.fields[f] as MergedList<unknown>;

describe('mergeProfile — precedence: vendor API > JSON-LD > LLM > heuristic scrape > inferred', () => {
  it('takes the vendor over everything, whatever the confidences, and reports the conflict', () => {
    const profile = mergeProfile({
      employee_count: [
        c(120, 'scrape', 'https://acme.com/', { detail: 'json-ld', confidence: 0.95 }),
        c(95, 'llm', 'gemini', { confidence: 0.9 }),
        c(140, 'api', 'apollo', { confidence: 0.6 }),
        c(150, 'inferred', 'headcount-model', { confidence: 0.99 }),
      ],
    });
    expect(single(profile, 'employee_count').value).toMatchObject({ value: 140, source: 'apollo' });
    expect(single(profile, 'employee_count').candidates.map((x) => x.value)).toEqual([
      140, 120, 95, 150,
    ]);
    expect(profile.conflicts).toEqual([
      {
        field: 'employee_count',
        chosen: expect.objectContaining({ value: 140, method: 'api', source: 'apollo' }),
        others: [
          expect.objectContaining({ value: 120, method: 'scrape', detail: 'json-ld' }),
          expect.objectContaining({ value: 95, method: 'llm' }),
          expect.objectContaining({ value: 150, method: 'inferred' }),
        ],
        decided_by: 'precedence',
      },
    ]);
  });

  it('ranks the site’s JSON-LD above an LLM, and an LLM above OpenGraph / text heuristics', () => {
    const p = mergeProfile({
      founded_year: [
        c(2011, 'scrape', 'https://acme.com/about', { detail: 'text', confidence: 0.5 }),
        c(2012, 'llm', 'openai', { confidence: 0.6 }),
        c(2013, 'scrape', 'https://acme.com/', { detail: 'json-ld', confidence: 0.9 }),
      ],
      description: [
        c('From the meta tag', 'scrape', 'https://acme.com/', {
          detail: 'opengraph',
          confidence: 0.65,
        }),
        c('From the model', 'llm', 'openai', { confidence: 0.5 }),
      ],
    });
    expect(chosenValue(p, 'founded_year')).toBe(2013);
    expect(chosenValue(p, 'description')).toBe('From the model');
    expect(p.conflicts.map((x) => [x.field, x.decided_by])).toEqual([
      ['description', 'precedence'],
      ['founded_year', 'precedence'],
    ]);
  });

  it('within a tier, higher confidence wins, then the newer value, then input order', () => {
    const byConfidence = mergeProfile({
      company_type: [
        c('private', 'api', 'apollo', { confidence: 0.6 }),
        c('public', 'api', 'brightdata', { confidence: 0.8 }),
      ],
    });
    expect(chosenValue(byConfidence, 'company_type')).toBe('public');
    expect(byConfidence.conflicts[0].decided_by).toBe('confidence');

    const byRecency = mergeProfile({
      employee_count: [
        c(200, 'api', 'apollo', { retrieved_at: '2025-01-01T00:00:00.000Z' }),
        c(260, 'api', 'apollo', { retrieved_at: '2026-06-01T00:00:00.000Z' }),
      ],
    });
    expect(chosenValue(byRecency, 'employee_count')).toBe(260);
    expect(byRecency.conflicts[0].decided_by).toBe('recency');

    const byOrder = mergeProfile({
      industry: [c('Software', 'api', 'a'), c('Fintech', 'api', 'b')],
    });
    expect(chosenValue(byOrder, 'industry')).toBe('Software');
    expect(byOrder.conflicts[0].decided_by).toBe('order');
  });

  it('normalises before comparing: equal values agree and raise no conflict', () => {
    const p = mergeProfile({
      name: [
        c('Acme, Inc.', 'api', 'apollo'),
        c('ACME', 'scrape', 'https://acme.com/', { detail: 'opengraph' }),
        c('  acme   inc ', 'llm', 'gemini'),
      ],
      linkedin_url: [
        c('https://www.linkedin.com/company/acme/', 'api', 'brightdata'),
        c('http://linkedin.com/company/ACME?trk=footer', 'scrape', 'https://acme.com/', {
          detail: 'site-link',
        }),
      ],
      domain: [c('https://www.Acme.com/', 'api', 'apollo'), c('acme.com', 'inferred', 'input')],
      phone: [
        c({ number: '+1 (415) 555-0100' }, 'api', 'apollo'),
        c({ number: '+14155550100' }, 'scrape', 'https://acme.com/'),
      ],
      headquarters: [
        c({ city: 'San Francisco', state: 'CA', country: 'US' }, 'api', 'apollo'),
        c(
          { city: 'san francisco', state: 'ca', country: 'us', formatted: 'San Francisco, CA, US' },
          'llm',
          'gemini',
        ),
      ],
    });
    expect(p.conflicts).toEqual([]);
    const name = single(p, 'name');
    expect(name.value!.value).toBe('Acme, Inc.');
    // the agreeing sources are the chosen value's evidence, in rank order
    expect(name.value!.evidence).toEqual(['apollo', 'gemini', 'https://acme.com/']);
    expect(name.candidates).toHaveLength(3);
  });

  it('keeps every distinct value of list fields, each with its own provenance', () => {
    const p = mergeProfile({
      technologies: [
        c(
          { name: 'WordPress', categories: ['CMS'], confidence: 0.9 },
          'scrape',
          'https://acme.com/',
          { detail: 'fingerprint', confidence: 0.9 },
        ),
        c({ name: 'wordpress', categories: ['CMS'], confidence: 1 }, 'api', 'builtwith'),
        c(
          { name: 'Stripe', categories: ['Payment processors'], confidence: 0.8 },
          'api',
          'builtwith',
        ),
      ],
      customers: [
        c('Globex', 'scrape', 'https://acme.com/', { detail: 'logo-wall' }),
        c('Globex Corporation', 'llm', 'perplexity'),
      ],
    });
    const tech = list(p, 'technologies');
    expect(tech.values.map((t) => [(t.value as { name: string }).name, t.source])).toEqual([
      ['wordpress', 'builtwith'],
      ['Stripe', 'builtwith'],
    ]);
    expect(tech.values[0].evidence).toEqual(['builtwith', 'https://acme.com/']);
    expect(tech.candidates).toHaveLength(3);
    expect(list(p, 'customers').values.map((x) => x.value)).toEqual(['Globex Corporation']);
    expect(p.conflicts).toEqual([]); // lists do not conflict: they accumulate
  });

  it('skips empty values, leaves its inputs untouched and is deterministic', () => {
    const input = {
      name: [c('', 'api', 'apollo'), c('Acme', 'scrape', 'https://acme.com/', { detail: 'title' })],
      funding_details: [c({}, 'api', 'apollo')],
      industry: [
        c('Software', 'llm', 'gemini'),
        c('SaaS', 'scrape', 'https://acme.com/', { detail: 'meta' }),
      ],
    };
    const before = structuredClone(input);
    const a = mergeProfile(input);
    expect(a).toEqual(mergeProfile(structuredClone(input)));
    expect(input).toEqual(before);
    expect(chosenValue(a, 'name')).toBe('Acme');
    expect(a.fields.funding_details).toBeUndefined();
  });

  it('takes a different rule: e.g. trust the site over vendors for its own description', () => {
    const candidates = {
      description: [
        c('Vendor blurb', 'api', 'apollo'),
        c('Our words', 'scrape', 'https://acme.com/', { detail: 'json-ld' }),
      ],
    };
    expect(chosenValue(mergeProfile(candidates), 'description')).toBe('Vendor blurb');
    const siteFirst = {
      ...DEFAULT_MERGE_RULE,
      precedence: ['scrape-structured', 'api', 'llm', 'scrape', 'inferred'] as const,
    };
    expect(
      chosenValue(
        mergeProfile(candidates, { ...siteFirst, precedence: [...siteFirst.precedence] }),
        'description',
      ),
    ).toBe('Our words');
  });
});

describe('mergeProfile over extracted facts', () => {
  it('chooses JSON-LD over OpenGraph and lists the genuine disagreements', () => {
    const facts = extractCompanyFacts(loadSite('northwind-jsonld'), {});
    const p = mergeProfile(facts);
    expect(single(p, 'name').value).toMatchObject({
      value: 'Northwind Analytics',
      detail: 'json-ld',
    });
    // the same name was seen six ways (the copyright line's "Northwind Analytics Ltd" among
    // them): one agreeing value, no conflict
    expect(single(p, 'name').candidates.map((x) => x.detail)).toEqual([
      'json-ld',
      'opengraph',
      'json-ld-website',
      'title',
      'copyright',
      'logo-alt',
    ]);
    // the contact page's "Headquarters … United Kingdom" is the JSON-LD address (GB) written out
    const hq = single(p, 'headquarters').value!;
    expect(hq).toMatchObject({ detail: 'json-ld', value: { city: 'London' } });
    expect(hq.evidence).toEqual([
      'https://www.northwind-analytics.co.uk/',
      'https://www.northwind-analytics.co.uk/contact',
    ]);
    const conflicts = Object.fromEntries(p.conflicts.map((x) => [x.field, x]));
    // three different descriptions; the logo vs the touch icon
    expect(Object.keys(conflicts).sort()).toEqual(['description', 'logo_url']);
    expect(conflicts.description).toMatchObject({
      chosen: { detail: 'json-ld' },
      decided_by: 'precedence',
    });
    expect(conflicts.description.others.map((o) => o.detail)).toEqual(['opengraph', 'meta']);
    expect(conflicts.logo_url.others).toEqual([
      expect.objectContaining({
        value: 'https://www.northwind-analytics.co.uk/apple-touch-icon.png',
        detail: 'icon',
      }),
    ]);
  });

  it('combines site facts with a vendor answer field by field', () => {
    const facts = extractCompanyFacts(loadSite('brightforge-plain'), {});
    const vendor = {
      name: [c('Brightforge Robotics Inc', 'api', 'apollo')],
      employee_count: [c(64, 'api', 'apollo')],
    };
    const p = mergeProfile(combineCandidates(facts, vendor));
    expect(single(p, 'name').value).toMatchObject({
      value: 'Brightforge Robotics Inc',
      method: 'api',
    });
    // "Brightforge Robotics" (title) agrees with the vendor once legal forms are ignored
    expect(single(p, 'name').value!.evidence).toContain('https://brightforge.io/');
    expect(chosenValue(p, 'employee_count')).toBe(64);
    expect(chosenValue(p, 'founded_year')).toBe(2016);
    expect(p.conflicts.find((x) => x.field === 'founded_year')).toMatchObject({
      chosen: { value: 2016, confidence: 0.5 },
      others: [expect.objectContaining({ value: 2017, confidence: 0.35 })],
      decided_by: 'confidence',
    });
  });
});
