import type { DomNode } from '../html-readable';
import { between, inside, lastBefore, type PageIndex } from './page-index';
import { clean, fold, linkedinProfile } from './person-text';

/**
 * What surrounds a person's card: whether it is a customer's testimonial or a post's byline
 * rather than staff, and the details it holds (LinkedIn profile, photo, short bio).
 */

/** Classes and ids of testimonial, review and customer blocks (English, German, French, Spanish). */
const TESTIMONIAL_MARK =
  /testimonial|quote|review|customer|client|case-?stud|success-?stor|kundenstimm|referenz|t[eé]moignage|avis-client|testimonio|endorse|praise/i;
/** Section headings over other organisations' people: testimonials, reviews, investors. */
const TESTIMONIAL_HEADING =
  /investors|backed by|our backers|funded by|investoren|investisseurs|inversores|testimonial|what (?:our |people |they )?(?:customers?|clients?|users?|partners?) (?:say|think)|(?:customers?|clients?) (?:say|love)|(?:loved|trusted) by|in their (?:own )?words|success stor|customer stor|case stud|reviews?\b|kundenstimmen|das sagen (?:unsere )?kunden|referenzen|t[ée]moignages?|ils (?:nous font confiance|parlent de nous)|avis (?:de nos )?clients|testimonios|lo que dicen/i;
/** Headings of sections that present the organisation's people. */
const TEAM_HEADING =
  /team|leadership|leaders|management|founder|founding|people|board|advis|executive|partners|staff|crew|who we are|meet|experts|équipe|equipe|equipo|mannschaft|geschäftsführung|vorstand|direction|dirigeants|mitarbeiter|ansprechpartner|über uns|qui sommes|quiénes somos/i;

/**
 * Whether the text at `order` sits in a section about people: the nearest section heading
 * before it (not a name or a title) speaks of a team, leadership, founders, a board…
 */
export function inTeamSection(index: PageIndex, order: number): boolean {
  const heading = lastBefore(index.headings, order);
  return !!heading && TEAM_HEADING.test(heading.text);
}

/** Whether a heading or a page title speaks of the organisation's people. */
export const isTeamHeading = (text: string): boolean => TEAM_HEADING.test(text);

/** Classes, ids and rels of bylines, post meta and comments. */
const AUTHOR_MARK = /\b(?:author|byline|posted-?by|post-?meta|entry-?meta|comments?|reviewer)\b/i;
/** A date as posts show it: 2024-03-05, March 5, 2024, 5 March 2024, 5. März 2024, 5 mars 2024. */
const DATE_TEXT =
  /\b(?:19|20)\d{2}-\d{2}-\d{2}\b|\b\d{1,2}\.?\s+\p{L}{3,10}\.?\s+(?:19|20)\d{2}\b|\b\p{L}{3,10}\.?\s+\d{1,2},\s+(?:19|20)\d{2}\b/u;
const MONTHS =
  /jan|feb|m[aä]r|apr|ma[iy]|juin?|jul|juil|aug|ao[uû]|sep|o[ck]t|nov|d[eé][cz]|janv|f[eé]vr|avr|mars|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre/i;

const markOf = (el: DomNode) =>
  `${el.attribs?.class ?? ''} ${el.attribs?.id ?? ''} ${el.attribs?.rel ?? ''} ${el.attribs?.itemprop ?? ''}`;

/** The card and its ancestors, nearest first. */
function* upFrom(el: DomNode): Generator<DomNode> {
  for (let n: DomNode | null | undefined = el; n; n = n.parent) {
    if (n.type !== 'tag' || n.name === 'body' || n.name === 'html') return;
    yield n;
  }
}

