import type { CountryCode } from 'libphonenumber-js';
import { toCountryCode } from './country';
import {
  AU_STATES,
  CA_PROVINCES,
  CITY_STATES,
  indianState,
  regionCode,
  US_STATES,
} from './address-regions';

/*
 * The locality line of an address in each country's format (US "Denver, CO 80202", Canada
 * "Toronto, ON M5H 1K4", UK "Leeds LS11 5PS", Australia "Sydney NSW 2000", India "Bengaluru,
 * Karnataka 560058", most of Europe "70565 Stuttgart"), and the country named at an address's end.
 */

/** A street line's last word ("1450 Larimer St", "2200 Industrial Parkway"): no city ends so. */
const STREET_SUFFIX =
  /(?:^|\s)(?:street|st|road|rd|avenue|ave|boulevard|blvd|lane|ln|drive|dr|way|parkway|pkwy|highway|hwy|court|ct|place|pl|square|sq|terrace|crescent|close)\.?$|\b(?:suite|ste|unit|floor|level|straße|strasse|str\.|weg|gasse|rue|via|calle)\b/iu;

/** Countries whose postcodes have their own pattern below: the generic form is not theirs. */
const OWN_FORMAT = new Set(['US', 'CA', 'GB', 'AU', 'IN']);

export interface Locality {
  city?: string;
  state?: string;
  postal_code?: string;
  country: CountryCode | null;
  /** How many parts (from the end of the list) the locality took. */
  take: number;
}

const CITY = String.raw`\p{Lu}[\p{L}.'’\- ]*?`;

/** Locality written in one part: "Denver CO 80202", "Leeds LS11 5PS", "70565 Stuttgart"… */
export function localityIn(
  part: string,
  prev: string | undefined,
  hint?: CountryCode,
): Locality | null {
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

export const hasDigit = (s: string) => /\d/.test(s);

/** Trailing country part: a name or ISO code ("USA", "United Kingdom", "DE"), not a US state. */
export function trailingCountry(parts: string[]): CountryCode | null {
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
