import type { CheerioAPI } from 'cheerio';
import type { Element } from 'domhandler';
import type {
  ActivityAuthor,
  ActivitySourceTab,
  ActivityType,
  MentionedEntity,
} from './activity.types';
import { readHeader } from './activity-header';
import { textBlocks } from './text-blocks';
import { commentBlocks } from './comment-blocks';
import { toMarkdown } from './html-to-markdown';
import {
  actorBlocks,
  clean,
  cleanName,
  fallbackActor,
  isInside,
  outermost,
  type ActorBlock,
} from './item-parts';
import { externalUrl, hashtagOf, postUrlFromUrn, profileUrl } from './linkedin-urls';
import { findRelativeDate, subtractRelative, type RelativeDate } from './relative-date';

export interface ItemContext {
  tab: ActivitySourceTab;
  /** The person's normalised profile URL. */
  person: string;
  personName: string;
  personHeadline: string | null;
  capturedAt: Date;
  /** true / false when the markup says so, null when it cannot tell (no name, opaque id). */
  isPerson: (a: ActivityAuthor | null | undefined) => boolean | null;
}

export interface ItemParts {
  type: ActivityType;
  reaction_kind?: string | null;
  post_url?: string;
  author: ActivityAuthor | null;
  original_author?: ActivityAuthor | null;
  text_md: string;
  parent_text_md?: string;
  date: RelativeDate | null;
  published_at?: string;
  links: string[];
  hashtags: string[];
  mentions: { people: MentionedEntity[]; companies: MentionedEntity[] };
}

