import type { CompanyAddress, CompanyProfile } from '../company/company.types';
import { hostOf } from '../company/company-input';
import type { ProviderResult } from '../core/enrichment-provider';
import { parseRetryAfter, ProviderError } from '../core/provider-error';
import { errorDetail } from '../http/vendor-fetch';
import { isoDateOf } from '../person/person-input';
import type { PersonEmployment, PersonProfile } from '../person/person.types';

/*
 * Pure mapping of Enrich Layer's (formerly Proxycurl's) person and company profiles, as VENDORS.md
 * §4 documents them (snake_case on the wire), to our PersonProfile and CompanyProfile, and of its
 * error table to ProviderError. Fields whose item shapes the reference leaves undocumented
 * (accomplishments, volunteer work, groups, company updates, funding) are not mapped.
 */

interface VendorDate {
  day?: number | null;
  month?: number | null;
  year?: number | null;
}

interface Experience {
  starts_at?: VendorDate | null;
  ends_at?: VendorDate | null;
  company?: string | null;
  company_linkedin_profile_url?: string | null;
  title?: string | null;
  description?: string | null;
  location?: string | null;
  logo_url?: string | null;
}

interface Education {
  starts_at?: VendorDate | null;
  ends_at?: VendorDate | null;
  field_of_study?: string | null;
  degree_name?: string | null;
  school?: string | null;
  school_linkedin_profile_url?: string | null;
}

/** The person profile (`GET /api/v2/profile`). */
export interface VendorPerson {
  public_identifier?: string | null;
  profile_pic_url?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  full_name?: string | null;
  occupation?: string | null;
  headline?: string | null;
  summary?: string | null;
  country?: string | null;
  country_full_name?: string | null;
  city?: string | null;
  state?: string | null;
  experiences?: Experience[] | null;
  education?: Education[] | null;
  languages?: string[] | null;
  certifications?: Array<{ name?: string | null } | string> | null;
  recommendations?: string[] | null;
  skills?: string[] | null;
  connections?: number | null;
  personal_emails?: string[] | null;
  personal_numbers?: string[] | null;
}

interface VendorAddress {
  country?: string | null;
  city?: string | null;
  postal_code?: string | null;
  line_1?: string | null;
  is_hq?: boolean | null;
  state?: string | null;
}

/** The company profile (`GET /api/v2/company`, Proxycurl's `LinkedinCompany`). */
export interface VendorCompany {
  linkedin_internal_id?: string | null;
  name?: string | null;
  description?: string | null;
  website?: string | null;
  industry?: string | null;
  company_size?: [number | null, number | null] | null;
  company_size_on_linkedin?: number | null;
  hq?: VendorAddress | null;
  company_type?: string | null;
  founded_year?: number | null;
  specialities?: string[] | null;
  locations?: VendorAddress[] | null;
  tagline?: string | null;
  universal_name_id?: string | null;
  profile_pic_url?: string | null;
  follower_count?: number | null;
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() ? v.trim() : undefined;
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
/** Strings, or the `name` of objects (certifications), de-duplicated. */
const strings = (v: unknown): string[] | undefined => {
  if (!Array.isArray(v)) return undefined;
  const names = (v as unknown[]).map((x) =>
    str(x && typeof x === 'object' ? (x as { name?: unknown }).name : x),
  );
  const out = [...new Set(names.filter((s): s is string => !!s))];
  return out.length ? out : undefined;
};

function compact<T extends object>(o: T): T {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && !v.length)),
  ) as T;
}

const list = <T, U>(items: T[] | null | undefined, map: (t: T) => U): U[] | undefined => {
  const out = (Array.isArray(items) ? items : []).filter(Boolean).map(map);
  return out.length ? out : undefined;
};

function employment(e: Experience): PersonEmployment {
  return compact<PersonEmployment>({
    title: str(e.title),
    organization_name: str(e.company),
    organization_linkedin_url: str(e.company_linkedin_profile_url),
    organization_logo_url: str(e.logo_url),
    current: !e.ends_at,
    start_date: isoDateOf(e.starts_at),
    end_date: isoDateOf(e.ends_at),
    description: str(e.description),
    location: str(e.location),
  });
}

/** `occupation` is "<title> at <company>"; its parts stand in when there are no experiences. */
function splitOccupation(occupation: string | undefined): { title?: string; company?: string } {
  const m = occupation?.match(/^(.+?)\s+at\s+(.+)$/);
  return m ? { title: m[1].trim(), company: m[2].trim() } : {};
}

/** One person profile → PersonProfile (`inputUrl`: the profile asked for). */
export function mapPersonProfile(p: VendorPerson, inputUrl: string): PersonProfile {
  const employments = list(p.experiences, employment);
  const current = employments?.find((e) => e.current);
  const fromOccupation = splitOccupation(str(p.occupation));
  const orgName = current?.organization_name ?? fromOccupation.company;
  const slug = str(p.public_identifier);
  const city = str(p.city);
  const state = str(p.state);
  const country = str(p.country_full_name);
  const formatted = [city, state, country].filter(Boolean).join(', ');
  return compact<PersonProfile>({
    vendor_id: slug,
    name:
      str(p.full_name) ??
      ([str(p.first_name), str(p.last_name)].filter(Boolean).join(' ') || undefined),
    first_name: str(p.first_name),
    last_name: str(p.last_name),
    title: current?.title ?? fromOccupation.title,
    headline: str(p.headline),
    about: str(p.summary),
    personal_emails: strings(p.personal_emails),
    phone_numbers: list(p.personal_numbers, (number) => ({ number, type: 'personal' })),
    linkedin_url: slug ? `https://www.linkedin.com/in/${slug}` : inputUrl,
    photo_url: str(p.profile_pic_url),
    location: formatted
      ? compact({ city, state, country, country_code: str(p.country)?.toUpperCase(), formatted })
      : undefined,
    organization: orgName
      ? compact({
          name: orgName,
          linkedin_url: current?.organization_linkedin_url,
          logo_url: current?.organization_logo_url,
        })
      : undefined,
    employments,
    education: list(p.education, (e) =>
      compact({
        school: str(e.school),
        degree: str(e.degree_name),
        field_of_study: str(e.field_of_study),
        start_date: isoDateOf(e.starts_at),
        end_date: isoDateOf(e.ends_at),
        school_linkedin_url: str(e.school_linkedin_profile_url),
      }),
    ),
    certifications: strings(p.certifications),
    languages: strings(p.languages),
    skills: strings(p.skills),
    recommendations: strings(p.recommendations),
    connections: num(p.connections),
  });
}

