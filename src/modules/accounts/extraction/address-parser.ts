import type { CountryCode } from 'libphonenumber-js';
import type { CompanyAddress } from '../../../providers/company/company.types';
import { toCountryCode } from './country';

/*
 * Addresses as people write them — one line with commas, or lines of a block — read into their
 * parts. Each country's way of writing the locality line is a pattern (US "Denver, CO 80202",
 * Canada "Toronto, ON M5H 1K4", UK "Leeds LS11 5PS", Australia "Sydney NSW 2000", India
 * "Bengaluru, Karnataka 560058", most of Europe "70565 Stuttgart"); the city is what the pattern
 * leaves, the street what comes before it, and a country name or ISO code at the end is the country.
 */

const US_STATES: Record<string, string> = {
  AL: 'Alabama',
  AK: 'Alaska',
  AZ: 'Arizona',
  AR: 'Arkansas',
  CA: 'California',
  CO: 'Colorado',
  CT: 'Connecticut',
  DE: 'Delaware',
  DC: 'District of Columbia',
  FL: 'Florida',
  GA: 'Georgia',
  HI: 'Hawaii',
  ID: 'Idaho',
  IL: 'Illinois',
  IN: 'Indiana',
  IA: 'Iowa',
  KS: 'Kansas',
  KY: 'Kentucky',
  LA: 'Louisiana',
  ME: 'Maine',
  MD: 'Maryland',
  MA: 'Massachusetts',
  MI: 'Michigan',
  MN: 'Minnesota',
  MS: 'Mississippi',
  MO: 'Missouri',
  MT: 'Montana',
  NE: 'Nebraska',
  NV: 'Nevada',
  NH: 'New Hampshire',
  NJ: 'New Jersey',
  NM: 'New Mexico',
  NY: 'New York',
  NC: 'North Carolina',
  ND: 'North Dakota',
  OH: 'Ohio',
  OK: 'Oklahoma',
  OR: 'Oregon',
  PA: 'Pennsylvania',
  RI: 'Rhode Island',
  SC: 'South Carolina',
  SD: 'South Dakota',
  TN: 'Tennessee',
  TX: 'Texas',
  UT: 'Utah',
  VT: 'Vermont',
  VA: 'Virginia',
  WA: 'Washington',
  WV: 'West Virginia',
  WI: 'Wisconsin',
  WY: 'Wyoming',
  PR: 'Puerto Rico',
};

const CA_PROVINCES: Record<string, string> = {
  AB: 'Alberta',
  BC: 'British Columbia',
  MB: 'Manitoba',
  NB: 'New Brunswick',
  NL: 'Newfoundland and Labrador',
  NS: 'Nova Scotia',
  NT: 'Northwest Territories',
  NU: 'Nunavut',
  ON: 'Ontario',
  PE: 'Prince Edward Island',
  QC: 'Quebec',
  SK: 'Saskatchewan',
  YT: 'Yukon',
};

const AU_STATES: Record<string, string> = {
  NSW: 'New South Wales',
  VIC: 'Victoria',
  QLD: 'Queensland',
  SA: 'South Australia',
  WA: 'Western Australia',
  TAS: 'Tasmania',
  ACT: 'Australian Capital Territory',
  NT: 'Northern Territory',
};

const IN_STATES = [
  'Andhra Pradesh',
  'Arunachal Pradesh',
  'Assam',
  'Bihar',
  'Chhattisgarh',
  'Goa',
  'Gujarat',
  'Haryana',
  'Himachal Pradesh',
  'Jharkhand',
  'Karnataka',
  'Kerala',
  'Madhya Pradesh',
  'Maharashtra',
  'Manipur',
  'Meghalaya',
  'Mizoram',
  'Nagaland',
  'Odisha',
  'Punjab',
  'Rajasthan',
  'Sikkim',
  'Tamil Nadu',
  'Telangana',
  'Tripura',
  'Uttar Pradesh',
  'Uttarakhand',
  'West Bengal',
  'Delhi',
  'New Delhi',
  'Chandigarh',
  'Puducherry',
  'Jammu and Kashmir',
  'Ladakh',
];

