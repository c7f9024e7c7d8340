import type { Cheerio, CheerioAPI } from 'cheerio';
import type { CompanyAddress } from '../../../providers/company/company.types';
import type { FactSink } from './fact-sink';
import { cleanText, visibleText, type PageDoc } from './html-page';

/** One-line form: "1 Market St, San Francisco, CA 94105, US". */
export function formatAddress(a: CompanyAddress): string {
  const region = [a.state, a.postal_code].filter(Boolean).join(' ');
  return [a.street, a.city, region, a.country].filter(Boolean).join(', ');
}

function compact(a: CompanyAddress): CompanyAddress | null {
  const out: CompanyAddress = {};
  for (const k of ['street', 'city', 'state', 'postal_code', 'country'] as const) {
    const v = cleanText(a[k]);
    if (v) out[k] = v;
  }
  const formatted = cleanText(a.formatted) || formatAddress(out);
  if (!formatted) return null;
  out.formatted = formatted;
  return out;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (v && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string') {
    return (v as { name: string }).name; // schema.org Country / AdministrativeArea
  }
  return undefined;
}

/** A schema.org `PostalAddress` (or the plain string some sites put in `address`). */
export function fromPostalAddress(v: unknown): CompanyAddress | null {
  if (typeof v === 'string') return compact({ formatted: v.replace(/\s*\n\s*/g, ', ') });
  if (!v || typeof v !== 'object') return null;
  const a = v as Record<string, unknown>;
  return compact({
    street: str(a.streetAddress),
    city: str(a.addressLocality),
    state: str(a.addressRegion),
    postal_code: str(a.postalCode),
    country: str(a.addressCountry),
  });
}

/** An address block's lines as one line ("1 Main St\nSpringfield" → "1 Main St, Springfield"). */
function blockAddress($: CheerioAPI, el: Cheerio<any>): CompanyAddress | null {
  const lines = visibleText($, el)
    .split('\n')
    // phone / e-mail lines belong to the contact block, not to the address
    .filter((l) => !/@|^(?:tel|phone|fax|t|f|e|email|e-mail)\b[:.]?/i.test(l))
    .filter((l) => !/^\+?[\d\s().-]{7,}$/.test(l));
  const formatted = lines.join(', ');
  // An address has a number somewhere (street, postcode) and is not a paragraph.
  if (!/\d/.test(formatted) || formatted.length > 200 || formatted.length < 8) return null;
  return compact({ formatted });
}

const HQ_LABEL = /\b(?:headquarters|headquartered|head office|main office|registered office|HQ)\b/i;

/** Whether the text around an address calls it the headquarters. */
function labelledHq($: CheerioAPI, el: Cheerio<any>): boolean {
  const own = cleanText(el.text());
  const prev = cleanText(el.prev().text());
  const parentHead = cleanText(el.parent().children('h1,h2,h3,h4,h5,h6,strong,b').first().text());
  return HQ_LABEL.test(`${prev} ${parentHead} ${own.slice(0, 60)}`);
}

/**
 * Addresses marked up on a page: schema.org microdata (`itemprop=address`), microformats
 * (`h-adr`, `adr`, `h-card`) and `<address>` blocks. An address labelled as headquarters is also
 * a headquarters candidate.
 */
export function extractAddresses(doc: PageDoc, sink: FactSink): void {
  const $ = doc.$;
  if (!$) return;
  const seen = new Set<unknown>();
  const emit = (el: Cheerio<any>, a: CompanyAddress | null, detail: string, confidence: number) => {
    if (!a) return;
    sink.add('addresses', a, { doc, detail, confidence });
    if (labelledHq($, el))
      sink.add('headquarters', a, { doc, detail, confidence: confidence - 0.1 });
  };

  $('[itemtype*="schema.org/PostalAddress" i]').each((_, node) => {
    seen.add(node);
    const el = $(node);
    const prop = (name: string) => cleanText(el.find(`[itemprop=${name}]`).first().text());
    emit(
      el,
      compact({
        street: prop('streetAddress'),
        city: prop('addressLocality'),
        state: prop('addressRegion'),
        postal_code: prop('postalCode'),
        country: prop('addressCountry'),
      }),
      'microdata',
      0.85,
    );
  });

  const microformats =
    '.h-adr, .adr, .h-card:not(:has(.h-adr, .adr)):has(.p-street-address, .p-locality)';
  $(microformats).each((_, node) => {
    if (seen.has(node)) return;
    seen.add(node);
    const el = $(node);
    const part = (cls: string) => cleanText(el.find(cls).first().text());
    emit(
      el,
      compact({
        street: part('.p-street-address, .street-address'),
        city: part('.p-locality, .locality'),
        state: part('.p-region, .region'),
        postal_code: part('.p-postal-code, .postal-code'),
        country: part('.p-country-name, .country-name'),
      }),
      'microformat',
      0.75,
    );
  });

  $('address').each((_, node) => {
    const el = $(node);
    if (el.find('[itemtype*="PostalAddress" i], .h-adr, .adr').length || seen.has(node)) return;
    emit(el, blockAddress($, el), 'address-element', 0.5);
  });
}
