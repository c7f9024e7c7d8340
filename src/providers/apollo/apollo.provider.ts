import type { CompanyLookupInput, CompanySearchInput } from '../company/company.types';
import { lookupDomain } from '../company/company-input';
import { pricesFor } from '../core/cost';
import {
  CostModel,
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
import type {
  PeopleSearchInput,
  PersonEnrichInput,
  PersonEnrichResult,
} from '../person/person.types';
import { ApolloEndpoint, mapApolloError, ORGANIZATION_ENRICH } from './apollo-errors';
import {
  ApolloBulkMatchResponse,
  ApolloMatchResponse,
  ApolloPeopleSearchResponse,
  mapBulkMatch,
  mapMatch,
  mapPeopleSearch,
} from './apollo-people.mapper';
import {
  APOLLO_MAX_BULK_MATCH,
  bulkMatchBody,
  companySearchBody,
  matchBody,
  peopleSearchBody,
} from './apollo-requests';
import {
  APOLLO_CREDITS_PER_COMPANY_SEARCH,
  ApolloCompanySearchResponse,
  ApolloEnrichResponse,
  mapCompanySearch,
  mapOrganization,
} from './apollo.mapper';

/** Apollo bills one credit per enriched organization (legacy docs: an export credit). */
export const APOLLO_CREDITS_PER_ENRICHMENT = 1;
/** List price of one extra Apollo credit; set your contract's with APOLLO_PRICES. */
export const APOLLO_USD_PER_CREDIT = 0.2;
/**
 * `person.enrich` is priced per person matched, not per credit: $0.10 a contact, as ZapAI tracked
 * Apollo (SEED-CONTRACTS part B, cost_tracker). The price is `models["person.enrich"]` of the cost
 * model, so `APOLLO_PRICES={"models":{"person.enrich":{"perResultUsd":0.08}}}` sets your own.
 */
export const APOLLO_PERSON_PRICE_KEY = 'person.enrich';
export const APOLLO_USD_PER_MATCHED_PERSON = 0.1;

/**
 * Operation names (`request.operation`), by capability. The default operation of a capability is
 * its name (the platform's rule), so callers that give none get the first endpoint of each.
 */
export const APOLLO_OPERATIONS = {
  /** `company.profile`: GET organizations/enrich?domain=… (default) */
  ORGANIZATION_ENRICH: 'company.profile',
  /** `company.profile` operation `search`: POST mixed_companies/search */
  COMPANY_SEARCH: 'search',
  /** `people.search`: POST mixed_people/api_search */
  PEOPLE_SEARCH: 'people.search',
  /** `person.enrich`: POST people/bulk_match, 1–10 people (default) */
  BULK_MATCH: 'person.enrich',
  /** `person.enrich` operation `match`: POST people/match, exactly one person */
  MATCH: 'match',
} as const;

export const APOLLO_METADATA: ProviderMetadata = {
  id: 'apollo',
  capabilities: ['company.profile', 'people.search', 'person.enrich'],
  description:
    'Apollo.io: organizations/enrich and mixed_companies/search (company.profile), mixed_people/api_search (people.search), people/bulk_match and people/match (person.enrich)',
  baseUrl: 'https://api.apollo.io/api/v1',
  // Apollo counts each endpoint apart, in fixed windows per plan; the documented example plan is
  // 50/min, 100/hour, 300/day. The hourly window cannot be declared here: its 429
  // (x-hourly-requests-left: 0) pauses the limiter. organizations/enrich, mixed_companies/search
  // and people/match share these (set APOLLO_RATE_PER_MINUTE / APOLLO_RATE_PER_DAY to your plan).
  rateLimits: { perMinute: 50, perDay: 300 },
  operationRateLimits: {
    // Its own endpoint, with its own window (APOLLO_PEOPLE_SEARCH_RATE_PER_*).
    'people.search': { perMinute: 50, perDay: 300 },
    // Bulk endpoints: a tenth of the per-minute limit (rate-limit page; the bulk page says half),
    // the full hourly and daily ones (APOLLO_PERSON_ENRICH_RATE_PER_*).
    'person.enrich': { perMinute: 5, perDay: 300 },
  },
  // Firmographics and people change slowly: vendor data is kept 30 days (the seed's TTL).
  cacheTtlSeconds: 30 * 24 * 3600,
  // USD per credit; each answer reports the credits it used as `results` (people search: none).
  // person.enrich: USD per person matched (APOLLO_PERSON_PRICE_KEY).
  cost: {
    perResultUsd: APOLLO_CREDITS_PER_ENRICHMENT * APOLLO_USD_PER_CREDIT,
    maxResultsPerCall: 1,
    models: { [APOLLO_PERSON_PRICE_KEY]: { perResultUsd: APOLLO_USD_PER_MATCHED_PERSON } },
  },
  timeoutMs: 20_000,
};

const bad = (message: string) => new ProviderError('BAD_INPUT', message, { retryable: false });
const round = (usd: number) => Math.round(usd * 1e8) / 1e8;

/** USD per person matched by person.enrich, from the (overridable) cost model. */
const personPrice = (cost: CostModel) => pricesFor(cost, APOLLO_PERSON_PRICE_KEY).perResultUsd ?? 0;

/** A person.enrich answer priced per person matched (the credits Apollo reports stay in usage). */
function perPerson(
  result: ProviderResult<PersonEnrichResult>,
  cost: CostModel,
): ProviderResult<PersonEnrichResult> {
  const matched = result.data?.matches.filter(Boolean).length ?? 0;
  return { ...result, costUsd: round(matched * personPrice(cost)) };
}

/**
 * Apollo: `company.profile` by domain (and operation `search`: candidate organizations by name or
 * domain), `people.search` (obfuscated, free; may need a master key: APOLLO_SEARCH_API_KEY) and
 * `person.enrich` (bulk_match, ≤ 10 people, positional). Keys travel in the `X-Api-Key` header,
 * never in a URL. Someone or something Apollo does not know is `found: false`, not an error.
 */
@Provider(APOLLO_METADATA)
export class ApolloProvider extends EnrichmentProvider {
  override async call(request: ProviderRequest, ctx: ProviderCallContext): Promise<ProviderResult> {
    const op = request.operation ?? request.capability;
    const O = APOLLO_OPERATIONS;
    switch (`${request.capability} ${op}`) {
      case `company.profile ${O.ORGANIZATION_ENRICH}`:
      case 'company.profile lookup':
        return this.enrichOrganization(request.input as CompanyLookupInput, ctx);
      case `company.profile ${O.COMPANY_SEARCH}`: {
        const body = companySearchBody(request.input as CompanySearchInput);
        const res = await this.post(ctx, COMPANY_SEARCH, body);
        return mapCompanySearch(
          res as ApolloCompanySearchResponse,
          body.page as number,
          body.per_page as number,
        );
      }
      case `people.search ${O.PEOPLE_SEARCH}`: {
        const body = peopleSearchBody(request.input as PeopleSearchInput);
        const res = await this.post(ctx, peopleSearchEndpoint(ctx.settings), body);
        return mapPeopleSearch(
          res as ApolloPeopleSearchResponse,
          body.page as number,
          body.per_page as number,
        );
      }
      case `person.enrich ${O.BULK_MATCH}`: {
        const body = bulkMatchBody(request.input as PersonEnrichInput);
        const res = await this.post(ctx, BULK_MATCH, body);
        return perPerson(
          mapBulkMatch(res as ApolloBulkMatchResponse, body.details.length),
          ctx.settings.cost,
        );
      }
      case `person.enrich ${O.MATCH}`: {
        const res = await this.post(ctx, MATCH, matchBody(request.input as PersonEnrichInput));
        return perPerson(mapMatch(res as ApolloMatchResponse), ctx.settings.cost);
      }
      default:
        throw bad(
          APOLLO_METADATA.capabilities.includes(request.capability)
            ? `apollo ${request.capability} has no operation "${op}"`
            : `apollo does not serve ${request.capability}`,
        );
    }
  }

  /**
   * Worst case of one call: one credit per organization; the credits of a company search; nothing
   * for a people search; the person price for every person asked for (at most 10) in person.enrich.
   */
  override estimateMaxCostUsd(request: ProviderRequest, cost: CostModel): number {
    const op = request.operation ?? request.capability;
    const perCredit = cost.perResultUsd ?? 0;
    const perCall = cost.perCallUsd ?? 0;
    let credits = cost.maxResultsPerCall ?? APOLLO_CREDITS_PER_ENRICHMENT;
    if (request.capability === 'people.search') return 0;
    if (request.capability === 'company.profile' && op === APOLLO_OPERATIONS.COMPANY_SEARCH)
      credits = APOLLO_CREDITS_PER_COMPANY_SEARCH;
    if (request.capability === 'person.enrich') {
      const people = (request.input as PersonEnrichInput | undefined)?.people;
      const n = Array.isArray(people) ? people.length : APOLLO_MAX_BULK_MATCH;
      return round(perCall + Math.min(n, APOLLO_MAX_BULK_MATCH) * personPrice(cost));
    }
    return round(perCall + perCredit * credits);
  }

  override selfTestRequest(): ProviderRequest {
    return { capability: 'company.profile', input: { domain: 'apollo.io' } };
  }

  private async enrichOrganization(
    input: CompanyLookupInput,
    ctx: ProviderCallContext,
  ): Promise<ProviderResult> {
    const domain = lookupDomain(input, 'apollo');
    const res = await vendorFetch(
      'Apollo',
      `${ctx.settings.baseUrl}/organizations/enrich?domain=${encodeURIComponent(domain)}`,
      { method: 'GET', headers: headers(ctx.settings.apiKey), signal: ctx.signal },
    );
    if (res.status < 200 || res.status >= 300) {
      throw mapApolloError(res.status, res.headers, res.text, ORGANIZATION_ENRICH);
    }
    return mapOrganization(parseVendorJson<ApolloEnrichResponse>('Apollo', res.text));
  }

  /** One JSON POST to an endpoint with its key; a non-2xx answer leaves as a ProviderError. */
  private async post(
    ctx: ProviderCallContext,
    endpoint: ApolloEndpoint & { key?: (s: ProviderSettings) => string | undefined },
    body: unknown,
  ): Promise<unknown> {
    const key = endpoint.key?.(ctx.settings) ?? ctx.settings.apiKey;
    const res = await vendorFetch('Apollo', `${ctx.settings.baseUrl}/${endpoint.path}`, {
      method: 'POST',
      headers: { ...headers(key), 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: ctx.signal,
    });
    if (res.status < 200 || res.status >= 300) {
      throw mapApolloError(res.status, res.headers, res.text, endpoint);
    }
    return parseVendorJson<unknown>('Apollo', res.text);
  }
}

const headers = (key: string | undefined): Record<string, string> => ({
  'x-api-key': key ?? '',
  accept: 'application/json',
  'cache-control': 'no-cache',
});

const COMPANY_SEARCH: ApolloEndpoint = {
  path: 'mixed_companies/search',
  keyVar: 'APOLLO_API_KEY',
  limitVars: 'APOLLO_',
};
const BULK_MATCH: ApolloEndpoint = {
  path: 'people/bulk_match',
  keyVar: 'APOLLO_API_KEY',
  limitVars: 'APOLLO_PERSON_ENRICH_',
};
const MATCH: ApolloEndpoint = {
  path: 'people/match',
  keyVar: 'APOLLO_API_KEY',
  limitVars: 'APOLLO_',
};

/** The search key (`APOLLO_SEARCH_API_KEY`, a master key) when set, else `APOLLO_API_KEY`. */
const searchKey = (s: ProviderSettings) => s.extra.SEARCH_API_KEY?.trim() || undefined;

function peopleSearchEndpoint(
  s: ProviderSettings,
): ApolloEndpoint & { key: (s: ProviderSettings) => string | undefined } {
  return {
    path: 'mixed_people/api_search',
    keyVar: searchKey(s) ? 'APOLLO_SEARCH_API_KEY' : 'APOLLO_SEARCH_API_KEY (or APOLLO_API_KEY)',
    limitVars: 'APOLLO_PEOPLE_SEARCH_',
    masterKey: true,
    key: searchKey,
  };
}
