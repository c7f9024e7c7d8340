import type { Cheerio, CheerioAPI } from 'cheerio';
import { inLogoWall } from './logo-walls';
import { isSameSite } from './domain';
import type { FactSink } from './fact-sink';
import { absoluteUrl, cleanText, originOf, type PageDoc } from './html-page';
import { nameKey } from './value-keys';

/** `<meta name|property=…>` contents by lower-case key. */
export function metaTags($: CheerioAPI): Map<string, string[]> {
  const out = new Map<string, string[]>();
  $('meta').each((_, el) => {
    const key = ($(el).attr('property') ?? $(el).attr('name') ?? $(el).attr('itemprop') ?? '')
      .trim()
      .toLowerCase();
    const content = $(el).attr('content');
    if (!key || content == null) return;
    out.set(key, [...(out.get(key) ?? []), content]);
  });
  return out;
}

const CONNECTORS = new Set(['&', 'and', 'of', 'the', 'for', 'de', 'von', 'und']);

const TITLE_SEPARATORS = /\s+[|–—·•:»-]\s+|\s*[|•·]\s*/;

/**
 * The company name a page title carries: the segment of "Acme | Payments for the internet" that
 * matches the domain's own label (`acme` of acme.com), or, on the home page, a short title.
 */
export function nameFromTitle(title: string, siteDomain: string | null): string | null {
  const segments = title
    .split(TITLE_SEPARATORS)
    .map((s) => cleanText(s).replace(/^(?:welcome to|willkommen bei|bienvenue (?:chez|à))\s+/i, ''))
    .filter(Boolean);
  const label = (siteDomain ?? '').split('.')[0].replace(/[^a-z0-9]/g, '');
  if (label) {
    const hit = segments.find((s) => {
      const compact = nameKey(s).replace(/[^a-z0-9]/g, '');
      if (compact === label) return true;
      // "Acme" on acmehq.com
      if (compact.length >= 3 && label.startsWith(compact)) return true;
      // "Acme Cloud" on acme.com, "Meyer Tool & Die" on meyertool.com, but not "Acme customer
      // story": names are capitalised
      const words = s.split(' ');
      const capitalised = words.every((w) => /^[\p{Lu}\p{N}&]/u.test(w) || CONNECTORS.has(w));
      return words.length <= 5 && capitalised && label.length >= 3 && compact.startsWith(label);
    });
    if (hit) return hit;
  }
  return null;
}

/**
 * What a page declares about itself in `<head>`: OpenGraph, Twitter cards, `application-name`,
 * `description`, `keywords`, the canonical URL, icons, and the title. Description and keywords are
 * read from the home page only: other pages describe themselves, not the company.
 */
export function extractMetaTags(doc: PageDoc, sink: FactSink): void {
  const $ = doc.$;
  const title = cleanText(doc.page.title ?? ($ ? $('title').first().text() : ''));
  const home = doc.kind === 'home';
  if (title) {
    const name = nameFromTitle(title, doc.siteDomain);
    if (name) sink.add('name', name, { doc, detail: 'title', confidence: home ? 0.5 : 0.4 });
  }
  if (!$) return;
  const meta = metaTags($);
  const first = (k: string) => cleanText(meta.get(k)?.[0]) || null;

  const siteName = first('og:site_name');
  if (siteName) sink.add('name', siteName, { doc, detail: 'opengraph', confidence: 0.7 });
  const appName = first('application-name') ?? first('apple-mobile-web-app-title');
  if (appName) sink.add('name', appName, { doc, detail: 'meta', confidence: 0.6 });

  if (home) {
    const og = first('og:description') ?? first('twitter:description');
    if (og && og.length >= 20)
      sink.add('description', og, { doc, detail: 'opengraph', confidence: 0.65 });
    const d = first('description');
    if (d && d.length >= 20) sink.add('description', d, { doc, detail: 'meta', confidence: 0.6 });
    for (const k of (first('keywords') ?? '').split(',').slice(0, 15)) {
      const kw = cleanText(k);
      if (kw && kw.length <= 60)
        sink.add('industry_keywords', kw, { doc, detail: 'meta', confidence: 0.4 });
    }
  }

  const handle = first('twitter:site') ?? first('twitter:creator');
  const m = /^@?(\w{1,15})$/.exec(handle ?? '');
  if (m) sink.add('twitter_url', `https://x.com/${m[1]}`, { doc, detail: 'meta', confidence: 0.7 });

  const canonical = absoluteUrl($('link[rel~=canonical]').attr('href'), doc.url);
  const ogUrl = absoluteUrl(first('og:url'), doc.url);
  for (const [u, detail] of [
    [canonical, 'canonical'],
    [ogUrl, 'opengraph'],
    [doc.url, 'url'],
  ] as const) {
    const origin = originOf(u);
    if (origin && isSameSite(origin, doc.siteDomain)) {
      sink.add('website', origin, { doc, detail, confidence: detail === 'url' ? 0.55 : 0.6 });
    }
  }

  logos(doc, $, meta, sink);
}

