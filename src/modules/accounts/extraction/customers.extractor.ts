import type { Cheerio, CheerioAPI } from 'cheerio';
import type { FactSink } from './fact-sink';
import { absoluteUrl, cleanText, pageKind, type PageDoc } from './html-page';
import { nameKey } from './value-keys';

/** Headings that introduce a wall of customer logos. */
const TRUST_HEADING = new RegExp(
  [
    'trusted by',
    'our (?:customers|clients)',
    '(?:customers|clients) include',
    '(?:used|loved|chosen|relied on) by',
    'powering (?:the )?(?:world|teams|companies|brands)',
    'in good company',
    'join(?:ing)? (?:over |more than )?[\\d,.+k ]*(?:companies|teams|businesses|brands|organi[sz]ations|customers)',
    '(?:companies|teams|brands|businesses|organi[sz]ations|customers) (?:that |who )?(?:use|trust|rely on|love|choose)',
    "world'?s (?:best|leading|top|most innovative|fastest[- ]growing) (?:companies|teams|brands)",
  ].join('|'),
  'i',
);

/** Logo walls that are not customers: press mentions, partners, integrations, awards. */
const NOT_CUSTOMERS =
  /\b(?:as seen|featured|press|media|partners?|integrations?|investors?|backed|awards?|certifi|badges?|compliance|works with|integrates)\b/i;

const LOGO_WALL_CLASS =
  '[class*=logo-wall], [class*=logowall], [class*=logo-grid], [class*=logo-cloud], [class*=logos], [class*=customer-logo], [class*=client-logo], [class*=customers], [class*=clients], [class*=trusted], [id*=customers], [id*=clients], [id*=logos]';

/** Alt texts that name no company. */
const GENERIC = new Set(
  (
    'logo image icon photo picture placeholder arrow quote avatar headshot play close menu ' +
    'customer client company partner brand background hero illustration screenshot spacer ' +
    'star rating check badge'
  ).split(' '),
);

const LABELLED = 'img[alt], svg[aria-label], [role=img][aria-label]';

/** A customer's name from a logo's alt text ("Globex logo" → "Globex"), or null. */
export function customerName(raw: string | undefined, ownKeys: Set<string>): string | null {
  let s = cleanText(raw);
  const fileName = !/\s/.test(s) && /[-_.]/.test(s);
  s = s.replace(/\.(?:png|jpe?g|svg|webp|gif|avif)$/i, '');
  if (fileName) s = s.replace(/[-_]+/g, ' ');
  s = s
    .replace(
      /\b(?:logo(?:type|mark)?s?|wordmark|brand ?mark|icon|image|img|customer|client)\b/gi,
      ' ',
    )
    .replace(/^\s*(?:the\s+)?(?:of|for|from)\s+/i, '')
    .replace(/^[\s\-–—|:,.]+|[\s\-–—|:,.]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (s.length < 2 || s.length > 50 || s.split(' ').length > 5) return null;
  if (GENERIC.has(s.toLowerCase())) return null;
  const key = nameKey(s);
  if (!key || ownKeys.has(key)) return null;
  // "logo-hooli.png" → "Hooli": a file name says nothing about capitals, so give the usual ones
  return fileName ? s.replace(/(^|\s)\p{Ll}/gu, (c) => c.toUpperCase()) : s;
}

function labels($: CheerioAPI, container: Cheerio<any>): string[] {
  const out: string[] = [];
  container.find(LABELLED).each((_, el) => {
    const e = $(el);
    if (e.closest('header, nav, footer').length && !container.is('header, nav, footer')) return;
    out.push(e.attr('alt') ?? e.attr('aria-label') ?? '');
  });
  return out;
}

/** The nearest ancestor (up to 4 levels) that holds at least two labelled logos. */
function wallAround($: CheerioAPI, el: Cheerio<any>): Cheerio<any> | null {
  let node = el.parent();
  for (let i = 0; i < 4 && node.length; i++, node = node.parent()) {
    if (node.is('body, html, main')) return null;
    if (node.find(LABELLED).length >= 2) return node;
  }
  return null;
}

/** Words of `text` that spell the first slug tokens, capitalised: ("how Globex cut…", globex-…) → "Globex". */
export function nameFromSlug(slug: string, text: string): string | null {
  const tokens = slug.toLowerCase().split(/[-_]+/).filter(Boolean);
  const words = text.split(/\s+/).map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}&]+$/gu, ''));
  for (let i = 0; i < words.length; i++) {
    if (words[i].toLowerCase() !== tokens[0] || !/^[\p{Lu}\p{N}]/u.test(words[i])) continue;
    let j = i + 1;
    while (
      j < words.length &&
      j - i < tokens.length &&
      words[j].toLowerCase() === tokens[j - i] &&
      /^[\p{Lu}\p{N}&]/u.test(words[j])
    ) {
      j++;
    }
    return words.slice(i, j).join(' ');
  }
  return null;
}

