import {
  chosenValue,
  extractCompanyFacts,
  mergeProfile,
  toProcessedData,
} from '../../../src/modules/accounts/extraction';
import {
  isLocalityLine,
  parseAddress,
} from '../../../src/modules/accounts/extraction/address-parser';
import type { CompanyAddress } from '../../../src/providers/company/company.types';
import { htmlPage } from './page-helpers';

describe('parseAddress', () => {
  it.each([
    // US: state code or name, ZIP, a company line and a suite ahead of the street
    [
      'Acme, Inc., 1200 Harbor Blvd, Suite 400, Oakland, CA 94607, USA',
      {
        street: '1200 Harbor Blvd, Suite 400',
        city: 'Oakland',
        state: 'CA',
        postal_code: '94607',
        country: 'US',
      },
    ],
    ['1 Market St, San Francisco CA 94105', { city: 'San Francisco', state: 'CA', country: 'US' }],
    ['2200 Industrial Parkway, Toledo, Ohio 43612', { city: 'Toledo', state: 'OH', country: 'US' }],
    ['Austin, Texas', { city: 'Austin', state: 'TX', country: 'US' }],
    // Canada, the Québec way of writing the province too
    [
      '220 King Street West, Suite 900, Toronto, ON M5H 1K4, Canada',
      {
        street: '220 King Street West, Suite 900',
        city: 'Toronto',
        state: 'ON',
        postal_code: 'M5H 1K4',
        country: 'CA',
      },
    ],
    [
      '1000 rue Sherbrooke, Montréal (Québec) H3A 3G4',
      { city: 'Montréal', state: 'QC', country: 'CA' },
    ],
    // UK: postcode with or without a town on its line, a county in between
    [
      '14 Clerkenwell Green, London EC1R 0DP, United Kingdom',
      { city: 'London', postal_code: 'EC1R 0DP', country: 'GB' },
    ],
    [
      'Glenwood House, 4 Station Road, Harrogate, North Yorkshire, HG1 1SU',
      {
        street: 'Glenwood House, 4 Station Road',
        city: 'Harrogate',
        state: 'North Yorkshire',
        postal_code: 'HG1 1SU',
        country: 'GB',
      },
    ],
    // Germany, France, Switzerland, the Netherlands: postcode before the town
    [
      'Industriestraße 14, 70565 Stuttgart, Germany',
      { street: 'Industriestraße 14', city: 'Stuttgart', postal_code: '70565', country: 'DE' },
    ],
    ['Kaiserstraße 5, 60311 Frankfurt am Main, DE', { city: 'Frankfurt am Main', country: 'DE' }],
    [
      '27 rue de la Roquette, 75011 Paris Cedex 11, France',
      { city: 'Paris', postal_code: '75011', country: 'FR' },
    ],
    ['Bahnhofstrasse 1, CH-8001 Zürich', { city: 'Zürich', postal_code: '8001', country: 'CH' }],
    [
      'Keizersgracht 123, 1015 CJ Amsterdam, Netherlands',
      { city: 'Amsterdam', postal_code: '1015 CJ', country: 'NL' },
    ],
    // Australia, India
    [
      'Level 12, 88 Phillip Street, Sydney NSW 2000',
      {
        street: 'Level 12, 88 Phillip Street',
        city: 'Sydney',
        state: 'NSW',
        postal_code: '2000',
        country: 'AU',
      },
    ],
    [
      'No. 14, 3rd Cross, Peenya Industrial Area, Bengaluru, Karnataka 560058, India',
      {
        street: 'No. 14, 3rd Cross, Peenya Industrial Area',
        city: 'Bengaluru',
        state: 'Karnataka',
        postal_code: '560058',
        country: 'IN',
      },
    ],
    [
      'A-12, Connaught Place, New Delhi - 110001',
      { city: 'New Delhi', postal_code: '110001', country: 'IN' },
    ],
    // a country name or code at the end, no postcode
    ['Dubai, United Arab Emirates', { city: 'Dubai', country: 'AE' }],
    // "Atlanta, Georgia": the US state, not the country
    ['Atlanta, Georgia 30303', { city: 'Atlanta', state: 'GA', country: 'US' }],
  ])('%s', (text, expected) => {
    expect(parseAddress(text)).toMatchObject(expected);
  });

  it('reads the locality formats several countries share by the site’s country', () => {
    expect(parseAddress('Industriestraße 14, 70565 Stuttgart', 'DE')).toMatchObject({
      city: 'Stuttgart',
      country: 'DE',
    });
    // "MI 20138" is Milan's province on an Italian site, not Michigan
    expect(parseAddress('Via Mecenate 76, Milano, MI 20138', 'IT')?.country).not.toBe('US');
    expect(parseAddress('Via Mecenate 76, Milano, MI 20138')?.country).toBe('US');
  });

  it('names no locality in a street line or a sentence', () => {
    expect(parseAddress('1450 Larimer St, Suite 300', 'US')).toBeNull();
    expect(isLocalityLine('Over 20000 customers')).toBeNull();
    expect(isLocalityLine('70565 Stuttgart')).toBeNull(); // no site country, no street line: not alone
    expect(isLocalityLine('70565 Stuttgart', 'DE')).toMatchObject({ city: 'Stuttgart' });
    expect(isLocalityLine('We are proud to serve customers across the North, LS11 5PS')).toBeNull();
    expect(isLocalityLine('Denver, CO 80202')).toMatchObject({ city: 'Denver', country: 'US' });
  });
});

