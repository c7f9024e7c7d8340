import { hostOf } from '../company/company-input';
import type { ProviderResult } from '../core/enrichment-provider';
import { ProviderError } from '../core/provider-error';
import type {
  PeopleSearchPage,
  PersonAvailability,
  PersonEmployment,
  PersonEnrichResult,
  PersonLocation,
  PersonOrganization,
  PersonPhone,
  PersonProfile,
} from '../person/person.types';
import { compact, isRecord, num, str, strings } from './apollo-values';

/*
 * Pure mapping of Apollo's people (VENDORS.md §1) to our PersonProfile:
 * `POST /mixed_people/api_search` (obfuscated search-tier records), `POST /people/match`
 * (`{person}`) and `POST /people/bulk_match` (positional `matches`).
 */

interface ApolloEmployment {
  title?: string | null;
  organization_name?: string | null;
  organization_id?: string | null;
  current?: boolean | null;
  start_date?: string | null;
  end_date?: string | null;
  description?: string | null;
}

interface ApolloPersonOrganization {
  id?: string | null;
  name?: string | null;
  website_url?: string | null;
  linkedin_url?: string | null;
  linkedin_uid?: string | null;
  twitter_url?: string | null;
  facebook_url?: string | null;
  logo_url?: string | null;
  primary_domain?: string | null;
  industry?: string | null;
  estimated_num_employees?: number | null;
  annual_revenue?: number | null;
  founded_year?: number | null;
}

interface ApolloPerson {
  id?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  last_name_obfuscated?: string | null;
  name?: string | null;
  title?: string | null;
  headline?: string | null;
  linkedin_url?: string | null;
  twitter_url?: string | null;
  github_url?: string | null;
  facebook_url?: string | null;
  photo_url?: string | null;
  email?: string | null;
  email_status?: string | null;
  extrapolated_email_confidence?: number | null;
  personal_emails?: string[] | null;
  phone_numbers?: Array<{
    raw_number?: string | null;
    sanitized_number?: string | null;
    type?: string | null;
  }> | null;
  organization_id?: string | null;
  organization?: ApolloPersonOrganization | null;
  employment_history?: ApolloEmployment[] | null;
  city?: string | null;
  state?: string | null;
  country?: string | null;
  departments?: string[] | null;
  subdepartments?: string[] | null;
  functions?: string[] | null;
  seniority?: string | null;
  last_refreshed_at?: string | null;
  has_email?: boolean | null;
  has_city?: boolean | null;
  has_state?: boolean | null;
  has_country?: boolean | null;
  /** A string, never a boolean: "Yes" or "Maybe: please request direct dial via people/bulk_match". */
  has_direct_phone?: string | boolean | null;
}

export interface ApolloPeopleSearchResponse {
  total_entries?: number;
  pagination?: { page?: number; per_page?: number; total_entries?: number; total_pages?: number };
  people?: ApolloPerson[] | null;
}

export interface ApolloMatchResponse {
  person?: ApolloPerson | null;
}

export interface ApolloBulkMatchResponse {
  status?: string | null;
  error_code?: string | null;
  error_message?: string | null;
  credits_consumed?: number | null;
  matches?: Array<ApolloPerson | null> | null;
}

/** Apollo's placeholder for an email the key has not unlocked: no email at all. */
const LOCKED_EMAIL = /^email_not_unlocked@/i;

const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

/** `"Yes"` → yes, `"Maybe: …"` → maybe, `"No"`/false → no (a boolean too, defensively). */
function directPhone(v: unknown): PersonAvailability['direct_phone'] {
  if (v === true) return 'yes';
  if (v === false) return 'no';
  const s = str(v)?.toLowerCase();
  if (!s) return undefined;
  if (s.startsWith('yes')) return 'yes';
  if (s.startsWith('maybe')) return 'maybe';
  if (s.startsWith('no')) return 'no';
  return undefined;
}

function organization(p: ApolloPerson): PersonOrganization | undefined {
  const o: ApolloPersonOrganization = isRecord(p.organization) ? p.organization : {};
  const website = str(o.website_url);
  const org = compact<PersonOrganization>({
    vendor_id: str(o.id) ?? str(p.organization_id),
    name: str(o.name),
    domain: str(o.primary_domain)?.toLowerCase() ?? hostOf(website),
    website,
    linkedin_url: str(o.linkedin_url),
    linkedin_uid: str(o.linkedin_uid),
    twitter_url: str(o.twitter_url),
    facebook_url: str(o.facebook_url),
    logo_url: str(o.logo_url),
    industry: str(o.industry),
    employee_count: num(o.estimated_num_employees),
    annual_revenue_usd: num(o.annual_revenue),
    founded_year: num(o.founded_year),
  });
  return Object.keys(org).length ? org : undefined;
}

function location(p: ApolloPerson): PersonLocation | undefined {
  const [city, state, country] = [str(p.city), str(p.state), str(p.country)];
  if (!city && !state && !country) return undefined;
  return compact<PersonLocation>({
    city,
    state,
    country,
    formatted: [city, state, country].filter(Boolean).join(', '),
  });
}

/** Current roles first, then by start date, most recent first (undated roles last). */
function employments(history: unknown): PersonEmployment[] | undefined {
  if (!Array.isArray(history)) return undefined;
  const out = history
    .filter(isRecord)
    .map((e: ApolloEmployment) =>
      compact<PersonEmployment>({
        title: str(e.title),
        organization_name: str(e.organization_name),
        organization_id: str(e.organization_id),
        current: bool(e.current),
        start_date: str(e.start_date)?.slice(0, 10),
        end_date: str(e.end_date)?.slice(0, 10),
        description: str(e.description),
      }),
    )
    .filter((e) => e.title || e.organization_name);
  out.sort(
    (a, b) =>
      Number(!!b.current) - Number(!!a.current) ||
      (b.start_date ?? '').localeCompare(a.start_date ?? ''),
  );
  return out.length ? out : undefined;
}