const CITY_STATES = new Set(['Delhi', 'New Delhi', 'Chandigarh', 'Puducherry']);

const fold = (s: string) =>
  s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();

function regionCode(table: Record<string, string>, s: string): string | null {
  const t = s.trim().replace(/\.$/, '');
  if (table[t.toUpperCase()] && /^[A-Za-z]{2,3}$/.test(t)) return t.toUpperCase();
  const f = fold(t);
  const hit = Object.entries(table).find(([, name]) => fold(name) === f);
  return hit ? hit[0] : null;
}
const indianState = (s: string): string | null => {
  const f = fold(s);
  return IN_STATES.find((n) => fold(n) === f) ?? null;
};

/** Second-level divisions written between a British town and its postcode. */
const UK_COUNTY =
  /^(?:(?:county\s+)?(?:greater|west|east|north|south|mid)\s+[\p{L}]+|[\p{L} ]+shire|county\s+[\p{L}]+|kent|surrey|essex|norfolk|suffolk|sussex|devon|cornwall|dorset|somerset|cumbria|merseyside|tyne and wear|middlesex|rutland|fife|lothian|isle of \p{L}+)$/iu;

/** Words that start a street or unit line rather than a place name. */
const STREET_WORD =
  /\b(?:street|st|road|rd|avenue|ave|av|boulevard|blvd|lane|ln|drive|dr|way|place|pl|court|ct|square|sq|parkway|pkwy|highway|hwy|terrace|crescent|close|row|wharf|quay|park|estate|plaza|floor|fl|suite|ste|unit|level|building|bldg|block|tower|house|office|po box|p\.o\. box|cross|nagar|layout|sector|phase|marg|straße|strasse|str|weg|gasse|platz|allee|ring|damm|rue|avenue|boulevard|chemin|quai|allée|impasse|via|viale|piazza|calle|carrera|rua|laan|straat|gracht|plein|vej|gatan|gata|veien)\b\.?/iu;

/** A street line's last word ("1450 Larimer St", "2200 Industrial Parkway"): no city ends so. */
const STREET_SUFFIX =
  /(?:^|\s)(?:street|st|road|rd|avenue|ave|boulevard|blvd|lane|ln|drive|dr|way|parkway|pkwy|highway|hwy|court|ct|place|pl|square|sq|terrace|crescent|close)\.?$|\b(?:suite|ste|unit|floor|level|straße|strasse|str\.|weg|gasse|rue|via|calle)\b/iu;

/** Countries whose postcodes have their own pattern above: the generic form is not theirs. */
const OWN_FORMAT = new Set(['US', 'CA', 'GB', 'AU', 'IN']);

export interface ParsedAddress {
  street?: string;
  city?: string;
  state?: string;
  postal_code?: string;
  country?: string;
}

interface Locality {
  city?: string;
  state?: string;
  postal_code?: string;
  country: CountryCode | null;
  /** How many parts (from the end of the list) the locality took. */
  take: number;
}

const CITY = String.raw`\p{Lu}[\p{L}.'’\- ]*?`;

