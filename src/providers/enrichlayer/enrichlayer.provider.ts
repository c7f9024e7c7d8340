import type { CompanyLookupInput, CompanyProfile } from '../company/company.types';
import { lookupLinkedinCompanyUrl } from '../company/company-input';
import {
  EnrichmentProvider,
  ProviderCallContext,
  ProviderMetadata,
  ProviderRequest,
  ProviderResult,
} from '../core/enrichment-provider';
import { Provider } from '../core/provider.decorator';
import { ProviderError } from '../core/provider-error';
import { settingsPrefix } from '../core/provider-settings';
import { challengePage, parseVendorJson, vendorFetch } from '../http/vendor-fetch';
import { lookupLinkedinProfileUrl } from '../person/person-input';
import type { PersonLookupInput, PersonProfile } from '../person/person.types';
import {
  found,
  mapCompanyProfile,
  mapEnrichLayerError,
  mapPersonProfile,
  notFound,
  VendorCompany,
  VendorPerson,
} from './enrichlayer.mapper';

/** Credits of a person or company profile without premium parameters (VENDORS.md §4). */
export const ENRICHLAYER_CREDITS_PER_PROFILE = 1;
/**
 * USD per credit: an assumption (VENDORS.md states no price; about Proxycurl's former starter-plan
 * rate). Set your plan's with ENRICHLAYER_PRICES={"perResultUsd":…}.
 */
export const ENRICHLAYER_USD_PER_CREDIT = 0.02;

export const ENRICHLAYER_METADATA: ProviderMetadata = {
  id: 'enrichlayer',
  capabilities: ['person.linkedin', 'company.linkedin'],
  description:
    "Enrich Layer (Proxycurl's successor): LinkedIn person profiles (GET /api/v2/profile) and company profiles (GET /api/v2/company)",
  baseUrl: 'https://enrichlayer.com',
  // 300 requests/min per account by default (trial accounts: 2/min, set ENRICHLAYER_RATE_PER_MINUTE).
  rateLimits: { perMinute: 300 },
  // Vendor data: 30 days (the seed's TTL).
  cacheTtlSeconds: 30 * 24 * 3600,
  // Charged per profile returned; a 404 and every error are free.
  cost: {
    perResultUsd: ENRICHLAYER_CREDITS_PER_PROFILE * ENRICHLAYER_USD_PER_CREDIT,
    maxResultsPerCall: 1,
  },
  // LinkedIn data: a CAPTCHA page or a 429 without Retry-After pauses it (seed 004).
  pauseWhenBlocked: true,
};

/**
 * Enrich Layer `person.linkedin` (by `linkedin_url`, a profile) and `company.linkedin` (by
 * `linkedin_url`, a company page). The key travels as `Authorization: Bearer`. A 404 is
 * `found: false`; an anti-bot page where JSON was expected is BLOCKED.
 *
 * The vendor's paths are methods, so that an adapter of the same API under other paths (the dead
 * ProxyCurl, src/providers/proxycurl/) is a subclass that overrides them.
 */
@Provider(ENRICHLAYER_METADATA)
export class EnrichLayerProvider extends EnrichmentProvider {
  /** The vendor's name in messages. */
  protected readonly vendor: string = 'Enrich Layer';

  protected personUrl(base: string, profileUrl: string): string {
    return `${base}/api/v2/profile?profile_url=${encodeURIComponent(profileUrl)}`;
  }

  protected companyUrl(base: string, companyUrl: string): string {
    return `${base}/api/v2/company?url=${encodeURIComponent(companyUrl)}`;
  }

  override async call(
    request: ProviderRequest,
    ctx: ProviderCallContext,
  ): Promise<ProviderResult<PersonProfile | CompanyProfile>> {
    const base = ctx.settings.baseUrl ?? '';
    if (request.capability === 'person.linkedin') {
      const url = lookupLinkedinProfileUrl(request.input as PersonLookupInput, ctx.settings.id);
      const body = await this.get<VendorPerson>(this.personUrl(base, url), ctx);
      const person = body ? mapPersonProfile(body, url) : undefined;
      return person?.name || person?.vendor_id ? found(person, url) : notFound();
    }
    if (request.capability === 'company.linkedin') {
      const url = lookupLinkedinCompanyUrl(request.input as CompanyLookupInput, ctx.settings.id);
      const body = await this.get<VendorCompany>(this.companyUrl(base, url), ctx);
      const company = body ? mapCompanyProfile(body, url) : undefined;
      return company?.name || company?.vendor_id ? found(company, url) : notFound();
    }
    throw new ProviderError(
      'BAD_INPUT',
      `${ctx.settings.id} does not serve ${request.capability}`,
      {
        retryable: false,
      },
    );
  }

  /** One GET: the vendor's JSON object, or null for a 404 (or an empty answer). */
  private async get<T extends object>(url: string, ctx: ProviderCallContext): Promise<T | null> {
    const res = await vendorFetch(this.vendor, url, {
      method: 'GET',
      headers: { authorization: `Bearer ${ctx.settings.apiKey ?? ''}`, accept: 'application/json' },
      signal: ctx.signal,
    });
    const wall = challengePage(this.vendor, res);
    if (wall) throw wall;
    if (res.status === 404) return null;
    if (res.status < 200 || res.status >= 300) {
      throw mapEnrichLayerError(
        this.vendor,
        settingsPrefix(ctx.settings.id),
        res.status,
        res.headers,
        res.text,
      );
    }
    const body = parseVendorJson<T | null>(this.vendor, res.text);
    return body && typeof body === 'object' && !Array.isArray(body) ? body : null;
  }

  override selfTestRequest(): ProviderRequest {
    return {
      capability: 'person.linkedin',
      input: { linkedin_url: 'https://www.linkedin.com/in/williamhgates' },
    };
  }
}
