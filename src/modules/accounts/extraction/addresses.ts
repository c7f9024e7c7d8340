import type { Cheerio, CheerioAPI } from 'cheerio';
import type { CountryCode } from 'libphonenumber-js';
import type { CompanyAddress } from '../../../providers/company/company.types';
import { isLocalityLine, parseAddress, withParts } from './address-parser';
import { toCountryCode } from './country';
import type { FactSink } from './fact-sink';
import { cleanText, contactText, visibleText, type PageDoc } from './html-page';
import { pageItems, type MarkupItem } from './markup-items';

/** One-line form: "1 Market St, San Francisco, CA 94105, US". */
export function formatAddress(a: CompanyAddress): string {
  const region = [a.state, a.postal_code].filter(Boolean).join(' ');
  return [a.street, a.city, region, a.country].filter(Boolean).join(', ');
}

/**
 * The address with empty parts dropped, its one-line form, and the parts the one-line form shows
 * that the source did not give (city, region, postcode, country: see parseAddress). `hint`: the
 * site's country, which reads the postcode formats several countries share.
 */
function compact(a: CompanyAddress, hint?: CountryCode): CompanyAddress | null {
  const out: CompanyAddress = {};
  for (const k of ['street', 'city', 'state', 'postal_code', 'country'] as const) {
    const v = cleanText(a[k]);
    if (v) out[k] = v;
  }
  const formatted = cleanText(a.formatted) || formatAddress(out);
  if (!formatted) return null;
  out.formatted = formatted;
  return out.city && out.country ? out : withParts(out, hint);
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.map(str).find(Boolean);
  if (v && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string') {
    return (v as { name: string }).name; // schema.org Country / AdministrativeArea
  }
  return undefined;
}

/** A schema.org `PostalAddress` (or the plain string some sites put in `address`). */
export function fromPostalAddress(v: unknown, hint?: CountryCode): CompanyAddress | null {
  if (typeof v === 'string') return compact({ formatted: v.replace(/\s*\n\s*/g, ', ') }, hint);
  if (!v || typeof v !== 'object') return null;
  const a = v as Record<string, unknown>;
  return compact(
    {
      street: str(a.streetAddress),
      city: str(a.addressLocality),
      state: str(a.addressRegion),
      postal_code: str(a.postalCode),
      country: str(a.addressCountry),
    },
    hint,
  );
}

/** Contact lines that belong to the block but not to the address. */
const NOT_ADDRESS_LINE =
  /@|^(?:tel|phone|fax|t|f|e|m|email|e-mail|mobile|web|www|http|hours|opening|open|vat|gst|abn|reg)\b[:.]?/i;

/** An address block's lines as one line ("1 Main St\nSpringfield" → "1 Main St, Springfield"). */
function blockAddress($: CheerioAPI, el: Cheerio<any>, hint?: CountryCode): CompanyAddress | null {
  const lines = visibleText($, el)
    .split('\n')
    // phone / e-mail lines belong to the contact block, not to the address
    .filter((l) => !/@|^(?:tel|phone|fax|t|f|e|email|e-mail)\b[:.]?/i.test(l))
    .filter((l) => !/^\+?[\d\s().-]{7,}$/.test(l));
  const formatted = lines.join(', ');
  // An address has a number somewhere (street, postcode) and is not a paragraph.
  if (!/\d/.test(formatted) || formatted.length > 200 || formatted.length < 8) return null;
  return compact({ formatted }, hint);
}

const HQ_LABEL =
  /\b(?:headquarters|headquartered|head office|main office|corporate office|registered office|HQ|hauptsitz|firmensitz|unternehmenssitz|si[eè]ge(?: social)?|sede (?:central|legal|social))\b/i;

/** Whether the text around an address calls it the headquarters. */
function labelledHq($: CheerioAPI, el: Cheerio<any>): boolean {
  const own = cleanText(el.text());
  const prev = cleanText(el.prev().text());
  const parentHead = cleanText(el.parent().children('h1,h2,h3,h4,h5,h6,strong,b').first().text());
  return HQ_LABEL.test(`${prev} ${parentHead} ${own.slice(0, 60)}`);
}

