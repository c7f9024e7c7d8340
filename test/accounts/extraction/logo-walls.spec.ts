import { extractCompanyFacts } from '../../../src/modules/accounts/extraction';
import {
  nameFromCardTitle,
  nameFromFile,
} from '../../../src/modules/accounts/extraction/customer-names';
import { htmlPage } from './page-helpers';

/** Customers found on a page (after the site's home page, when the page is not the home page). */
const customers = (url: string, body: string) => {
  const page = htmlPage(url, `<html><body>${body}</body></html>`);
  const home = htmlPage(new URL('/', url).href, '<html><body><h1>Welcome</h1></body></html>');
  const pages = new URL(url).pathname === '/' ? [page] : [home, page];
  return extractCompanyFacts(pages).customers.map((c) => [c.value, c.detail]);
};

describe('customer logo walls', () => {
  it('reads a customers page’s logo grid by alt, title and file name, and skips the partner grid', () => {
    expect(
      customers(
        'https://www.acmewidgets.com/clients/',
        `<header><a href="/"><img src="/img/acme.svg" alt="Acme Widgets"></a></header>
        <main>
          <h1>Who we work with</h1>
          <div class="row">
            <div class="cell"><img src="/uploads/2023/01/globex.png" alt="Globex logo"></div>
            <div class="cell"><img src="/uploads/2023/01/x1.png" alt="Customer: Initech"></div>
            <div class="cell"><img src="/uploads/2023/01/c-17.png" alt="" title="Soylent Corp"></div>
            <div class="cell"><img src="/uploads/2023/01/umbrella-corporation-300x120.png" alt=""></div>
            <div class="cell"><img src="/uploads/2023/01/logo-7.png" alt=""></div>
          </div>
          <h2>Our technology partners</h2>
          <div class="row"><img src="/p/aws.png" alt="AWS"><img src="/p/stripe.png" alt="Stripe"></div>
        </main>`,
      ),
    ).toEqual([
      ['Globex', 'customer-page'],
      ['Initech', 'customer-page'],
      ['Soylent Corp', 'customer-page'],
      ['Umbrella Corporation', 'customer-page'],
    ]);
  });

  it('reads a wall under a heading that names customers, on any page, in several languages', () => {
    for (const heading of [
      'Some of our clients',
      'Trusted by 500+ teams',
      'Unsere Kunden',
      'Ils nous font confiance',
    ]) {
      expect(
        customers(
          'https://www.acmewidgets.com/',
          `<section><h2>${heading}</h2><ul><li><img src="/a.png" alt="Globex"></li><li><img src="/b.png" alt="Initech logo"></li></ul></section>`,
        ),
      ).toEqual([
        ['Globex', 'logo-wall'],
        ['Initech', 'logo-wall'],
      ]);
    }
  });

  it('takes no press, partner, award or certification row, nor feature cards with icons', () => {
    expect(
      customers(
        'https://www.acmewidgets.com/',
        `<section><h2>As featured in</h2><img src="/press/a.png" alt="TechCrunch"><img src="/press/b.png" alt="Wired"></section>
        <section><h3>Accredited by</h3><img src="/acc/a.png" alt="ISO 9001"><img src="/acc/b.png" alt="Cyber Essentials"></section>
        <section><h2>Our customers</h2>
          <div class="card"><img src="/icons/dispatch.svg" alt=""><h3>Dispatch</h3><p>Plan every load.</p></div>
          <div class="card"><img src="/icons/billing.svg" alt=""><h3>Billing</h3><p>Invoice on delivery.</p></div>
        </section>`,
      ),
    ).toEqual([]);
  });

  it('reads a text list of customers after a heading that names them', () => {
    expect(
      customers(
        'http://www.meyertool.com/',
        `<p><b>Some of our customers:</b></p><ul><li>Maumee Valley Pump</li><li>Great Lakes Gear</li></ul>
        <p><b>Our capabilities:</b></p><ul><li>CNC milling up to 40 inches.</li><li>Wire EDM.</li></ul>`,
      ),
    ).toEqual([
      ['Maumee Valley Pump', 'customer-list'],
      ['Great Lakes Gear', 'customer-list'],
    ]);
  });

  it('reads the clients named by case-study card titles, not the photos’ alt texts', () => {
    expect(
      customers(
        'https://www.oakridgeanalytics.com/',
        `<section><h2>Case studies</h2>
          <div class="card"><img src="/a.jpg" alt="Nurses in a corridor"><h3>Summit Health: fewer readmissions</h3></div>
          <div class="card"><img src="/b.jpg" alt="A branch"><h3>How Red Rocks Credit Union moved off spreadsheets</h3></div>
          <div class="card"><img src="/c.jpg" alt="A plant"><h3>A 12-person shop runs a second shift</h3></div>
        </section>`,
      ),
    ).toEqual([
      ['Summit Health', 'case-study'],
      ['Red Rocks Credit Union', 'case-study'],
    ]);
  });

  it.each([
    ['/img/customers/harbourfront-dairy.png', 'Harbourfront Dairy'],
    ['/wp-content/uploads/2021/03/globex-logo-300x150.png', 'Globex'],
    ['/img/logos/initech@2x.svg', 'Initech'],
    ['/img/clients/c-114.png', null],
    ['/img/slide1.jpg', null],
    ['/img/logo.svg', null],
  ])('file name %s → %j', (src, name) => {
    expect(nameFromFile(src, new Set(['acme']))).toBe(name);
  });

  it.each([
    ['Summit Health: cutting readmissions', 'Summit Health'],
    ['Globex — 38% faster welds', 'Globex'],
    ['How Initech moved to the cloud', 'Initech'],
    ['How we helped a bank grow', null],
    ['Case study: a regional retailer', null],
  ])('card title %j → %j', (title, name) => {
    expect(nameFromCardTitle(title, new Set(['acme']))).toBe(name);
  });
});