/** Locality written in one part: "Denver CO 80202", "Leeds LS11 5PS", "70565 Stuttgart"… */
function localityIn(part: string, prev: string | undefined, hint?: CountryCode): Locality | null {
  // "Montréal (Québec) H3B 2Y5"
  const p = part
    .replace(/\(([^)]+)\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  let m: RegExpExecArray | null;

  // Each national pattern applies unless the site's country says the address is elsewhere ("MI
  // 20138" is Milan's province on an Italian site, Michigan on an American one).
  const may = (c: CountryCode) => !hint || hint === c;

  // US: [City] ST|State 12345(-6789)
  m = !may('US')
    ? null
    : new RegExp(
        String.raw`^(?:(${CITY})\s+)?(\p{L}[\p{L} .]+?)\.?\s+(\d{5}(?:-\d{4})?)$`,
        'u',
      ).exec(p);
  if (m) {
    const state = regionCode(US_STATES, m[2]);
    if (state)
      return { city: m[1]?.trim() || undefined, state, postal_code: m[3], country: 'US', take: 1 };
    // "Columbus Ohio 43215": the state may be the city's last word(s)
    const words = `${m[1] ?? ''} ${m[2]}`.trim().split(/\s+/);
    for (let k = Math.min(3, words.length); k >= 1; k--) {
      const st = regionCode(US_STATES, words.slice(-k).join(' '));
      if (st) {
        const city = words.slice(0, -k).join(' ') || undefined;
        return { city, state: st, postal_code: m[3], country: 'US', take: 1 };
      }
    }
  }
  // Canada: [City] PR A1A 1A1
  m = !may('CA')
    ? null
    : new RegExp(
        String.raw`^(?:(${CITY})\s+)?(\p{L}[\p{L} .]+?)\s+([A-Za-z]\d[A-Za-z])\s?(\d[A-Za-z]\d)$`,
        'u',
      ).exec(p);
  if (m) {
    const province = regionCode(CA_PROVINCES, m[2]);
    if (province)
      return {
        city: m[1]?.trim() || undefined,
        state: province,
        postal_code: `${m[3]} ${m[4]}`.toUpperCase(),
        country: 'CA',
        take: 1,
      };
  }
  // Australia: [City] NSW 2000
  m = !may('AU')
    ? null
    : new RegExp(String.raw`^(?:(${CITY})\s+)?(\p{L}[\p{L} .]+?)\s+(\d{4})$`, 'u').exec(p);
  if (m) {
    const state = regionCode(AU_STATES, m[2]);
    if (state && (hint === 'AU' || hint == null || /^[A-Z]{2,3}$/.test(m[2].trim())))
      return { city: m[1]?.trim() || undefined, state, postal_code: m[3], country: 'AU', take: 1 };
  }
  // UK: [Town] SW1A 1AA
  m = new RegExp(String.raw`^(?:(${CITY})\s+)?([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$`, 'u').exec(p);
  if (m)
    return {
      city: m[1]?.trim() || undefined,
      postal_code: `${m[2]} ${m[3]}`,
      country: 'GB',
      take: 1,
    };
  // India: [City|State] [-] 560 058
  m = new RegExp(String.raw`^(?:(${CITY})\s*[-–]?\s*)?(\d{3})\s?(\d{3})$`, 'u').exec(p);
  if (m && (hint === 'IN' || (m[1] && indianState(m[1])) || (prev && indianState(prev)))) {
    const before = m[1]?.trim();
    const state = before ? indianState(before) : null;
    return {
      // Delhi, Chandigarh, Puducherry: the state is the city
      city: state ? (CITY_STATES.has(state) ? state : undefined) : before || undefined,
      state: state ?? undefined,
      postal_code: `${m[2]}${m[3]}`,
      country: 'IN',
      take: 1,
    };
  }
  // Most of Europe and elsewhere: [CC-]12345 City [Cedex 11]
  m = new RegExp(
    String.raw`^(?:([A-Z]{1,2})[-‑ ])?(\d{5}|\d{4}(?:\s?[A-Z]{2})?|\d{3}\s\d{2}|\d{2}-\d{3})\s+(\p{Lu}[\p{L}.'’\- ]*?)(?:\s+cedex(?:\s+\d+)?)?$`,
    'iu',
  ).exec(p);
  if (
    m &&
    /^\p{Lu}/u.test(m[3]) &&
    !STREET_SUFFIX.test(m[3]) &&
    (m[1] || !hint || !OWN_FORMAT.has(hint))
  ) {
    const prefixed = m[1]
      ? toCountryCode(m[1] === 'D' ? 'DE' : m[1] === 'F' ? 'FR' : m[1] === 'A' ? 'AT' : m[1])
      : undefined;
    return { city: m[3].trim(), postal_code: m[2], country: prefixed ?? null, take: 1 };
  }
  return null;
}

const hasDigit = (s: string) => /\d/.test(s);

/** Trailing country part: a name or ISO code ("USA", "United Kingdom", "DE"), not a US state. */
function trailingCountry(parts: string[]): CountryCode | null {
  if (parts.length < 2) return null;
  const last = parts[parts.length - 1].trim();
  if (hasDigit(last)) return null;
  const code = toCountryCode(last);
  if (!code) return null;
  // "Oakland, CA", "Atlanta, Georgia": a US state after a bare city is the state, not a country
  // ("10115 Berlin, DE" and "Toronto, ON, CA" are countries)
  const prev = parts[parts.length - 2] ?? '';
  if (regionCode(US_STATES, last) && !hasDigit(prev) && !regionCode(CA_PROVINCES, prev)) {
    return null;
  }
  return code;
}

/**
 * The parts of an address written as text: street, city, region, postal code and country (ISO
 * alpha-2), as far as the text shows them. `hint`: the country the site is in, which reads the
 * locality formats several countries share (a five-digit postcode before the city). Returns
 * null when no locality can be told apart.
 */
export function parseAddress(text: string, hint?: CountryCode): ParsedAddress | null {
  const parts = text
    .split(/\s*(?:[,;\n]|\s[|•·–—]\s|\s-\s)\s*/)
    .map((p) => p.trim().replace(/\.$/, ''))
    .filter(Boolean);
  if (!parts.length) return null;

  let country = trailingCountry(parts);
  if (country) parts.pop();
  const hintCountry = country ?? hint;

  let loc: Locality | null = null;
  let at = -1;
  for (let i = parts.length - 1; i >= 0 && !loc; i--) {
    const found = localityIn(parts[i], parts[i - 1], hintCountry);
    if (found) {
      loc = found;
      at = i;
    }
  }

  let city: string | undefined;
  let state: string | undefined;
  let postal: string | undefined;
  let streetEnd: number;
  if (loc) {
    postal = loc.postal_code;
    state = loc.state;
    city = loc.city;
    country = country ?? loc.country ?? hint ?? null;
    // region or city in the parts before: "Leeds, West Yorkshire, LS11 5PS", "Denver, CO 80202"
    let j = at - 1;
    if (!city && j >= 0 && !hasDigit(parts[j])) {
      const before = parts[j];
      const region =
        country === 'US'
          ? regionCode(US_STATES, before)
          : country === 'CA'
            ? regionCode(CA_PROVINCES, before)
            : country === 'AU'
              ? regionCode(AU_STATES, before)
              : country === 'IN'
                ? indianState(before)
                : country === 'GB' && UK_COUNTY.test(before)
                  ? before
                  : null;
      if (region && !state) {
        state = region;
        j--;
      }
      if (state && CITY_STATES.has(state)) {
        city = state;
      } else if (j >= 0 && !hasDigit(parts[j]) && !STREET_WORD.test(parts[j])) {
        city = parts[j];
        j--;
      } else if (j >= 0 && region) {
        city = undefined;
      }
    }
    streetEnd = j + 1;
  } else if (!country && parts.length >= 2 && !hasDigit(parts[parts.length - 1])) {
    // "Austin, Texas", "Pune, Maharashtra": a city and its state, no postcode
    const last = parts[parts.length - 1];
    const us = regionCode(US_STATES, last);
    const ca = us ? null : regionCode(CA_PROVINCES, last);
    const au = us || ca ? null : regionCode(AU_STATES, last);
    const inState = us || ca || au ? null : indianState(last);
    const region = us ?? ca ?? au ?? inState;
    const prev = parts[parts.length - 2];
    // a bare two-letter code is a state only after what looks like a city
    if (
      !region ||
      hasDigit(prev) ||
      STREET_WORD.test(prev) ||
      (/^[A-Za-z]{2,3}$/.test(last) && !hint)
    ) {
      return null;
    }
    state = region;
    city = prev;
    country = us ? 'US' : ca ? 'CA' : au ? 'AU' : 'IN';
    streetEnd = parts.length - 2;
  } else if (country && parts.length >= 1) {
    // "Dubai, United Arab Emirates": the last place name before the country
    const j = parts.length - 1;
    if (!hasDigit(parts[j]) && !STREET_WORD.test(parts[j])) {
      city = parts[j];
      streetEnd = j;
    } else {
      streetEnd = parts.length;
    }
  } else {
    return null;
  }

  // street: from the first part with a number or a street word, up to the locality
  const head = parts.slice(0, Math.max(0, streetEnd));
  const start = head.findIndex((p) => hasDigit(p) || STREET_WORD.test(p));
  const street = start >= 0 ? head.slice(start).join(', ') : undefined;

  const out: ParsedAddress = {};
  if (street) out.street = street;
  if (city) out.city = city.replace(/\s+/g, ' ');
  if (state) out.state = state;
  if (postal) out.postal_code = postal;
  if (country) out.country = country;
  return out.city || out.postal_code ? out : null;
}

/**
 * An address with its parts filled in from its one-line form where the markup gave none:
 * the parts it already has stay as they are.
 */
export function withParts(a: CompanyAddress, hint?: CountryCode): CompanyAddress {
  if ((a.city && a.country) || !a.formatted) return a;
  const parsed = parseAddress(a.formatted, toCountryCode(a.country) ?? hint) ?? {};
  const out: CompanyAddress = { ...a };
  for (const k of ['street', 'city', 'state', 'postal_code', 'country'] as const) {
    if (!out[k] && parsed[k]) out[k] = parsed[k];
  }
  // An address that names no country is in the site's own, when its postcode is written that
  // country's way (a German site's "20138" is no German postcode… but an Italian site's is Italian).
  if (!out.country && hint && out.city && postcodeFits(out.postal_code, hint)) out.country = hint;
  return out;
}

/** Postcode shapes by country, for the countries whose shape is distinctive enough to check. */
const POSTCODE: Partial<Record<CountryCode, RegExp>> = {
  US: /^\d{5}(?:-\d{4})?$/,
  CA: /^[A-Z]\d[A-Z] ?\d[A-Z]\d$/i,
  GB: /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i,
  AU: /^\d{4}$/,
  IN: /^\d{3} ?\d{3}$/,
  DE: /^\d{5}$/,
  FR: /^\d{5}$/,
  IT: /^\d{5}$/,
  ES: /^\d{5}$/,
  FI: /^\d{5}$/,
  AT: /^\d{4}$/,
  CH: /^\d{4}$/,
  BE: /^\d{4}$/,
  DK: /^\d{4}$/,
  NO: /^\d{4}$/,
  NL: /^\d{4} ?[A-Z]{2}$/i,
  SE: /^\d{3} ?\d{2}$/,
  PL: /^\d{2}-\d{3}$/,
  JP: /^\d{3}-?\d{4}$/,
};

function postcodeFits(postal: string | undefined, country: CountryCode): boolean {
  if (!postal) return true;
  const shape = POSTCODE[country];
  return shape ? shape.test(postal.replace(/^[A-Z]{1,2}-/, '')) : true;
}

/**
 * Whether a line of text is an address's locality line in some country's format, strictly enough
 * to find addresses in running text ("Denver, CO 80202", "Leeds LS11 5PS", "Sydney NSW 2000").
 * The European five-digit form is too common in text to count alone; `hint` admits it for the
 * site's own country.
 */
export function isLocalityLine(line: string, hint?: CountryCode): ParsedAddress | null {
  const parts = line
    .split(/\s*,\s*/)
    .map((p) => p.trim())
    .filter(Boolean);
  // a one-line address has a few short parts; a sentence that ends in a postcode does not
  if (!parts.length || parts.length > 8 || line.length > 160) return null;
  if (parts.some((p) => p.length > 45 || (p.split(/\s+/).length > 5 && !/\d/.test(p)))) return null;
  let country = trailingCountry(parts);
  if (country) parts.pop();
  const last = parts[parts.length - 1];
  if (!last) return null;
  const loc = localityIn(last, parts[parts.length - 2], country ?? hint);
  if (!loc) return null;
  country = country ?? loc.country;
  if (!country && !hint) return null;
  return parseAddress(line, country ?? hint);
}
