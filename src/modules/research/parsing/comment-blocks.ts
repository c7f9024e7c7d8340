import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { findRelativeDate } from './relative-date';
import { profileUrl } from './linkedin-urls';
import {
  COMMENT_CLASS,
  authorFrom,
  clean,
  cleanName,
  firstLine,
  hasToken,
  headlineIn,
  isInside,
  type CommentBlock,
} from './item-parts';

/** A comment unit: by class, or by the comment URN LinkedIn puts in data-id, id or componentkey. */
function isCommentUnit(el: Element): boolean {
  if (hasToken(el, COMMENT_CLASS)) return true;
  const a = el.attribs;
  return [a['data-id'], a['data-urn'], a.id, a.componentkey].some((v) =>
    /urn:li:comment:/.test(v ?? ''),
  );
}

/** UI words and lines that are not a comment's words. */
const COMMENT_CHROME =
  /^(like|reply|replies|\d+ repl(y|ies)|\d+ reactions?|reply privately|\(edited\)|edited|author|•|·|\|)$/i;

/**
 * The comment's own words when no class marks them: a copy of the unit without its replies,
 * its author's links, times and interface words.
 */
function textWithoutMeta(
  $: CheerioAPI,
  el: Element,
  nested: Element[],
  authorUrl: string | null,
): Element[] {
  const copy = $(el).clone();
  const original = $(el).find('*').toArray();
  const copied = copy.find('*').toArray();
  copied.forEach((c, i) => {
    const o = original[i];
    if (!o) return;
    const href = profileUrl(o.attribs?.href)?.url ?? null;
    const leafText = $(o).children().length === 0 ? clean($(o).text()) : null;
    if (
      nested.includes(o) ||
      o.name === 'time' ||
      (authorUrl !== null && href === authorUrl) ||
      (leafText !== null && (COMMENT_CHROME.test(leafText) || findRelativeDate(leafText) !== null))
    ) {
      $(c).remove();
    }
  });
  return clean(copy.text()) ? (copy.toArray() as Element[]) : [];
}

/**
 * Comment blocks: LinkedIn's comment items and entities (2024–25), or any element carrying a
 * comment URN (2026 markup without semantic classes). A comment's replies are blocks of their
 * own nested inside it.
 */
export function commentBlocks($: CheerioAPI, item: Cheerio<AnyNode>): CommentBlock[] {
  const els = item
    .find('*')
    .filter((_, el) => isCommentUnit(el))
    .toArray();
  // A comment-item wrapping a comment-entity is one comment: the outer one has no profile
  // link of its own. A comment with replies keeps its own author link outside them.
  const comments = els.filter((el) => {
    const inner = els.filter((o) => o !== el && isInside(o, [el]));
    if (!inner.length) return true;
    return $(el)
      .find('a[href]')
      .toArray()
      .some((a) => profileUrl(a.attribs.href) !== null && !isInside(a, inner));
  });
  return comments.map((el) => {
    const nested = comments.filter((o) => o !== el && isInside(o, [el]));
    const own = (sel: string) =>
      $(el)
        .find(sel)
        .filter((_, x) => !isInside(x, nested))
        .first();
    const meta = own(
      '[class*="meta__description-title"], [class*="post-meta__name"], [class*="meta__name"], [class*="comment-meta__title"]',
    );
    const visible = meta.find('[aria-hidden="true"]').first();
    const metaLink = $(el)
      .find('a[href]')
      .filter(
        (_, a) =>
          !isInside(a, nested) && profileUrl(a.attribs.href) !== null && clean($(a).text()) !== '',
      )
      .first();
    const linkEl = metaLink[0] as Element | undefined;
    const name = cleanName(
      clean((visible.length ? visible : meta).text()) || (linkEl ? firstLine(linkEl) : ''),
    );
    let headline = clean(
      own(
        '[class*="description-subtitle"], [class*="post-meta__headline"], [class*="meta__headline"]',
      ).text(),
    );
    if (!headline && linkEl) headline = headlineIn($, linkEl, name);
    const timeEl = own('time, [class*="meta__data"], [class*="timestamp"]');
    let date = findRelativeDate(clean(timeEl.text()));
    if (!date) {
      const leaves = $(el)
        .find('*')
        .toArray()
        .filter((x) => $(x).children().length === 0 && !isInside(x, nested));
      date =
        leaves.map((x) => findRelativeDate(clean($(x).text()))).find((d) => d !== null) ?? null;
    }
    const texts = $(el)
      .find(
        '[class*="main-content"], [class*="comment-item__content"], [class*="update-components-text"], [class*="comment-text"]',
      )
      .filter((_, x) => !isInside(x, nested))
      .toArray();
    let textEls = texts.filter((t) => !texts.some((o) => o !== t && isInside(t, [o])));
    const author = authorFrom(name, metaLink.attr('href'), headline);
    if (!textEls.length) {
      // 2026 markup: name, badges and headline all sit inside the author's link.
      textEls = textWithoutMeta(
        $,
        el,
        linkEl ? [...nested, linkEl] : nested,
        author?.profile_url ?? null,
      );
    }
    return { el, author, date, textEls };
  });
}
