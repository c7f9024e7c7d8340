import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import type {
  ActivityAuthor,
  ActivityCaptures,
  ActivityCounts,
  ActivityParseOptions,
  ActivitySourceTab,
  ParsedActivity,
} from './activity.types';
import { readHeader } from './activity-header';
import {
  dropChrome,
  dropScreenReaderDuplicates,
  loadCapture,
  removeViewerAndNoise,
  splitItems,
} from './capture-dom';
import { readCounts } from './counts';
import { toMarkdown } from './html-to-markdown';
import { commentBlocks } from './comment-blocks';
import { actorBlocks, cleanName } from './item-parts';
import { isOpaqueProfileUrl, normalizePersonUrl, profileUrl } from './linkedin-urls';
import { readItem } from './activity-item';

const TABS: { tab: ActivitySourceTab; key: keyof ActivityCaptures; listing: string }[] = [
  { tab: 'posts', key: 'posts_html', listing: 'all' },
  { tab: 'comments', key: 'comments_html', listing: 'comments' },
  { tab: 'reactions', key: 'reactions_html', listing: 'reactions' },
];

/** One capture after cleaning: its items and each item's counts (read before chrome goes). */
interface PreparedTab {
  tab: ActivitySourceTab;
  listing: string;
  $: CheerioAPI;
  items: { el: Element; counts: ActivityCounts }[];
}

const COMMENT_LISTS =
  '[class*="comments-comments-list"], [class*="comments-comment-item"], [class*="comments-comment-entity"], [class*="comments-reply-item"], ' +
  '[id*="urn:li:comment"], [componentkey*="urn:li:comment"], [data-id*="urn:li:comment"]';

function prepare(tab: (typeof TABS)[number], html: unknown): PreparedTab | null {
  const $ = loadCapture(html);
  if (!$) return null;
  removeViewerAndNoise($);
  const els = splitItems($);
  dropScreenReaderDuplicates($);
  const items = els.map((el) => {
    const copy = $(el).clone();
    copy.find(COMMENT_LISTS).remove();
    return { el, counts: readCounts($, copy as Cheerio<AnyNode>) };
  });
  dropChrome($);
  // Occluded placeholders (LinkedIn empties off-screen items) and stray list entries.
  const filled = items.filter(({ el }) => $(el).text().trim() !== '');
  return { tab: tab.tab, listing: tab.listing, $, items: filled };
}

const mostVoted = (votes: string[]): string => {
  const counts = new Map<string, number>();
  for (const v of votes) if (v && v.length < 200) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
};

/**
 * The person's display name and headline, learned from the captures: the text of links to
 * their profile and the actors or comments that link to it, else the subject most headers
 * name ("Jane Doe reposted this"). Used where an item names the person only in its header.
 */
function learnPerson(
  tabs: PreparedTab[],
  person: string,
): { name: string; headline: string | null } {
  const names: string[] = [];
  const linkTexts: string[] = [];
  const headlines: string[] = [];
  const subjects: string[] = [];
  for (const { $, items } of tabs) {
    $('a[href]').each((_, a) => {
      // Only plain links: an actor link also wraps the headline and the time.
      if (profileUrl(a.attribs.href)?.url === person && $(a).find('div, span span').length === 0) {
        linkTexts.push(cleanName($(a).text()));
      }
    });
    for (const { el } of items) {
      const item = $(el);
      const comments = commentBlocks($, item);
      const commentEls = comments.map((c) => c.el);
      const actors = actorBlocks($, item, commentEls);
      for (const a of [...actors.map((x) => x.author), ...comments.map((c) => c.author)]) {
        if (a?.profile_url !== person) continue;
        names.push(a.name);
        if (a.headline) headlines.push(a.headline);
      }
      const header = readHeader($, item, [...commentEls, ...actors.map((x) => x.el)]);
      if (header?.subject) subjects.push(cleanName(header.subject));
    }
  }
  return {
    name: mostVoted(names) || mostVoted(linkTexts) || mostVoted(subjects),
    headline: mostVoted(headlines) || null,
  };
}

const sameName = (a: string, b: string) =>
  a.localeCompare(b, undefined, { sensitivity: 'base' }) === 0;

/**
 * Parses the LinkedIn activity HTML the browser extension captured (SEED-CONTRACTS A2.3, A8)
 * into typed activities, without an LLM: items split on the "Feed post number N" headings,
 * the viewer's `div.member` blocks removed first, dates computed from the relative token.
 * Null, "null", blank or non-HTML captures give no activities; nothing here throws on input.
 */
export function parseActivities(
  captures: ActivityCaptures | null | undefined,
  options: ActivityParseOptions,
): ParsedActivity[] {
  const person = normalizePersonUrl(options.personLinkedinUrl ?? '');
  const prepared: PreparedTab[] = [];
  for (const tab of TABS) {
    try {
      const p = prepare(tab, captures?.[tab.key]);
      if (p) prepared.push(p);
    } catch (err) {
      // Pathologically nested markup can exhaust the stack; such a capture holds no feed.
      if (!(err instanceof RangeError)) throw err;
    }
  }
  const { name: personName, headline: personHeadline } = learnPerson(prepared, person);
  const isPerson = (a: ActivityAuthor | null | undefined): boolean | null => {
    if (!a) return null;
    if (a.profile_url && a.profile_url === person) return true;
    // A namesake with another vanity URL is someone else; a member-id link says nothing.
    if (a.profile_url && !isOpaqueProfileUrl(a.profile_url)) return false;
    return personName && a.name ? sameName(a.name, personName) : null;
  };
  const out: ParsedActivity[] = [];
  for (const t of prepared) {
    t.items.forEach(({ el, counts }, index) => {
      const parts = readItem(t.$, el, {
        tab: t.tab,
        person,
        personName,
        personHeadline,
        capturedAt: new Date(options.capturedAt),
        isPerson,
      });
      out.push({
        index,
        source_tab: t.tab,
        type: parts.type,
        ...(parts.type === 'reaction' ? { reaction_kind: parts.reaction_kind ?? null } : {}),
        activity_url: `${person}/recent-activity/${t.listing}`,
        ...(parts.post_url ? { post_url: parts.post_url } : {}),
        author: parts.author,
        ...(parts.type !== 'post' ? { original_author: parts.original_author ?? null } : {}),
        text_md: parts.text_md,
        ...(parts.type !== 'post' ? { parent_text_md: parts.parent_text_md ?? '' } : {}),
        ...(parts.date ? { date_token: parts.date.token } : {}),
        ...(parts.published_at ? { published_at: parts.published_at } : {}),
        counts,
        links: parts.links,
        hashtags: parts.hashtags,
        mentions: parts.mentions,
        content_md: toMarkdown(el),
      });
    });
  }
  return out;
}
