import type { Sourced } from '../../../src/providers/core/provenance';
import { extractCompanyFacts } from '../../../src/modules/accounts/extraction';
import {
  decodeCfEmail,
  deobfuscatedEmails,
} from '../../../src/modules/accounts/extraction/contacts.extractor';
import { copyrightHolder } from '../../../src/modules/accounts/extraction/names.extractor';
import { htmlPage } from './page-helpers';

const values = <T>(list: Sourced<T>[], detail?: string): T[] =>
  list.filter((c) => !detail || c.detail === detail).map((c) => c.value);

describe('contact details written as text', () => {
  it('reads labelled numbers anywhere in a table layout, and leaves fax lines out', () => {
    const facts = extractCompanyFacts([
      htmlPage(
        'http://www.smithandsons.co.uk/',
        `<table><tr><td><font size="1">Tel: 0113 496 0500 &nbsp; Fax: 0113 496 0501<br>
        Tel/Fax (out of hours): 0113 496 0509</font></td></tr>
        <tr><td>Telephone</td><td>0113 496 0502</td></tr>
        <tr><td>Fax</td><td>0113 496 0503</td></tr>
        <tr><td>Mobile</td><td>07912 345678</td></tr>
        <tr><td>Our 24 Hour Line 0113 496 0599 is staffed by people</td></tr></table>`,
      ),
    ]);
    const numbers = facts.phones.map((p) => p.value.number);
    expect(numbers).toEqual(
      expect.arrayContaining(['+441134960500', '+441134960502', '+441134960509', '+447912345678']),
    );
    expect(numbers).not.toContain('+441134960501');
    expect(numbers).not.toContain('+441134960503');
    // unlabelled numbers in running text (not a contact block) are no contact points
    expect(numbers).not.toContain('+441134960599');
    expect(facts.phones.find((p) => p.value.number === '+447912345678')!.value.label).toBe(
      'mobile',
    );
    expect(facts.phones.every((p) => p.detail === 'text' && p.confidence === 0.45)).toBe(true);
  });

  it('leaves out a tel: link written after "Fax:"', () => {
    const facts = extractCompanyFacts([
      htmlPage(
        'https://www.acmewidgets.com/contact',
        '<p>Phone: <a href="tel:+15555550100">555-555-0100</a></p><p>Fax: <a href="tel:+15555550101">555-555-0101</a></p>',
      ),
    ]);
    expect(values(facts.phones, 'tel-link').map((p) => p.number)).toEqual(['+15555550100']);
  });

  it.each([
    ['hello [at] northpeak [dot] com [dot] au', 'hello@northpeak.com.au'],
    ['info(at)mueller-bau.de', 'info@mueller-bau.de'],
    ['sales {at} acmewidgets {dot} com', 'sales@acmewidgets.com'],
    ['jane.doe [@] acmewidgets [.] com', 'jane.doe@acmewidgets.com'],
    ['write to jmeyer at acmewidgets dot com', 'jmeyer@acmewidgets.com'],
    ['Email: info AT acmewidgets.com', 'info@acmewidgets.com'],
  ])('de-obfuscates %j', (text, address) => {
    expect(deobfuscatedEmails(text, 'acmewidgets.com').map((e) => e.address)).toEqual([
      expect.any(String),
    ]);
    expect(deobfuscatedEmails(text, 'acmewidgets.com')[0].address).toBe(address);
  });

  it('takes spelled-out words only for the site’s own domain or a shared mailbox', () => {
    expect(deobfuscatedEmails('we met john at globex dot com', 'acmewidgets.com')).toEqual([]);
    expect(deobfuscatedEmails('Meet us at booth 12 at the fair.', 'acmewidgets.com')).toEqual([]);
    expect(deobfuscatedEmails('info@acmewidgets.com', 'acmewidgets.com')).toEqual([]);
  });

  it('decodes Cloudflare’s e-mail protection', () => {
    expect(decodeCfEmail('e7829f9788959394a7949289838695868a93829f938e8b8294c98e89')).toBe(
      'exports@sundaramtextiles.in',
    );
    expect(decodeCfEmail('zz')).toBeNull();
  });
});

describe('names and founding years from text', () => {
  it.each([
    ['© 1998-2024 Hollins Fasteners Ltd. All rights reserved. | Terms', 'Hollins Fasteners Ltd.'],
    [
      'Copyright © 2009–2024 Oakridge Analytics, LLC. All rights reserved.',
      'Oakridge Analytics, LLC',
    ],
    ['(c) Copyright 2003 Meyer Tool & Die Co.', 'Meyer Tool & Die Co.'],
    ['© Atelier Lumière 2024 · Mentions légales', 'Atelier Lumière'],
    ['© 2024 Acme Widgets Limited. Registered in England.', 'Acme Widgets Limited'],
    [
      'Copyright © 2024 Sundaram Textiles Pvt. Ltd. All Rights Reserved.',
      'Sundaram Textiles Pvt. Ltd.',
    ],
    ['© 2024. All rights reserved.', null],
    ['© 2024 Designed by Foo Studio', null],
    ['Copyright © 2024 | Powered by Shopify', null],
    ['Photo © Getty Images', null],
  ])('copyright %j → %j', (line, holder) => {
    expect(copyrightHolder(line)).toBe(holder);
  });

  it('takes the copyright holder as a name (without its legal form) and legal name, not its years as founding', () => {
    const facts = extractCompanyFacts([
      htmlPage(
        'https://www.glenwoodaccountants.co.uk/',
        '<title>Home</title><body><p>Tax and payroll for Yorkshire businesses.</p><div class="site-info">© 1994–2024 Glenwood Accountants Ltd.</div></body>',
      ),
    ]);
    expect(facts.name.map((n) => [n.value, n.detail, n.confidence])).toEqual([
      ['Glenwood Accountants', 'copyright', 0.5],
    ]);
    expect(values(facts.legal_name)).toEqual(['Glenwood Accountants Ltd.']);
    expect(facts.founded_year).toEqual([]);
  });

  it.each([
    ['Founded in 1987 by two engineers.', 1987, 0.5],
    ['Founded: 1987', 1987, 0.5],
    ['The firm was established 1962 in Leeds.', 1962, 0.5],
    ['Gegründet 1994 in Stuttgart.', 1994, 0.5],
    ['Fondée en 2003 à Paris.', 2003, 0.5],
    ['Fondata nel 1968 a Milano.', 1968, 0.5],
    ['1987 – Acme Widgets is founded in a garage in Bath.', 1987, 0.45],
    ['Family owned since 1958.', 1958, 0.35],
  ])('%j → %d', (text, year, confidence) => {
    const facts = extractCompanyFacts([
      htmlPage('https://www.acmewidgets.com/about', `<body><p>${text}</p></body>`),
    ]);
    expect(facts.founded_year.map((f) => [f.value, f.confidence])).toEqual([[year, confidence]]);
  });
});
