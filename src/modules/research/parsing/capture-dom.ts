import { load, type CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';

/** LinkedIn's per-item screen-reader heading; the only reliable item boundary (SEED A8). */
export const ITEM_HEADING = /feed post number\s*\d*/i;

const VISUALLY_HIDDEN =
  /(^|\s)(visually-hidden|a11y-text|sr-only|screen-reader-text|artdeco-visually-hidden)(\s|$)/;
/** Attributes worth keeping; the rest (tracking ids, data-* state, styles) is noise. */
const KEEP_ATTRS = new Set([
  'class',
  'href',
  'data-urn',
  'data-id',
  'aria-hidden',
  'aria-label',
  'dir',
  'datetime',
  'alt',
  'role',
  // 2026 markup carries URNs in ids and component keys instead of classes.
  'id',
  'componentkey',
  'data-view-name',
]);
const SEE_MORE =
  /^(?:…|\.\.\.)?\s*(see more|see less|show more|show less|more|less|mehr anzeigen|weniger anzeigen|mehr|voir plus|voir moins|ver más|ver menos|ver mais|mostra altro|meer weergeven)$/i;
/**
 * Interface chrome, by class token (whole tokens: `update-components-actor--with-control-menu`
 * is an actor, not a menu): action bars, menus, follow buttons, comment boxes, "load more".
 */
const CHROME_TOKEN =
  /^(artdeco-dropdown|social-actions-button|see-more|[\w-]*(__|-)(control-menu|social-action-bar|comment-box|comment-texteditor|comment-social-bar|load-more-comments-button|follow-button|see-more-less-toggle|social-bar))$/;
const CHROME_TAGS = 'li-icon, svg, form, script, style, noscript, template, input, textarea';

const clean = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The parsed capture, or null for null, "null", blank or non-string input. */
export function loadCapture(html: unknown): CheerioAPI | null {
  if (typeof html !== 'string') return null;
  const trimmed = html.trim();
  if (!trimmed || /^(null|undefined|none)$/i.test(trimmed)) return null;
  return load(trimmed);
}

function allNodes(root: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  const stack: AnyNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    out.push(n);
    const kids = (n as Element).children ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  return out;
}

/**
 * First cleaning pass, before anything is read: the viewer's own `div.member` blocks are
 * removed (they must never be attributed to the person), then HTML comments and tracking
 * attributes.
 */
export function removeViewerAndNoise($: CheerioAPI): void {
  $('.member').remove();
  const root = $.root()[0];
  for (const n of allNodes(root)) {
    if (n.type === 'comment') $(n).remove();
    else if (n.type === 'tag') {
      const el = n as Element;
      for (const name of Object.keys(el.attribs))
        if (!KEEP_ATTRS.has(name)) delete el.attribs[name];
    }
  }
}

/** Deepest elements whose text is a "Feed post number N" heading, in document order. */
function itemHeadings($: CheerioAPI): Element[] {
  return $('h1, h2, h3, h4, span, div, p')
    .filter((_, el) => {
      const text = $(el).text().replace(/\s+/g, ' ').trim();
      return (
        text.length < 60 &&
        ITEM_HEADING.test(text) &&
        $(el).children('h1, h2, h3, h4, span, div, p').length === 0
      );
    })
    .toArray();
}

/**
 * The same heading in another UI language ("Feed-Beitrag Nummer 1" or the like): visually
 * hidden h2/h3s whose text is a few words and a number counting up from the first.
 */
function numberedHeadings($: CheerioAPI): Element[] {
  const found = $('h2, h3')
    .filter((_, el) => VISUALLY_HIDDEN.test(el.attribs.class ?? ''))
    .toArray()
    .map((el) => ({ el, m: /^(\D{3,50}?)\s*(\d{1,4})$/u.exec(clean($(el).text())) }))
    .filter((h): h is { el: Element; m: RegExpExecArray } => h.m !== null);
  if (!found.length) return [];
  const words = found[0].m[1];
  const same = found.filter((h) => h.m[1] === words);
  const counting = same.every((h, i) => Number(h.m[2]) === Number(same[0].m[2]) + i);
  return counting ? same.map((h) => h.el) : [];
}

/**
 * Headings side by side with their posts (no element per item): the heading and the siblings
 * up to the next heading are wrapped into one item, as the seed's text split would cut them.
 */
function gatherFlat($: CheerioAPI, heading: Element, boundary: (n: AnyNode) => boolean): Element {
  const wrapper = $('<div></div>');
  $(heading).before(wrapper);
  const members: AnyNode[] = [heading];
  for (let n = heading.next; n && !boundary(n); n = n.next) members.push(n);
  for (const m of members) wrapper.append(m);
  return wrapper[0] as Element;
}

/**
 * The feed items of a capture. Each "Feed post number N" heading marks one item: its item is
 * the largest ancestor holding no other heading. Without them, numbered headings in another
 * UI language, then the outermost elements carrying an activity URN, then the `<li>`s of the
 * first list stand in.
 */
export function splitItems($: CheerioAPI): Element[] {
  const english = itemHeadings($);
  const headings = english.length ? english : numberedHeadings($);
  if (headings.length) {
    const counts = new Map<AnyNode, number>();
    for (const h of headings) {
      for (let p = h.parent; p; p = p.parent) counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    const items = headings.map((h) => {
      let c: Element = h;
      // An <li> holding one heading is the item; the list around it is not.
      while (
        c.name !== 'li' &&
        c.parent &&
        c.parent.type === 'tag' &&
        counts.get(c.parent) === 1 &&
        !/^(body|html)$/.test((c.parent as Element).name)
      ) {
        c = c.parent as Element;
      }
      const boundary = (n: AnyNode) => counts.has(n) || headings.includes(n as Element);
      return c === h ? gatherFlat($, h, boundary) : c;
    });
    for (const h of headings) $(h).remove();
    return items;
  }
  const urns = $(
    '[data-urn*="urn:li:activity"], [data-urn*="urn:li:aggregate"], [data-urn*="urn:li:share"], [data-urn*="urn:li:ugcPost"]',
  )
    .filter((_, el) => $(el).parents('[data-urn]').length === 0)
    .toArray();
  if (urns.length) return urns;
  return $('ul').first().children('li').toArray();
}

/**
 * Screen-reader text: a visually hidden element next to visible text is a duplicate (the name
 * in `aria-hidden` plus the same name hidden, "hashtag" before "#ai", "3 days ago • Visible
 * to anyone" behind "3d •") and goes; one that is its parent's only text stays.
 */
export function dropScreenReaderDuplicates($: CheerioAPI): void {
  $('[class]')
    .filter((_, el) => VISUALLY_HIDDEN.test(el.attribs.class ?? ''))
    .toArray()
    .reverse()
    .forEach((el) => {
      const parent = $(el).parent();
      const own = $(el).text().replace(/\s+/g, '');
      const all = parent.text().replace(/\s+/g, '');
      const boilerplate = /^(view\s.*profile|visible to\s|status is\s|open control menu)/i.test(
        clean($(el).text()),
      );
      if (!parent.length || all.length > own.length || boilerplate) $(el).remove();
    });
}

/**
 * A wrapper LinkedIn names like chrome can hold the whole post (2025 markup wraps each item in
 * `feed-shared-update-v2__control-menu-container`): such an element is never removed.
 */
function holdsContent($: CheerioAPI, el: Element): boolean {
  return (
    $(el).find('[class*="update-components-"], [class*="feed-shared-update-v2__"], [data-urn], h2')
      .length > 0
  );
}

/** Buttons, menus and "…see more" toggles: not content, and they would leak into the text. */
export function dropChrome($: CheerioAPI): void {
  $(CHROME_TAGS).remove();
  $('[class]')
    .filter(
      (_, el) =>
        (el.attribs.class ?? '')
          .split(/\s+/)
          .some((t) => !t.includes('--') && CHROME_TOKEN.test(t)) && !holdsContent($, el),
    )
    .remove();
  $('button, a, span')
    .filter((_, el) => {
      const text = $(el).text().replace(/\s+/g, ' ').trim();
      if (!SEE_MORE.test(text)) return false;
      const looksLikeToggle =
        el.name !== 'span' ||
        /more|toggle/i.test(el.attribs.class ?? '') ||
        /^(…|\.\.\.)/.test(text);
      return looksLikeToggle;
    })
    .remove();
  $('button')
    .filter((_, el) => !/\d/.test($(el).text()))
    .remove();
}
