import type { CompanyAddress, CompanyProfile } from '../company/company.types';
import { hostOf, parseMoney } from '../company/company-input';
import type { ProviderResult } from '../core/enrichment-provider';
import { parseRetryAfter, ProviderError } from '../core/provider-error';
import { errorDetail } from '../http/vendor-fetch';

/*
 * Pure mapping of Bright Data's datasets v3 LinkedIn company records (dataset
 * gd_l1vikfnt1wgvvqz95w, VENDORS.md §6) to our CompanyProfile, and of its answers along the
 * trigger → progress → snapshot state machine (shared with the people profiles,
 * brightdata-person.mapper.ts). Field names follow the seed's use of the record
 * (employees_in_linkedin, specialties, founded, formatted_locations, updates).
 */

export interface TriggerResponse {
  snapshot_id?: string;
}

export interface ProgressResponse {
  snapshot_id?: string;
  dataset_id?: string;
  status?: string;
  error?: string;
  message?: string;
  error_codes?: Record<string, number>;
}

interface LinkedInUpdate {
  title?: string | null;
  text?: string | null;
  time?: string | null;
  date?: string | null;
  post_url?: string | null;
  post_id?: string | number | null;
  likes_count?: number | null;
  comments_count?: number | null;
}

interface LinkedInCompanyRecord {
  id?: string | null;
  company_id?: string | number | null;
  name?: string | null;
  about?: string | null;
  description?: string | null;
  slogan?: string | null;
  website?: string | null;
  industries?: string | string[] | null;
  specialties?: string | string[] | null;
  company_size?: string | null;
  employees_in_linkedin?: number | null;
  followers?: number | null;
  headquarters?: string | null;
  country_code?: string | null;
  founded?: number | string | null;
  organization_type?: string | null;
  formatted_locations?: string[] | null;
  locations?: Array<string | null> | null;
  logo?: string | null;
  image?: string | null;
  url?: string | null;
  crunchbase_url?: string | null;
  funding?: {
    last_round_type?: string | null;
    last_round_date?: string | null;
    last_round_raised?: string | null;
  } | null;
  updates?: LinkedInUpdate[] | null;
  input?: { url?: string } | null;
  error?: string | null;
  error_code?: string | null;
}

/** Statuses of a snapshot that is still being collected. */
const RUNNING = new Set(['starting', 'running', 'collecting', 'digesting', 'building', 'queued']);
const FAILED = new Set(['failed', 'error', 'cancelled', 'canceled']);

/** What the progress answer means for the poll loop. */
export function progressState(body: ProgressResponse): 'ready' | 'running' | 'failed' {
  const s = String(body?.status ?? '').toLowerCase();
  if (s === 'ready' || s === 'done') return 'ready';
  if (FAILED.has(s)) return 'failed';
  if (RUNNING.has(s)) return 'running';
  // An unknown status is treated as "not yet": the poll bound still ends the wait.
  return 'running';
}

/** A record or snapshot failure text that says the LinkedIn page does not exist. */
const DEAD_PAGE = /dead_page|not[_ ]found|does not exist|page unavailable|404/i;

/**
 * A failed snapshot. A dead LinkedIn page is a result (`found: false`): the company has no
 * public page at that URL. Anything else is TEMPORARY (Bright Data does not bill failed inputs; a
 * retry triggers a fresh collection).
 */
export function failedSnapshot(body: ProgressResponse, snapshotId: string): ProviderResult<never> {
  const why = [body?.error, body?.message, ...Object.keys(body?.error_codes ?? {})]
    .filter((x): x is string => typeof x === 'string' && !!x)
    .join('; ');
  if (DEAD_PAGE.test(why)) return { found: false, data: null, usage: { results: 0 } };
  throw new ProviderError(
    'TEMPORARY',
    `Bright Data snapshot ${snapshotId} ${String(body?.status ?? 'failed')}${why ? `: ${why}` : ''}`,
  );
}

export const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined;
export const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' ? Number(v.replace(/[,\s]/g, '')) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};
const list = (v: unknown): string[] | undefined => {
  const items = Array.isArray(v) ? v : typeof v === 'string' ? v.split(/\s*,\s*/) : [];
  const out = [...new Set(items.map(str).filter((s): s is string => !!s))];
  return out.length ? out : undefined;
};

export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const ORG_TYPES: Record<string, string> = {
  'privately held': 'private',
  'public company': 'public',
  nonprofit: 'nonprofit',
  'government agency': 'government',
  'educational institution': 'educational',
  educational: 'educational',
  partnership: 'partnership',
  'self-employed': 'self_employed',
  'self-owned': 'self_owned',
  'sole proprietorship': 'sole_proprietorship',
};

