import type { Cheerio, CheerioAPI } from 'cheerio';
import type { FactSink } from './fact-sink';
import { absoluteUrl, cleanText, pageKind, type PageDoc } from './html-page';
import { nameKey } from './value-keys';

/** Headings that introduce a wall of customer logos (or a list of customer names). */
const TRUST_HEADING = new RegExp(
  [
    'trusted by',
    '(?:our|selected|some of our|a few of our|featured|happy|notable|key) (?:customers|clients)',
    '^(?:customers|clients|references|case studies|customer stories)\\W*$',
    '(?:customers|clients) include',
    "who we(?:'ve| have)? (?:work(?:ed)?|partner(?:ed)?) (?:with|for)",
    "(?:brands|companies|teams|organi[sz]ations) we(?:'ve| have)? (?:worked|work) (?:with|for)",
    'unsere kunden|referenzen|ils nous (?:font|ont fait) confiance|nos (?:clients|références)|nuestros clientes|i nostri clienti|onze klanten',
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
  /\b(?:as seen|featured (?:in|on)|in the (?:press|news)|press|media|partners?|partnerships?|integrations?|investors?|backed|awards?|certifi\w*|accredit\w*|memberships?|members? of|associations?|sponsors?|supporters?|badges?|compliance|works with|integrates|powered by|built (?:with|on)|payments?|we accept|presse|partenaires|auszeichnungen|zertifi\w*)\b/i;

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

/** File names that say nothing of whose logo it is ("c-114.png", "ref-01.png", "logo3.svg"). */
const ANONYMOUS_FILE =
  /^(?:[a-z]{0,4}[-_]?\d+|(?:logo|client|customer|partner|brand|ref|img|image|thumb|icon|item)s?(?:[-_]?\d+)?)$/i;

/** A customer's name from a logo's file name ("/logos/harbourfront-dairy.png" → "Harbourfront Dairy"). */
export function nameFromFile(src: string | undefined, ownKeys: Set<string>): string | null {
  const file = decodeURIComponentSafe((src ?? '').split(/[?#]/)[0].split('/').pop() ?? '');
  const stem = file.replace(/\.(?:png|jpe?g|svg|webp|gif|avif)$/i, '');
  if (!stem || stem === file || ANONYMOUS_FILE.test(stem)) return null;
  const words = stem
    .replace(
      /(?:^|[-_@])(?:logo|client|customer|color|colour|white|black|dark|light|mono|grey|gray|small|large|\d+x\d*|\dx|v\d+|\d+|scaled|retina|min)(?=$|[-_@])/gi,
      ' ',
    )
    .split(/[-_\s]+/)
    .filter(Boolean);
  if (!words.length || words.length > 4 || words.some((w) => /\d/.test(w))) return null;
  return customerName(words.join('-') + '.png', ownKeys);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Images and labelled SVGs that may be logos. */
const LOGO_LIKE = 'img, svg[aria-label], [role=img][aria-label]';

/**
 * The name a logo shows: its alt text, else its title or aria-label, else its file name — where
 * the section says these are customers' logos (`strong`), or the path says it is a logo.
 */
function logoName(
  $: CheerioAPI,
  el: unknown,
  ownKeys: Set<string>,
  strong: boolean,
): string | null {
  const e = $(el as never);
  const alt = e.attr('alt') ?? e.attr('aria-label');
  if (alt?.trim()) return customerName(alt, ownKeys);
  const src = e.attr('src') ?? e.attr('data-src') ?? e.attr('data-lazy-src') ?? '';
  return (
    customerName(e.attr('title'), ownKeys) ??
    (strong || LOGO_PATH.test(src) ? nameFromFile(src, ownKeys) : null)
  );
}

/** Image paths that hold logos by convention (`/img/customers/…`, `/logos/…`, `client-…`). */
const LOGO_PATH = /logo|client|customer|brand|referen|kunde/i;

/** Whether an element reads as a section title: a heading, or a short line saying whose logos follow. */
function titleText($: CheerioAPI, el: Cheerio<any>): string | null {
  if (el.is('h1, h2, h3, h4, h5, h6')) return cleanText(el.text());
  if (el.children().not('br, em, strong, span, b, i, font').length) return null;
  const text = cleanText(el.text());
  return text.length <= 80 && (TRUST_HEADING.test(text) || NOT_CUSTOMERS.test(text)) ? text : null;
}

/** The title of the section an element is in: the nearest heading before it, within a few steps. */
function headingBefore($: CheerioAPI, el: Cheerio<any>): string {
  let node = el;
  for (let up = 0; up < 6 && node.length && !node.is('body, html'); up++) {
    let prev = node.prev();
    for (let k = 0; k < 8 && prev.length; k++, prev = prev.prev()) {
      const own = titleText($, prev);
      if (own != null) return own;
      const inner = prev.find('h1, h2, h3, h4, h5, h6').last();
      if (inner.length) return cleanText(inner.text());
    }
    node = node.parent();
  }
  return '';
}

/**
 * The logos of a wall: every image outside the header, navigation and footer (unless the wall is
 * one), whose own section is not a partner / press / award one.
 */
function labels($: CheerioAPI, container: Cheerio<any>): unknown[] {
  const out: unknown[] = [];
  container.find(LOGO_LIKE).each((_, el) => {
    const e = $(el);
    if (e.closest('header, nav, footer').length && !container.is('header, nav, footer')) return;
    // a partner / press / award row inside the wall
    if (NOT_CUSTOMERS.test(headingBefore($, e))) return;
    out.push(el);
  });
  return out;
}

/** Per parsed page: images under each element, and whether a group is logo-like (read once). */
const memo = new WeakMap<
  CheerioAPI,
  { images: Map<unknown, number>; like: Map<unknown, boolean> }
>();

function memoOf($: CheerioAPI): { images: Map<unknown, number>; like: Map<unknown, boolean> } {
  let m = memo.get($);
  if (!m) {
    m = { images: new Map(), like: new Map() };
    memo.set($, m);
  }
  return m;
}

/** How many logo-like images an element holds. */
function imageCount($: CheerioAPI, node: Cheerio<any>): number {
  const key = node.get(0);
  const m = memoOf($).images;
  let n = m.get(key);
  if (n === undefined) {
    n = node.find(LOGO_LIKE).length;
    m.set(key, n);
  }
  return n;
}

/**
 * Whether a group of images is a logo wall rather than content with pictures: little text
 * besides the images (a caption or heading, not a card's paragraph per image).
 */
function logoLike($: CheerioAPI, wall: Cheerio<any>): boolean {
  const key = wall.get(0);
  const m = memoOf($).like;
  const known = m.get(key);
  if (known !== undefined) return known;
  const images = imageCount($, wall);
  // a title per picture: cards (case studies, features), not a wall of logos
  const titles = wall.find('h2, h3, h4, h5, h6').length;
  let like = images >= 2 && titles < Math.max(2, images / 2);
  if (like) {
    const copy = wall.clone();
    copy.find('script, style, noscript').remove();
    like = cleanText(copy.text()).length <= 40 * images + 80;
  }
  m.set(key, like);
  return like;
}

/** The nearest ancestor (up to 4 levels) that holds at least two logo-like images. */
function wallAround($: CheerioAPI, el: Cheerio<any>): Cheerio<any> | null {
  let node = el.parent();
  for (let i = 0; i < 4 && node.length; i++, node = node.parent()) {
    if (node.is('body, html, main')) return null;
    if (imageCount($, node) >= 2) return node;
  }
  return null;
}

/** The smallest ancestor (up to 3 levels) of an image that holds at least two images. */
function groupOf($: CheerioAPI, el: Cheerio<any>): Cheerio<any> | null {
  let node = el.parent();
  for (let i = 0; i < 3 && node.length; i++, node = node.parent()) {
    if (node.is('body, html')) return null;
    if (imageCount($, node) >= 2) return node;
  }
  return null;
}

/**
 * Whether an image is one of a group of logos under a heading about customers, partners or the
 * press: someone else's logo, not the site's own.
 */
export function inLogoWall($: CheerioAPI, el: Cheerio<any>): boolean {
  if (!groupOf($, el)) return false;
  const heading = headingBefore($, el);
  return TRUST_HEADING.test(heading) || NOT_CUSTOMERS.test(heading);
}

/** Items of a list that are names (short, capitalised, no sentence), or null when they are not. */
function nameList($: CheerioAPI, list: Cheerio<any>, ownKeys: Set<string>): string[] | null {
  const items = list
    .children('li')
    .toArray()
    .map((li) => cleanText($(li).text()));
  if (items.length < 2) return null;
  const names = items
    .filter((t) => /^[\p{Lu}\p{N}]/u.test(t) && !/[.!?:;]\s|[.!?:]$/.test(t))
    .map((t) => customerName(t, ownKeys))
    .filter((n): n is string => !!n);
  return names.length >= Math.ceil(items.length * 0.7) ? names : null;
}

/** The list that follows a heading: its next sibling, or its parent's (heading inside a <p>). */
function listAfter($: CheerioAPI, heading: Cheerio<any>): Cheerio<any> | null {
  for (let node = heading, up = 0; up < 3 && node.length; up++, node = node.parent()) {
    const next = node.nextAll().not('br').first();
    if (next.is('ul, ol')) return next;
    if (next.length) return null;
  }
  return null;
}

/** Case-study card titles that name the client first: "Summit Health: cutting readmissions…". */
const CASE_HEADING =
  /^(?:case stud(?:y|ies)|(?:customer|client|success) stor(?:y|ies)|our work)\b/i;

export function nameFromCardTitle(title: string, ownKeys: Set<string>): string | null {
  const t = cleanText(title);
  const lead =
    /^(.{2,50}?)\s*[:–—|]\s+\S/.exec(t) ?? /^[Hh]ow\s+(.{2,50}?)\s+(?:\p{Ll}\S*)/u.exec(t);
  if (!lead) return null;
  const words = lead[1].split(/\s+/);
  const capitalised = words.every(
    (w) => /^[\p{Lu}\p{N}&]/u.test(w) || /^(?:of|and|the|de|&)$/.test(w),
  );
  return capitalised && words.length <= 5 ? customerName(lead[1], ownKeys) : null;
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

  const addLogo = (el: unknown, detail: string, confidence: number, strong = true) => {
    const name = logoName($, el, ownKeys, strong);
    if (name) sink.add('customers', name, { doc, detail, confidence });
  };

  const walls = new Set<unknown>();
  const inWall = (node: unknown) =>
    walls.has(node) ||
    $(node as never)
      .parents()
      .toArray()
      .some((p) => walls.has(p));
  // Most pages have no such heading: look for one in the text before walking the elements.
  const headings = TRUST_HEADING.test(doc.page.text || $('body').text())
    ? 'h1, h2, h3, h4, h5, h6, p, span, strong, b, div, td, font'
    : '';
  (headings ? $(headings) : $([])).each((_, node) => {
    const el = $(node);
    if (el.children().not('br, em, strong, span, b, i, font').length) return; // a heading, not a section
    const text = cleanText(el.text());
    if (text.length > 120 || !TRUST_HEADING.test(text) || NOT_CUSTOMERS.test(text)) return;
    if (el.closest('header, nav, footer').length) return;
    // names as a list: "Some of our customers:" followed by <ul><li>Globex</li>…
    const list = listAfter($, el);
    const names = list ? nameList($, list, ownKeys) : null;
    if (list && names && !walls.has(list.get(0))) {
      walls.add(list.get(0));
      for (const n of names) add(n, 'customer-list', 0.5);
      return;
    }
    const wall = wallAround($, el);
    if (!wall || walls.has(wall.get(0)) || !logoLike($, wall)) return;
    walls.add(wall.get(0));
    for (const logo of labels($, wall)) addLogo(logo, 'logo-wall', 0.6);
  });
  $(LOGO_WALL_CLASS).each((_, node) => {
    const el = $(node);
    if (inWall(node)) return;
    const hint = `${el.attr('class') ?? ''} ${el.attr('id') ?? ''} ${cleanText(el.find('h1,h2,h3,h4').first().text())}`;
    if (NOT_CUSTOMERS.test(hint) || el.find(LABELLED).length < 2 || !logoLike($, el)) return;
    walls.add(node);
    for (const logo of labels($, el)) addLogo(logo, 'logo-wall', 0.55, false);
  });

  if (doc.kind === 'customers') {
    // every group of logos in the page's content, unless its section is a partner / press one
    $('img, svg[aria-label]').each((_, el) => {
      const e = $(el);
      if (e.closest('header, nav, footer').length) return;
      const group = groupOf($, e);
      if (!group || !logoLike($, group)) return;
      if (NOT_CUSTOMERS.test(headingBefore($, e))) return;
      addLogo(el, 'customer-page', 0.55);
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

  // Case-study cards that name the client in their title ("Summit Health: …", "How Globex …").
  $('h1, h2, h3, h4, h5, h6').each((_, node) => {
    const head = $(node);
    if (!CASE_HEADING.test(cleanText(head.text()))) return;
    const section = head.parent();
    section.find('h2, h3, h4, h5').each((__, card) => {
      if (card === node) return;
      const name = nameFromCardTitle($(card).text(), ownKeys);
      if (name) add(name, 'case-study', 0.5);
    });
  });

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
