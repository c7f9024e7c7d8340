const BASE = 'https://www.linkedin.com';

/** Query parameters that only track the click (LinkedIn's own and the usual campaign tags). */
const TRACKING =
  /^(utm_.*|trk|trkinfo|trackingid|lipi|licu|midtoken|midsig|eid|refid|origin|original_referer|li_fat_id|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_hsenc|_hsmi|mkt_tok|igshid|si|ref|ref_src|rcm|position|originalsubdomain|miniprofileurn|highlightedupdateurns)$/i;

function parse(href: string | null | undefined): URL | null {
  let raw = (href ?? '').trim();
  // "linkedin.com/in/jane" as typed by a user: a host, not a relative path.
  if (/^([\w-]+\.)?linkedin\.com\//i.test(raw)) raw = `https://${raw}`;
  if (!raw || /^(javascript|mailto|tel|data):/i.test(raw) || raw.startsWith('#')) return null;
  try {
    return new URL(raw, BASE);
  } catch {
    return null;
  }
}

export function isLinkedInHost(host: string): boolean {
  return /(^|\.)linkedin\.com$/i.test(host);
}

export type ProfileKind = 'person' | 'company';

/**
 * `https://www.linkedin.com/in/<slug>` or `/company/<slug>` (also school and showcase pages,
 * which are organisations) for a profile link in any of LinkedIn's forms (relative, country
 * subdomain, query string, trailing path); null for anything else.
 */
export function profileUrl(
  href: string | null | undefined,
): { url: string; kind: ProfileKind } | null {
  const u = parse(href);
  if (!u || !isLinkedInHost(u.hostname)) return null;
  const m = /^\/(in|company|school|showcase)\/([^/?#]+)/i.exec(u.pathname);
  if (!m) return null;
  let slug = m[2];
  try {
    slug = decodeURIComponent(slug);
  } catch {
    // keep the raw slug
  }
  const section = m[1].toLowerCase();
  return {
    // Vanity slugs are case-insensitive; member ids (ACoAA…) are not.
    url: `${BASE}/${section}/${encodeURIComponent(/^aco[a-z0-9_-]{20,}$/i.test(slug) ? slug : slug.toLowerCase())}`,
    kind: section === 'in' ? 'person' : 'company',
  };
}

/** The canonical form of the person's own profile URL, or the input trimmed when it is not one. */
export function normalizePersonUrl(url: string): string {
  return profileUrl(url)?.url ?? url.trim().replace(/\/+$/, '');
}

/** Member ids such as `ACoAAB…` stand in for a vanity slug in some links; they match no one. */
export function isOpaqueProfileUrl(url: string): boolean {
  return /\/in\/aco[a-z0-9_-]{20,}$/i.test(url);
}

/**
 * The hashtag of a hashtag link ("#ai"): `/feed/hashtag/?keywords=ai`, `/feed/hashtag/ai/`, or
 * the search link newer markup uses (`/search/results/all/?keywords=%23ai&origin=HASH_TAG_FROM_FEED`).
 */
export function hashtagOf(href: string | null | undefined): string | null {
  const u = parse(href);
  if (!u || !isLinkedInHost(u.hostname)) return null;
  let tag: string | null | undefined = null;
  if (/^\/feed\/hashtag\b/i.test(u.pathname)) {
    tag = u.searchParams.get('keywords') ?? /^\/feed\/hashtag\/([^/]+)/i.exec(u.pathname)?.[1];
  } else if (/^\/search\/results\//i.test(u.pathname)) {
    const keywords = u.searchParams.get('keywords') ?? '';
    const fromTag = /hash_?tag/i.test(u.searchParams.get('origin') ?? '');
    if (/^#\S+$/.test(keywords) || (fromTag && /^\S+$/.test(keywords))) tag = keywords;
  }
  if (!tag) return null;
  try {
    return `#${decodeURIComponent(tag).replace(/^#/, '')}`;
  } catch {
    return `#${tag.replace(/^#/, '')}`;
  }
}

/**
 * An outbound link without tracking: LinkedIn's redirector (`/redir/redirect?url=…`,
 * `/safety/go?url=…`) is unwrapped; null for links inside LinkedIn itself.
 */
export function externalUrl(href: string | null | undefined): string | null {
  let u = parse(href);
  if (!u) return null;
  if (isLinkedInHost(u.hostname)) {
    const target = /^\/(redir\/redirect|safety\/go)/i.test(u.pathname)
      ? u.searchParams.get('url')
      : null;
    u = target ? parse(target) : null;
    if (!u || isLinkedInHost(u.hostname)) return null;
  }
  if (!/^https?:$/.test(u.protocol)) return null;
  for (const key of [...u.searchParams.keys()]) if (TRACKING.test(key)) u.searchParams.delete(key);
  u.hash = '';
  return u.toString();
}

/** The post URL for an `urn:li:activity:N` (or share/ugcPost) URN. */
export function postUrlFromUrn(urn: string | null | undefined): string | undefined {
  const m = /urn:li:(activity|share|ugcPost):(\d+)/.exec(urn ?? '');
  return m ? `${BASE}/feed/update/urn:li:${m[1]}:${m[2]}/` : undefined;
}
