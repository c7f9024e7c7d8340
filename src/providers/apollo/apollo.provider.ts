import type { CompanyLookupInput, CompanyProfile } from '../company/company.types';
import { lookupDomain } from '../company/company-input';
import {
  EnrichmentProvider,
  ProviderCallContext,
  ProviderMetadata,
  ProviderRequest,
  ProviderResult,
} from '../core/enrichment-provider';
import { Provider } from '../core/provider.decorator';
import { ProviderError } from '../core/provider-error';
import { parseVendorJson, vendorFetch } from '../http/vendor-fetch';
import { ApolloEnrichResponse, mapApolloError, mapOrganization } from './apollo.mapper';

/** Apollo bills one credit per enriched organization (legacy docs: an export credit). */
export const APOLLO_CREDITS_PER_ENRICHMENT = 1;
/** List price of one extra Apollo credit; set your contract's with APOLLO_PRICES. */
export const APOLLO_USD_PER_CREDIT = 0.2;

export const APOLLO_METADATA: ProviderMetadata = {
  id: 'apollo',
  capabilities: ['company.profile'],
  description: 'Apollo.io organization enrichment (GET /organizations/enrich?domain=…)',
  baseUrl: 'https://api.apollo.io/api/v1',
  // Apollo's documented example plan: 50/min, 100/hour, 300/day (fixed windows, per plan). The
  // hourly window cannot be declared here: its 429 (x-hourly-requests-left: 0) pauses the provider.
  // Set APOLLO_RATE_PER_MINUTE / APOLLO_RATE_PER_DAY to your plan's limits.
  rateLimits: { perMinute: 50, perDay: 300 },
  // Firmographics change slowly: vendor data is kept 30 days (the seed's TTL).
  cacheTtlSeconds: 30 * 24 * 3600,
  // Credits per enriched organization × USD per credit; a miss (organization: null) is free.
  cost: {
    perResultUsd: APOLLO_CREDITS_PER_ENRICHMENT * APOLLO_USD_PER_CREDIT,
    maxResultsPerCall: 1,
  },
  timeoutMs: 20_000,
};

/**
 * Apollo `company.profile` by domain. The key travels in the `X-Api-Key` header, never in the URL.
 * A domain Apollo does not know is `found: false` (HTTP 200 with `organization: null` or `{}`).
 */
@Provider(APOLLO_METADATA)
export class ApolloProvider extends EnrichmentProvider {
  override async call(
    request: ProviderRequest,
    ctx: ProviderCallContext,
  ): Promise<ProviderResult<CompanyProfile>> {
    if (request.capability !== 'company.profile') {
      throw new ProviderError('BAD_INPUT', `apollo does not serve ${request.capability}`, {
        retryable: false,
      });
    }
    const domain = lookupDomain(request.input as CompanyLookupInput, 'apollo');
    const res = await vendorFetch(
      'Apollo',
      `${ctx.settings.baseUrl}/organizations/enrich?domain=${encodeURIComponent(domain)}`,
      {
        method: 'GET',
        headers: {
          'x-api-key': ctx.settings.apiKey ?? '',
          accept: 'application/json',
          'cache-control': 'no-cache',
        },
        signal: ctx.signal,
      },
    );
    if (res.status < 200 || res.status >= 300) {
      throw mapApolloError(res.status, res.headers, res.text);
    }
    return mapOrganization(parseVendorJson<ApolloEnrichResponse>('Apollo', res.text));
  }

  override selfTestRequest(): ProviderRequest {
    return { capability: 'company.profile', input: { domain: 'apollo.io' } };
  }
}
