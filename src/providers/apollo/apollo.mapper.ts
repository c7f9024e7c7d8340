import type { CompanyAddress, CompanyProfile, FundingRound } from '../company/company.types';
import { currencyCode, hostOf, parseMoney } from '../company/company-input';
import type { ProviderResult } from '../core/enrichment-provider';
import { parseRetryAfter, ProviderError } from '../core/provider-error';
import { errorDetail } from '../http/vendor-fetch';

/*
 * Pure mapping of Apollo `GET /api/v1/organizations/enrich?domain=…` (VENDORS.md §1) to our
 * CompanyProfile. Apollo's payload types stay in this file.
 */

interface ApolloFundingEvent {
  id?: string;
  date?: string | null;
  type?: string | null;
  investors?: string | null;
  amount?: string | number | null;
  currency?: string | null;
}

interface ApolloOrganization {
  id?: string | null;
  name?: string | null;
  website_url?: string | null;
  linkedin_url?: string | null;
  twitter_url?: string | null;
  facebook_url?: string | null;
  crunchbase_url?: string | null;
  logo_url?: string | null;
  primary_domain?: string | null;
  industry?: string | null;
  keywords?: string[] | null;
  estimated_num_employees?: number | null;
  founded_year?: number | null;
  short_description?: string | null;
  seo_description?: string | null;
  phone?: string | null;
  primary_phone?: { number?: string | null; sanitized_number?: string | null } | null;
  raw_address?: string | null;
  street_address?: string | null;
  city?: string | null;
  state?: string | null;
  postal_code?: string | null;
  country?: string | null;
  technology_names?: string[] | null;
  current_technologies?: Array<{ name?: string | null }> | null;
  total_funding?: number | null;
  latest_funding_stage?: string | null;
  funding_events?: ApolloFundingEvent[] | null;
  annual_revenue?: number | null;
  publicly_traded_symbol?: string | null;
  publicly_traded_exchange?: string | null;
}

export interface ApolloEnrichResponse {
  organization?: ApolloOrganization | null;
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() ? v.trim() : undefined;
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
const strings = (v: unknown): string[] | undefined => {
  if (!Array.isArray(v)) return undefined;
  const out = [...new Set(v.map(str).filter((s): s is string => !!s))];
  return out.length ? out : undefined;
};

/** Drops undefined members so cached answers and test expectations stay compact. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function headquarters(o: ApolloOrganization): CompanyAddress | undefined {
  const hq = compact<CompanyAddress>({
    street: str(o.street_address),
    city: str(o.city),
    state: str(o.state),
    postal_code: str(o.postal_code),
    country: str(o.country),
    formatted:
      str(o.raw_address) ??
      ([o.city, o.state, o.country].map(str).filter(Boolean).join(', ') || undefined),
  });
  return Object.keys(hq).length ? hq : undefined;
}

function fundingRound(e: ApolloFundingEvent): FundingRound {
  const money = parseMoney(e.amount ?? undefined);
  return compact<FundingRound>({
    series: str(e.type),
    amount: money?.amount,
    currency: currencyCode(e.currency) ?? money?.currency,
    date: str(e.date)?.slice(0, 10),
    investors: str(e.investors)
      ?.split(/\s*,\s*/)
      .filter(Boolean),
  });
}

/** `{organization: {...}}` → found; `organization: null`, `{}` or an empty organization → not found. */
export function mapOrganization(body: ApolloEnrichResponse): ProviderResult<CompanyProfile> {
  const o = body && typeof body === 'object' ? body.organization : undefined;
  if (!o || typeof o !== 'object' || (!str(o.id) && !str(o.name))) {
    return { found: false, data: null, usage: { results: 0 } };
  }
  const website = str(o.website_url);
  const ticker = str(o.publicly_traded_symbol);
  const rounds = Array.isArray(o.funding_events) ? o.funding_events.map(fundingRound) : [];
  const profile = compact<CompanyProfile>({
    name: str(o.name),
    domain: str(o.primary_domain)?.toLowerCase() ?? hostOf(website),
    website,
    linkedin_url: str(o.linkedin_url),
    twitter_url: str(o.twitter_url),
    facebook_url: str(o.facebook_url),
    crunchbase_url: str(o.crunchbase_url),
    logo_url: str(o.logo_url),
    description: str(o.short_description) ?? str(o.seo_description),
    industry: str(o.industry),
    keywords: strings(o.keywords),
    employee_count: num(o.estimated_num_employees),
    founded_year: num(o.founded_year),
    company_type: ticker ? 'public' : undefined,
    stock: ticker ? compact({ ticker, exchange: str(o.publicly_traded_exchange) }) : undefined,
    headquarters: headquarters(o),
    phone: str(o.primary_phone?.number) ?? str(o.phone),
    technologies:
      strings(o.technology_names) ?? strings((o.current_technologies ?? []).map((t) => t?.name)),
    total_funding_usd: num(o.total_funding),
    funding_rounds: rounds.length ? rounds : undefined,
    funding_stage: str(o.latest_funding_stage),
    annual_revenue_usd: num(o.annual_revenue),
    vendor_id: str(o.id),
  });
  return { found: true, data: profile, usage: { results: 1 } };
}

const int = (v: string | null): number | undefined => {
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};

/**
 * A non-2xx answer → ProviderError. Apollo's 429 carries no Retry-After: the fixed-window
 * `x-{minute,hourly,daily}-requests-left` headers say which window is used up, and so how long to
 * wait. A used-up daily window is QUOTA_EXHAUSTED (nothing to wait for today).
 */
export function mapApolloError(status: number, headers: Headers, text: string): ProviderError {
  const detail = errorDetail(text);
  const message = `Apollo ${status}: ${detail}`;
  if (status === 429) {
    const left = (w: string) => int(headers.get(`x-${w}-requests-left`));
    const retryAfter = parseRetryAfter(headers.get('retry-after'));
    if (left('daily') === 0) {
      return new ProviderError(
        'QUOTA_EXHAUSTED',
        `${message} (daily API limit of your Apollo plan used up; raise APOLLO_RATE_PER_DAY only with the plan)`,
        { status },
      );
    }
    const wait =
      retryAfter ?? (left('hourly') === 0 ? 3_600_000 : left('minute') === 0 ? 60_000 : undefined);
    return new ProviderError('RATE_LIMITED', message, { status, retryAfterMs: wait });
  }
  if (status === 401 || status === 403) {
    return new ProviderError(
      'AUTH',
      `${message} (check APOLLO_API_KEY; 403 means the key or plan may not use organizations/enrich)`,
      { status },
    );
  }
  if (status === 404) {
    return new ProviderError('NOT_FOUND', `${message} (check APOLLO_BASE_URL)`, { status });
  }
  if (status === 422 || status === 400) {
    return new ProviderError('BAD_INPUT', message, { status, retryable: false });
  }
  return ProviderError.fromHttp(status, message);
}
