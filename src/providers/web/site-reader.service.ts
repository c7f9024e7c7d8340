import { Injectable } from '@nestjs/common';
import { getDomain } from 'tldts';
import { AppConfig } from '../../common/config/app.config';
import { CallScope, ProviderClient } from '../core/provider-client';
import { ProviderError, ProviderErrorCode } from '../core/provider-error';
import type { WebLink, WebPage, WebReadInput } from './web-read.types';

export const SITE_READER_PROVIDER = 'builtin_web';

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
      /^(team|our-team|the-team|leadership|management|founders|people|our-people|board|executive-team|equipo|equipe|mannschaft)$/,
    text: /^(team|our team|the team|meet the team|leadership|management|founders|our people|people|équipe|equipo)$/,
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

export interface SiteReadFailure {
  url: string;
  /** ProviderError code; NOT_FOUND for a 404/410 page. */
  code: ProviderErrorCode;
  message: string;
}

export interface SiteReadResult {
  /** The website as given. */
  website: string;
  /** The home page as finally read (after redirects), null when it could not be read. */
  home_url: string | null;
  /** Registrable domain of the site (tldts), or the host for IP addresses and intranet names. */
  domain: string | null;
  /** Pages read, home page first, each at most once. */
  pages: WebPage[];
  failures: SiteReadFailure[];
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

/** The kind of page a link points to, if any, and how good a match it is (lower is better). */
function classify(link: WebLink, url: URL): { kind: SitePageKind; score: number } | null {
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
  for (const kind of SITE_PAGE_KINDS) {
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
 * Which pages to read after the home page, at most `budget`: the best link of each kind in
 * SITE_PAGE_KINDS order, then second-best links while the budget lasts. Same site only (the
 * registrable domain of the home page, or of the URL asked for when the home page redirected
 * to another domain); the home page itself and duplicates are skipped.
 */
export function pickSitePages(home: WebPage, budget: number): SitePageCandidate[] {
  if (budget <= 0) return [];
  const site = new Set([siteKey(home.final_url), siteKey(home.url)].filter(Boolean));
  const skip = new Set([stripSlash(home.final_url), stripSlash(home.url)]);
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
    const key = stripSlash(u.href);
    if (skip.has(key)) continue;
    const c = classify(link, u);
    if (!c) continue;
    const list = byKind.get(c.kind) ?? [];
    if (!list.some((x) => stripSlash(x.url) === key)) list.push({ url: u.href, score: c.score });
    byKind.set(c.kind, list);
  }
  for (const list of byKind.values()) list.sort((a, b) => a.score - b.score);
  const picked: SitePageCandidate[] = [];
  const taken = new Set<string>();
  for (let round = 0; picked.length < budget; round++) {
    let added = false;
    for (const kind of SITE_PAGE_KINDS) {
      const c = byKind.get(kind)?.[round];
      if (!c || picked.length >= budget) continue;
      added = true;
      if (taken.has(stripSlash(c.url))) continue;
      taken.add(stripSlash(c.url));
      picked.push({ url: c.url, kind });
    }
    if (!added) break;
  }
  return picked;
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '').toLowerCase();
}

/**
 * Reads a small budget of a website's pages (WEB_SITE_MAX_PAGES): the home page, then the
 * about / customers / team / contact pages it links to on the same site, one at a time (polite to
 * the site), each through ProviderClient so that the caller's cache, ledger, rate limits and
 * abort apply. Failures are returned, not thrown; an abort or a budget stop is thrown.
 */
@Injectable()
export class SiteReaderService {
  constructor(
    private readonly client: ProviderClient,
    private readonly config: AppConfig,
  ) {}

  async read(
    website: string,
    scope: CallScope = {},
    opts: { maxPages?: number } = {},
  ): Promise<SiteReadResult> {
    const budget = Math.max(1, opts.maxPages ?? this.config.WEB_SITE_MAX_PAGES);
    const result: SiteReadResult = {
      website,
      home_url: null,
      domain: null,
      pages: [],
      failures: [],
    };
    let reads = 0;
    let home: WebPage | null = null;
    for (const url of homeUrlCandidates(website)) {
      if (reads >= budget) break;
      reads++;
      const r = await this.readOne(url, scope, result);
      if (r.page) {
        home = r.page;
        break;
      }
      // A refused site or a page that answered (404) will not do better under another spelling.
      if (r.code === 'BLOCKED' || (r.code === 'NOT_FOUND' && r.answered)) break;
    }
    if (!home) return result;
    result.pages.push(home);
    result.home_url = home.final_url;
    result.domain = siteKey(home.final_url);

    const seen = new Set(result.pages.map((p) => stripSlash(p.final_url)));
    const site = new Set([siteKey(home.final_url), siteKey(home.url)]);
    for (const c of pickSitePages(home, budget - reads)) {
      const { page } = await this.readOne(c.url, scope, result);
      if (!page) continue;
      const key = stripSlash(page.final_url);
      if (seen.has(key)) continue;
      seen.add(key);
      if (!site.has(siteKey(page.final_url))) {
        result.failures.push({
          url: c.url,
          code: 'BAD_INPUT',
          message: `${c.url} redirected off the site (to ${page.final_url}); not used`,
        });
        continue;
      }
      result.pages.push(page);
    }
    return result;
  }

  private async readOne(
    url: string,
    scope: CallScope,
    result: SiteReadResult,
  ): Promise<{ page?: WebPage; code?: ProviderErrorCode; answered?: boolean }> {
    try {
      const input: WebReadInput = { url };
      const o = await this.client.call<WebPage>(
        SITE_READER_PROVIDER,
        { capability: 'web.read', input },
        scope,
      );
      if (o.found && o.data) return { page: o.data };
      result.failures.push({
        url,
        code: 'NOT_FOUND',
        message: `${url} was not found (HTTP 404/410)`,
      });
      return { code: 'NOT_FOUND', answered: true };
    } catch (err) {
      if (scope.signal?.aborted) throw err;
      if (err instanceof ProviderError && err.code === 'BUDGET_EXCEEDED') throw err;
      const code: ProviderErrorCode = err instanceof ProviderError ? err.code : 'UNKNOWN';
      result.failures.push({ url, code, message: (err as Error).message });
      return { code };
    }
  }
}