function logos(doc: PageDoc, $: CheerioAPI, meta: Map<string, string[]>, sink: FactSink): void {
  const ogLogo = absoluteUrl(meta.get('og:logo')?.[0], doc.url);
  if (ogLogo) sink.add('logo_url', ogLogo, { doc, detail: 'opengraph', confidence: 0.6 });

  // The site's own logo: a logo-ish (or home-linked) image of the header or navigation, else the
  // image of a link to the home page (old sites link `index.html` around a banner), else another
  // logo-ish image — never one of a wall of logos (customers, partners, press).
  const hint = (e: Cheerio<any>) =>
    `${e.attr('class') ?? ''} ${e.attr('id') ?? ''} ${e.attr('alt') ?? ''} ${e.attr('src') ?? ''} ${e.parent().attr('class') ?? ''}`;
  const logoish = (e: Cheerio<any>) => /logo|brand/i.test(hint(e));
  const homeLinked = (e: Cheerio<any>) => {
    const href = absoluteUrl(e.closest('a').attr('href'), doc.url);
    return !!href && isHomeLink(href, doc.url);
  };
  const chrome = (e: Cheerio<any>) => e.closest('header, nav, [role=banner]').length > 0;
  const inWall = (e: Cheerio<any>) =>
    inLogoWall($, e) ||
    e.closest(
      '[class*=customer], [class*=client], [class*=trusted], [class*=partner], [class*=logos], [class*=sponsor], [class*=press]',
    ).length > 0 ||
    (!chrome(e) &&
      [e.parent(), e.parent().parent()].some(
        (a) => !a.is('body, html, main') && a.find('img').length >= 3,
      ));
  // the wall check last: it is the costly one
  const images = $('img')
    .toArray()
    .map((el) => $(el));
  const img =
    images.find((e) => chrome(e) && (logoish(e) || homeLinked(e)) && !inWall(e)) ??
    images.find((e) => homeLinked(e) && !inWall(e)) ??
    images.find((e) => logoish(e) && !inWall(e)) ??
    $([]);
  const src = absoluteUrl(img.attr('src') ?? img.attr('data-src'), doc.url);
  if (src) sink.add('logo_url', src, { doc, detail: 'logo-img', confidence: 0.55 });
  // Its alt text (or title) is the company's name as the company writes it ("Acme logo" →
  // "Acme"); a file name ("meyer_logo.gif") is not.
  const written = img.attr('alt')?.trim() || img.attr('title')?.trim() || '';
  const alt = /^[\w.-]+\.(?:png|jpe?g|gif|svg|webp|bmp)$/i.test(written)
    ? ''
    : cleanText(
        written.replace(
          /\b(?:logo(?:type)?|home(?:page)?|brand|back to|go to|startseite)\b/gi,
          ' ',
        ),
      ).replace(/^[\s\-–—|:]+|[\s\-–—|:]+$/g, '');
  if (alt && alt.length <= 60 && doc.kind === 'home') {
    sink.add('name', alt, { doc, detail: 'logo-alt', confidence: 0.45 });
  }

  const touch = absoluteUrl($('link[rel~=apple-touch-icon]').last().attr('href'), doc.url);
  if (touch) sink.add('logo_url', touch, { doc, detail: 'icon', confidence: 0.3 });
}

/** Whether a link goes to the site's home page (`/`, `index.html`, the origin). */
function isHomeLink(href: string, base: string): boolean {
  try {
    const u = new URL(href);
    const b = new URL(base);
    return u.host === b.host && /^\/(?:index\.(?:html?|php|aspx?))?$/i.test(u.pathname);
  } catch {
    return false;
  }
}
