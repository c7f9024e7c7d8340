import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode } from 'domhandler';
import type { ActivityCounts } from './activity.types';

const NUMBER = String.raw`(\d[\d.,\u00a0\u202f ]*\d|\d)\s*(k|m|tsd\.?|mio\.?)?(?![\p{L}])`;

/**
 * Reads a LinkedIn count: "1,234", "1.234", "1 234", "1.2K", "12K", "1,2 Tsd.", "3M".
 * With a K/M suffix the separator is a decimal point; without one it only groups thousands
 * (counts are whole numbers). Null when the text holds no number.
 */
export function parseCount(text: string | null | undefined): number | null {
  const m = new RegExp(`^\\s*${NUMBER}`, 'iu').exec(text ?? '');
  if (!m) return null;
  const suffix = (m[2] ?? '').toLowerCase().replace('.', '');
  if (suffix) {
    const value = Number(m[1].replace(/[\s\u00a0\u202f]/g, '').replace(',', '.'));
    if (!Number.isFinite(value)) return null;
    return Math.round(value * (suffix === 'k' || suffix === 'tsd' ? 1_000 : 1_000_000));
  }
  return Number(m[1].replace(/[^\d]/g, ''));
}

const WORDS = {
  reactions: 'reactions?|reaktionen|réactions?|reacciones|reações|reazioni|likes?',
  comments: 'comments?|kommentare?|commentaires?|comentarios?|comentários?|reacties|commenti',
  reposts:
    'reposts?|shares?|republications?|partages?|veces compartido|compartilhamentos?|mal geteilt|gedeeld|diffusioni',
};

/** "1,234 reactions", "12 comments", "3 reposts" (a number then the word). */
function countBefore(texts: string[], words: string): number | null {
  const re = new RegExp(`(?:^|[^\\d.,])${NUMBER}\\s+(?:${words})\\b`, 'iu');
  for (const t of texts) {
    const m = re.exec(` ${t}`);
    if (m) return parseCount(m[0].replace(/^[^\d]+/, ''));
  }
  return null;
}

/** Text of each element without element children, plus every aria-label: one string each. */
function fragments($: CheerioAPI, scope: Cheerio<AnyNode>): string[] {
  const out: string[] = [];
  scope.find('*').each((_, el) => {
    const $el = $(el);
    const label = $el.attr('aria-label');
    if (label) out.push(label.trim());
    if ($el.children().length === 0) {
      const t = $el.text().replace(/\s+/g, ' ').trim();
      if (t) out.push(t);
    }
  });
  return out;
}

/**
 * Reaction, comment and repost counts of a feed item. The social counts bar
 * (`social-details-social-counts`) is read when present, otherwise the item outside its
 * comment list. A bar without a count means 0 (LinkedIn hides zeros); no bar and no count
 * anywhere means unknown (null).
 */
export function readCounts($: CheerioAPI, item: Cheerio<AnyNode>): ActivityCounts {
  const bar = item
    .find('[class*="social-counts"], [class*="social-details-social-activity"]')
    .first();
  const scope = bar.length ? bar : item;
  const texts = fragments($, scope).filter((t, i, all) => all.indexOf(t) === i);
  const inComments = (t: string) => /\bon .*comment\b/i.test(t);
  const usable = bar.length ? texts : texts.filter((t) => !inComments(t));

  let reactions = countBefore(usable, WORDS.reactions);
  if (reactions === null) {
    const hinted = scope.find('[class*="reactions-count"]').first().text();
    reactions = parseCount(hinted.replace(/\s+/g, ' ').trim());
  }
  if (reactions === null) {
    // "Jane Doe and 45 others" (the reactor names stand in for the number).
    const others = usable
      .map((t) =>
        /\b(?:and|und|et|y|e)\s+(\d[\d.,]*\s*[km]?)\s+(?:others?|weitere|autres|personas|outras|outros|andere)/i.exec(
          t,
        ),
      )
      .find((m) => m);
    if (others) reactions = (parseCount(others[1]) ?? 0) + 1;
  }
  const comments = countBefore(usable, WORDS.comments);
  const reposts = countBefore(usable, WORDS.reposts);
  const any = reactions !== null || comments !== null || reposts !== null;
  if (!bar.length && !any) return { reactions: null, comments: null, reposts: null };
  return { reactions: reactions ?? 0, comments: comments ?? 0, reposts: reposts ?? 0 };
}
