import { cleanText } from './html-page';
import { nameKey } from './value-keys';

/*
 * Customer names as a page writes them somewhere else than in running text: a logo's alt text or
 * file name, a case-study card's title, a case-study page's URL slug.
 */

/** Alt texts that name no company. */
const GENERIC = new Set(
  (
    'logo image icon photo picture placeholder arrow quote avatar headshot play close menu ' +
    'customer client company partner brand background hero illustration screenshot spacer ' +
    'star rating check badge'
  ).split(' '),
);

/** A customer's name from a logo's alt text ("Globex logo" → "Globex"), or null. */
export function customerName(raw: string | undefined, ownKeys: Set<string>): string | null {
  let s = cleanText(raw);
  const fileName = !/\s/.test(s) && /[-_.]/.test(s);
  s = s.replace(/\.(?:png|jpe?g|svg|webp|gif|avif)$/i, '');
  if (fileName) s = s.replace(/[-_]+/g, ' ');
  s = s
    .replace(
      /\b(?:logo(?:type|mark)?s?|wordmark|brand ?mark|icon|image|img|customer|client)\b/gi,
      ' ',
    )
    .replace(/^\s*(?:the\s+)?(?:of|for|from)\s+/i, '')
    .replace(/^[\s\-–—|:,.]+|[\s\-–—|:,.]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (s.length < 2 || s.length > 50 || s.split(' ').length > 5) return null;
  if (GENERIC.has(s.toLowerCase())) return null;
  const key = nameKey(s);
  if (!key || ownKeys.has(key)) return null;
  // "logo-hooli.png" → "Hooli": a file name says nothing about capitals, so give the usual ones
  return fileName ? s.replace(/(^|\s)\p{Ll}/gu, (c) => c.toUpperCase()) : s;
}

/** File names that say nothing of whose logo it is ("c-114.png", "ref-01.png", "logo3.svg"). */
const ANONYMOUS_FILE =
  /^(?:[a-z]{0,4}[-_]?\d+|(?:logo|client|customer|partner|brand|ref|img|image|thumb|icon|item)s?(?:[-_]?\d+)?)$/i;

/** A customer's name from a logo's file name ("/logos/harbourfront-dairy.png" → "Harbourfront Dairy"). */
export function nameFromFile(src: string | undefined, ownKeys: Set<string>): string | null {
  const file = decodeURIComponentSafe((src ?? '').split(/[?#]/)[0].split('/').pop() ?? '');
  const stem = file.replace(/\.(?:png|jpe?g|svg|webp|gif|avif)$/i, '');
  if (!stem || stem === file || ANONYMOUS_FILE.test(stem)) return null;
  const words = stem
    .replace(
      /(?:^|[-_@])(?:logo|client|customer|color|colour|white|black|dark|light|mono|grey|gray|small|large|\d+x\d*|\dx|v\d+|\d+|scaled|retina|min)(?=$|[-_@])/gi,
      ' ',
    )
    .split(/[-_\s]+/)
    .filter(Boolean);
  if (!words.length || words.length > 4 || words.some((w) => /\d/.test(w))) return null;
  return customerName(words.join('-') + '.png', ownKeys);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function nameFromCardTitle(title: string, ownKeys: Set<string>): string | null {
  const t = cleanText(title);
  const lead =
    /^(.{2,50}?)\s*[:–—|]\s+\S/.exec(t) ?? /^[Hh]ow\s+(.{2,50}?)\s+(?:\p{Ll}\S*)/u.exec(t);
  if (!lead) return null;
  const words = lead[1].split(/\s+/);
  const capitalised = words.every(
    (w) => /^[\p{Lu}\p{N}&]/u.test(w) || /^(?:of|and|the|de|&)$/.test(w),
  );
  return capitalised && words.length <= 5 ? customerName(lead[1], ownKeys) : null;
}

/** Words of `text` that spell the first slug tokens, capitalised: ("how Globex cut…", globex-…) → "Globex". */
export function nameFromSlug(slug: string, text: string): string | null {
  const tokens = slug.toLowerCase().split(/[-_]+/).filter(Boolean);
  const words = text.split(/\s+/).map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}&]+$/gu, ''));
  for (let i = 0; i < words.length; i++) {
    if (words[i].toLowerCase() !== tokens[0] || !/^[\p{Lu}\p{N}]/u.test(words[i])) continue;
    let j = i + 1;
    while (
      j < words.length &&
      j - i < tokens.length &&
      words[j].toLowerCase() === tokens[j - i] &&
      /^[\p{Lu}\p{N}&]/u.test(words[j])
    ) {
      j++;
    }
    return words.slice(i, j).join(' ');
  }
  return null;
}

export function slugOf(url: string): string | null {
  try {
    const segments = new URL(url).pathname.split('/').filter(Boolean);
    const last = segments[segments.length - 1];
    return last ? decodeURIComponent(last).replace(/\.(?:html?|php)$/, '') : null;
  } catch {
    return null;
  }
}
