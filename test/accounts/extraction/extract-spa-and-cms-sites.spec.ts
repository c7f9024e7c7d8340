import {
  compileFingerprints,
  detectTechnologies,
  extractCompanyFacts,
  type DetectedTechnology,
  type ExtractedFacts,
} from '../../../src/modules/accounts/extraction';
import { loadPage } from '../../../src/modules/accounts/extraction/html-page';
import type { WebPage } from '../../../src/providers/web/web-read.types';
import { FETCHED_AT, loadSite } from './company-sites';

const techByName = (facts: ExtractedFacts): Record<string, DetectedTechnology> =>
  Object.fromEntries(facts.technologies.map((t) => [t.value.name, t.value]));

describe('extractCompanyFacts — SPA shell with little content (Lumen, Next.js)', () => {
  let facts: ExtractedFacts;
  beforeAll(() => {
    const pages = loadSite('lumen-spa');
    expect(pages[0].text).toBe(''); // nothing rendered server-side
    facts = extractCompanyFacts(pages, { taskId: 't-spa' });
  });

  it('still gets name, description, website and X account from the head', () => {
    expect(facts.name.map((n) => [n.value, n.detail])).toEqual([
      ['Lumen', 'title'],
      ['Lumen', 'opengraph'],
    ]);
    expect(facts.description.map((d) => [d.detail, d.value])).toEqual([
      [
        'opengraph',
        'Close the books in days, not weeks. Lumen automates reconciliations and variance analysis.',
      ],
      [
        'meta',
        'Lumen automates month-end close, reconciliations and variance commentary for finance teams at fast-growing companies.',
      ],
    ]);
    expect(facts.website.map((w) => w.value)).toEqual(['https://lumenhq.ai', 'https://lumenhq.ai']);
    expect(facts.twitter_url[0]).toMatchObject({
      value: 'https://x.com/lumenhq',
      detail: 'meta',
      source: 'https://lumenhq.ai/',
      task_id: 't-spa',
      retrieved_at: FETCHED_AT,
    });
    expect(facts.phones).toEqual([]);
    expect(facts.customers).toEqual([]);
  });

  it('fingerprints Next.js from __NEXT_DATA__, React by implication, and Vercel from headers', () => {
    const tech = techByName(facts);
    expect(tech['Next.js']).toMatchObject({ signals: ['js:__NEXT_DATA__'] });
    expect(tech['Next.js'].categories).toEqual(expect.arrayContaining(['JavaScript frameworks']));
    expect(tech.React).toMatchObject({ implied_by: 'Next.js', signals: ['implied'] });
    expect(tech.React.confidence).toBeLessThan(tech['Next.js'].confidence);
    expect(tech.Vercel.signals).toEqual([
      'headers:server',
      'headers:x-vercel-cache',
      'headers:x-vercel-id',
    ]);
    // a global only seen assigned in the page is weaker evidence than a response header
    expect(tech['Next.js'].confidence).toBeLessThan(tech.Vercel.confidence);
    expect(facts.technologies.find((t) => t.value.name === 'React')!.detail).toBe(
      'fingerprint-implied',
    );
  });
});

