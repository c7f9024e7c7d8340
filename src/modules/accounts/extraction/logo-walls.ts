import type { Cheerio, CheerioAPI } from 'cheerio';
import { cleanText } from './html-page';
import { customerName, nameFromFile } from './customer-names';

/*
 * Logo walls: groups of other companies' logos under a heading ("Trusted by…", "Our customers")
 * or in a logo-grid container, told apart from content with pictures (cards, case studies) and
 * from partner, press and award rows.
 */

/** Headings that introduce a wall of customer logos (or a list of customer names). */
export const TRUST_HEADING = new RegExp(
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
export const NOT_CUSTOMERS =
  /\b(?:as seen|featured (?:in|on)|in the (?:press|news)|press|media|partners?|partnerships?|integrations?|investors?|backed|awards?|certifi\w*|accredit\w*|memberships?|members? of|associations?|sponsors?|supporters?|badges?|compliance|works with|integrates|powered by|built (?:with|on)|payments?|we accept|presse|partenaires|auszeichnungen|zertifi\w*)\b/i;

export const LOGO_WALL_CLASS =
  '[class*=logo-wall], [class*=logowall], [class*=logo-grid], [class*=logo-cloud], [class*=logos], [class*=customer-logo], [class*=client-logo], [class*=customers], [class*=clients], [class*=trusted], [id*=customers], [id*=clients], [id*=logos]';

export const LABELLED = 'img[alt], svg[aria-label], [role=img][aria-label]';

/** Images and labelled SVGs that may be logos. */
const LOGO_LIKE = 'img, svg[aria-label], [role=img][aria-label]';

/**
 * The name a logo shows: its alt text, else its title or aria-label, else its file name — where
 * the section says these are customers' logos (`strong`), or the path says it is a logo.
 */
export function logoName(
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
export function headingBefore($: CheerioAPI, el: Cheerio<any>): string {
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
export function labels($: CheerioAPI, container: Cheerio<any>): unknown[] {
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
export function logoLike($: CheerioAPI, wall: Cheerio<any>): boolean {
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

/**
 * The nearest ancestor, at most `levels` up, that holds at least two logo-like images; none at or
 * past `stop`.
 */
function ancestorWithLogos(
  $: CheerioAPI,
  el: Cheerio<any>,
  levels: number,
  stop: string,
): Cheerio<any> | null {
  let node = el.parent();
  for (let i = 0; i < levels && node.length; i++, node = node.parent()) {
    if (node.is(stop)) return null;
    if (imageCount($, node) >= 2) return node;
  }
  return null;
}

/** The nearest ancestor (up to 4 levels) that holds at least two logo-like images. */
export function wallAround($: CheerioAPI, el: Cheerio<any>): Cheerio<any> | null {
  return ancestorWithLogos($, el, 4, 'body, html, main');
}

/** The smallest ancestor (up to 3 levels) of an image that holds at least two images. */
export function groupOf($: CheerioAPI, el: Cheerio<any>): Cheerio<any> | null {
  return ancestorWithLogos($, el, 3, 'body, html');
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