const HASHTAG_IN_TEXT = /(?:^|[^\p{L}\p{N}_&/#])#([\p{L}\p{N}_]+)/gu;

function uniqueBy<T>(list: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return list.filter((t) => (seen.has(key(t)) ? false : (seen.add(key(t)), true)));
}

function postUrlOf($: CheerioAPI, el: Element): string | undefined {
  const candidates = [
    el,
    ...$(el).find('[data-urn], [data-id]').toArray(),
    ...$(el).parents('[data-urn]').toArray(),
  ];
  for (const c of candidates) {
    const url = postUrlFromUrn(c.attribs['data-urn']) ?? postUrlFromUrn(c.attribs['data-id']);
    if (url) return url;
  }
  return undefined;
}

/** Reads one cleaned feed item: its kind, who did it, whose post it is, the words of each. */
export function readItem($: CheerioAPI, el: Element, ctx: ItemContext): ItemParts {
  const item = $(el);
  const comments = commentBlocks($, item);
  const commentEls = comments.map((c) => c.el);
  let actors = actorBlocks($, item, commentEls);
  const header = readHeader($, item, [...commentEls, ...actors.map((a) => a.el)]);
  const headerEls = header?.el ? [header.el] : [];
  const order = new Map<Element, number>();
  item.find('*').each((i, e) => void order.set(e, i));
  if (!actors.length) {
    const textLike = outermost(
      $,
      item,
      (e) => e.attribs.dir === 'ltr' && clean($(e).text()).length > 80,
    );
    actors = fallbackActor($, item, [...commentEls, ...textLike, ...headerEls]);
  } else {
    // An original post nested in a repost may carry its author without the actor class: a
    // profile link with a time beside it, outside the known actors and the post texts.
    const known = [...commentEls, ...actors.map((a) => a.el), ...headerEls];
    const extra = fallbackActor($, item, [...known, ...textBlocks($, item, known)]).filter(
      (b) => b.date && !actors.some((a) => isInside(b.el, [a.el]) || isInside(a.el, [b.el])),
    );
    actors = [...actors, ...extra].sort((a, b) => (order.get(a.el) ?? 0) - (order.get(b.el) ?? 0));
  }
  const actorEls = actors.map((a) => a.el);
  const skip = [...commentEls, ...actorEls, ...headerEls];

  const texts = textBlocks($, item, skip);
  // Each text belongs to the nearest actor before it (a repost's own thoughts, then the original).
  const ownerOf = (t: Element): ActorBlock | undefined =>
    actors.filter((a) => (order.get(a.el) ?? 0) < (order.get(t) ?? 0)).pop();
  const md = (els: Element[]) =>
    els
      .map((e) => toMarkdown(e))
      .filter(Boolean)
      .join('\n\n');

  let personComments = comments.filter((c) => ctx.isPerson(c.author) === true);
  if (!personComments.length && header?.type === 'comment' && header.subject) {
    personComments = comments.filter(
      (c) => c.author && c.author.name === cleanName(header.subject),
    );
  }
  if (!personComments.length && (ctx.tab === 'comments' || header?.type === 'comment')) {
    personComments = comments.filter((c) => ctx.isPerson(c.author) !== false).slice(0, 1);
  }
  const personActor = actors.find((a) => ctx.isPerson(a.author) === true);

  let type: ActivityType;
  let reaction_kind: string | null | undefined;
  if (header) [type, reaction_kind] = [header.type, header.reaction_kind];
  else if (personComments.length && ctx.tab !== 'posts') type = 'comment';
  else if (ctx.tab === 'reactions') [type, reaction_kind] = ['reaction', null];
  else if (ctx.tab === 'comments') type = 'comment';
  else if (actors.length && ctx.isPerson(actors[0].author) === false) type = 'repost';
  else if (personActor && actors.some((a) => ctx.isPerson(a.author) === false)) type = 'repost';
  else type = 'post';

  const personAuthor = (): ActivityAuthor | null => {
    const known = personActor?.author ?? personComments[0]?.author;
    if (known) return known;
    const name = cleanName(header?.subject ?? '') || ctx.personName;
    if (!name) return null;
    const url = header?.subject_url ?? ctx.person;
    const headline = url === ctx.person ? ctx.personHeadline : null;
    return { name, profile_url: url, headline, type: profileUrl(url)?.kind ?? 'person' };
  };
  const others = actors.filter((a) => a !== personActor);
  let author: ActivityAuthor | null;
  let original: ActivityAuthor | null = null;
  let own: Element[] = [];
  let parent: Element[] = texts;
  let date: RelativeDate | null;

  if (type === 'post') {
    const main = personActor ?? actors[0];
    author = main?.author ?? null;
    own = actors.length ? texts.filter((t) => ownerOf(t) === main || !ownerOf(t)) : texts;
    parent = [];
    date = main?.date ?? null;
  } else if (type === 'repost' && personActor && others.length) {
    author = personActor.author;
    original = others[0].author;
    own = texts.filter((t) => ownerOf(t) === personActor);
    parent = texts.filter((t) => !own.includes(t));
    date = personActor.date;
  } else if (type === 'comment') {
    author = personComments[0]?.author ?? personAuthor();
    original = actors[0]?.author ?? null;
    own = personComments.flatMap((c) => c.textEls);
    date = personComments[0]?.date ?? actors[0]?.date ?? null;
  } else {
    author = personAuthor();
    original = (others[0] ?? actors[0])?.author ?? null;
    date = actors[0]?.date ?? null;
  }
  if (!date) {
    // No actor time: the first leaf outside the texts and comments that reads as a date.
    const leaves = item
      .find('*')
      .toArray()
      .filter((e) => $(e).children().length === 0 && !isInside(e, [...commentEls, ...texts]));
    date = leaves.map((e) => findRelativeDate(clean($(e).text()))).find((d) => d !== null) ?? null;
  }

  const ignored = comments.filter((c) => !personComments.includes(c)).map((c) => c.el);
  const anchors = item
    .find('a[href]')
    .filter((_, a) => !isInside(a, ignored))
    .toArray();
  // An actor's "Visit my website" button is the author's profile, not the post's content.
  const contentAnchors = anchors.filter(
    (a) => !isInside(a, [...actorEls, ...(header?.el ? [header.el] : [])]),
  );
  const links = uniqueBy(
    contentAnchors.map((a) => externalUrl(a.attribs.href)).filter((u): u is string => u !== null),
    (u) => u,
  );
  const text_md = md(own);
  const parent_text_md = md(parent);
  const tagged = anchors
    .map((a) => {
      const tag = hashtagOf(a.attribs.href);
      const shown = clean($(a).text()).replace(/^hashtag/i, '');
      return tag ? (/^#[\p{L}\p{N}_]+$/u.test(shown) ? shown : tag) : null;
    })
    .filter((t): t is string => t !== null);
  const inText = [...`${text_md}\n${parent_text_md}`.matchAll(HASHTAG_IN_TEXT)].map(
    (m) => `#${m[1]}`,
  );
  const hashtags = uniqueBy(
    [...tagged, ...inText].filter((t) => /\p{L}/u.test(t)),
    (t) => t.toLowerCase(),
  );

  const mentionEls = [...texts, ...personComments.flatMap((c) => c.textEls)];
  const mentioned = mentionEls.flatMap((t) =>
    $(t)
      .find('a[href]')
      .toArray()
      .map((a) => ({ p: profileUrl(a.attribs.href), name: cleanName($(a).text()) }))
      .filter((m) => m.p && m.name),
  );
  const entity = (kind: 'person' | 'company') =>
    uniqueBy(
      mentioned.filter((m) => m.p!.kind === kind).map((m) => ({ name: m.name, url: m.p!.url })),
      (m) => m.url,
    );

  // Recognised by name behind a member-id link: the person's canonical URL stands in.
  const canonical = (a: ActivityAuthor | null): ActivityAuthor | null =>
    a && a.profile_url !== ctx.person && ctx.isPerson(a) === true
      ? { ...a, profile_url: ctx.person }
      : a;

  return {
    type,
    reaction_kind,
    post_url: postUrlOf($, el),
    author: canonical(author),
    original_author: canonical(original),
    text_md,
    parent_text_md,
    date,
    published_at:
      date && !Number.isNaN(ctx.capturedAt.getTime())
        ? subtractRelative(ctx.capturedAt, date).toISOString()
        : undefined,
    links,
    hashtags,
    mentions: { people: entity('person'), companies: entity('company') },
  };
}
