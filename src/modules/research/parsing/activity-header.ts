import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import type { ActivityType } from './activity.types';
import { HEADER_CLASS, clean, isInside, outermost } from './item-parts';
import { profileUrl } from './linkedin-urls';

/** What the header line ("Jane Doe reposted this", "Jane Doe likes this") says. */
export interface ActivityHeader {
  el: Element | null;
  type: ActivityType;
  reaction_kind?: string | null;
  /** The name before the verb ("Jane Doe"), or the header's profile link text. */
  subject: string;
  subject_url: string | null;
}

interface Rule {
  re: RegExp;
  type: ActivityType;
  kind?: string | null;
}

/** English first (LinkedIn's wording), then best-effort de, fr, es, pt, nl. */
const RULES: Rule[] = [
  {
    re: /\b(reposted|reshared|shared) this\b|\breposted\b|hat (das|dies) (repostet|geteilt)|hat (das|dies) gerepostet|\ba republié|\ba partagé|\bha compartido|\brepostou|\bcompartilhou|\bheeft dit gerepost/i,
    type: 'repost',
  },
  {
    re: /\bcommented on\b|\breplied to\b|\bcommented\b|hat (das|dies|einen beitrag) kommentiert|\bkommentiert\b|\ba commenté|\bha comentado|\bcomentou|\bheeft (hierop )?gereageerd/i,
    type: 'comment',
  },
  {
    re: /\blikes? (this|\S.{0,80}?[’']s? (post|comment|reply|repost|article))\b|\bliked this\b|gefällt (das|dies)|\baime ça\b|\ble gusta esto\b|\bgostou (disso|disto)\b|\bvindt dit leuk\b/i,
    type: 'reaction',
    kind: 'like',
  },
  {
    re: /\bcelebrates? (this|\S.{0,80}?[’']s? (post|comment|reply))\b|\bfeiert (das|dies)\b|\bcélèbre (ça|ceci)\b|\bcelebra esto\b|\bcomemorou\b/i,
    type: 'reaction',
    kind: 'celebrate',
  },
  {
    re: /\bsupports? (this|\S.{0,80}?[’']s? (post|comment|reply))\b|\bunterstützt (das|dies)\b|\bsoutient (ça|ceci)\b|\bapoya esto\b|\bapoiou\b/i,
    type: 'reaction',
    kind: 'support',
  },
  {
    re: /\bloves? (this|\S.{0,80}?[’']s? (post|comment|reply))\b|\bliebt (das|dies)\b|\badore (ça|ceci)\b|\ble encanta esto\b|\bamou\b/i,
    type: 'reaction',
    kind: 'love',
  },
  {
    re: /\bfinds? (this|\S.{0,80}?[’']s? (post|comment|reply)) insightful\b|\bfindet (das|dies) (aufschlussreich|interessant)\b|\btrouve (ça|ceci) (instructif|intéressant)\b|\ble parece interesante\b|\bachou (isso|isto) (interessante|esclarecedor)\b/i,
    type: 'reaction',
    kind: 'insightful',
  },
  {
    re: /\bfinds? (this|\S.{0,80}?[’']s? (post|comment|reply)) funny\b|\bfindet (das|dies) lustig\b|\btrouve (ça|ceci) (drôle|amusant)\b|\ble hace gracia\b|\bachou (isso|isto) engraçado\b/i,
    type: 'reaction',
    kind: 'funny',
  },
  { re: /\bis curious about this\b/i, type: 'reaction', kind: 'curious' },
  { re: /\breacted to this\b|\breagiert\b|\ba réagi\b/i, type: 'reaction', kind: null },
];

function match(text: string): Rule | null {
  return RULES.find((r) => r.re.test(text)) ?? null;
}

/**
 * The item's header: `update-components-header` when present, otherwise the first short text
 * outside the actors, the post text and the comments whose wording is a header verb.
 */
export function readHeader(
  $: CheerioAPI,
  item: Cheerio<AnyNode>,
  exclude: Element[],
): ActivityHeader | null {
  let candidates = outermost($, item, (el) =>
    (el.attribs.class ?? '').split(/\s+/).some((t) => HEADER_CLASS.test(t)),
  );
  if (!candidates.length) {
    const matches = item
      .find('*')
      .filter((_, el) => {
        if (exclude.includes(el) || isInside(el, exclude)) return false;
        const text = clean($(el).text());
        return text.length > 0 && text.length < 160 && match(text) !== null;
      })
      .toArray();
    // The innermost match: a short wrapper around the header and the actor must not swallow
    // the actor ("Jane Doe reposted this" is one span, not the div holding it and the author).
    const innermost = matches.find((m) => !matches.some((o) => o !== m && isInside(o, [m])));
    candidates = innermost ? [innermost] : [];
  }
  for (const el of candidates) {
    if (isInside(el, exclude)) continue;
    const text = clean($(el).text());
    const rule = match(text);
    if (!rule) continue;
    const link = $(el)
      .find('a[href]')
      .filter((_, a) => profileUrl(a.attribs.href) !== null && clean($(a).text()) !== '')
      .first();
    const verbAt = text.search(rule.re);
    const before = verbAt > 0 ? text.slice(0, verbAt) : '';
    const subject = clean(link.text()) || clean(before.replace(/\b(hat|a|ha|heeft|is)\s*$/i, ''));
    return {
      el,
      type: rule.type,
      ...(rule.type === 'reaction' ? { reaction_kind: rule.kind ?? null } : {}),
      subject,
      subject_url: profileUrl(link.attr('href'))?.url ?? null,
    };
  }
  return null;
}
