import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../common/config/app.config';
import { CallScope, ProviderClient } from '../core/provider-client';
import { ProviderError, ProviderErrorCode } from '../core/provider-error';
import { crawlSite, PageReadOutcome, SiteReadResult } from './site-crawl';
import type { WebPage, WebReadInput } from './web-read.types';

export const SITE_READER_PROVIDER = 'builtin_web';

export {
  homeUrlCandidates,
  pickSitePages,
  SITE_PAGE_KINDS,
  siteKey,
  type SitePageCandidate,
  type SitePageKind,
} from './site-pages';
export type { SiteReadFailure, SiteReadResult } from './site-crawl';

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
    const budget = opts.maxPages ?? this.config.WEB_SITE_MAX_PAGES;
    const crawled = await crawlSite(website, (url) => this.readOne(url, scope), { budget });
    return crawled.result;
  }

  private async readOne(url: string, scope: CallScope): Promise<PageReadOutcome> {
    try {
      const input: WebReadInput = { url };
      const o = await this.client.call<WebPage>(
        SITE_READER_PROVIDER,
        { capability: 'web.read', input },
        scope,
      );
      if (o.found && o.data) return { page: o.data };
      const message = `${url} was not found (HTTP 404/410)`;
      return { failure: { url, code: 'NOT_FOUND', message }, answered: true };
    } catch (err) {
      if (scope.signal?.aborted) throw err;
      if (err instanceof ProviderError && err.code === 'BUDGET_EXCEEDED') throw err;
      const code: ProviderErrorCode = err instanceof ProviderError ? err.code : 'UNKNOWN';
      return { failure: { url, code, message: (err as Error).message } };
    }
  }
}
