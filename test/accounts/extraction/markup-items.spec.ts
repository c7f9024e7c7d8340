import { load } from 'cheerio';
import type { Sourced } from '../../../src/providers/core/provenance';
import {
  chosenValue,
  extractCompanyFacts,
  mergeProfile,
} from '../../../src/modules/accounts/extraction';
import { microdataItems, rdfaItems } from '../../../src/modules/accounts/extraction/markup-items';
import { htmlPage } from './page-helpers';

const pick = <T>(list: Sourced<T>[], detail: string) =>
  list.filter((c) => c.detail === detail).map((c) => c.value);

describe('HTML5 microdata', () => {
  const html = `<html><body>
    <div itemscope itemtype="https://schema.org/Corporation http://schema.org/Organization" itemref="legal">
      <a itemprop="name" href="/">Acme Widgets</a>
      <link itemprop="url" href="/">
      <img itemprop="logo" src="/img/acme.svg" alt="">
      <time itemprop="foundingDate" datetime="1987-05-01">May 1987</time>
      <data itemprop="numberOfEmployees" value="120">about a hundred</data>
      <a itemprop="email" href="mailto:info@acmewidgets.com">write to us</a>
      <a itemprop="telephone" href="tel:+15555550100">(555) 555-0100</a>
      <div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">
        <span itemprop="streetAddress">1 Main St</span>,
        <span itemprop="addressLocality">Springfield</span>,
        <meta itemprop="addressCountry" content="US">
      </div>
      <div itemprop="member" itemscope itemtype="https://schema.org/Person">
        <span itemprop="name">Jane Doe</span><span itemprop="telephone">+1 555 555 0199</span>
      </div>
    </div>
    <p id="legal" itemprop="legalName">Acme Widgets, Inc.</p>
  </body></html>`;

  it('reads items with the value rules: content, datetime, value, href, src, text; nested items; itemref', () => {
    const items = microdataItems(load(html), 'https://acmewidgets.com/about');
    const org = items[0];
    expect(org.via).toBeNull();
    expect(org.node).toMatchObject({
      '@type': ['Corporation', 'Organization'],
      name: 'Acme Widgets',
      url: 'https://acmewidgets.com/',
      logo: 'https://acmewidgets.com/img/acme.svg',
      foundingDate: '1987-05-01',
      numberOfEmployees: '120',
      email: 'mailto:info@acmewidgets.com',
      // a number on a tel: link is the link's; a name on a link would be its text
      telephone: 'tel:+15555550100',
      address: {
        '@type': ['PostalAddress'],
        streetAddress: '1 Main St',
        addressLocality: 'Springfield',
        addressCountry: 'US',
      },
      legalName: 'Acme Widgets, Inc.',
    });
    // the person's properties are the person's, and the nested items are listed with their property
    expect((org.node.member as Record<string, unknown>).telephone).toBe('+1 555 555 0199');
    expect(org.node.telephone).not.toContain('0199');
    expect(items.map((i) => i.via)).toEqual([null, 'address', 'member']);
  });

  it('gives the organisation’s facts as structured candidates, and not a person’s number', () => {
    const facts = extractCompanyFacts([htmlPage('https://acmewidgets.com/about', html)]);
    expect(pick(facts.name, 'microdata')).toEqual(['Acme Widgets']);
    expect(pick(facts.legal_name, 'microdata')).toEqual(['Acme Widgets, Inc.']);
    expect(pick(facts.founded_year, 'microdata')).toEqual([1987]);
    expect(pick(facts.employee_count, 'microdata')).toEqual([120]);
    // the item's number (as its tel: link dials it), and not the member's
    expect(pick(facts.phones, 'microdata').map((p) => p.number)).toEqual(['+15555550100']);
    expect(new Set(facts.phones.map((p) => p.value.number))).toEqual(new Set(['+15555550100']));
    expect(pick(facts.emails, 'microdata').map((e) => e.address)).toEqual(['info@acmewidgets.com']);
    expect(pick(facts.headquarters, 'microdata')[0]).toMatchObject({
      city: 'Springfield',
      country: 'US',
    });
    const merged = mergeProfile(facts);
    expect(merged.fields.name.kind === 'single' && merged.fields.name.value?.detail).toBe(
      'microdata',
    );
  });

  it('skips an organisation of another site (a brand, a review author) and reads the publisher', () => {
    const page = htmlPage(
      'https://shop.example.com/p/1',
      `<div itemscope itemtype="https://schema.org/WebPage">
        <div itemprop="publisher" itemscope itemtype="https://schema.org/Organization">
          <meta itemprop="name" content="Example Shop">
        </div>
        <div itemprop="mainEntity" itemscope itemtype="https://schema.org/Product">
          <div itemprop="brand" itemscope itemtype="https://schema.org/Organization">
            <span itemprop="name">Globex</span><link itemprop="url" href="https://globex.example.org/">
          </div>
          <div itemprop="manufacturer" itemscope itemtype="https://schema.org/Organization">
            <span itemprop="name">Initech</span>
          </div>
        </div>
      </div>`,
    );
    expect(pick(extractCompanyFacts([page]).name, 'microdata')).toEqual(['Example Shop']);
  });
});

