import type {
  CompanyAddress,
  CompanyProfile,
  CompanySearchPage,
  FundingRound,
} from '../company/company.types';
import { currencyCode, hostOf, parseMoney } from '../company/company-input';
import type { ProviderResult } from '../core/enrichment-provider';
import { compact, num, str, strings } from './apollo-values';

/*
 * Pure mapping of Apollo's organizations (VENDORS.md §1) to our CompanyProfile:
 * `GET /api/v1/organizations/enrich?domain=…` (one organization) and
 * `POST /api/v1/mixed_companies/search` (candidates). Apollo's payload types stay in this folder.
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

/** An organization saved in the key owner's Apollo CRM (`accounts[]` of a company search). */
interface ApolloAccount extends ApolloOrganization {
  /** The Apollo organization this account is (the id people search filters on). */
  organization_id?: string | null;
  domain?: string | null;
}

export interface ApolloCompanySearchResponse {
  pagination?: { page?: number; per_page?: number; total_entries?: number; total_pages?: number };
  /** Saved in the key owner's CRM; `id` is the account's, `organization_id` Apollo's. */
  accounts?: ApolloAccount[] | null;
  /** Net-new from Apollo's database. */
  organizations?: ApolloOrganization[] | null;
}

/** Credits one `mixed_companies/search` call consumes (legacy docs: one export credit). */
export const APOLLO_CREDITS_PER_COMPANY_SEARCH = 1;

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

/** An Apollo organization as a CompanyProfile (`vendor_id` = Apollo's organization id). */
function organizationProfile(o: ApolloOrganization): CompanyProfile {
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
  return profile;
}

/** `{organization: {...}}` → found; `organization: null`, `{}` or an empty organization → not found. */
export function mapOrganization(body: ApolloEnrichResponse): ProviderResult<CompanyProfile> {
  const o = body && typeof body === 'object' ? body.organization : undefined;
  if (!o || typeof o !== 'object' || (!str(o.id) && !str(o.name))) {
    return { found: false, data: null, usage: { results: 0 } };
  }
  return { found: true, data: organizationProfile(o), usage: { results: 1 } };
}

/**
 * `mixed_companies/search` → candidate organizations, the CRM's `accounts` first (as Apollo lists
 * them), then `organizations`; one entry per Apollo organization id. An account's `vendor_id` is
 * its `organization_id` (what people search filters on), never the CRM account id. The call costs
 * its credits whatever it finds.
 */
export function mapCompanySearch(
  body: ApolloCompanySearchResponse,
  page: number,
  perPage: number,
): ProviderResult<CompanySearchPage> {
  const b = body && typeof body === 'object' ? body : {};
  const accounts = (Array.isArray(b.accounts) ? b.accounts : []).filter(
    (a): a is ApolloAccount => !!a && typeof a === 'object',
  );
  const candidates = [
    ...accounts.map((a) =>
      organizationProfile({
        ...a,
        id: str(a.organization_id) ?? null,
        primary_domain: str(a.primary_domain) ?? str(a.domain) ?? null,
      }),
    ),
    ...(Array.isArray(b.organizations) ? b.organizations : [])
      .filter((o): o is ApolloOrganization => !!o && typeof o === 'object')
      .map(organizationProfile),
  ].filter((c) => c.vendor_id || c.name || c.domain);
  const seen = new Set<string>();
  const companies = candidates.filter((c) => {
    const key = c.vendor_id ?? `${c.domain ?? ''}|${c.name ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const total = num(b.pagination?.total_entries);
  const data = compact<CompanySearchPage>({
    companies,
    total_entries: total,
    page: num(b.pagination?.page) ?? page,
    total_pages:
      num(b.pagination?.total_pages) ??
      (total !== undefined ? Math.ceil(total / perPage) : undefined),
  });
  return {
    found: companies.length > 0,
    data,
    usage: { results: APOLLO_CREDITS_PER_COMPANY_SEARCH },
  };
}
