/**
 * Canonical person shapes shared by the people-data providers (Apollo `people.search` and
 * `person.enrich`; Enrich Layer and Bright Data `person.linkedin`; the site's team pages and LLM web
 * search for `people.search`). Adapters map vendor payloads to these; vendor types never leave an
 * adapter's folder. Every field is optional: vendors differ, and search-tier records are partial.
 * Dates are ISO strings: `YYYY-MM-DD`, or `YYYY-MM` / `YYYY` when the vendor gives no more.
 */

/** Who to look up: any of these identifies a person (more is better). */
export interface PersonLookupInput {
  /** The vendor's own person id (e.g. an Apollo id from a search). */
  vendor_id?: string;
  email?: string;
  linkedin_url?: string;
  name?: string;
  first_name?: string;
  last_name?: string;
  /** The employer's name. */
  company?: string;
  /** The employer's registrable domain, e.g. `acme.com`. */
  domain?: string;
}

export interface PersonPhone {
  number: string;
  /** As the vendor names it: mobile, work_hq, work_direct, other… */
  type?: string;
}

export interface PersonLocation {
  city?: string;
  state?: string;
  country?: string;
  /** ISO 3166-1 alpha-2 when known. */
  country_code?: string;
  /** One-line form, e.g. "San Francisco, California, United States". */
  formatted?: string;
}

/** One role, current or past. */
export interface PersonEmployment {
  title?: string;
  organization_name?: string;
  /** The vendor's id of the organization. */
  organization_id?: string;
  organization_domain?: string;
  organization_linkedin_url?: string;
  organization_logo_url?: string;
  current?: boolean;
  start_date?: string;
  end_date?: string;
  description?: string;
  location?: string;
}

export interface PersonEducation {
  school?: string;
  degree?: string;
  field_of_study?: string;
  start_date?: string;
  end_date?: string;
  school_linkedin_url?: string;
}

/** The employer as the person record describes it. */
export interface PersonOrganization {
  vendor_id?: string;
  name?: string;
  domain?: string;
  website?: string;
  linkedin_url?: string;
  linkedin_uid?: string;
  twitter_url?: string;
  facebook_url?: string;
  logo_url?: string;
  industry?: string;
  employee_count?: number;
  annual_revenue_usd?: number;
  founded_year?: number;
}

/** Apollo's `has_*` flags of a search-tier record. */
export interface PersonAvailability {
  email?: boolean;
  /** `maybe`: the vendor may find one when asked (Apollo: "Maybe: please request direct dial…"). */
  direct_phone?: 'yes' | 'maybe' | 'no';
  city?: boolean;
  state?: boolean;
  country?: boolean;
}

export interface PersonProfile {
  /** The vendor's own id of the person. */
  vendor_id?: string;
  name?: string;
  first_name?: string;
  last_name?: string;
  /**
   * A search-tier record that hides parts of the person (Apollo api_search: no last name, email or
   * LinkedIn URL until enriched).
   */
  obfuscated?: boolean;
  /** The last name as an obfuscated record shows it (e.g. "Zh***g"); never a real last name. */
  last_name_obfuscated?: string;
  /** What an obfuscated record says the vendor holds, to be revealed by `person.enrich`. */
  available?: PersonAvailability;
  /** The current title. */
  title?: string;
  headline?: string;
  about?: string;
  /** owner, founder, c_suite, partner, vp, head, director, manager, senior, entry, intern. */
  seniority?: string;
  departments?: string[];
  subdepartments?: string[];
  functions?: string[];
  email?: string;
  /** verified, unverified, extrapolated, guessed, unavailable, bounced. */
  email_status?: string;
  extrapolated_email_confidence?: number;
  personal_emails?: string[];
  phone_numbers?: PersonPhone[];
  linkedin_url?: string;
  twitter_url?: string;
  facebook_url?: string;
  github_url?: string;
  photo_url?: string;
  location?: PersonLocation;
  organization?: PersonOrganization;
  /** Current and past roles, most recent first. */
  employments?: PersonEmployment[];
  education?: PersonEducation[];
  certifications?: string[];
  languages?: string[];
  skills?: string[];
  /** Recommendations other people wrote on the profile, as text. */
  recommendations?: string[];
  connections?: number;
  follower_count?: number;
  /** When the vendor last refreshed the record (ISO). */
  refreshed_at?: string;
  /** The page the person was read from, when a provider read them off a web page (team pages). */
  source_url?: string;
}

/** `people.search`: the people at one organization, filtered by titles and seniorities. */
export interface PeopleSearchInput {
  /** The organization's registrable domain. */
  domain?: string;
  /** The vendor's organization ids, when already resolved. */
  organization_ids?: string[];
  /** The organization's name (used by providers that search the open web). */
  organization_name?: string;
  titles?: string[];
  seniorities?: string[];
  /** Also match titles similar to `titles` (Apollo's `include_similar_titles`; vendor default). */
  include_similar_titles?: boolean;
  /** 1-based. */
  page?: number;
  /** At most 100. */
  per_page?: number;
}

export interface PeopleSearchPage {
  people: PersonProfile[];
  /** Total matches the vendor reports for the query (all pages). */
  total_entries?: number;
  page?: number;
  total_pages?: number;
}

/** `person.enrich`: up to `max` people in one vendor call; the answer is positional. */
export interface PersonEnrichInput {
  people: PersonLookupInput[];
  /** Ask the vendor for personal emails too (may cost more). */
  reveal_personal_emails?: boolean;
}

export interface PersonEnrichResult {
  /** `matches[i]` answers `people[i]`; null where the vendor found no one. */
  matches: Array<PersonProfile | null>;
}
