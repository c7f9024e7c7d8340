import { load, type Cheerio, type CheerioAPI } from 'cheerio';
import type { WebPage } from '../../../providers/web/web-read.types';

/** What a page is for, from its path: it decides which extractors trust it. */
export type PageKind = 'home' | 'about' | 'contact' | 'customers' | 'case-study' | 'other';

/** One page read, parsed once and shared by every extractor. */
export interface PageDoc {
  page: WebPage;
  /** The URL the page was read from (after redirects): the `source` of what it shows. */
  url: string;
  kind: PageKind;
  /** Null when the reader returned no HTML (extractors then fall back to text and links). */
  $: CheerioAPI | null;
  /** Registrable domain of the site being read. */
  siteDomain: string | null;
}

/**
 * Path segments of each kind of page, in the languages the site reader looks for them in (it
 * picks about / customers / contact pages by the same words).
 */
const CUSTOMER_SECTION =
  '(?:our-)?(?:customers?|clients?)|case-stud(?:y|ies)|(?:customer|client|success)-stor(?:y|ies)|testimonials?|references?|referenzen|kunden|clientes|clienti|nos-clients|references-clients|who-we-work-with';
const ABOUT_SECTION =
  'about(?:[-_]?us)?|company|our-company|who-we-are|our-story|story|history|our-history|mission|team|our-team|the-team|leadership|management|ueber-uns|uber-uns|unternehmen|a-propos|qui-sommes-nous|quienes-somos|nosotros|empresa|chi-siamo|azienda|over-ons|om-oss|sobre(?:-nos)?';
const CONTACT_SECTION =
  'contact(?:[-_]?us)?|contacts|get-in-touch|find-us|visit-us|kontakt|contacto|contatti|nous-contacter|locations?|offices?|imprint|impressum|legal-notice|mentions-legales|aviso-legal';

/** Locale prefixes sites put before every path: `/en`, `/en-us`, `/de-DE`. */
const LOCALE = /^\/[a-z]{2}(?:[-_][a-z]{2})?(?=\/|$)/i;

export function pageKind(url: string): PageKind {
  let path: string;
  try {
    path = new URL(url).pathname.toLowerCase();
  } catch {
    return 'other';
  }
  path = path.replace(/\/index\.(?:html?|php)$/, '/').replace(LOCALE, '');
  path = path.replace(/\/+$/, '');
  if (path === '' || path === '/') return 'home';
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/\.(?:html?|php|aspx?)$/, ''));
  const first = segments[0];
  if (new RegExp(`^(?:${CUSTOMER_SECTION})$`).test(first)) {
    return segments.length > 1 ? 'case-study' : 'customers';
  }
  if (new RegExp(`^(?:${ABOUT_SECTION})$`).test(first)) return 'about';
  if (new RegExp(`^(?:${CONTACT_SECTION})$`).test(first)) return 'contact';
  return 'other';
}

/**
 * HTML beyond this is parsed as its head and its end only: company facts sit in the `<head>`, the
 * header and the footer, and every extractor's cost grows with the number of elements.
 */
const PARSE_HEAD = 400_000;
const PARSE_TAIL = 100_000;

export function loadPage(page: WebPage, siteDomain: string | null): PageDoc {
  const url = page.final_url || page.url;
  const raw = page.html?.trim() ? page.html : null;
  const html =
    raw && raw.length > PARSE_HEAD + PARSE_TAIL
      ? raw.slice(0, PARSE_HEAD) + raw.slice(-PARSE_TAIL)
      : raw;
  return { page, url, kind: pageKind(url), $: html ? load(html) : null, siteDomain };
}

/** Collapses whitespace (HTML text is full of it) and trims. */
export function cleanText(s: string | null | undefined): string {
  return (s ?? '').replace(/\s+/g, ' ').trim();
}

/** Absolute http(s) URL of `href` seen on `base`, or null for anything else (javascript:, #…). */
export function absoluteUrl(href: string | null | undefined, base: string): string | null {
  const h = (href ?? '').trim();
  if (!h) return null;
  try {
    const u = new URL(h, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

/** `https://host` of a URL, or null. */
export function originOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? `${u.protocol}//${u.host}` : null;
  } catch {
    return null;
  }
}

/**
 * Year the page was read (from `fetched_at`), so "founded in" checks depend on the page, not on
 * the clock; null when the reader gave no usable date.
 */
export function yearOf(page: WebPage): number | null {
  const y = new Date(page.fetched_at).getUTCFullYear();
  return Number.isFinite(y) ? y : null;
}

const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'svg', 'iframe', 'head']);
const BLOCK =
  /^(?:p|div|section|article|header|footer|nav|main|aside|li|ul|ol|dl|dt|dd|h[1-6]|br|hr|tr|td|th|table|address|blockquote|figure|figcaption|form|label|button)$/;

/**
 * Visible text of an element, one line per block element (cheerio's `.text()` glues
 * `<p>Acme</p><p>Inc</p>` into "AcmeInc" and keeps script bodies).
 */
export function visibleText(
  $: CheerioAPI,
  root: Cheerio<any>,
  /** Elements left out, with their content (blocks another reader has already read). */
  skip?: ReadonlySet<unknown>,
): string {
  const out: string[] = [];
  const walk = (nodes: Cheerio<any>): void => {
    nodes.each((_, node) => {
      if (skip?.has(node)) return;
      const n = node as { data?: string; name?: string; type?: string };
      if (n.type === 'text' && typeof n.data === 'string') {
        out.push(n.data);
        return;
      }
      if (n.type !== 'tag' || !n.name) return;
      const name = n.name.toLowerCase();
      if (SKIPPED.has(name)) return;
      const block = BLOCK.test(name);
      if (block) out.push('\n');
      walk($(node).contents());
      if (block) out.push('\n');
    });
  };
  walk(root);
  return out
    .join('')
    .split('\n')
    .map((line) => cleanText(line))
    .filter(Boolean)
    .join('\n');
}

/** Visible text of the footer and of address / contact blocks: where sites put contact points. */
export function contactText($: CheerioAPI, skip?: ReadonlySet<unknown>): string {
  const parts: string[] = [];
  const blocks = $(
    'footer, [role=contentinfo], address, [class*=footer], [id*=footer], [class*=contact]',
  );
  const inBlock = new Set<unknown>(blocks.toArray());
  blocks.each((_, el) => {
    // a block inside another is read with it
    if (
      $(el)
        .parents()
        .toArray()
        .some((p) => inBlock.has(p))
    )
      return;
    parts.push(visibleText($, $(el), skip));
  });
  return parts.join('\n');
}
