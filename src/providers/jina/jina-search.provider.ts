import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../common/config/app.config';
import {
  EnrichmentProvider,
  ProviderCallContext,
  ProviderMetadata,
  ProviderRequest,
  ProviderResult,
} from '../core/enrichment-provider';
import { Provider } from '../core/provider.decorator';
import { ProviderError } from '../core/provider-error';
import type { ProviderSettings } from '../core/provider-settings';
import { parseVendorJson, vendorFetch } from '../http/vendor-fetch';
import type { WebSearchInput, WebSearchOutput } from '../web/web-search.types';
import { JINA_USD_PER_MTOK } from './jina-reader.provider';
import {
  billedTokens,
  envelopeError,
  JinaEnvelope,
  JinaSearchItem,
  mapJinaError,
  mapSearchResponse,
  noSearchResults,
} from './jina.mapper';

const DEFAULT_COUNT = 10;
const MAX_COUNT = 20;

export const JINA_SEARCH_METADATA: ProviderMetadata = {
  id: 'jina_search',
  capabilities: ['web.search'],
  description: 'Jina Search (s.jina.ai): web search results (SERP only, no page contents)',
  baseUrl: 'https://s.jina.ai',
  // 100 RPM with a free or paid key (1,000 premium); keyless search is blocked.
  rateLimits: { perMinute: 100 },
  // Search results go stale quickly (market news): one day.
  cacheTtlSeconds: 24 * 3600,
  // At least 10,000 tokens per 10 results asked (searcher.ts): ≤ 20,000 for the 20 we ask at most.
  cost: { outputPerMTokUsd: JINA_USD_PER_MTOK, maxOutputTokens: 20_000 },
  timeoutMs: 30_000,
};

const off = (v: string | undefined) => /^(false|0|no|off)$/i.test(v?.trim() ?? '');

/**
 * Jina Search `web.search`, a provider of its own because it needs a key while the Reader does
 * not (one id cannot be half-configured). It uses JINA_SEARCH_API_KEY, else JINA_API_KEY, so one
 * Jina key switches on both; JINA_ENABLED=false switches both off, JINA_SEARCH_ENABLED=false only
 * this one. `recency` is not supported by Jina and is ignored; `domains` become `site=` filters
 * and `-domain` exclusions become `-site:` terms of the query.
 */
@Provider(JINA_SEARCH_METADATA)
@Injectable()
export class JinaSearchProvider extends EnrichmentProvider {
  constructor(private readonly config: AppConfig) {
    super();
  }

  private key(settings: ProviderSettings): string | undefined {
    return settings.apiKey ?? (this.config.rawEnv.JINA_API_KEY?.trim() || undefined);
  }

  override isConfigured(settings: ProviderSettings): boolean {
    return !!this.key(settings) && !off(this.config.rawEnv.JINA_ENABLED);
  }

  override async call(
    request: ProviderRequest,
    ctx: ProviderCallContext,
  ): Promise<ProviderResult<WebSearchOutput>> {
    if (request.capability !== 'web.search') {
      throw new ProviderError('BAD_INPUT', `jina_search does not serve ${request.capability}`, {
        retryable: false,
      });
    }
    const input = request.input as WebSearchInput;
    if (typeof input?.query !== 'string' || !input.query.trim()) {
      throw new ProviderError('BAD_INPUT', 'web.search needs a non-empty `query`', {
        retryable: false,
      });
    }
    const maxResults = Math.max(1, Math.min(MAX_COUNT, input.maxResults ?? DEFAULT_COUNT));
    const sites = (input.domains ?? []).map((d) => d.trim()).filter(Boolean);
    const excluded = sites.filter((d) => d.startsWith('-')).map((d) => `-site:${d.slice(1)}`);
    const params = new URLSearchParams({
      q: [input.query.trim(), ...excluded].join(' '),
      count: String(maxResults),
    });
    for (const d of sites.filter((s) => !s.startsWith('-'))) params.append('site', d);
    const res = await vendorFetch('Jina Search', `${ctx.settings.baseUrl}/?${params}`, {
      method: 'GET',
      headers: {
        accept: 'application/json',
        authorization: `Bearer ${this.key(ctx.settings) ?? ''}`,
        // SERP only: titles, URLs and snippets, billed at the minimum.
        'x-respond-with': 'no-content',
      },
      signal: ctx.signal,
    });
    const empty = { found: false, data: { results: [] }, costUsd: 0 };
    const fail = () =>
      mapJinaError(res.status, res.text, res.headers.get('retry-after'), {
        service: 'Search',
        keyVar: 'JINA_SEARCH_API_KEY or JINA_API_KEY',
      });
    if (res.status < 200 || res.status >= 300) {
      if (noSearchResults(res.status, res.text)) return empty;
      throw fail();
    }
    const env = parseVendorJson<JinaEnvelope<JinaSearchItem[]>>('Jina Search', res.text);
    if (env && typeof env === 'object' && envelopeError(env)) {
      if (noSearchResults(env.code ?? 0, res.text)) return empty;
      throw fail();
    }
    return mapSearchResponse(env, {
      maxResults,
      count: maxResults,
      tokens: billedTokens(res.headers.get('x-usage-tokens'), env),
    });
  }

  override selfTestRequest(): ProviderRequest {
    return { capability: 'web.search', input: { query: 'Jina AI reader API', maxResults: 3 } };
  }
}
