import type { CompanyAddress } from '../../../src/providers/company/company.types';
import {
  chosenValue,
  chosenValues,
  extractCompanyFacts,
  mergeProfile,
  toProcessedData,
  type PhoneNumber,
  type PublicEmail,
} from '../../../src/modules/accounts/extraction';
import { toCountryCode } from '../../../src/modules/accounts/extraction/country';
import { nameKey } from '../../../src/modules/accounts/extraction/value-keys';
import { listSites, loadSite, siteFacts, type KnownFacts } from './company-sites';

/**
 * Facts of the sites that predate `facts` in site.json (their manifests are shared with other
 * suites): what each site plainly says about its company.
 */
const EARLIER_SITES: Record<string, KnownFacts> = {
  'brightforge-plain': {
    name: ['Brightforge Robotics', 'Brightforge'],
    founded_year: 2016,
    phone: '+15105550147',
    email: 'hello@brightforge.io',
    city: 'Oakland',
    country: 'US',
    customers: [
      'Globex',
      'Initech',
      'Umbrella Corporation',
      'Stark Industries',
      'Acme Fabrication',
      'Vandelay Industries',
    ],
    not_customers: ['The Welding Journal', 'FabNews Weekly', 'Brightforge'],
  },
  'harbor-wordpress': {
    name: ['Harbor & Pine Coffee Roasters', 'Harbor & Pine'],
    founded_year: 2009,
    phone: '+15035550186',
    email: 'wholesale@harborandpine.com',
    city: 'Portland',
    country: 'US',
  },
  'lumen-spa': { name: 'Lumen' },
  'northwind-jsonld': {
    name: 'Northwind Analytics',
    founded_year: 2014,
    phone: '+442079460321',
    email: 'hello@northwind-analytics.co.uk',
    city: 'London',
    country: 'GB',
    customers: ['Contoso Retail Group', 'Fabrikam Home', 'Tailspin Toys'],
  },
};

const fold = (s: string | null | undefined) =>
  (s ?? '').normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim();

interface SiteScore {
  site: string;
  found: string[];
  missed: string[];
  /** Things taken that the site says are something else (a fax as a phone, a partner as a customer). */
  wrong: string[];
}

/** Which known facts the merged keyless profile of a site gets right. */
function score(site: string, known: KnownFacts): SiteScore {
  const profile = mergeProfile(extractCompanyFacts(loadSite(site), {}));
  const data = toProcessedData(profile);
  const hq = chosenValue<CompanyAddress>(profile, 'headquarters');
  const phones = chosenValues<PhoneNumber>(profile, 'phones').map((p) => p.value.number);
  const emails = chosenValues<PublicEmail>(profile, 'emails').map((e) => e.value.address);
  const customers = new Set(data.customers.map((c) => nameKey(c)));
  const out: SiteScore = { site, found: [], missed: [], wrong: [] };
  const check = (fact: string, ok: boolean, got: unknown) => {
    if (ok) out.found.push(fact);
    else out.missed.push(`${fact} (got ${JSON.stringify(got)})`);
  };

  if (known.name) {
    const names = (Array.isArray(known.name) ? known.name : [known.name]).map(nameKey);
    check('name', names.includes(nameKey(data.company_name ?? '')), data.company_name);
  }
  if (known.founded_year) {
    check('founded_year', data.founded_year === known.founded_year, data.founded_year);
  }
  if (known.phone) check('phone', phones.includes(known.phone), phones);
  if (known.email) check('email', emails.includes(known.email), emails);
  if (known.city) {
    // the city as a part of the headquarters, so that processed_data.location starts with it
    check(
      'city',
      fold(hq?.city) === fold(known.city) && fold(data.location).startsWith(fold(known.city)),
      { city: hq?.city, location: data.location },
    );
  }
  if (known.country) {
    check('country', toCountryCode(hq?.country) === known.country, hq?.country);
  }
  for (const c of known.customers ?? []) {
    check(`customer ${c}`, customers.has(nameKey(c)), data.customers);
  }
  for (const c of known.not_customers ?? []) {
    if (customers.has(nameKey(c))) out.wrong.push(`customer ${c}`);
  }
  for (const p of known.not_phones ?? []) if (phones.includes(p)) out.wrong.push(`phone ${p}`);
  return out;
}

describe('keyless extraction over every fixture site: facts found', () => {
  const sites = listSites();
  const scores = sites.map((site) => {
    const known = siteFacts(site) ?? EARLIER_SITES[site];
    if (!known) throw new Error(`fixture site ${site} lists no facts`);
    return score(site, known);
  });

  afterAll(() => {
    const lines = scores.map((s) => {
      const total = s.found.length + s.missed.length;
      const pct = total ? Math.round((100 * s.found.length) / total) : 100;
      const notes = [...s.missed.map((m) => `missed ${m}`), ...s.wrong.map((w) => `WRONG ${w}`)];
      return `${s.site.padEnd(20)} ${String(s.found.length).padStart(2)}/${String(total).padEnd(2)} ${String(pct).padStart(3)}%${notes.length ? `  ${notes.join('; ')}` : ''}`;
    });
    const found = scores.reduce((n, s) => n + s.found.length, 0);
    const total = scores.reduce((n, s) => n + s.found.length + s.missed.length, 0);
    lines.push(`${'overall'.padEnd(20)} ${found}/${total} ${Math.round((100 * found) / total)}%`);
    console.log(`facts found per fixture site\n${lines.join('\n')}`);
  });

  it('finds at least 90 % of the known facts over all sites', () => {
    const found = scores.reduce((n, s) => n + s.found.length, 0);
    const total = scores.reduce((n, s) => n + s.found.length + s.missed.length, 0);
    expect(found / total).toBeGreaterThanOrEqual(0.9);
  });

  it.each(sites)(
    '%s: takes no fax for a phone and no partner, press outlet or itself for a customer',
    (site) => {
      expect(scores.find((s) => s.site === site)!.wrong).toEqual([]);
    },
  );
});
