import * as cheerio from 'cheerio';
import type { IncomingHttpHeaders } from 'node:http';
import type { WebLink, WebPage } from '../web/web-read.types';
import { decodeBody } from './html-charset';
import {
  contentRoot,
  DomNode,
  forEachElement,
  nestingCutoff,
  readableText,
  toMarkdown,
} from './html-readable';

/** Media types the reader parses; anything else is refused before its body is downloaded. */
export const READABLE_TYPES = ['text/html', 'application/xhtml+xml', 'text/plain'] as const;

/** Links kept per page (mega-menus and sitemaps in a footer can hold thousands). */
const MAX_LINKS = 1000;
/** Longest header value kept. */
const MAX_HEADER_VALUE = 500;

/**
 * Response headers kept for technology fingerprints (the names Wappalyzer-style datasets match).
 * Values are kept except for cookies, of which only the names are: a cookie value can be a
 * session credential.
 */
const FINGERPRINT_HEADERS = [
  'server',
  'x-powered-by',
  'x-generator',
  'via',
  'link',
  'content-language',
  'x-aspnet-version',
  'x-aspnetmvc-version',
  'x-drupal-cache',
  'x-drupal-dynamic-cache',
  'x-shopify-stage',
  'x-shopid',
  'x-wix-request-id',
  'x-vercel-id',
  'x-vercel-cache',
  'x-nextjs-cache',
  'x-nf-request-id',
  'x-github-request-id',
  'cf-ray',
  'cf-cache-status',
  'x-amz-cf-id',
  'x-amz-cf-pop',
  'x-served-by',
  'x-cache',
  'x-varnish',
  'x-litespeed-cache',
  'x-turbo-charged-by',
  'x-pingback',
  'x-hubspot-correlation-id',
  'x-kinsta-cache',
  'x-pantheon-styx-hostname',
  'x-wp-total',
];

/** What the fetch produced, before parsing. */
export interface FetchedPage {
  url: string;
  finalUrl: string;
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  truncated: boolean;
  redirects: string[];
}

/** The media type of a Content-Type value, lower case without parameters ('' when absent). */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';', 1)[0].trim().toLowerCase();
}

export function isReadableType(type: string): boolean {
  return (READABLE_TYPES as readonly string[]).includes(type);
}

/** A body sent without a Content-Type: HTML when it starts like markup, else plain text. */
function sniffType(body: Buffer): string {
  const start = body
    .subarray(0, 512)
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '');
  return /^\s*</.test(start) ? 'text/html' : 'text/plain';
}

/** Fingerprint headers, lower-case names; `set-cookie` becomes the comma-separated cookie names. */
export function selectHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FINGERPRINT_HEADERS) {
    const v = headers[name];
    if (v === undefined) continue;
    out[name] = (Array.isArray(v) ? v.join(', ') : String(v)).slice(0, MAX_HEADER_VALUE);
  }
  const cookies = headers['set-cookie'];
  if (cookies?.length) {
    const names = cookies.map((c) => c.split('=', 1)[0].trim()).filter(Boolean);
    if (names.length) out['set-cookie'] = [...new Set(names)].join(', ');
  }
  return out;
}

const collapse = (s: string | undefined) => (s ?? '').replace(/[\s\u00a0]+/g, ' ').trim();

/** An absolute http(s)/mailto/tel URL, fragment removed from http(s); null for anything else. */
function absolute(href: string | undefined, base: string): string | null {
  const h = href?.trim();
  if (!h || h.startsWith('#')) return null;
  try {
    const u = new URL(h, base);
    if (u.protocol === 'http:' || u.protocol === 'https:') {
      u.hash = '';
      return u.href;
    }
    return u.protocol === 'mailto:' || u.protocol === 'tel:' ? u.href : null;
  } catch {
    return null;
  }
}

function normaliseLang(lang: string | undefined): string | null {
  const l = collapse(lang)
    .split(/[,;\s]/, 1)[0]
    .replace(/_/g, '-');
  return /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i.test(l) ? l : null;
}

/** Parses a fetched page into the canonical WebPage (pure: no I/O). */
export function toWebPage(f: FetchedPage, fetchedAt: Date = new Date()): WebPage {
  const declared = mediaType(f.headers['content-type']);
  const type = declared || sniffType(f.body);
  const html = type !== 'text/plain';
  const { text: decoded, charset } = decodeBody(f.body, f.headers['content-type'], html);
  // A pathologically deep document is parsed up to where it gets too deep (see MAX_NESTING).
  const cutoff = html ? nestingCutoff(decoded) : null;
  const truncated = f.truncated || cutoff !== null;
  const base = {
    url: f.url,
    final_url: f.finalUrl,
    status: f.status,
    content_type: type,
    headers: selectHeaders(f.headers),
    fetched_at: fetchedAt.toISOString(),
    reader: 'builtin',
    charset,
    ...(truncated ? { truncated: true } : {}),
    ...(f.redirects.length ? { redirects: f.redirects } : {}),
  };
  const headerLang = normaliseLang(String(f.headers['content-language'] ?? ''));
  if (!html) {
    const text = decoded.replace(/\r\n?/g, '\n').trim();
    return { ...base, title: null, lang: headerLang, text, markdown: text, links: [] };
  }

  const $ = cheerio.load(cutoff === null ? decoded : decoded.slice(0, cutoff));
  const baseHref = absolute($('base[href]').first().attr('href'), f.finalUrl) ?? f.finalUrl;
  const title =
    collapse($('title').first().text()) ||
    collapse($('meta[property="og:title"]').attr('content')) ||
    collapse($('h1').first().text()) ||
    null;
  const lang =
    normaliseLang($('html').attr('lang') ?? $('html').attr('xml:lang')) ??
    normaliseLang($('meta[http-equiv="content-language" i]').attr('content')) ??
    headerLang;

  const links: WebLink[] = [];
  const seen = new Set<string>();
  $('a[href], area[href]').each((_, el) => {
    if (links.length >= MAX_LINKS) return false;
    const a = $(el);
    const href = absolute(a.attr('href'), baseHref);
    if (!href) return;
    const text =
      collapse(a.text()) ||
      collapse(a.attr('aria-label')) ||
      collapse(a.attr('title')) ||
      collapse(a.find('img[alt]').first().attr('alt')) ||
      collapse(a.attr('alt'));
    const rel = collapse(a.attr('rel')).toLowerCase() || undefined;
    const key = `${href}\u0000${text}\u0000${rel ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    links.push(rel ? { href, text, rel } : { href, text });
  });

  const root = contentRoot($.root().get(0) as unknown as DomNode);
  // Markdown links and images must work outside the page: make them absolute first.
  forEachElement(root, (el) => {
    const attr = el.name === 'a' ? 'href' : el.name === 'img' ? 'src' : null;
    if (!attr || !el.attribs?.[attr]) return;
    const abs = absolute(el.attribs[attr], baseHref);
    if (abs) el.attribs[attr] = abs;
    else delete el.attribs[attr];
  });
  const text = readableText(root);
  const markdown = toMarkdown(root);

  return { ...base, title, lang, text, markdown, html: decoded, links };
}