describe('extractCompanyFacts — WordPress site (Harbor & Pine)', () => {
  let facts: ExtractedFacts;
  beforeAll(() => {
    facts = extractCompanyFacts(loadSite('harbor-wordpress'), {});
  });

  it('fingerprints the CMS, its plugins and the server from generator, paths, headers and cookies', () => {
    const tech = techByName(facts);
    expect(tech.WordPress).toMatchObject({ version: '6.5.2', categories: ['CMS', 'Blogs'] });
    expect(tech.WordPress.signals).toEqual(
      expect.arrayContaining(['meta:generator', 'headers:link', 'html']),
    );
    expect(tech.WooCommerce).toMatchObject({ version: '8.8.2' });
    expect(tech.WooCommerce.signals).toEqual(
      expect.arrayContaining(['meta:generator', 'scriptSrc']),
    );
    expect(tech['Yoast SEO']).toMatchObject({ version: '22.6' });
    expect(tech.PHP).toMatchObject({ version: '8.1.27' });
    expect(tech.PHP.signals).toEqual(
      expect.arrayContaining(['cookies:PHPSESSID', 'headers:x-powered-by']),
    );
    expect(tech['Apache HTTP Server']).toMatchObject({ version: '2.4.58' });
    expect(tech.MySQL).toMatchObject({ implied_by: 'WordPress' });
    expect(tech['jQuery Migrate']).toMatchObject({ version: '3.4.1' });
  });

  it('reads the Yoast organisation graph and the h-card footer', () => {
    const name = facts.name.filter((n) => n.detail === 'json-ld').map((n) => n.value);
    expect(name).toEqual(['Harbor & Pine Coffee Roasters']);
    // the WebSite node's shorter name is a separate, weaker candidate
    expect(facts.name.find((n) => n.detail === 'json-ld-website')!.value).toBe('Harbor & Pine');
    expect(facts.logo_url[0]).toMatchObject({
      value: 'https://harborandpine.com/wp-content/uploads/2023/02/harbor-pine-logo.png',
      detail: 'json-ld',
    });
    expect(facts.facebook_url.map((f) => f.value)).toEqual([
      'https://www.facebook.com/harborandpine',
    ]);
    expect(facts.addresses[0]).toMatchObject({
      detail: 'microformat',
      value: { street: '2217 NW Front Ave', city: 'Portland', state: 'OR', postal_code: '97209' },
    });
    expect(facts.phones.find((p) => p.detail === 'microformat')!.value.number).toBe('+15035550186');
    expect(facts.emails[0].value).toEqual({
      address: 'wholesale@harborandpine.com',
      kind: 'role',
      same_domain: true,
    });
    expect(facts.founded_year.map((f) => [f.value, f.detail])).toEqual([[2009, 'text']]);
  });
});

describe('technology matcher', () => {
  const page = (html: string, headers: Record<string, string> = {}): WebPage => ({
    url: 'https://acme.test/',
    final_url: 'https://acme.test/',
    status: 200,
    content_type: 'text/html',
    title: null,
    lang: null,
    text: '',
    markdown: '',
    html,
    links: [],
    headers,
    fetched_at: FETCHED_AT,
    reader: 'builtin',
  });
  // A two-technology dataset in the fingerprint format, to pin the matcher's semantics.
  const set = compileFingerprints(
    {
      Widget: {
        cats: [1],
        meta: { generator: '^Widget ([\\d.]+)\\;version:\\1' },
        cookies: { 'wdg_*': '' },
        implies: ['Base\\;confidence:50'],
        dom: { 'div[data-widget]': { attributes: { 'data-widget': 'v(\\d+)\\;version:\\1' } } },
      },
      Base: { cats: [2], headers: { 'X-Base': '' }, excludes: ['Rival'] },
      Rival: { cats: [2], html: ['<rival'] },
      Needy: { cats: [1], html: ['needy'], requires: ['Missing'] },
    },
    { '1': { name: 'CMS' }, '2': { name: 'Platforms' } },
  );

  it('reads versions, globbed cookie names, implied confidence, excludes and requires', () => {
    const found = detectTechnologies(
      loadPage(
        page('<meta name="generator" content="Widget 4.2"><rival></rival> needy', {
          'set-cookie': 'wdg_token=1; Path=/',
        }),
        'acme.test',
      ),
      set,
    );
    expect(found.map((t) => [t.name, t.version, t.confidence, t.signals])).toEqual([
      ['Widget', '4.2', 0.9, ['cookies:wdg_token', 'meta:generator']],
      ['Base', undefined, 0.38, ['implied']],
    ]);
  });

  it('checks DOM attribute patterns, with the version they capture', () => {
    const found = detectTechnologies(
      loadPage(page('<div data-widget="v7"></div>'), 'acme.test'),
      set,
    );
    expect(found[0]).toMatchObject({ name: 'Widget', version: '7', signals: ['dom'] });
    expect(
      detectTechnologies(loadPage(page('<div data-other="v7"></div>'), 'acme.test'), set),
    ).toEqual([]);
  });
});
