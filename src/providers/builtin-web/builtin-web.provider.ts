import { Inject } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { AppConfig } from '../../common/config/app.config';
import { outboundResolver } from '../../common/net/dns-resolver';
import { OutboundRequestError, type AddressResolver } from '../../common/net/safe-http.client';
import { safeGet, SafeGetOptions, SafeGetResponse } from '../../common/net/safe-get.client';
import { AllowList } from '../../common/net/ssrf-guard';
import {
  EnrichmentProvider,
  ProviderCallContext,
  ProviderMetadata,
  ProviderRequest,
  ProviderResult,
} from '../core/enrichment-provider';
import { Provider } from '../core/provider.decorator';
import { parseRetryAfter, ProviderError } from '../core/provider-error';
import type { PeopleSearchInput } from '../person/person.types';
import type { WebPage, WebReadInput } from '../web/web-read.types';
import { isReadableType, mediaType, READABLE_TYPES, toWebPage } from './builtin-web.mapper';
import { searchSitePeople } from './people/people-search';

/**
 * The reader's resolver: OUTBOUND_DNS_SERVERS, or the system's when empty (outboundResolver); a
 * module may provide another (every address it returns is still checked).
 */
export const WEB_DNS_RESOLVER = Symbol('WEB_DNS_RESOLVER');

export const BUILTIN_WEB_METADATA: ProviderMetadata = {
  id: 'builtin_web',
  capabilities: ['web.read', 'people.search'],
  // The site's own team pages are the people-data vendors' fallback, not their rival.
  fallbackFor: ['people.search'],
  description:
    'Built-in web reader: fetches one public page (SSRF-guarded, bounded) and returns its text, Markdown, links and HTML; people.search from the team, leadership and about pages of a company site',
  requiresApiKey: false,
  // One site failing or rate-limiting us says nothing of other sites: no shared breaker or pause.
  failureScope: 'target',
  cost: { perCallUsd: 0 },
  // Shared by every process (Redis); per-site politeness comes from the site reader reading one
  // page at a time. Raise with BUILTIN_WEB_RATE_PER_SECOND.
  rateLimits: { perSecond: 10 },
  maxConcurrency: 8,
  cacheTtlSeconds: 24 * 3600,
};

const ACCEPT = 'text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8';

/** TLS failures that waiting will not fix (bad certificates, no TLS on the port, no common protocol). */
const TLS_CODE =
  /^(EPROTO$|CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH)/;

/**
 * The keyless `web.read` provider: one page per call, read with safeGet (private-network rules
 * on every hop, connect/total timeouts, byte caps) and parsed by the pure mapper.
 *
 * Outcomes: 2xx HTML/XHTML/plain text → found; 404/410 → found:false; 429 → RATE_LIMITED (with
 * Retry-After); 5xx, 408, timeouts, refused or reset connections → TEMPORARY (retried); 401/403/
 * 451 → BLOCKED, not retried (the site refuses automated reading, asking again will not change
 * that); other content types, other 4xx, broken redirects or bodies, invalid TLS certificates →
 * BAD_INPUT; a host name that does not resolve → NOT_FOUND; a non-public target → BLOCKED.
 */
@Provider(BUILTIN_WEB_METADATA)
export class BuiltinWebProvider extends EnrichmentProvider {
  private readonly fetchOptions: Omit<SafeGetOptions, 'signal'>;
  private readonly maxSitePages: number;

  constructor(
    config: AppConfig,
    @Inject(WEB_DNS_RESOLVER)
    resolve: AddressResolver = outboundResolver(config.OUTBOUND_DNS_SERVERS),
  ) {
    super();
    this.maxSitePages = config.WEB_SITE_MAX_PAGES;
    this.fetchOptions = {
      // Validated at boot (loadConfig); parsed once here.
      allowHosts: AllowList.parse(config.WEB_FETCH_ALLOWED_HOSTS),
      resolve,
      connectTimeoutMs: config.WEB_FETCH_CONNECT_TIMEOUT_MS,
      timeoutMs: config.WEB_FETCH_TIMEOUT_MS,
      maxRedirects: config.WEB_FETCH_MAX_REDIRECTS,
      maxBytes: config.WEB_FETCH_MAX_BYTES,
      headers: {
        'user-agent': config.WEB_FETCH_USER_AGENT,
        accept: ACCEPT,
        'accept-encoding': 'gzip, deflate, br',
        'accept-language': 'en;q=1.0, *;q=0.5',
      },
      // Only a page we can parse is downloaded; other bodies are never read.
      wantBody: (status, headers) =>
        status >= 200 && status < 300 && readable(headers['content-type']),
    };
  }