describe('RDFa Lite', () => {
  it('reads vocab / typeof / property, nested items, content and href values, prefixed terms', () => {
    const $ = load(`<html><body vocab="https://schema.org/">
      <div typeof="LocalBusiness">
        <a property="url" href="/">Home</a>
        <span property="name">Café Lumen</span>
        <meta property="foundingDate" content="2011">
        <span property="telephone">+33 1 40 00 00 00</span>
        <div property="address" typeof="PostalAddress">
          <span property="streetAddress">3 rue Oberkampf</span>
          <span property="postalCode">75011</span> <span property="addressLocality">Paris</span>
        </div>
        <span property="og:title">not schema.org</span>
      </div>
      <div prefix="s: http://schema.org/" typeof="s:Organization"><span property="s:name">Other</span></div>
    </body></html>`);
    const items = rdfaItems($, 'https://cafe-lumen.example.fr/');
    expect(items.map((i) => [i.node['@type'], i.via])).toEqual([
      [['LocalBusiness'], null],
      [['PostalAddress'], 'address'],
      [['Organization'], null],
    ]);
    expect(items[0].node).toMatchObject({
      url: 'https://cafe-lumen.example.fr/',
      name: 'Café Lumen',
      foundingDate: '2011',
      telephone: '+33 1 40 00 00 00',
      address: { streetAddress: '3 rue Oberkampf', postalCode: '75011', addressLocality: 'Paris' },
    });
    expect(items[0].node['og:title']).toBeUndefined();
    expect(items[2].node.name).toBe('Other');
  });

  it('ignores typeof without the schema.org vocabulary', () => {
    const $ = load(
      '<div vocab="http://xmlns.com/foaf/0.1/" typeof="Organization"><span property="name">X</span></div>',
    );
    expect(rdfaItems($, 'https://x.example.com/')[0].node).toEqual({});
  });

  it('gives the organisation’s facts as structured candidates that win over other scraping', () => {
    const facts = extractCompanyFacts([
      htmlPage(
        'https://www.atelier.example.fr/',
        `<html><head><title>Studio de design</title></head>
        <body vocab="https://schema.org/" typeof="WebPage">
          <header property="publisher" typeof="Organization">
            <meta property="name" content="Atelier Nord">
            <meta property="foundingDate" content="2003-01-01">
            <div property="address" typeof="PostalAddress">
              <span property="streetAddress">27 rue X</span>,
              <span property="postalCode">59000</span> <span property="addressLocality">Lille</span>
            </div>
          </header>
          <p>Depuis 2015 nous enseignons.</p>
        </body></html>`,
      ),
    ]);
    expect(pick(facts.name, 'rdfa')).toEqual(['Atelier Nord']);
    expect(pick(facts.founded_year, 'rdfa')).toEqual([2003]);
    const profile = mergeProfile(facts);
    expect(chosenValue(profile, 'founded_year')).toBe(2003);
    // the address has no country: the site's (.fr) is used, its postcode being French-shaped
    expect(chosenValue(profile, 'headquarters')).toMatchObject({ city: 'Lille', country: 'FR' });
  });
});
