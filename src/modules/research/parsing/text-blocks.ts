import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { TEXT_CLASS, clean, isInside, outermost } from './item-parts';
import { findRelativeDate } from './relative-date';

/** Counts, dates and reactor lines: what remains of a block once these go must be words. */
const NOT_WORDS =
  /\d[\d.,]*\s*[km]?\s*(reactions?|comments?|reposts?|likes?|others?|followers?|reaktionen|kommentare?|weitere)?|[•·|]/giu;

function isWords(text: string): boolean {
  if (findRelativeDate(text)) return false;
  const rest = clean(text.replace(NOT_WORDS, ' ').replace(/\band\b/gi, ' '));
  return rest.split(' ').filter((w) => /\p{L}/u.test(w)).length >= 3 || rest.length >= 20;
}

/** Blocks beside the skipped ones (actors, header, comments), recursing into their parents. */
function blocksBeside(item: Element, skip: Element[]): Element[] {
  const out: Element[] = [];
  const visit = (el: Element) => {
    for (const child of el.children) {
      if (child.type !== 'tag') continue;
      const c = child as Element;
      if (skip.includes(c)) continue;
      if (skip.some((s) => isInside(s, [c]))) visit(c);
      else out.push(c);
    }
  };
  visit(item);
  return out;
}

/**
 * The post texts of an item (its own commentary and, for reposts, the original's), outside the
 * actors, header and comments: LinkedIn's commentary classes, else `dir="ltr"` spans, else
 * (markup without semantic classes) the blocks beside the actors that read as words.
 */
export function textBlocks($: CheerioAPI, item: Cheerio<AnyNode>, skip: Element[]): Element[] {
  const outside = (t: Element) => !isInside(t, skip) && !skip.includes(t);
  const byClass = outermost($, item, (e) =>
    (e.attribs.class ?? '').split(/\s+/).some((t) => TEXT_CLASS.test(t)),
  ).filter(outside);
  if (byClass.length) return byClass;
  const ltr = outermost($, item, (e) => e.attribs.dir === 'ltr').filter(
    (t) => outside(t) && clean($(t).text()) !== '',
  );
  if (ltr.length) return ltr;
  const root = item[0] as Element | undefined;
  return root ? blocksBeside(root, skip).filter((b) => isWords(clean($(b).text()))) : [];
}
