import type { CompanyLookupInput, TechStack } from '../company/company.types';
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
import { parseVendorJson, redact, vendorFetch } from '../http/vendor-fetch';
import { mapBuiltWithHttpError, mapBuiltWithResponse } from './builtwith.mapper';
import type { BuiltWithResponse } from './builtwith.types';

/** Current Domain API version (VENDORS.md §7); v21 answers the same shape (BUILTWITH_API_VERSION). */
const DEFAULT_API_VERSION = 'v22';
/** Estimated USD price of one Domain API credit; set your plan's with BUILTWITH_PRICES. */
export const BUILTWITH_USD_PER_CREDIT = 0.05;

export const BUILTWITH_METADATA: ProviderMetadata = {
  id: 'builtwith',
  capabilities: ['tech.stack'],
  description: 'BuiltWith Domain API: technologies a domain uses, with first/last detection',
  baseUrl: 'https://api.builtwith.com',
  // Per account; whoamiv1 reports the plan's limits (llms.txt example: 10 req/s, 8 concurrent).
  rateLimits: { perSecond: 10 },
  maxConcurrency: 8,
  // Vendor data: 30 days, the seed's TTL for BuiltWith.
  cacheTtlSeconds: 30 * 24 * 3600,
  // One API credit per domain looked up (known to BuiltWith or not).
  cost: { perResultUsd: BUILTWITH_USD_PER_CREDIT, maxResultsPerCall: 1 },
  timeoutMs: 30_000,
};

/**
 * BuiltWith `tech.stack` by domain. The key can only travel as the `KEY=` query parameter, so the
 * URL is never put into an error message unredacted, and transport errors (whose messages may hold
 * the URL) are not attached as causes. The cache key is the input alone (no key in it).
 */
@Provider(BUILTWITH_METADATA)
export class BuiltWithProvider extends EnrichmentProvider {
  override async call(
    request: ProviderRequest,
    ctx: ProviderCallContext,
  ): Promise<ProviderResult<TechStack>> {
    if (request.capability !== 'tech.stack') {
      throw new ProviderError('BAD_INPUT', `builtwith does not serve ${request.capability}`, {
        retryable: false,
      });
    }
    const domain = lookupDomain(request.input as CompanyLookupInput, 'builtwith');
    const key = ctx.settings.apiKey ?? '';
    const secrets = [key];
    const version = ctx.settings.extra.API_VERSION?.trim() || DEFAULT_API_VERSION;
    const url =
      `${ctx.settings.baseUrl}/${encodeURIComponent(version)}/api.json` +
      `?KEY=${encodeURIComponent(key)}&LOOKUP=${encodeURIComponent(domain)}`;
    const res = await vendorFetch(
      'BuiltWith',
      url,
      { method: 'GET', headers: { accept: 'application/json' }, signal: ctx.signal },
      secrets,
    );
    if (res.status < 200 || res.status >= 300) {
      throw mapBuiltWithHttpError(res.status, res.headers, res.text, secrets);
    }
    const body = parseVendorJson<BuiltWithResponse>('BuiltWith', res.text, secrets);
    return mapBuiltWithResponse(body, domain, {
      now: new Date(),
      headers: res.headers,
      redact: (s) => redact(s, secrets),
    });
  }

  override selfTestRequest(): ProviderRequest {
    return { capability: 'tech.stack', input: { domain: 'builtwith.com' } };
  }
}
