import type { Cheerio, CheerioAPI } from 'cheerio';
import type { FactSink } from './fact-sink';
import { absoluteUrl, cleanText, pageKind, type PageDoc } from './html-page';
import { customerName, nameFromCardTitle, nameFromSlug, slugOf } from './customer-names';
import {
  groupOf,
  headingBefore,
  LABELLED,
  labels,
  LOGO_WALL_CLASS,
  logoLike,
  logoName,
  NOT_CUSTOMERS,
  TRUST_HEADING,
  wallAround,
} from './logo-walls';

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
