import type { Sourced } from '../../../src/providers/core/provenance';
import { extractCompanyFacts, type ExtractedFacts } from '../../../src/modules/accounts/extraction';
import { loadSite } from './company-sites';

const HOME = 'https://brightforge.io/';
const ABOUT = 'https://brightforge.io/about.html';
const CUSTOMERS = 'https://brightforge.io/customers';
const GLOBEX_STORY = 'https://brightforge.io/customers/globex';

const values = <T>(list: Sourced<T>[], detail?: string): T[] =>
  list.filter((c) => !detail || c.detail === detail).map((c) => c.value);

describe('extractCompanyFacts — plain HTML site without structured data (Brightforge Robotics)', () => {
  let facts: ExtractedFacts;
  beforeAll(() => {
    facts = extractCompanyFacts(loadSite('brightforge-plain'), {});
  });

  it('finds the name in the title and the header logo, as weak scrape candidates', () => {
    const title = facts.name.find((n) => n.detail === 'title')!;
    expect(title).toMatchObject({
      value: 'Brightforge Robotics',
      source: HOME,
      method: 'scrape',
      task_id: null,
    });
    expect(title.evidence).toEqual([HOME, ABOUT, CUSTOMERS]);
    expect(values(facts.name, 'logo-alt')).toEqual(['Brightforge']);
    // "Brightforge customer story" (the case study's title) is no company name
    expect(values(facts.name)).not.toContain('Brightforge customer story');
    expect(facts.name.every((n) => n.confidence <= 0.5)).toBe(true);
    expect(values(facts.logo_url, 'logo-img')).toEqual([
      'https://brightforge.io/img/brightforge-wordmark.png',
    ]);
  });

  it('reads the footer <address> as the only address, hence a weak headquarters', () => {
    const formatted =
      'Brightforge Robotics, Inc., 1200 Harbor Blvd, Suite 400, Oakland, CA 94607, USA';
    expect(facts.addresses).toHaveLength(1);
    expect(facts.addresses[0]).toMatchObject({
      value: { formatted },
      detail: 'address-element',
      source: HOME,
    });
    expect(facts.headquarters).toHaveLength(1);
    expect(facts.headquarters[0]).toMatchObject({
      value: { formatted },
      detail: 'only-address',
      confidence: 0.5,
    });
  });

  it('reads tel: and mailto: links, and a national number once the address gives the country', () => {
    const tel = facts.phones.find((p) => p.detail === 'tel-link')!;
    expect(tel.value).toEqual({
      number: '+15105550147',
      e164: true,
      raw: '+1-510-555-0147',
      country: 'US',
    });
    expect(tel.evidence).toEqual([HOME, ABOUT, CUSTOMERS]);
    // "(510) 555-0147" in the footer text: the USA in the address makes it readable
    expect(facts.phones.find((p) => p.detail === 'text')!.value.number).toBe('+15105550147');
    expect(values(facts.emails, 'mailto-link')).toEqual([
      { address: 'hello@brightforge.io', kind: 'role', same_domain: true },
      { address: 'sales@brightforge.io', kind: 'role', same_domain: true },
    ]);
  });

  it('ignores pages that failed (the 404 page names another number, mailbox and LinkedIn)', () => {
    expect(facts.phones.some((p) => p.value.number.endsWith('5550199'))).toBe(false);
    expect(facts.emails.some((e) => e.value.address.startsWith('jobs-old'))).toBe(false);
    expect(facts.linkedin_url.some((l) => /some-other-company/.test(l.value))).toBe(false);
  });

  it('reads social icons in the footer, and not the leaders’ personal profiles', () => {
    const site = (list: Sourced<string>[]) => values(list, 'site-link');
    expect(site(facts.linkedin_url)).toEqual([
      'https://www.linkedin.com/company/brightforge-robotics',
    ]);
    expect(site(facts.twitter_url)).toEqual(['https://x.com/brightforgebots']);
    expect(site(facts.youtube_url)).toEqual(['https://www.youtube.com/@brightforge']);
    expect(site(facts.facebook_url)).toEqual(['https://www.facebook.com/brightforgerobotics']);
    expect(site(facts.instagram_url)).toEqual(['https://www.instagram.com/brightforge.robotics']);
    // a repository link names its organisation
    expect(site(facts.github_url)).toEqual(['https://github.com/brightforge']);
    // the CTO's X account on the about page is a body link: weaker, and so is told apart
    const cto = facts.twitter_url.find((t) => t.value === 'https://x.com/samokafor_bots')!;
    expect(cto).toMatchObject({ detail: 'body-link', source: ABOUT, confidence: 0.4 });
    expect(facts.linkedin_url.some((l) => /\/in\//.test(l.value))).toBe(false);
  });

  it('reads "founded in" on the about page, and "since" as a weaker claim', () => {
    expect(facts.founded_year.map((f) => [f.value, f.confidence, f.source])).toEqual([
      [2016, 0.5, ABOUT],
      [2017, 0.35, ABOUT],
    ]);
  });

  it('names customers from the logo wall, case studies and testimonials — not the press wall', () => {
    expect(values(facts.customers, 'logo-wall').slice(0, 5)).toEqual([
      'Globex',
      'Initech',
      'Umbrella Corporation',
      'Stark Industries',
      'Hooli', // alt="logo-hooli.png"
    ]);
    const all = new Set(values(facts.customers));
    expect(all.has('Logo')).toBe(false);
    expect(all.has('The Welding Journal')).toBe(false);
    expect(all.has('FabNews Weekly')).toBe(false);
    expect(all.has('Brightforge')).toBe(false);
    expect(facts.customers.find((c) => c.value === 'Massive Dynamic')).toMatchObject({
      detail: 'testimonial',
      source: HOME,
    });
    // customers page: case-study cards (logo alt, then link text against the slug) and logos
    expect(
      facts.customers.find((c) => c.value === 'Acme Fabrication' && c.detail === 'case-study')!
        .source,
    ).toBe(CUSTOMERS);
    expect(facts.customers.find((c) => c.value === 'Vandelay Industries')!.detail).toBe(
      'case-study',
    );
    expect(values(facts.customers, 'customer-page')).toEqual(
      expect.arrayContaining(['Wayne Enterprises', 'Cyberdyne Systems']),
    );
    // the case-study page itself, corroborated by its card on the customers page
    const globex = facts.customers.find((c) => c.value === 'Globex' && c.detail === 'case-study')!;
    expect(globex.source).toBe(GLOBEX_STORY);
    expect(globex.evidence).toEqual([CUSTOMERS, GLOBEX_STORY]);
  });

  it('fingerprints jQuery with its version, Nginx from the Server header, and Google tags', () => {
    const tech = Object.fromEntries(facts.technologies.map((t) => [t.value.name, t.value]));
    expect(tech.jQuery).toMatchObject({
      version: '3.7.1',
      signals: ['scriptSrc'],
      categories: ['JavaScript libraries'],
    });
    expect(tech.Nginx).toMatchObject({ version: '1.24.0', signals: ['headers:server'] });
    expect(tech.Nginx.categories).toEqual(expect.arrayContaining(['Web servers']));
    expect(Object.keys(tech).sort()).toEqual([
      'Google Analytics',
      'Google Tag Manager',
      'Nginx',
      'jQuery',
    ]);
  });

  it('works from a reader that returns no HTML (text and links only)', () => {
    const pages = loadSite('brightforge-plain', { withHtml: false });
    const textOnly = extractCompanyFacts(pages, {});
    expect(values(textOnly.name, 'title')).toEqual(['Brightforge Robotics']);
    expect(values(textOnly.linkedin_url)).toContain(
      'https://www.linkedin.com/company/brightforge-robotics',
    );
    expect(values(textOnly.emails).map((e) => e.address)).toEqual([
      'hello@brightforge.io',
      'sales@brightforge.io',
    ]);
    expect(values(textOnly.founded_year)).toContain(2016);
    // without HTML only the response headers fingerprint
    expect(textOnly.technologies.map((t) => t.value.name)).toEqual(['Nginx']);
  });
});
