import { getDomain } from 'tldts';
import type { ProviderResult } from '../../core/enrichment-provider';
import { ProviderError, type ProviderErrorCode } from '../../core/provider-error';
import type { PeopleSearchInput, PeopleSearchPage, PersonProfile } from '../../person/person.types';
import { crawlSite, type PageReader, type SiteReadFailure } from '../../web/site-crawl';
import type { SitePageKind } from '../../web/site-pages';
import type { WebPage } from '../../web/web-read.types';
import { completePerson, extractPeople, PagePerson, parsePage, siteNameOf } from './extract-people';
import { fold } from './person-text';

/**
 * `people.search` from the organisation's own site: the home page, then the team / leadership
 * and about pages it links to (and the team pages those link to), read within the page budget
 * and before the provider's timeout; the people each page presents as staff. Everyone is on page
 * 1 (later pages are empty); `titles` help recognise job titles but filter nobody out (a team
 * page is short; the caller scores).
 */

/** The pages that present a company's people, most likely first. */
export const PEOPLE_PAGE_KINDS: readonly SitePageKind[] = ['team', 'about'];
/** People kept from one site at most. */
export const MAX_SITE_PEOPLE = 200;
/** Codes worth asking again for: the crawl failed without a page and says so. */
const RETRYABLE: ProviderErrorCode[] = ['TEMPORARY', 'UNKNOWN', 'RATE_LIMITED'];

export interface SitePeopleOptions {
  /** Reads one page (the built-in reader), within `timeoutMs`; throws ProviderError. */
  readPage: (url: string, timeoutMs: number) => Promise<ProviderResult<WebPage>>;
  /** The call's abort (timeout, cancel): an abort stops the crawl. */
  signal: AbortSignal;
  /** Pages read at most (WEB_SITE_MAX_PAGES). */
  maxPages: number;
  /** The provider's timeout: the crawl stops reading in time to answer with what it has. */
  timeoutMs: number;
  /** Longest read of one page (WEB_FETCH_TIMEOUT_MS). */
  pageTimeoutMs: number;
}

/** The registrable domain of a website (a domain, a host with a port or a URL), or null. */
function domainOf(website: string): string | null {
  if (!website) return null;
  try {
    const host = new URL(/^https?:\/\//i.test(website) ? website : `http://${website}`).hostname;
    return getDomain(host) ?? host;
  } catch {
    return null;
  }
}

function empty(page: number, sources: string[] = []): ProviderResult<PeopleSearchPage> {
  return {
    found: false,
    data: { people: [], total_entries: 0, page, total_pages: 1 },
    usage: { results: 0 },
    sources,
  };
}

/** No page could be read: a transient or refused read is an error, anything else "not found". */
function unreadable(failures: SiteReadFailure[]): ProviderResult<PeopleSearchPage> {
  const worst =
    failures.find((f) => RETRYABLE.includes(f.code)) ?? failures.find((f) => f.code === 'BLOCKED');
  if (worst) {
    throw new ProviderError(worst.code, `the site could not be read: ${worst.message}`, {
      retryable: worst.code !== 'BLOCKED',
    });
  }
  return empty(1);
}

export async function searchSitePeople(
  input: PeopleSearchInput,
  opts: SitePeopleOptions,
): Promise<ProviderResult<PeopleSearchPage>> {
  // The site as given (a domain, a host with a port, a URL); the organisation by its domain.
  const website = typeof input?.domain === 'string' ? input.domain.trim() : '';
  const domain = domainOf(website);
  if (!domain) {
    throw new ProviderError(
      'BAD_INPUT',
      'people.search from the company site needs its `domain` (e.g. acme.com)',
      { retryable: false },
    );
  }
  const page = Number.isInteger(input.page) && input.page! > 1 ? input.page! : 1;
  if (page > 1) return empty(page);

  const deadline = Date.now() + opts.timeoutMs * 0.8;
  const left = () => deadline - Date.now();
  const read: PageReader = async (url) => {
    try {
      const r = await opts.readPage(url, Math.max(1000, Math.min(opts.pageTimeoutMs, left())));
      if (r.found && r.data) return { page: r.data };
      const message = `${url} was not found (HTTP 404/410)`;
      return { failure: { url, code: 'NOT_FOUND', message }, answered: true };
    } catch (err) {
      if (opts.signal.aborted) throw err;
      const code: ProviderErrorCode = err instanceof ProviderError ? err.code : 'UNKNOWN';
      return { failure: { url, code, message: (err as Error).message } };
    }
  };
  const { result, kinds } = await crawlSite(website, read, {
    budget: opts.maxPages,
    kinds: PEOPLE_PAGE_KINDS,
    followLinks: true,
    stop: () => left() < 1000,
  });
  if (!result.pages.length) return unreadable(result.failures);

  const home = parsePage(result.pages[0].html ?? '');
  const name = input.organization_name?.trim() || siteNameOf(home, domain);
  const organization = { ...(name ? { name } : {}), domain };
  const titles = (input.titles ?? []).filter((t): t is string => typeof t === 'string');
  const found = new Map<string, PagePerson>();
  result.pages.forEach((p, i) => {
    const $ = i === 0 ? home : parsePage(p.html ?? '');
    const teamPage = kinds[i] === 'team';
    for (const person of extractPeople($, p.final_url, { organization, titles, teamPage })) {
      const key = fold(person.name);
      const prior = found.get(key);
      if (prior) completePerson(prior, person);
      else found.set(key, person);
    }
  });
  const people: PersonProfile[] = [...found.values()].slice(0, MAX_SITE_PEOPLE).map((p) => ({
    name: p.name,
    ...(p.first_name ? { first_name: p.first_name } : {}),
    ...(p.last_name ? { last_name: p.last_name } : {}),
    ...(p.title ? { title: p.title } : {}),
    ...(p.linkedin_url ? { linkedin_url: p.linkedin_url } : {}),
    ...(p.photo_url ? { photo_url: p.photo_url } : {}),
    ...(p.about ? { about: p.about } : {}),
    organization: { ...organization },
    source_url: p.source_url,
  }));
  if (!people.length)
    return empty(
      1,
      result.pages.map((p) => p.final_url),
    );
  return {
    found: true,
    data: { people, total_entries: people.length, page: 1, total_pages: 1 },
    usage: { results: people.length },
    sources: [...new Set(people.map((p) => p.source_url!))],
  };
}
