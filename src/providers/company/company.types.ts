/**
 * Canonical company shapes shared by the company-data providers (Apollo `company.profile`,
 * Bright Data `company.linkedin`, BuiltWith `tech.stack`). Adapters map vendor payloads to these;
 * vendor types never leave an adapter's folder. Every field is optional: vendors differ.
 */

export interface CompanyLookupInput {
  /** Registrable domain, e.g. `acme.com`. */
  domain?: string;
  /** LinkedIn company URL, e.g. `https://www.linkedin.com/company/acme`. */
  linkedin_url?: string;
  name?: string;
}

/**
 * `company.profile` operation `search` (Apollo `mixed_companies/search`): candidate organizations
 * by name and/or domain, to resolve a vendor's organization id. Give `name`, `domains` or both.
 */
export interface CompanySearchInput {
  /** The organization's name (the vendor matches it loosely). */
  name?: string;
  /** Registrable domains, e.g. `acme.com` (any of them). */
  domains?: string[];
  /** 1-based. */
  page?: number;
  /** At most 100. */
  per_page?: number;
}

/** A page of candidate organizations; each has the vendor's `vendor_id` when it has one. */
export interface CompanySearchPage {
  companies: CompanyProfile[];
  /** Total matches the vendor reports for the query (all pages). */
  total_entries?: number;
  page?: number;
  total_pages?: number;
}

export interface CompanyAddress {
  street?: string;
  city?: string;
  state?: string;
  postal_code?: string;
  country?: string;
  /** One-line form, e.g. "San Francisco, CA, US". */
  formatted?: string;
}

export interface FundingRound {
  series?: string;
  amount?: number;
  currency?: string;
  date?: string;
  investors?: string[];
}

export interface CompanyProfile {
  name?: string;
  domain?: string;
  website?: string;
  linkedin_url?: string;
  twitter_url?: string;
  facebook_url?: string;
  crunchbase_url?: string;
  logo_url?: string;
  description?: string;
  slogan?: string;
  industry?: string;
  keywords?: string[];
  employee_count?: number;
  /** e.g. "51-200" */
  company_size?: string;
  founded_year?: number;
  /** public | private | nonprofit | … */
  company_type?: string;
  headquarters?: CompanyAddress;
  locations?: CompanyAddress[];
  phone?: string;
  technologies?: string[];
  total_funding_usd?: number;
  funding_rounds?: FundingRound[];
  /** Latest funding stage as the vendor names it, e.g. "Series D". */
  funding_stage?: string;
  annual_revenue_usd?: number;
  /** Listed companies: ticker and exchange. */
  stock?: { ticker?: string; exchange?: string };
  /** Followers of the LinkedIn company page. */
  linkedin_followers?: number;
  /** Recent posts or news the vendor returns. */
  recent_posts?: Array<{
    title?: string;
    text?: string;
    url?: string;
    date?: string;
    id?: string;
    likes_count?: number;
    comments_count?: number;
  }>;
  /** The vendor's own id of the company. */
  vendor_id?: string;
}

export interface Technology {
  name: string;
  categories: string[];
  first_detected?: string;
  last_detected?: string;
  /** 0..1 */
  confidence: number;
  is_premium?: boolean;
  link?: string;
  description?: string;
  /** The vendor's coarse group, e.g. BuiltWith's `analytics`, `javascript`. */
  tag?: string;
}

/** Canonical answer of `tech.stack`. */
export interface TechStack {
  domain: string;
  technologies: Technology[];
  /** Category → technology names. */
  categories: Record<string, string[]>;
  /**
   * The seed's BuiltWith `EnrichmentResult` (SEED-CONTRACTS A5), stored as `tech_profile` of an
   * account enhancement, for clients that read it. Only BuiltWith fills it.
   */
  tech_profile?: Record<string, unknown>;
  /** Credit balance the vendor reported with this answer (when it sends one). */
  vendor_credits?: { available?: number; used?: number; remaining?: number };
}
