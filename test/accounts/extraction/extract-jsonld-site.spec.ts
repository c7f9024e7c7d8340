import type { Sourced } from '../../../src/providers/core/provenance';
import { extractCompanyFacts, type ExtractedFacts } from '../../../src/modules/accounts/extraction';
import { FETCHED_AT, loadSite } from './company-sites';

const HOME = 'https://www.northwind-analytics.co.uk/';
const CONTACT = 'https://www.northwind-analytics.co.uk/contact';

function by<T>(list: Sourced<T>[], detail: string, pick?: (v: T) => boolean): Sourced<T> {
  const found = list.find((c) => c.detail === detail && (!pick || pick(c.value)));
  if (!found)
    throw new Error(
      `no ${detail} candidate in ${JSON.stringify(list.map((c) => [c.detail, c.value]))}`,
    );
  return found;
}

describe('extractCompanyFacts — JSON-LD rich site (Northwind Analytics)', () => {
  let facts: ExtractedFacts;
  beforeAll(() => {
    facts = extractCompanyFacts(loadSite('northwind-jsonld'), { taskId: 'task-42' });
  });

  it('reads the Organization of the @graph with full provenance', () => {
    const name = by(facts.name, 'json-ld');
    expect(name).toEqual({
      value: 'Northwind Analytics',
      source: HOME,
      method: 'scrape',
      retrieved_at: FETCHED_AT,
      confidence: 0.9,
      cost_usd: 0,
      task_id: 'task-42',
      evidence: [HOME],
      detail: 'json-ld',
    });
    expect(by(facts.legal_name, 'json-ld').value).toBe('Northwind Analytics Ltd');
    expect(by(facts.slogan, 'json-ld').value).toBe('Forecasts you can explain');
    expect(by(facts.description, 'json-ld').value).toMatch(
      /^Northwind Analytics builds explainable/,
    );
    expect(by(facts.founded_year, 'json-ld').value).toBe(2014);
    expect(by(facts.employee_count, 'json-ld').value).toBe(85);
    expect(by(facts.website, 'json-ld').value).toBe('https://www.northwind-analytics.co.uk');
  });

  it('resolves the logo through its @id reference', () => {
    expect(by(facts.logo_url, 'json-ld').value).toBe(
      'https://www.northwind-analytics.co.uk/assets/northwind-logo.svg',
    );
  });

  it('takes the PostalAddress as headquarters', () => {
    expect(by(facts.headquarters, 'json-ld').value).toEqual({
      street: '14 Clerkenwell Green',
      city: 'London',
      postal_code: 'EC1R 0DP',
      country: 'GB',
      formatted: '14 Clerkenwell Green, London, EC1R 0DP, GB',
    });
    // the contact page labels its first office "Headquarters": a weaker, heuristic candidate
    const labelled = by(facts.headquarters, 'address-element');
    expect(labelled.source).toBe(CONTACT);
    expect(labelled.value.formatted).toBe('14 Clerkenwell Green, London EC1R 0DP, United Kingdom');
    expect(labelled.confidence).toBeLessThan(0.9);
    // the Manchester studio is an address, not the headquarters
    expect(facts.addresses.map((a) => a.value.formatted)).toContain(
      '3 Hardman Square, Spinningfields, Manchester M3 3EB, United Kingdom',
    );
    expect(facts.headquarters.some((h) => /Manchester/.test(h.value.formatted ?? ''))).toBe(false);
  });

  it('maps sameAs to canonical social profiles and skips what is no profile', () => {
    expect(by(facts.linkedin_url, 'json-ld').value).toBe(
      'https://www.linkedin.com/company/northwind-analytics',
    );
    expect(by(facts.twitter_url, 'json-ld').value).toBe('https://x.com/northwindHQ');
    expect(by(facts.github_url, 'json-ld').value).toBe('https://github.com/northwind-analytics');
    expect(by(facts.youtube_url, 'json-ld').value).toBe(
      'https://www.youtube.com/@northwindanalytics',
    );
    expect(by(facts.crunchbase_url, 'json-ld').value).toBe(
      'https://www.crunchbase.com/organization/northwind-analytics',
    );
    // footer link and twitter:site agree; the LinkedIn share button is not a profile
    expect(by(facts.linkedin_url, 'site-link').value).toBe(
      'https://www.linkedin.com/company/northwind-analytics',
    );
    expect(by(facts.twitter_url, 'meta').value).toBe('https://x.com/northwindHQ');
    expect(facts.linkedin_url.every((c) => !/shareArticle/.test(c.value))).toBe(true);
  });

  it('normalises phones to E.164, national UK numbers included, and keeps contact types', () => {
    expect(by(facts.phones, 'json-ld', (p) => !p.label).value).toMatchObject({
      number: '+442079460321',
      e164: true,
      country: 'GB',
    });
    expect(by(facts.phones, 'json-ld', (p) => p.label === 'sales').value.number).toBe(
      '+442079460322',
    );
    // tel:02079460321 in the footer of both pages: one candidate, both pages as evidence
    const footer = by(facts.phones, 'tel-link', (p) => p.raw === '02079460321');
    expect(footer.value.number).toBe('+442079460321');
    expect(footer.evidence).toEqual([HOME, CONTACT]);
    // written in text on the contact page only
    expect(by(facts.phones, 'text', (p) => p.number === '+441614960734').source).toBe(CONTACT);
  });

  it('keeps role mailboxes, marks personal ones and drops no-reply', () => {
    expect(by(facts.emails, 'json-ld', (e) => e.address.startsWith('hello@')).value).toEqual({
      address: 'hello@northwind-analytics.co.uk',
      kind: 'role',
      same_domain: true,
    });
    expect(by(facts.emails, 'mailto-link', (e) => e.address.startsWith('press@')).value.kind).toBe(
      'role',
    );
    expect(by(facts.emails, 'mailto-link', (e) => e.address.startsWith('priya')).value).toEqual({
      address: 'priya.shah@northwind-analytics.co.uk',
      kind: 'personal',
      same_domain: true,
    });
    expect(facts.emails.some((e) => e.value.address.startsWith('noreply'))).toBe(false);
  });

  it('reads customers from the "Trusted by" wall, not from a review author of another site', () => {
    const names = facts.customers.map((c) => c.value);
    expect(names).toEqual(['Contoso Retail Group', 'Fabrikam Home', 'Tailspin Toys']);
    expect(facts.customers.every((c) => c.detail === 'logo-wall' && c.source === HOME)).toBe(true);
    // the Review's author Organization (contoso-retail.com) is not taken for the company
    expect(facts.name.some((n) => /Contoso/.test(n.value))).toBe(false);
    expect(facts.website.every((w) => w.value === 'https://www.northwind-analytics.co.uk')).toBe(
      true,
    );
  });

  it('ranks the same fact lower when it comes from meta tags rather than JSON-LD', () => {
    expect(by(facts.name, 'opengraph').confidence).toBeLessThan(
      by(facts.name, 'json-ld').confidence,
    );
    expect(by(facts.description, 'meta').confidence).toBeLessThan(
      by(facts.description, 'json-ld').confidence,
    );
    expect(
      facts.industry_keywords.filter((k) => k.detail === 'json-ld').map((k) => k.value),
    ).toEqual(['Demand forecasting', 'Inventory optimisation', 'Retail analytics']);
  });

  it('fingerprints the CDN and analytics from headers and scripts', () => {
    const tech = Object.fromEntries(facts.technologies.map((t) => [t.value.name, t]));
    expect(tech.Cloudflare.value.signals).toEqual(
      expect.arrayContaining(['headers:cf-ray', 'headers:server']),
    );
    expect(tech.Cloudflare.value.categories).toContain('CDN');
    expect(tech['Google Analytics'].value).toMatchObject({ version: 'GA4' });
    expect(tech['Google Tag Manager'].detail).toBe('fingerprint');
  });

  it('is deterministic', () => {
    expect(extractCompanyFacts(loadSite('northwind-jsonld'), { taskId: 'task-42' })).toEqual(facts);
  });
});