describe('addresses → headquarters city and country', () => {
  const hq = (pages: ReturnType<typeof htmlPage>[]) => {
    const profile = mergeProfile(extractCompanyFacts(pages));
    return {
      hq: chosenValue<CompanyAddress>(profile, 'headquarters'),
      location: toProcessedData(profile).location,
    };
  };

  it('fills the parts of an <address> block, so that location is "City, State, Country"', () => {
    const { hq: a, location } = hq([
      htmlPage(
        'https://www.acmewidgets.com/',
        '<footer><address>Acme Widgets, Inc.<br>1 Main St<br>Springfield, IL 62701<br>USA</address></footer>',
      ),
    ]);
    expect(a).toMatchObject({
      street: '1 Main St',
      city: 'Springfield',
      state: 'IL',
      country: 'US',
    });
    // the address as written stays
    expect(a!.formatted).toBe('Acme Widgets, Inc., 1 Main St, Springfield, IL 62701, USA');
    expect(location).toBe('Springfield, IL, US');
  });

  it('finds addresses written as text lines (a one-line footer, a block after a heading)', () => {
    const { hq: a } = hq([
      htmlPage(
        'https://www.oakridgeanalytics.com/',
        '<div class="footer-line">Oakridge Analytics · 1450 Larimer St, Suite 300 · Denver, CO 80202 · (303) 555-0162</div>',
      ),
      htmlPage(
        'https://www.oakridgeanalytics.com/contact',
        `<h4>Headquarters</h4><p>1450 Larimer St, Suite 300</p><p>Denver, CO 80202</p>
         <h4>Austin</h4><p>600 Congress Ave</p><p>Austin, TX 78701</p>`,
      ),
    ]);
    expect(a).toMatchObject({ city: 'Denver', state: 'CO', country: 'US' });
  });

  it('takes a labelled head office on one line, and the county line above a postcode', () => {
    const facts = extractCompanyFacts([
      htmlPage(
        'https://www.acmewidgets.co.uk/',
        `<p>Head Office: 12 High Street, Bristol BS1 4DJ</p>
         <table><tr><td>Warehouse<br>Unit 7, Canal Wharf<br>Leeds<br>West Yorkshire<br>LS11 5PS</td></tr></table>`,
      ),
    ]);
    expect(facts.headquarters.map((h) => [h.value.city, h.detail])).toEqual([['Bristol', 'text']]);
    expect(facts.addresses.map((a) => [a.value.city, a.value.state, a.value.country])).toEqual([
      ['Bristol', undefined, 'GB'],
      ['Leeds', 'West Yorkshire', 'GB'],
    ]);
  });

  it('takes the address shown on most pages as the main one when none is labelled', () => {
    const footer = '<footer><p>1 Main St<br>Springfield, IL 62701</p></footer>';
    const { hq: a } = hq([
      htmlPage('https://www.acmewidgets.com/', footer),
      htmlPage('https://www.acmewidgets.com/about', `<p>About us</p>${footer}`),
      htmlPage(
        'https://www.acmewidgets.com/contact',
        `<p>Warehouse</p><p>9 Dock Rd</p><p>Peoria, IL 61602</p>${footer}`,
      ),
    ]);
    expect(a).toMatchObject({ city: 'Springfield' });
  });
});