function companyType(v: unknown): string | undefined {
  const s = str(v)?.toLowerCase();
  if (!s) return undefined;
  return ORG_TYPES[s] ?? s.replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

/** "1,001-5,000 employees" → "1001-5000"; "10,001+ employees" → "10001+". */
function companySize(v: unknown): string | undefined {
  return str(v)
    ?.replace(/\s*employees?\s*$/i, '')
    .replace(/,/g, '')
    .trim();
}

function foundedYear(v: unknown): number | undefined {
  const m = str(v)?.match(/\b(1[6-9]\d\d|20\d\d)\b/);
  return m ? Number(m[1]) : undefined;
}

function headquarters(r: LinkedInCompanyRecord): CompanyAddress | undefined {
  const formatted = str(r.headquarters);
  const country = str(r.country_code)?.toUpperCase();
  if (!formatted && !country) return undefined;
  return compact<CompanyAddress>({ formatted, country });
}

function posts(updates: LinkedInUpdate[] | null | undefined): CompanyProfile['recent_posts'] {
  if (!Array.isArray(updates)) return undefined;
  const out = updates
    .filter((u) => u && (u.text || u.title || u.post_url))
    .map((u) =>
      compact({
        title: str(u.title),
        text: str(u.text),
        url: str(u.post_url),
        date: str(u.date) ?? str(u.time),
        id: str(u.post_id),
        likes_count: num(u.likes_count),
        comments_count: num(u.comments_count),
      }),
    );
  return out.length ? out : undefined;
}

/** One LinkedIn company record → CompanyProfile. */
export function mapCompanyRecord(r: LinkedInCompanyRecord, inputUrl: string): CompanyProfile {
  const website = str(r.website);
  const locations = (list(r.formatted_locations) ?? list(r.locations))?.map((formatted) => ({
    formatted,
  }));
  const raised = parseMoney(str(r.funding?.last_round_raised)?.replace(/^US\$/i, '$'));
  const round =
    r.funding && (r.funding.last_round_type || raised)
      ? compact({
          series: str(r.funding.last_round_type),
          amount: raised?.amount,
          currency: raised?.currency,
          date: str(r.funding.last_round_date)?.slice(0, 10),
        })
      : undefined;
  return compact<CompanyProfile>({
    name: str(r.name),
    domain: hostOf(website),
    website,
    linkedin_url: str(r.url) ?? inputUrl,
    crunchbase_url: str(r.crunchbase_url),
    logo_url: str(r.logo) ?? str(r.image),
    description: str(r.about) ?? str(r.description),
    slogan: str(r.slogan),
    industry: list(r.industries)?.join(', '),
    keywords: list(r.specialties),
    employee_count: num(r.employees_in_linkedin),
    company_size: companySize(r.company_size),
    founded_year: foundedYear(r.founded),
    company_type: companyType(r.organization_type),
    headquarters: headquarters(r),
    locations,
    funding_rounds: round ? [round] : undefined,
    funding_stage: str(r.funding?.last_round_type),
    linkedin_followers: num(r.followers),
    recent_posts: posts(r.updates),
    vendor_id: str(r.company_id) ?? str(r.id),
  });
}

/** What every record of a snapshot may carry: its page, and the error of a failed input. */
export interface SnapshotRecord {
  id?: string | null;
  name?: string | null;
  url?: string | null;
  error?: string | null;
  error_code?: string | null;
}

/**
 * The downloaded snapshot (`format=json`: an array of records) → result, with `map` for the
 * collected record. Error records (`include_errors=true`) carry `error`/`error_code`: a dead page is
 * `found: false`; a record that failed for another reason is TEMPORARY. Only successful records
 * are billed.
 */
export function snapshotResult<R extends SnapshotRecord, T>(
  body: unknown,
  inputUrl: string,
  map: (record: R, inputUrl: string) => T,
): ProviderResult<T> {
  const records: R[] = Array.isArray(body)
    ? body
    : body && typeof body === 'object'
      ? [body as R]
      : [];
  const ok = records.find((r) => r && !r.error && !r.error_code && (r.name || r.url || r.id));
  if (ok) {
    return {
      found: true,
      data: map(ok, inputUrl),
      usage: { results: 1 },
      sources: [str(ok.url) ?? inputUrl],
    };
  }
  const failed = records.find((r) => r && (r.error || r.error_code));
  if (failed && !DEAD_PAGE.test(`${failed.error_code ?? ''} ${failed.error ?? ''}`)) {
    throw new ProviderError(
      'TEMPORARY',
      `Bright Data could not collect ${inputUrl}: ${failed.error_code ?? 'error'} ${failed.error ?? ''}`.trim(),
    );
  }
  return { found: false, data: null, usage: { results: 0 } };
}

/** A company snapshot → result. */
export function mapSnapshot(body: unknown, inputUrl: string): ProviderResult<CompanyProfile> {
  return snapshotResult<LinkedInCompanyRecord, CompanyProfile>(body, inputUrl, mapCompanyRecord);
}

/** A non-2xx answer (JSON for 400 validation errors, plain text otherwise) → ProviderError. */
export function mapBrightDataError(
  status: number,
  headers: Headers,
  text: string,
  step: 'trigger' | 'progress' | 'download',
): ProviderError {
  const message = `Bright Data ${step} ${status}: ${errorDetail(text)}`;
  if (status === 401 || status === 403) {
    return new ProviderError(
      'AUTH',
      `${message} (check BRIGHTDATA_API_KEY and its permission on the dataset)`,
      { status },
    );
  }
  if (status === 404) {
    return new ProviderError(
      'NOT_FOUND',
      `${message} (${step === 'trigger' ? 'check BRIGHTDATA_DATASET_ID, BRIGHTDATA_PEOPLE_DATASET_ID and BRIGHTDATA_BASE_URL' : 'the snapshot no longer exists'})`,
      { status },
    );
  }
  return ProviderError.fromHttp(status, message, {
    retryAfterMs: parseRetryAfter(headers.get('retry-after')),
  });
}