  override async call(request: ProviderRequest, ctx: ProviderCallContext): Promise<ProviderResult> {
    if (request.capability === 'people.search') {
      return searchSitePeople(request.input as PeopleSearchInput, {
        readPage: (url, timeoutMs) => this.read(url, ctx.signal, timeoutMs),
        signal: ctx.signal,
        maxPages: this.maxSitePages,
        timeoutMs: ctx.settings.timeoutMs,
        pageTimeoutMs: this.fetchOptions.timeoutMs,
      });
    }
    if (request.capability !== 'web.read') {
      throw new ProviderError('BAD_INPUT', `builtin_web does not serve ${request.capability}`, {
        retryable: false,
      });
    }
    const input = request.input as WebReadInput;
    if (typeof input?.url !== 'string' || !input.url.trim()) {
      throw new ProviderError('BAD_INPUT', 'web.read needs a `url` (http:// or https://)', {
        retryable: false,
      });
    }
    return this.read(input.url.trim(), ctx.signal);
  }

  /** One page, read within `timeoutMs` (default WEB_FETCH_TIMEOUT_MS). */
  private async read(
    url: string,
    signal: AbortSignal,
    timeoutMs = this.fetchOptions.timeoutMs,
  ): Promise<ProviderResult<WebPage>> {
    let res: SafeGetResponse;
    try {
      res = await safeGet(url, { ...this.fetchOptions, timeoutMs, signal });
    } catch (err) {
      throw toProviderError(url, err);
    }
    return this.result(url, res);
  }

  private result(url: string, res: SafeGetResponse): ProviderResult<WebPage> {
    const { status, headers } = res;
    const where = res.url === url ? url : `${url} (→ ${res.url})`;
    if (status >= 200 && status < 300) {
      if (!res.bodyRead) {
        throw new ProviderError(
          'BAD_INPUT',
          `${where} is ${mediaType(headers['content-type']) || 'of no declared type'}; the web reader reads ${READABLE_TYPES.join(', ')}`,
          { retryable: false, status },
        );
      }
      let page: WebPage;
      try {
        page = toWebPage({
          url,
          finalUrl: res.url,
          status,
          headers,
          body: res.body,
          truncated: res.truncated,
          redirects: res.redirects,
        });
      } catch (err) {
        // A page the parser cannot handle will not parse better next time.
        throw new ProviderError(
          'BAD_INPUT',
          `${where} could not be parsed: ${(err as Error).message}`,
          {
            retryable: false,
            status,
            cause: err,
          },
        );
      }
      return { found: true, data: page, sources: [page.final_url] };
    }
    if (status === 404 || status === 410) return { found: false, data: null, sources: [res.url] };
    throw statusError(where, status, headers);
  }

  override selfTestRequest(): ProviderRequest {
    return {
      capability: 'web.read',
      input: { url: 'https://example.com/' } satisfies WebReadInput,
    };
  }
}

/** A missing Content-Type is read and sniffed; a declared one must be readable. */
function readable(contentType: string | undefined): boolean {
  const type = mediaType(contentType);
  return type === '' || isReadableType(type);
}

function statusError(where: string, status: number, headers: IncomingHttpHeaders): ProviderError {
  const http = `${where} answered HTTP ${status}`;
  if (status === 429) {
    return new ProviderError('RATE_LIMITED', `${http} (too many requests)`, {
      status,
      retryAfterMs: parseRetryAfter(headers['retry-after']),
    });
  }
  if (status === 401 || status === 403 || status === 451) {
    return new ProviderError(
      'BLOCKED',
      `${http}: the site refuses to be read by us; not retried (add the page by hand or use another reader)`,
      { status, retryable: false },
    );
  }
  if (status >= 500 || status === 408 || status === 425) {
    return new ProviderError('TEMPORARY', http, { status });
  }
  if (status >= 300 && status < 400) {
    return new ProviderError('BAD_INPUT', `${http} without a usable Location`, {
      status,
      retryable: false,
    });
  }
  return new ProviderError('BAD_INPUT', http, { status, retryable: false });
}

/** The URL with any user:password@ masked, for messages. */
function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1***@');
}

function toProviderError(url: string, err: unknown): ProviderError {
  if (!(err instanceof OutboundRequestError)) {
    return new ProviderError(
      'UNKNOWN',
      `reading ${withoutCredentials(url)} failed: ${(err as Error)?.message}`,
      {
        cause: err,
      },
    );
  }
  const why = err.message.trim();
  const msg = why.startsWith(url) ? why : `reading ${withoutCredentials(url)}: ${why}`;
  const opts = { cause: err };
  switch (err.code) {
    case 'BLOCKED':
      return new ProviderError('BLOCKED', msg, { ...opts, retryable: false });
    case 'BAD_URL':
    case 'REDIRECTS':
    case 'BAD_RESPONSE':
      return new ProviderError('BAD_INPUT', msg, { ...opts, retryable: false });
    case 'TIMEOUT':
    case 'ABORTED':
      return new ProviderError('TEMPORARY', msg, opts);
    case 'NETWORK': {
      const code = (err.cause as NodeJS.ErrnoException | undefined)?.code ?? '';
      if (code === 'ENOTFOUND') {
        return new ProviderError('NOT_FOUND', `${msg} (the host name does not exist)`, {
          ...opts,
          retryable: false,
        });
      }
      if (TLS_CODE.test(code) || code.startsWith('HPE_')) {
        return new ProviderError('BAD_INPUT', msg, { ...opts, retryable: false });
      }
      return new ProviderError('TEMPORARY', msg, opts);
    }
  }
}
