import type { CountryCode } from 'libphonenumber-js';
import type { CompanyAddress } from '../../../providers/company/company.types';
import { toCountryCode } from './country';
import { hasDigit, type Locality, localityIn, trailingCountry } from './address-localities';
import {
  AU_STATES,
  CA_PROVINCES,
  CITY_STATES,
  indianState,
  postcodeFits,
  regionCode,
  UK_COUNTY,
  US_STATES,
} from './address-regions';

/*
 * Addresses as people write them — one line with commas, or lines of a block — read into their
 * parts. Each country's way of writing the locality line is a pattern (address-localities.ts: US
 * "Denver, CO 80202", Canada "Toronto, ON M5H 1K4", UK "Leeds LS11 5PS", Australia "Sydney NSW
 * 2000", India "Bengaluru, Karnataka 560058", most of Europe "70565 Stuttgart"); the city is what
 * the pattern leaves, the street what comes before it, and a country name or ISO code at the end
 * is the country. States, provinces and postcode shapes are in address-regions.ts.
 */

/** Words that start a street or unit line rather than a place name. */
const STREET_WORD =
  /\b(?:street|st|road|rd|avenue|ave|av|boulevard|blvd|lane|ln|drive|dr|way|place|pl|court|ct|square|sq|parkway|pkwy|highway|hwy|terrace|crescent|close|row|wharf|quay|park|estate|plaza|floor|fl|suite|ste|unit|level|building|bldg|block|tower|house|office|po box|p\.o\. box|cross|nagar|layout|sector|phase|marg|straße|strasse|str|weg|gasse|platz|allee|ring|damm|rue|avenue|boulevard|chemin|quai|allée|impasse|via|viale|piazza|calle|carrera|rua|laan|straat|gracht|plein|vej|gatan|gata|veien)\b\.?/iu;

export interface ParsedAddress {
  street?: string;
  city?: string;
  state?: string;
  postal_code?: string;
  country?: string;
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
