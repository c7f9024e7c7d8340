import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import type { ActivityAuthor } from './activity.types';
import { findRelativeDate, type RelativeDate } from './relative-date';
import { profileUrl } from './linkedin-urls';

/** The blocks of one feed item, found by LinkedIn's class names with text fallbacks. */
export interface ActorBlock {
  el: Element;
  author: ActivityAuthor;
  date: RelativeDate | null;
}

export interface CommentBlock {
  el: Element;
  author: ActivityAuthor | null;
  date: RelativeDate | null;
  /** The elements holding the comment's own words (not its replies). */
  textEls: Element[];
}

export const hasToken = (el: Element, re: RegExp) =>
  (el.attribs.class ?? '').split(/\s+/).some((t) => re.test(t));

export const ACTOR_CLASS = /^(update-components-actor|feed-shared-actor)(--[\w-]+)?$/;
export const HEADER_CLASS = /^(update-components-header|feed-shared-header)(--[\w-]+)?$/;
export const COMMENT_CLASS =
  /^(comments-comment-item|comments-comment-entity|comments-reply-item)$/;
export const TEXT_CLASS =
  /^(feed-shared-update-v2__description|feed-shared-update-v2__commentary|update-components-update-v2__commentary|update-components-text|feed-shared-text|feed-shared-inline-show-more-text|feed-shared-text-view)$/;

export const clean = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Elements of `root` matching `test`, outermost only, in document order. */
export function outermost(
  $: CheerioAPI,
  root: Cheerio<AnyNode>,
  test: (el: Element) => boolean,
): Element[] {
  const found = root
    .find('*')
    .filter((_, el) => test(el))
    .toArray();
  const set = new Set(found);
  return found.filter(
    (el) =>
      !$(el)
        .parents()
        .toArray()
        .some((p) => set.has(p)),
  );
}

export function isInside(el: AnyNode, containers: Element[]): boolean {
  for (let p = el.parent; p; p = p.parent) if (containers.includes(p as Element)) return true;
  return false;
}

function firstText($: CheerioAPI, scope: Cheerio<AnyNode>, selector: string): string {
  const el = scope.find(selector).first();
  if (!el.length) return '';
  const visible = el.find('[aria-hidden="true"]').first();
  return clean((visible.length ? visible : el).text());
}

/** The first non-empty text node under an element: a name before its badges and headline. */
export function firstLine(el: Element): string {
  const stack: AnyNode[] = [...el.children].reverse();
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'text') {
      const t = clean((n as unknown as { data: string }).data);
      if (t && !/^[•·|]$/.test(t)) return t;
    }
    const kids = (n as Element).children ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  return '';
}

/** Badges and degrees that sit between a name and a headline ("• 1st", "Author", "You"). */
const BADGE =
  /^(•\s*)?(1st|2nd|3rd\+?|\d+(st|nd|rd|th)\+?|you|author|premium|verified( profile)?|following|follow|influencer|top voice|creator|open to work|hiring|•)$/i;

/**
 * A headline among an element's leaf texts when no class marks it: the first text that is not
 * the name, a badge, a date or a count.
 */
export function headlineIn($: CheerioAPI, el: Element, name: string, skip: Element[] = []): string {
  const leaves = $(el)
    .find('*')
    .toArray()
    .filter((e) => $(e).children().length === 0 && !isInside(e, skip));
  for (const leaf of leaves) {
    const t = clean($(leaf).text());
    if (!t || t === name || cleanName(t) === name || BADGE.test(t) || findRelativeDate(t)) continue;
    if (/^\d[\d.,]*\s*[km]?$/i.test(t)) continue;
    return t.replace(/^•\s*/, '');
  }
  return '';
}

