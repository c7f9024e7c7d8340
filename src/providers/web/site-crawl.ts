import type { ProviderErrorCode } from '../core/provider-error';
import {
  homeUrlCandidates,
  pageKey,
  pickSitePages,
  SITE_PAGE_KINDS,
  siteKey,
  type SitePageCandidate,
  type SitePageKind,
} from './site-pages';
import type { WebPage } from './web-read.types';

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

/**
 * One page read: the page, or why not (`answered`: the site answered 404/410). A reader throws
 * only what must stop the whole crawl (the caller's abort, a budget stop).
 */
export type PageReadOutcome = { page: WebPage } | { failure: SiteReadFailure; answered?: boolean };

export type PageReader = (url: string) => Promise<PageReadOutcome>;

export interface CrawlOptions {
  /** Pages read at most, home page spellings included. */
  budget: number;
  /** Kinds of page to read after the home page, in priority order (default SITE_PAGE_KINDS). */
  kinds?: readonly SitePageKind[];
  /**
   * Also pick pages of `kinds` from the links of the pages read after the home page (a second
   * hop: the leadership page that only the about page links to). A followed page of the first
   * kind is read next; others wait their turn.
   */
  followLinks?: boolean;
  /** Checked before each read after the home page: true ends the crawl (a deadline). */
  stop?: () => boolean;
}

export interface CrawledSite {
  result: SiteReadResult;
  /** The kind of each page of `result.pages`, by position (`home` first). */
  kinds: Array<SitePageKind | 'home'>;
}

/**
 * Reads a small budget of a website's pages through `read`, one at a time (polite to the site):
 * the home page (trying its spellings), then the pages of the wanted kinds it links to on the
 * same site. A page that redirects off the site is dropped; each final page is kept once.
 */
export async function crawlSite(
  website: string,
  read: PageReader,
  opts: CrawlOptions,
): Promise<CrawledSite> {
  const budget = Math.max(1, opts.budget);
  const kinds = opts.kinds ?? SITE_PAGE_KINDS;
  const result: SiteReadResult = { website, home_url: null, domain: null, pages: [], failures: [] };
  const pageKinds: CrawledSite['kinds'] = [];
  let reads = 0;
  let home: WebPage | null = null;
  for (const url of homeUrlCandidates(website)) {
    if (reads >= budget) break;
    reads++;
    const out = await read(url);
    if ('page' in out) {
      home = out.page;
      break;
    }
    result.failures.push(out.failure);
    // A refused site or a page that answered (404) will not do better under another spelling.
    if (out.failure.code === 'BLOCKED' || (out.failure.code === 'NOT_FOUND' && out.answered)) {
      break;
    }
  }
  if (!home) return { result, kinds: pageKinds };
  result.pages.push(home);
  pageKinds.push('home');
  result.home_url = home.final_url;
  result.domain = siteKey(home.final_url);

  const seen = new Set([pageKey(home.final_url)]);
  const site = new Set([siteKey(home.final_url), siteKey(home.url)]);
  const queue: SitePageCandidate[] = pickSitePages(home, budget - reads, kinds);
  const queued = new Set([...seen, pageKey(home.url), ...queue.map((c) => pageKey(c.url))]);
  while (queue.length && reads < budget && !opts.stop?.()) {
    const c = queue.shift()!;
    reads++;
    const out = await read(c.url);
    if (!('page' in out)) {
      result.failures.push(out.failure);
      continue;
    }
    const page = out.page;
    const key = pageKey(page.final_url);
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
    pageKinds.push(c.kind);
    if (!opts.followLinks) continue;
    const first: SitePageCandidate[] = [];
    for (const more of pickSitePages(page, budget, kinds)) {
      const k = pageKey(more.url);
      if (queued.has(k)) continue;
      queued.add(k);
      if (more.kind === kinds[0]) first.push(more);
      else queue.push(more);
    }
    queue.unshift(...first);
  }
  return { result, kinds: pageKinds };
}