function slugOf(url: string): string | null {
  try {
    const segments = new URL(url).pathname.split('/').filter(Boolean);
    const last = segments[segments.length - 1];
    return last ? decodeURIComponent(last).replace(/\.(?:html?|php)$/, '') : null;
  } catch {
    return null;
  }
}

/**
 * Customers the site names: logo walls ("Trusted by…" sections, logo-grid containers) by their
 * images' alt texts, logos and case studies on customer pages, the subjects of case-study pages,
 * and testimonial attributions ("Jane Doe, CTO at Initech").
 */
export function extractCustomers(doc: PageDoc, sink: FactSink, ownKeys: Set<string>): void {
  const $ = doc.$;
  if (!$) return;
  const add = (raw: string | undefined, detail: string, confidence: number) => {
    const name = customerName(raw, ownKeys);
    if (name) sink.add('customers', name, { doc, detail, confidence });
  };

  const walls = new Set<unknown>();
  // Most pages have no such heading: look for one in the text before walking the elements.
  const headings = TRUST_HEADING.test(doc.page.text)
    ? 'h1, h2, h3, h4, h5, h6, p, span, strong, div'
    : '';
  (headings ? $(headings) : $([])).each((_, node) => {
    const el = $(node);
    if (el.children().not('br, em, strong, span, b, i').length) return; // a heading, not a section
    const text = cleanText(el.text());
    if (text.length > 120 || !TRUST_HEADING.test(text) || NOT_CUSTOMERS.test(text)) return;
    const wall = wallAround($, el);
    if (!wall || walls.has(wall.get(0))) return;
    walls.add(wall.get(0));
    for (const alt of labels($, wall)) add(alt, 'logo-wall', 0.6);
  });
  $(LOGO_WALL_CLASS).each((_, node) => {
    const el = $(node);
    if (
      walls.has(node) ||
      el
        .parents()
        .toArray()
        .some((p) => walls.has(p))
    )
      return;
    const hint = `${el.attr('class') ?? ''} ${el.attr('id') ?? ''} ${cleanText(el.find('h1,h2,h3,h4').first().text())}`;
    if (NOT_CUSTOMERS.test(hint) || el.find(LABELLED).length < 2) return;
    walls.add(node);
    for (const alt of labels($, el)) add(alt, 'logo-wall', 0.55);
  });

  if (doc.kind === 'customers') {
    $('main img[alt], article img[alt], section img[alt]').each((_, el) => {
      const e = $(el);
      if (e.closest('header, nav, footer').length) return;
      const hint = `${e.attr('class') ?? ''} ${e.attr('src') ?? ''} ${e.attr('alt') ?? ''} ${e.parent().attr('class') ?? ''}`;
      if (/logo/i.test(hint)) add(e.attr('alt'), 'customer-page', 0.55);
    });
    $('a[href]').each((_, el) => {
      const href = absoluteUrl($(el).attr('href'), doc.url);
      if (!href || pageKind(href) !== 'case-study') return;
      const slug = slugOf(href);
      const alt = $(el).find('img[alt]').first().attr('alt');
      const fromAlt = customerName(alt, ownKeys);
      if (fromAlt) return add(fromAlt, 'case-study', 0.6);
      const fromText = slug ? nameFromSlug(slug, cleanText($(el).text())) : null;
      if (fromText) add(fromText, 'case-study', 0.55);
    });
  }

  if (doc.kind === 'case-study') {
    const slug = slugOf(doc.url);
    const heads = [
      cleanText($('h1').first().text()),
      cleanText(doc.page.title ?? $('title').text()),
    ];
    const name = slug ? heads.map((h) => nameFromSlug(slug, h)).find(Boolean) : null;
    if (name) add(name, 'case-study', 0.6);
  }

  $('blockquote, figure, [class*=testimonial], [class*=quote]').each((_, node) => {
    const who = cleanText(
      $(node)
        .find('cite, figcaption, footer, [class*=author], [class*=attribution]')
        .first()
        .text(),
    );
    const m =
      /\b(?:at|@)\s+((?:[\p{Lu}\p{N}][\p{L}\p{N}&.'-]*)(?:\s+[\p{Lu}\p{N}&][\p{L}\p{N}&.'-]*){0,3})/u.exec(
        who,
      );
    if (m) add(m[1], 'testimonial', 0.45);
  });
}