/** "Jane Doe • 1st", "Jane Doe Verified", "Acme Corp 12,345 followers" → the name alone. */
export function cleanName(raw: string): string {
  return clean(raw)
    .split(/\s[•·]\s?|\s?[•·]\s/)[0]
    .replace(/\s+(Verified|Premium|Status is \w+|Verifiziert|Vérifié)\b.*$/i, '')
    .replace(/\s+\d[\d.,]*\s*[KkMm]?\s+(followers|follower|Follower|abonnés|seguidores)\b.*$/, '')
    .replace(/^View\s+(.+?)[’']s?\s+profile$/i, '$1')
    .replace(/\s*\((she|he|they|sie|er|elle|il)\/\w+\)/gi, '')
    .replace(/\s+(Author|Autor|Auteur|Autore|Creator)$/i, '')
    .trim();
}

/** The first relative date in an element's leaf texts ("3d • Edited • ", "2 Wochen •"). */
export function dateIn($: CheerioAPI, scope: Cheerio<AnyNode>, hint?: RegExp): RelativeDate | null {
  const all = scope.find('*').toArray();
  const hinted = hint ? all.filter((el) => hasToken(el, hint)) : [];
  // Short texts only: "3d • Edited •" sits in a span of its own, with icons beside it.
  for (const el of [...hinted, ...all]) {
    const text = clean($(el).text());
    const found = text.length <= 60 ? findRelativeDate(text) : null;
    if (found) return found;
  }
  return null;
}

export function authorFrom(
  name: string,
  href: string | undefined,
  headline: string,
): ActivityAuthor | null {
  const profile = profileUrl(href);
  const n = cleanName(name);
  if (!n && !profile) return null;
  return {
    name: n,
    profile_url: profile?.url ?? null,
    headline: clean(headline) || null,
    type: profile?.kind ?? 'person',
  };
}

function profileLinkHref($: CheerioAPI, scope: Cheerio<AnyNode>): string | undefined {
  return scope
    .find('a[href]')
    .toArray()
    .map((a) => a.attribs.href)
    .find((h) => profileUrl(h) !== null);
}

/** Actor blocks (`update-components-actor`): the author's name, profile, headline and time. */
export function actorBlocks(
  $: CheerioAPI,
  item: Cheerio<AnyNode>,
  exclude: Element[],
): ActorBlock[] {
  return outermost($, item, (el) => hasToken(el, ACTOR_CLASS))
    .filter((el) => !isInside(el, exclude))
    .map((el) => {
      const $el = $(el);
      const href = profileLinkHref($, $el);
      let name = firstText($, $el, '[class*="actor__title"], [class*="actor__name"]');
      if (!name) {
        const link = $el
          .find('a[href]')
          .filter((_, a) => profileUrl(a.attribs.href) !== null && clean($(a).text()) !== '');
        name = clean(link.first().text());
      }
      const headline = firstText($, $el, '[class*="actor__description"]');
      const author = authorFrom(name, href, headline) ?? {
        name: '',
        profile_url: null,
        headline: null,
        type: 'person' as const,
      };
      return { el, author, date: dateIn($, $el, /actor__sub-description$/) };
    });
}

/**
 * A profile link's author box: the smallest ancestor that shows a time ("3d •"), grown no
 * further than a parent holding another profile (a mention, the other actor of a repost) or an
 * excluded block, so that it never swallows the post text.
 */
function linkBlock(
  $: CheerioAPI,
  item: Cheerio<AnyNode>,
  link: Element,
  exclude: Element[],
): ActorBlock | null {
  const url = profileUrl(link.attribs.href)?.url;
  let box: Element = link;
  let date: RelativeDate | null = null;
  for (let p = box.parent; p && p.type === 'tag' && p !== item[0]; p = p.parent) {
    const parent = p as Element;
    const holdsExcluded = exclude.some((x) => x === parent || isInside(x, [parent]));
    const holdsOther = $(parent)
      .find('a[href]')
      .toArray()
      .some((a) => {
        const other = profileUrl(a.attribs.href)?.url;
        return other !== undefined && other !== url;
      });
    if (holdsExcluded || holdsOther) break;
    if (clean($(parent).text()).length > clean($(box).text()).length + 300) break;
    box = parent;
    date = dateIn($, $(box));
    if (date) break;
  }
  const name = cleanName(firstLine(link));
  const author = authorFrom(name, link.attribs.href, headlineIn($, box, name));
  return author ? { el: box, author, date } : null;
}

/**
 * Without actor classes: profile links outside the header, texts and comments whose box shows
 * a time ("3d •") are the actors (a repost with thoughts has two); a mention in the text has
 * no time beside it. Without any time, the first such link stands in.
 */
export function fallbackActor(
  $: CheerioAPI,
  item: Cheerio<AnyNode>,
  exclude: Element[],
): ActorBlock[] {
  const blocks = item
    .find('a[href]')
    .toArray()
    .filter(
      (a) =>
        profileUrl(a.attribs.href) !== null && clean($(a).text()) !== '' && !isInside(a, exclude),
    )
    .map((a) => linkBlock($, item, a, exclude))
    .filter((b): b is ActorBlock => b !== null);
  const dated: ActorBlock[] = [];
  for (const b of blocks) {
    const overlaps = dated.some(
      (d) => d.el === b.el || isInside(b.el, [d.el]) || isInside(d.el, [b.el]),
    );
    if (b.date && !overlaps) dated.push(b);
  }
  return dated.length ? dated : blocks.slice(0, 1);
}