function phones(v: unknown): PersonPhone[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: PersonPhone[] = [];
  for (const ph of v.filter(isRecord)) {
    const number = str(ph.sanitized_number) ?? str(ph.raw_number);
    if (number) out.push(compact<PersonPhone>({ number, type: str(ph.type) }));
  }
  return out.length ? out : undefined;
}

/**
 * One Apollo person → PersonProfile. A search-tier record (`obfuscated`) keeps its first name and
 * the obfuscated last name as given: no last name, full name, email or LinkedIn URL is made up.
 */
export function mapPerson(p: ApolloPerson, opts: { obfuscated?: boolean } = {}): PersonProfile {
  const email = str(p.email);
  const obfuscated = opts.obfuscated || !!str(p.last_name_obfuscated);
  const available = compact<PersonAvailability>({
    email: bool(p.has_email),
    direct_phone: directPhone(p.has_direct_phone),
    city: bool(p.has_city),
    state: bool(p.has_state),
    country: bool(p.has_country),
  });
  return compact<PersonProfile>({
    vendor_id: str(p.id),
    name: obfuscated ? undefined : str(p.name),
    first_name: str(p.first_name),
    last_name: obfuscated ? undefined : str(p.last_name),
    obfuscated: obfuscated || undefined,
    last_name_obfuscated: str(p.last_name_obfuscated),
    available: Object.keys(available).length ? available : undefined,
    title: str(p.title),
    headline: str(p.headline),
    seniority: str(p.seniority),
    departments: strings(p.departments),
    subdepartments: strings(p.subdepartments),
    functions: strings(p.functions),
    email: email && !LOCKED_EMAIL.test(email) ? email : undefined,
    email_status: str(p.email_status),
    extrapolated_email_confidence: num(p.extrapolated_email_confidence),
    personal_emails: strings(p.personal_emails),
    phone_numbers: phones(p.phone_numbers),
    linkedin_url: str(p.linkedin_url),
    twitter_url: str(p.twitter_url),
    facebook_url: str(p.facebook_url),
    github_url: str(p.github_url),
    photo_url: str(p.photo_url),
    location: location(p),
    organization: organization(p),
    employments: employments(p.employment_history),
    refreshed_at: str(p.last_refreshed_at),
  });
}

/** A record worth a place: an object with an id or a name (`{}` is Apollo's "no one"). */
const isPerson = (p: unknown): p is ApolloPerson =>
  isRecord(p) && !!(str(p.id) ?? str(p.name) ?? str(p.first_name) ?? str(p.email));

/**
 * `mixed_people/api_search` → one page of obfuscated people. The total is top-level
 * `total_entries` (the current API) or `pagination.total_entries` (legacy-shaped answers): both
 * are read. Free: the result says it costs nothing, whatever prices are configured. An empty page
 * is `found: false` with the page (and its total) still given.
 */
export function mapPeopleSearch(
  body: ApolloPeopleSearchResponse,
  page: number,
  perPage: number,
): ProviderResult<PeopleSearchPage> {
  const b = isRecord(body) ? (body as ApolloPeopleSearchResponse) : {};
  const people = (Array.isArray(b.people) ? b.people : [])
    .filter(isPerson)
    .map((p) => mapPerson(p, { obfuscated: true }));
  const pagination = isRecord(b.pagination) ? b.pagination : {};
  const total = num(b.total_entries) ?? num(pagination.total_entries);
  const data = compact<PeopleSearchPage>({
    people,
    total_entries: total,
    page: num(pagination.page) ?? page,
    total_pages:
      num(pagination.total_pages) ?? (total !== undefined ? Math.ceil(total / perPage) : undefined),
  });
  return { found: people.length > 0, data, usage: { results: 0 }, costUsd: 0 };
}

/** `people/match` → `{matches: [person | null]}` (one credit when a person is found). */
export function mapMatch(body: ApolloMatchResponse): ProviderResult<PersonEnrichResult> {
  const p = isRecord(body) ? body.person : undefined;
  const person = isPerson(p) ? mapPerson(p) : null;
  return { found: !!person, data: { matches: [person] }, usage: { results: person ? 1 : 0 } };
}

/**
 * `people/bulk_match` → `matches[i]` answers `details[i]`: a null, `{}` or missing slot (Apollo's
 * `matches` may be shorter than the request) stays null in its place. Billed results are the
 * credits Apollo reports (`credits_consumed`), else one per person found.
 */
export function mapBulkMatch(
  body: ApolloBulkMatchResponse,
  requested: number,
): ProviderResult<PersonEnrichResult> {
  const b = isRecord(body) ? (body as ApolloBulkMatchResponse) : {};
  if (!Array.isArray(b.matches) && (str(b.error_message) || str(b.error_code))) {
    throw new ProviderError(
      'UNKNOWN',
      `Apollo bulk_match answered without matches: ${str(b.error_message) ?? str(b.error_code)}`,
    );
  }
  const raw = Array.isArray(b.matches) ? b.matches : [];
  const matches = Array.from({ length: requested }, (_, i) =>
    isPerson(raw[i]) ? mapPerson(raw[i]) : null,
  );
  const found = matches.filter(Boolean).length;
  const credits = num(b.credits_consumed);
  return {
    found: found > 0,
    data: { matches },
    usage: { results: credits !== undefined && credits >= 0 ? credits : found },
  };
}