/** Elements whose addresses are read from their markup: their text is not read again. */
const MARKED_UP =
  'address, [itemtype*="PostalAddress" i], [typeof*="PostalAddress" i], .adr, .h-adr, .h-card, .vcard';

const isPostalAddress = (i: MarkupItem) =>
  ([] as unknown[]).concat(i.node['@type'] ?? []).some((t) => t === 'PostalAddress');

/**
 * Addresses on a page: schema.org microdata and RDFa (`PostalAddress` items), microformats
 * (`h-adr`, `adr`, `h-card`), `<address>` blocks, and addresses written as text lines (a street
 * line, then a locality line in some country's format: see isLocalityLine). An address labelled
 * as headquarters is also a headquarters candidate.
 */
export function extractAddresses(doc: PageDoc, sink: FactSink, hint?: CountryCode): void {
  const $ = doc.$;
  if (!$) {
    if (doc.kind === 'home' || doc.kind === 'about' || doc.kind === 'contact') {
      textAddresses(doc, sink, doc.page.text, hint);
    }
    return;
  }
  const seen = new Set<unknown>();
  const emit = (el: Cheerio<any>, a: CompanyAddress | null, detail: string, confidence: number) => {
    if (!a) return;
    sink.add('addresses', a, { doc, detail, confidence });
    if (labelledHq($, el))
      sink.add('headquarters', a, { doc, detail, confidence: confidence - 0.1 });
  };

  const { microdata, rdfa } = pageItems($, doc.url);
  for (const [items, detail] of [
    [microdata, 'microdata'],
    [rdfa, 'rdfa'],
  ] as const) {
    for (const item of items.filter(isPostalAddress)) {
      seen.add(item.el);
      emit($(item.el as never), fromPostalAddress(item.node, hint), detail, 0.85);
    }
  }

  const microformats =
    '.h-adr, .adr, .h-card:not(:has(.h-adr, .adr)):has(.p-street-address, .p-locality)';
  $(microformats).each((_, node) => {
    if (seen.has(node)) return;
    seen.add(node);
    const el = $(node);
    const part = (cls: string) => cleanText(el.find(cls).first().text());
    emit(
      el,
      compact(
        {
          street: part('.p-street-address, .street-address'),
          city: part('.p-locality, .locality'),
          state: part('.p-region, .region'),
          postal_code: part('.p-postal-code, .postal-code'),
          country: part('.p-country-name, .country-name'),
        },
        hint,
      ),
      'microformat',
      0.75,
    );
  });

  $('address').each((_, node) => {
    const el = $(node);
    if (el.find('[itemtype*="PostalAddress" i], .h-adr, .adr').length || seen.has(node)) return;
    emit(el, blockAddress($, el, hint), 'address-element', 0.5);
  });

  // Addresses written as text: on the pages about the company, anywhere; elsewhere, in the
  // footer and contact blocks. What the markup above has read is left out.
  const skip = new Set<unknown>($(MARKED_UP).toArray());
  const text =
    doc.kind === 'home' || doc.kind === 'about' || doc.kind === 'contact'
      ? visibleText($, $('body'), skip)
      : contactText($, skip);
  textAddresses(doc, sink, text, hint);
}

/** Pieces of a line that one-line footers separate ("Acme · 1 Main St · Springfield, IL 62701"). */
const SEGMENT = /\s+[|•·–—]\s+|\s{3,}/;

/** A line that is no part of an address: a label, a sentence, contact details. */
function notAddressLine(line: string): boolean {
  return (
    NOT_ADDRESS_LINE.test(line) ||
    line.length > 70 ||
    /[.!?]\s+\p{Lu}/u.test(line) ||
    /[.!?:]$/.test(line) ||
    /^\+?[\d\s().-]{7,}$/.test(line) ||
    /©|\(c\)|copyright/i.test(line)
  );
}