/** A customer's testimonial or review: by its markup, a quote in it, or the section's heading. */
export function isTestimonial(index: PageIndex, card: DomNode, cardOrder: number): boolean {
  for (const n of upFrom(card)) {
    if (n.name === 'blockquote' || n.name === 'q') return true;
    if (TESTIMONIAL_MARK.test(markOf(n))) return true;
  }
  for (const u of inside(index, index.units, card)) {
    if (u.el.name === 'blockquote' || u.el.parent?.name === 'blockquote') return true;
    if (/^["“„«‘']/.test(u.text) && u.text.length >= 30) return true;
  }
  // The section's heading: the nearest one before the card that is not a name or a title.
  const heading = lastBefore(index.headings, cardOrder);
  return !!heading && TESTIMONIAL_HEADING.test(heading.text);
}

/** A post's byline or a comment: by its markup, or a date in the card. */
export function isByline(index: PageIndex, card: DomNode): boolean {
  let depth = 0;
  for (const n of upFrom(card)) {
    if (AUTHOR_MARK.test(markOf(n))) return true;
    if (++depth > 6) break;
  }
  if (inside(index, index.times, card).length) return true;
  return inside(index, index.units, card).some(
    (u) => u.text.length < 80 && DATE_TEXT.test(u.text) && MONTHS.test(u.text.replace(/\d/g, ' ')),
  );
}

/** The LinkedIn profile linked in a range of the page (a card), when there is exactly one. */
export function linkedinIn(index: PageIndex, start: number, end: number): string | undefined {
  const found = new Set(
    between(index.anchors, start, end)
      .map((a) => linkedinProfile(a.href))
      .filter((u): u is string => !!u),
  );
  return found.size === 1 ? [...found][0] : undefined;
}

const ICON =
  /icon|logo|linkedin|twitter|x-logo|github|facebook|instagram|social|sprite|arrow|badge|flag/i;

function imageUrl(el: DomNode, base: string): string | undefined {
  const a = el.attribs ?? {};
  const background = /background(?:-image)?\s*:[^;]*url\(\s*(?:&quot;|["'])?([^"')&]+)/i.exec(
    a.style ?? '',
  )?.[1];
  const raw =
    background ??
    [a['data-src'], a['data-lazy-src'], a['data-original'], a.src].find(
      (s) => s && !s.startsWith('data:'),
    ) ??
    (a.srcset || a['data-srcset'] || '').split(',')[0]?.trim().split(/\s+/)[0];
  if (!raw || raw.startsWith('data:')) return undefined;
  try {
    return new URL(raw, base).href;
  } catch {
    return undefined;
  }
}

/** The card's photo: an image that is not an icon or logo, preferably one whose alt names the person. */
export function photoIn(
  index: PageIndex,
  start: number,
  end: number,
  name: string,
  base: string,
): string | undefined {
  const candidates = between(index.images, start, end).filter(({ el }) => {
    const a = el.attribs ?? {};
    const small = [a.width, a.height].some((v) => v && Number.parseInt(v, 10) <= 40);
    return !small && !ICON.test(`${a.src ?? ''} ${a.alt ?? ''} ${a.class ?? ''}`);
  });
  const words = fold(name).split(' ');
  const named = candidates.find(({ el }) => {
    const alt = fold(el.attribs?.alt ?? '');
    return words.some((w) => w.length > 1 && alt.includes(w));
  });
  const pick = named ?? (candidates.length === 1 ? candidates[0] : undefined);
  return pick ? imageUrl(pick.el, base) : undefined;
}

/** The card's bio: its longest other text of 40–1,500 characters, cut to about 500. */
export function bioIn(index: PageIndex, start: number, end: number): string | undefined {
  let best = '';
  for (const u of between(index.units, start, end)) {
    if (u.kind !== 'text') continue;
    if (u.text.length >= 40 && u.text.length <= 1500 && u.text.length > best.length) best = u.text;
  }
  if (!best) return undefined;
  if (best.length <= 500) return best;
  const cut = best.slice(0, 500);
  return `${clean(cut.slice(0, Math.max(cut.lastIndexOf(' '), 400)))}…`;
}
