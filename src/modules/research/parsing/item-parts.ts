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
 * Without actor classes: the first profile link with text outside the header, texts and
 * comments is the author; its box grows while a parent only adds a little text (headline,
 * time) and holds none of the excluded blocks.
 */
export function fallbackActor(
  $: CheerioAPI,
  item: Cheerio<AnyNode>,
  exclude: Element[],
): ActorBlock[] {
  const link = item
    .find('a[href]')
    .toArray()
    .find(
      (a) =>
        profileUrl(a.attribs.href) !== null && clean($(a).text()) !== '' && !isInside(a, exclude),
    );
  if (!link) return [];
  let box: Element = link;
  for (let p = box.parent; p && p.type === 'tag' && p !== item[0]; p = p.parent) {
    const parent = p as Element;
    const holdsExcluded = exclude.some((x) => x === parent || isInside(x, [parent]));
    if (holdsExcluded || clean($(parent).text()).length > clean($(box).text()).length + 200) break;
    box = parent;
  }
  const name = cleanName(firstLine(link));
  const date = dateIn($, $(box));
  const headline = headlineIn($, box, name);
  const author = authorFrom(name, link.attribs.href, headline);
  return author ? [{ el: box, author, date }] : [];
}