/** A continental European locality line: "70565 Stuttgart", "D-80331 München", "1015 CJ Amsterdam". */
const CONTINENTAL = /^(?:[A-Z]{1,2}-)?(?:\d{5}|\d{4}(?:\s?[A-Z]{2})?)\s+\p{Lu}[\p{L}.'’ -]{1,40}$/u;

const STREETISH =
  /\d|\b(?:street|st|road|rd|avenue|ave|boulevard|blvd|lane|drive|way|place|court|square|parkway|highway|wharf|quay|estate|plaza|floor|suite|unit|level|building|tower|house|po box|cross|layout|rue|chemin|quai|via|piazza|calle|rua|avenida)\b|\p{L}*(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|markt|straat|laan|gracht|plein|kade|singel|gatan|gata|vej|veien|vägen)\b/iu;

/**
 * Addresses written as plain lines of text: a locality line ("Leeds LS11 5PS", "Denver, CO
 * 80202", "70565 Stuttgart" on a German site), with the place-name lines just above it when the
 * locality names no town (a county, a city), the street lines above those, and a country line
 * just below. A heading just above that says "Headquarters" / "Registered office" makes it a
 * headquarters candidate.
 */
function textAddresses(doc: PageDoc, sink: FactSink, text: string, hint?: CountryCode): void {
  const lines = text
    .split('\n')
    .flatMap((l) => l.split(SEGMENT))
    .map((l) => cleanText(l).replace(/[,;]$/, ''))
    // "Head office: 12 High St, Leeds LS1 4AB": the label is a line of its own
    .flatMap((l) => {
      const m = /^(\p{L}[\p{L} &'’/-]{1,30}):\s+(\S.*)$/u.exec(l);
      return m ? [`${m[1]}:`, m[2]] : [l];
    })
    .filter(Boolean);
  let lastUsed = -1;
  for (let i = 0; i < lines.length; i++) {
    const prev = lines[i - 1];
    // "70565 Stuttgart" after "Industriestraße 14": the continental form, on a site of no
    // known country, counts after a street line
    const locality =
      isLocalityLine(lines[i], hint) ??
      (!hint &&
      CONTINENTAL.test(lines[i]) &&
      prev &&
      i - 1 > lastUsed &&
      /\d/.test(prev) &&
      STREETISH.test(prev.replace(/\d+/g, ' ')) &&
      !notAddressLine(prev)
        ? parseAddress(`${prev}, ${lines[i]}`)
        : null);
    if (!locality) continue;
    let start = i;
    // a town and county above a bare postcode: "Leeds" / "West Yorkshire" / "LS11 5PS"
    if (!locality.city) {
      for (let k = 0; k < 2 && start - 1 > lastUsed; k++) {
        const l = lines[start - 1];
        if (notAddressLine(l) || /\d/.test(l) || l.split(' ').length > 3 || !/^\p{Lu}/u.test(l))
          break;
        start--;
      }
    }
    // street lines (a number or a street word), at most three
    for (let k = 0; k < 3 && start - 1 > lastUsed; k++) {
      const l = lines[start - 1];
      if (notAddressLine(l) || !STREETISH.test(l) || isLocalityLine(l, hint)) break;
      start--;
    }
    let end = i;
    if (i + 1 < lines.length && toCountryCode(lines[i + 1]) && !/\d/.test(lines[i + 1])) end++;
    lastUsed = end;
    const block = lines.slice(start, end + 1);
    // a locality line alone is an address only when it names a town
    if (block.length === 1 && !locality.city) continue;
    const address = compact({ formatted: block.join(', ') }, hint);
    if (!address?.city && !address?.postal_code) continue;
    const confidence = 0.45;
    sink.add('addresses', address, { doc, detail: 'text', confidence });
    const label = lines.slice(Math.max(0, start - 2), start).join(' ');
    if (HQ_LABEL.test(label) && label.length < 80) {
      sink.add('headquarters', address, { doc, detail: 'text', confidence: confidence - 0.1 });
    }
  }
}