/** LinkedIn's company types (Proxycurl's enum) in the words CompanyProfile uses. */
const COMPANY_TYPES: Record<string, string> = {
  PUBLIC_COMPANY: 'public',
  PRIVATELY_HELD: 'private',
  NON_PROFIT: 'nonprofit',
  GOVERNMENT_AGENCY: 'government',
  EDUCATIONAL: 'educational',
  PARTNERSHIP: 'partnership',
  SELF_EMPLOYED: 'self_employed',
  SELF_OWNED: 'self_owned',
};

function address(a: VendorAddress): CompanyAddress {
  const out = compact<CompanyAddress>({
    street: str(a.line_1),
    city: str(a.city),
    state: str(a.state),
    postal_code: str(a.postal_code),
    country: str(a.country)?.toUpperCase(),
  });
  const formatted = [out.street, out.city, out.state, out.postal_code, out.country]
    .filter(Boolean)
    .join(', ');
  return formatted ? { ...out, formatted } : out;
}

/** `[10001, null]` → "10001+"; `[51, 200]` → "51-200". */
function companySize(size: VendorCompany['company_size']): string | undefined {
  const [lo, hi] = Array.isArray(size) ? size : [];
  if (num(lo) === undefined) return undefined;
  return num(hi) === undefined ? `${lo}+` : `${lo}-${hi}`;
}

/** One company profile → CompanyProfile (`inputUrl`: the company page asked for). */
export function mapCompanyProfile(c: VendorCompany, inputUrl: string): CompanyProfile {
  const website = str(c.website);
  const type = str(c.company_type)?.toUpperCase();
  const slug = str(c.universal_name_id);
  return compact<CompanyProfile>({
    name: str(c.name),
    domain: hostOf(website),
    website,
    linkedin_url: slug ? `https://www.linkedin.com/company/${slug}` : inputUrl,
    logo_url: str(c.profile_pic_url),
    description: str(c.description),
    slogan: str(c.tagline),
    industry: str(c.industry),
    keywords: strings(c.specialities),
    employee_count: num(c.company_size_on_linkedin),
    company_size: companySize(c.company_size),
    founded_year: num(c.founded_year),
    company_type: type ? (COMPANY_TYPES[type] ?? type.toLowerCase()) : undefined,
    headquarters: c.hq ? address(c.hq) : undefined,
    locations: list(c.locations, address),
    linkedin_followers: num(c.follower_count),
    vendor_id: str(c.linkedin_internal_id),
  });
}

/** A found profile: one credit (VENDORS.md §4), and the page it came from. */
export function found<T>(data: T, source: string): ProviderResult<T> {
  return { found: true, data, usage: { results: 1 }, sources: [source] };
}

/** 404: no such profile or company. A result, and free (no charge on any error). */
export const notFound = (): ProviderResult<never> => ({
  found: false,
  data: null,
  usage: { results: 0 },
});

/** The `description` of Enrich Layer's error body, else the usual `error` / `message` / text. */
function detail(text: string): string {
  try {
    const body = JSON.parse(text) as { description?: unknown } | null;
    if (typeof body?.description === 'string' && body.description.trim()) {
      return errorDetail(body.description);
    }
  } catch {
    /* not JSON: the text itself */
  }
  return errorDetail(text);
}

/**
 * Enrich Layer's error table (inherited from Proxycurl; no charge on any error): 400 invalid
 * parameters, 401 invalid key, 403 out of credits, 410 endpoint deprecated, 429 rate limited,
 * 500 server error, 503 enrichment failed (retry). 404 is handled before, as `found: false`.
 */
export function mapEnrichLayerError(
  vendor: string,
  envPrefix: string,
  status: number,
  headers: Headers,
  text: string,
): ProviderError {
  const message = `${vendor} ${status}: ${detail(text)}`;
  switch (status) {
    case 400:
      return new ProviderError('BAD_INPUT', message, { status });
    case 401:
      return new ProviderError('AUTH', `${message} (check ${envPrefix}API_KEY)`, { status });
    case 403:
      return new ProviderError('QUOTA_EXHAUSTED', `${message} (out of credits: top up)`, {
        status,
      });
    case 410:
      return new ProviderError(
        'NOT_FOUND',
        `${message} (the endpoint is deprecated: check ${envPrefix}BASE_URL)`,
        { status },
      );
    case 503:
      return new ProviderError('TEMPORARY', `${message} (enrichment failed, try again)`, {
        status,
      });
    default:
      // 429 keeps Retry-After when one is sent (not documented); without it the platform decides.
      return ProviderError.fromHttp(status, message, {
        retryAfterMs: parseRetryAfter(headers.get('retry-after')),
      });
  }
}
