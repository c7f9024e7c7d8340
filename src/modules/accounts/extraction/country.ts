import { getCountries, isSupportedCountry, type CountryCode } from 'libphonenumber-js';

/** Country names (English, as ICU spells them) and common aliases → ISO 3166-1 alpha-2. */
let byName: Map<string, CountryCode> | null = null;

function names(): Map<string, CountryCode> {
  if (byName) return byName;
  const display = new Intl.DisplayNames(['en'], { type: 'region' });
  const map = new Map<string, CountryCode>();
  for (const code of getCountries()) {
    const name = display.of(code);
    if (name) map.set(key(name), code);
  }
  const aliases: Record<string, CountryCode> = {
    usa: 'US',
    us: 'US',
    'united states of america': 'US',
    america: 'US',
    uk: 'GB',
    'great britain': 'GB',
    england: 'GB',
    scotland: 'GB',
    wales: 'GB',
    'northern ireland': 'GB',
    deutschland: 'DE',
    holland: 'NL',
    'the netherlands': 'NL',
    'south korea': 'KR',
    'czech republic': 'CZ',
    uae: 'AE',
  };
  for (const [k, v] of Object.entries(aliases)) map.set(k, v);
  byName = map;
  return map;
}

function key(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z ]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** ISO alpha-2 of a country as written in an address ("US", "United Kingdom", "Deutschland"). */
export function toCountryCode(input: string | null | undefined): CountryCode | undefined {
  const raw = (input ?? '').trim();
  if (!raw) return undefined;
  const upper = raw.toUpperCase();
  if (/^[A-Z]{2}$/.test(upper)) {
    const code = upper === 'UK' ? 'GB' : upper;
    return isSupportedCountry(code) ? code : undefined;
  }
  return names().get(key(raw));
}

/** ccTLDs that companies everywhere use as generic names (`.io`, `.ai`, `.co`…): no country. */
const GENERIC_CCTLDS = new Set([
  'io',
  'ai',
  'co',
  'me',
  'tv',
  'ly',
  'fm',
  'gg',
  'sh',
  'so',
  'to',
  'app',
  'cc',
  'ws',
  'la',
  'is',
  'vc',
  'xyz',
]);

/** Country of a domain's ccTLD (`acme.co.uk` → GB, `acme.de` → DE), when it has a real one. */
export function countryFromDomain(domain: string | null): CountryCode | undefined {
  if (!domain) return undefined;
  const tld = domain.split('.').pop()!.toLowerCase();
  if (tld.length !== 2 || GENERIC_CCTLDS.has(tld)) return undefined;
  return toCountryCode(tld === 'uk' ? 'GB' : tld);
}

/** Region of a BCP 47 tag (`en-GB` → GB); a bare language says nothing about the country. */
export function countryFromLang(lang: string | null | undefined): CountryCode | undefined {
  const m = /^[a-z]{2,3}[-_]([a-z]{2})\b/i.exec(lang ?? '');
  return m ? toCountryCode(m[1]) : undefined;
}

/**
 * Languages spoken as a first language in one country above all, and that country: a guess at
 * where a site written in them is, for reading its national phone numbers and postcodes when
 * nothing better says (no ccTLD, no region in the language tag, no country in an address).
 * English, Spanish, Portuguese, Arabic… are left out: they name no one country.
 */
const LANGUAGE_COUNTRY: Record<string, CountryCode> = {
  de: 'DE',
  fr: 'FR',
  it: 'IT',
  nl: 'NL',
  pl: 'PL',
  sv: 'SE',
  da: 'DK',
  fi: 'FI',
  nb: 'NO',
  nn: 'NO',
  no: 'NO',
  cs: 'CZ',
  sk: 'SK',
  hu: 'HU',
  ro: 'RO',
  el: 'GR',
  tr: 'TR',
  ja: 'JP',
  ko: 'KR',
  he: 'IL',
  bg: 'BG',
  hr: 'HR',
  sl: 'SI',
  et: 'EE',
  lv: 'LV',
  lt: 'LT',
  is: 'IS',
};

/** The one country a page's language points to (`de` → DE), when it points to one. */
export function countryOfLanguage(lang: string | null | undefined): CountryCode | undefined {
  const m = /^([a-z]{2,3})\b/i.exec(lang ?? '');
  return m ? LANGUAGE_COUNTRY[m[1].toLowerCase()] : undefined;
}
