import { getDomain } from 'tldts';
import type { WebLink, WebPage } from './web-read.types';

/**
 * Which pages of a site to read (pure, no I/O): the home page's spellings, the kind of page a link
 * points to (about, customers, team…), and the best links of the kinds wanted. Used by the site
 * reader (accounts) and by the built-in reader's people search (team and about pages).
 */

/** The kinds of page read after the home page, in the order the budget is spent on them. */
export const SITE_PAGE_KINDS = ['about', 'customers', 'team', 'contact', 'imprint'] as const;
export type SitePageKind = (typeof SITE_PAGE_KINDS)[number];

/**
 * Path segments and link texts that name each kind (English first, then the common European
 * spellings). A segment must match whole: /team is a team page, /careers/join-our-team is not.
 */
const KIND_PATTERNS: Record<SitePageKind, { segment: RegExp; text: RegExp }> = {
  about: {
    segment:
      /^(about|about-?us|company|our-company|who-we-are|our-story|story|mission|ueber-uns|uber-uns|unternehmen|a-propos|qui-sommes-nous|quienes-somos|nosotros|empresa|chi-siamo|azienda|over-ons|om-oss|sobre|sobre-nos)$/,
    text: /^(about|about us|company|our company|who we are|our story|the company|über uns|unternehmen|à propos|qui sommes-nous|quiénes somos|nosotros|empresa|chi siamo|over ons|sobre nós)$/,
  },
  customers: {
    segment:
      /^(customers?|clients?|case-stud(y|ies)|success-stories|customer-stories|testimonials|references|kunden|referenzen|clientes|clienti|references-clients)$/,
    text: /^(customers|our customers|clients|our clients|case studies|success stories|customer stories|testimonials|kunden|referenzen|clientes|clienti)$/,
  },
  team: {
    segment:
      /^(team|our-team|the-team|meet-the-team|meet-our-team|team-members|leadership|leadership-team|our-leadership|leaders|management|management-team|executive-team|executives|founders|our-founders|people|our-people|board|board-of-directors|staff|equipo|nuestro-equipo|[eé]quipe|notre-[eé]quipe|l-[eé]quipe|mannschaft|unser-team|das-team|gesch(ae|ä|a)ftsf(ue|ü|u)hrung|vorstand|f(ue|ü|u)hrungsteam)$/,
    text: /^(team|our team|the team|meet the team|meet our team|leadership|leadership team|our leadership|management|management team|executive team|founders|our founders|the founders|our people|people|staff|équipe|l['’]équipe|notre équipe|equipo|nuestro equipo|unser team|das team|geschäftsführung|vorstand|führungsteam)$/,
  },
  contact: {
    segment:
      /^(contact|contact-?us|contacts|get-in-touch|kontakt|contacto|contatti|nous-contacter|locations|offices)$/,
    text: /^(contact|contact us|get in touch|kontakt|contacto|contatti|nous contacter|locations|offices)$/,
  },
  imprint: {
    segment: /^(impressum|imprint|legal-notice|mentions-legales|aviso-legal|colofon)$/,
    text: /^(impressum|imprint|legal notice|mentions légales|aviso legal|colofon)$/,
  },
};

/** Files that are never company pages. */
const NOT_A_PAGE =
  /\.(pdf|jpe?g|png|gif|webp|svg|ico|zip|gz|mp4|mp3|mov|docx?|xlsx?|pptx?|css|js|json|xml|txt)$/i;

export interface SitePageCandidate {
  url: string;
  kind: SitePageKind;
}

/** Registrable domain (public-suffix aware) of a URL, or its host when it has none (IP, intranet). */
export function siteKey(url: string): string | null {
  try {
    const u = new URL(url);
    const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    return getDomain(host) ?? u.host.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * URLs to try for a website's home page: the URL itself when it names a scheme, else https://,
 * then https://www. for a bare registrable domain, then http:// (small sites without TLS).
 */
export function homeUrlCandidates(website: string): string[] {
  const w = website.trim();
  if (/^https?:\/\//i.test(w)) return [w];
  const bare = w.replace(/^\/\//, '');
  let u: URL;
  try {
    u = new URL(`https://${bare}`);
  } catch {
    return [`https://${bare}`];
  }
  const out = [u.href];
  if (getDomain(u.hostname) === u.hostname && !u.port) {
    const www = new URL(u.href);
    www.hostname = `www.${u.hostname}`;
    out.push(www.href);
  }
  const plain = new URL(u.href);
  plain.protocol = 'http:';
  out.push(plain.href);
  return out;
}

const normaliseText = (t: string) =>
  t
    .toLowerCase()
    .replace(/[\s\u00a0]+/g, ' ')
    .replace(/[›»→>|·•:!.]+$/g, '')
    .trim();

/**
 * The kind of page a link points to among `kinds` (the first that matches, in their order), if
 * any, and how good a match it is (lower is better).
 */
function classify(
  link: WebLink,
  url: URL,
  kinds: readonly SitePageKind[],
): { kind: SitePageKind; score: number } | null {
  const segments = url.pathname
    .toLowerCase()
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s).replace(/\.(html?|php|aspx?)$/, '');
      } catch {
        return s;
      }
    });
  const last = segments[segments.length - 1] ?? '';
  const text = normaliseText(link.text);
  for (const kind of kinds) {
    const p = KIND_PATTERNS[kind];
    const bySegment = p.segment.test(last);
    const byText = p.text.test(text);
    if (!bySegment && !byText) continue;
    // Shallow paths first (/about before /en/company/about), then links whose text agrees, then
    // no query string.
    const score =
      segments.length * 10 + (bySegment ? 0 : 3) + (byText ? 0 : 2) + (url.search ? 5 : 0);
    return { kind, score };
  }
  return null;
}

/**
 * Which pages to read after the home page (or after any page of the site: its links are read the
 * same way), at most `budget`: the best link of each of `kinds` in their order (default
 * SITE_PAGE_KINDS), then second-best links while the budget lasts. Same site only (the
 * registrable domain of the page, or of the URL asked for when the page redirected to another
 * domain); the page itself and duplicates are skipped.
 */
export function pickSitePages(
  home: WebPage,
  budget: number,
  kinds: readonly SitePageKind[] = SITE_PAGE_KINDS,
): SitePageCandidate[] {
  if (budget <= 0) return [];
  const site = new Set([siteKey(home.final_url), siteKey(home.url)].filter(Boolean));
  const skip = new Set([pageKey(home.final_url), pageKey(home.url)]);
  const byKind = new Map<SitePageKind, Array<{ url: string; score: number }>>();
  for (const link of home.links) {
    let u: URL;
    try {
      u = new URL(link.href);
    } catch {
      continue;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') continue;
    if (!site.has(siteKey(u.href)) || NOT_A_PAGE.test(u.pathname)) continue;
    u.hash = '';
    const key = pageKey(u.href);
    if (skip.has(key)) continue;
    const c = classify(link, u, kinds);
    if (!c) continue;
    const list = byKind.get(c.kind) ?? [];
    if (!list.some((x) => pageKey(x.url) === key)) list.push({ url: u.href, score: c.score });
    byKind.set(c.kind, list);
  }
  for (const list of byKind.values()) list.sort((a, b) => a.score - b.score);
  const picked: SitePageCandidate[] = [];
  const taken = new Set<string>();
  for (let round = 0; picked.length < budget; round++) {
    let added = false;
    for (const kind of kinds) {
      const c = byKind.get(kind)?.[round];
      if (!c || picked.length >= budget) continue;
      added = true;
      if (taken.has(pageKey(c.url))) continue;
      taken.add(pageKey(c.url));
      picked.push({ url: c.url, kind });
    }
    if (!added) break;
  }
  return picked;
}

/** A page's identity for "read once": the URL without trailing slashes, lower case. */
export function pageKey(url: string): string {
  return url.replace(/\/+$/, '').toLowerCase();
}
