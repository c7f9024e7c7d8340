import {
  classifyEmail,
  classifySocialUrl,
  parsePhone,
} from '../../../src/modules/accounts/extraction';
import {
  customerName,
  nameFromSlug,
} from '../../../src/modules/accounts/extraction/customer-names';
import { nameFromTitle } from '../../../src/modules/accounts/extraction/meta-tags.extractor';
import { cookiesOf } from '../../../src/modules/accounts/extraction/technologies.extractor';

describe('classifySocialUrl', () => {
  it.each([
    [
      'https://uk.linkedin.com/company/acme-inc/about/',
      'linkedin_url',
      'https://www.linkedin.com/company/acme-inc',
    ],
    [
      'https://www.linkedin.com/showcase/acme-cloud',
      'linkedin_url',
      'https://www.linkedin.com/showcase/acme-cloud',
    ],
    ['https://twitter.com/AcmeHQ?ref_src=twsrc', 'twitter_url', 'https://x.com/AcmeHQ'],
    ['https://mobile.x.com/acmehq/status/123', 'twitter_url', 'https://x.com/acmehq'],
    ['https://github.com/acme/widgets/issues', 'github_url', 'https://github.com/acme'],
    [
      'https://www.youtube.com/channel/UC123abc',
      'youtube_url',
      'https://www.youtube.com/channel/UC123abc',
    ],
    ['https://m.facebook.com/acmeinc/', 'facebook_url', 'https://www.facebook.com/acmeinc'],
    ['https://fb.com/acmeinc', 'facebook_url', 'https://www.facebook.com/acmeinc'],
    ['https://www.instagram.com/acme/', 'instagram_url', 'https://www.instagram.com/acme'],
    [
      'https://www.crunchbase.com/organization/acme-2',
      'crunchbase_url',
      'https://www.crunchbase.com/organization/acme-2',
    ],
  ])('%s → %s %s', (href, field, url) => {
    expect(classifySocialUrl(href)).toEqual({ field, url });
  });

  it.each([
    'https://www.linkedin.com/in/jane-doe',
    'https://www.linkedin.com/shareArticle?mini=true&url=x',
    'https://twitter.com/intent/tweet?text=hi',
    'https://twitter.com/share',
    'https://www.facebook.com/sharer/sharer.php?u=x',
    'https://www.youtube.com/watch?v=abc',
    'https://www.instagram.com/p/Cx1/',
    'https://github.com/sponsors/acme',
    'https://www.crunchbase.com/person/jane-doe',
    'https://example.com/company/acme',
    'mailto:info@acme.com',
  ])('%s is no company profile', (href) => {
    expect(classifySocialUrl(href)).toBeNull();
  });
});

describe('classifyEmail', () => {
  it('keeps role mailboxes, marks personal ones, and tells own domain from others', () => {
    expect(classifyEmail('Sales-EMEA@Acme.com', 'acme.com')).toEqual({
      address: 'sales-emea@acme.com',
      kind: 'role',
      same_domain: true,
    });
    expect(classifyEmail('support+billing@acme.co.uk', 'acme.co.uk')?.kind).toBe('role');
    expect(classifyEmail('jane.doe@acme.com', 'acme.com')?.kind).toBe('personal');
    expect(classifyEmail('press@agency.example.net', 'acme.com')).toMatchObject({
      same_domain: false,
    });
  });

  it.each([
    'noreply@acme.com',
    'do-not-reply@acme.com',
    'logo@2x.png',
    'you@example.com',
    '0123456789abcdef0123@o12.ingest.sentry.io',
    'not-an-email',
  ])('drops %s', (address) => {
    expect(classifyEmail(address, 'acme.com')).toBeNull();
  });
});

describe('parsePhone', () => {
  it('gives E.164 when the number can be read, the digits otherwise', () => {
    expect(parsePhone('030 901820', 'DE')).toMatchObject({
      number: '+4930901820',
      e164: true,
      country: 'DE',
    });
    expect(parsePhone('+33 1 23 45 67 89')).toMatchObject({
      number: '+33123456789',
      e164: true,
      country: 'FR',
    });
    expect(parsePhone('(510) 555-0147')).toEqual({
      number: '5105550147',
      e164: false,
      raw: '(510) 555-0147',
    });
    expect(parsePhone('12')).toBeNull();
  });
});

describe('customer names from logos', () => {
  const own = new Set(['acme']);
  it.each([
    ['Globex logo', 'Globex'],
    ['Logo of Initech', 'Initech'],
    ['logo-umbrella-corp.svg', 'Umbrella Corp'],
    ['stark_industries.png', 'Stark Industries'],
    ['  Wayne Enterprises  ', 'Wayne Enterprises'],
  ])('%j → %j', (alt, name) => {
    expect(customerName(alt, own)).toBe(name);
  });

  it.each([
    'Logo',
    'image',
    '',
    'Acme logo',
    'A photo of our team at the annual offsite in Lisbon',
  ])('%j names no customer', (alt) => {
    expect(customerName(alt, own)).toBeNull();
  });

  it('reads a case-study subject from its slug and title', () => {
    expect(nameFromSlug('globex-cuts-weld-time', 'How Globex cut weld time by 38%')).toBe('Globex');
    expect(nameFromSlug('stark-industries', 'Stark Industries scales with Acme')).toBe(
      'Stark Industries',
    );
    expect(nameFromSlug('initech', 'A bank modernises its back office')).toBeNull();
  });
});

describe('name from a page title', () => {
  it.each([
    ['Acme | Payments for the internet', 'acme.com', 'Acme'],
    ['Payments for the internet – Acme Inc.', 'acme.com', 'Acme Inc.'],
    ['Acme Cloud · Home', 'acme.com', 'Acme Cloud'],
    ['Acme customer story – Globex', 'acme.com', null],
    ['Welcome', 'acme.com', null],
  ])('%j on %s → %j', (title, domain, name) => {
    expect(nameFromTitle(title, domain)).toBe(name);
  });
});

describe('cookies from response headers', () => {
  it('reads names from one or several set-cookie values, without attributes', () => {
    const cookies = cookiesOf({
      'set-cookie':
        'PHPSESSID=abc; path=/; HttpOnly, _ga=GA1.2.3; Expires=Wed, 21 Oct 2026 07:28:00 GMT\nwp_lang=en',
    });
    expect([...cookies.keys()]).toEqual(['PHPSESSID', '_ga', 'wp_lang']);
  });
});
