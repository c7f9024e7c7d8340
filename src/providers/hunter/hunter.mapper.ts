import type { ProviderResult } from '../core/enrichment-provider';
import type { EmailFindResult, EmailSource, FoundEmail } from '../email/email.types';
import { verifyStatus } from './hunter-verify.mapper';

/** What Hunter sends (VENDORS.md §2); these types never leave this folder. */
export interface HunterSource {
  domain?: string | null;
  uri?: string | null;
  extracted_on?: string | null;
  last_seen_on?: string | null;
  still_on_page?: boolean | null;
}

/** `verification` of a found email: both leaves null when there is no fresh (< 1 month) one. */
export interface HunterFoundVerification {
  date?: string | null;
  status?: string | null;
}

interface HunterDomainEmail {
  value?: string | null;
  type?: string | null;
  confidence?: number | null;
  sources?: HunterSource[] | null;
  first_name?: string | null;
  last_name?: string | null;
  position?: string | null;
  seniority?: string | null;
  department?: string | null;
  linkedin?: string | null;
  twitter?: string | null;
  phone_number?: string | null;
  verification?: HunterFoundVerification | null;
}

export interface HunterDomainSearchResponse {
  data?: {
    domain?: string | null;
    disposable?: boolean | null;
    webmail?: boolean | null;
    accept_all?: boolean | null;
    pattern?: string | null;
    organization?: string | null;
    emails?: HunterDomainEmail[] | null;
  } | null;
  meta?: { results?: number | null; limit?: number | null; offset?: number | null } | null;
}

export interface HunterFinderResponse {
  data?: {
    first_name?: string | null;
    last_name?: string | null;
    email?: string | null;
    score?: number | null;
    domain?: string | null;
    accept_all?: boolean | null;
    position?: string | null;
    twitter?: string | null;
    linkedin_url?: string | null;
    phone_number?: string | null;
    company?: string | null;
    sources?: HunterSource[] | null;
    verification?: HunterFoundVerification | null;
  } | null;
}

interface HunterBucket {
  used?: number | null;
  available?: number | null;
}

export interface HunterAccountResponse {
  data?: {
    plan_name?: string | null;
    plan_level?: number | null;
    reset_date?: string | null;
    requests?: Record<string, HunterBucket | null | undefined> | null;
    calls?: HunterBucket | null;
  } | null;
}

/** One quota bucket of the account: what was used this period and what the plan allows. */
export interface HunterQuotaBucket {
  used: number | null;
  available: number | null;
  /** `available - used`, never below 0; null when either is unknown. */
  left: number | null;
}

/**
 * Output of operation `account` (`GET /account`, free): the plan and its quota buckets
 * (`searches` for email.find, `verifications` for email.verify; other buckets of newer
 * unified-credit plans kept under their own names), for quota visibility.
 */
export interface HunterAccountQuota {
  plan_name: string | null;
  plan_level: number | null;
  /** When the monthly quota resets (YYYY-MM-DD). */
  reset_date: string | null;
  buckets: Record<string, HunterQuotaBucket>;
}

/** Hunter counts 1 search credit per 1–10 emails a domain search returns; none when empty. */
export const HUNTER_EMAILS_PER_SEARCH_CREDIT = 10;

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

/** Drops undefined fields, so answers compare and store cleanly. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function sources(list: HunterSource[] | null | undefined): EmailSource[] | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.map((s) =>
    compact({
      uri: str(s?.uri),
      domain: str(s?.domain),
      extracted_on: str(s?.extracted_on),
      last_seen_on: str(s?.last_seen_on),
      still_on_page: bool(s?.still_on_page),
    }),
  );
}

/** Hunter's own verification of a found email, in our statuses; none when it has no fresh one. */
function verification(v: HunterFoundVerification | null | undefined): FoundEmail['verification'] {
  const status = str(v?.status);
  if (!status) return undefined;
  return { status: verifyStatus(status), date: str(v?.date) ?? null };
}

const emailType = (t: unknown): FoundEmail['type'] =>
  t === 'personal' || t === 'generic' ? t : undefined;

/** `GET /domain-search`: always answers its page (empty or not) with the domain's pattern. */
export function mapDomainSearch(
  body: HunterDomainSearchResponse,
  domainAsked: string | undefined,
): ProviderResult<EmailFindResult> {
  const d = body?.data ?? {};
  const emails: FoundEmail[] = (Array.isArray(d.emails) ? d.emails : [])
    .filter((e) => str(e?.value))
    .map((e) =>
      compact({
        email: str(e.value)!.toLowerCase(),
        type: emailType(e.type),
        confidence: num(e.confidence),
        first_name: str(e.first_name),
        last_name: str(e.last_name),
        position: str(e.position),
        seniority: str(e.seniority),
        department: str(e.department),
        linkedin_url: str(e.linkedin),
        twitter: str(e.twitter),
        phone_number: str(e.phone_number),
        sources: sources(e.sources),
        verification: verification(e.verification),
      }),
    );
  const data: EmailFindResult = compact({
    domain: str(d.domain) ?? domainAsked,
    organization: str(d.organization),
    pattern: str(d.pattern) ?? null,
    accept_all: bool(d.accept_all) ?? null,
    disposable: bool(d.disposable),
    webmail: bool(d.webmail),
    emails,
    total: num(body?.meta?.results) ?? emails.length,
  });
  const credits = Math.ceil(emails.length / HUNTER_EMAILS_PER_SEARCH_CREDIT);
  return { found: emails.length > 0, data, usage: { results: credits } };
}

/**
 * `GET /email-finder`: one person's address. Not found is `email: null` (with `score` null and
 * `accept_all` null): `found: false`, free.
 */
export function mapFinder(body: HunterFinderResponse): ProviderResult<EmailFindResult> {
  const d = body?.data;
  const email = str(d?.email);
  if (!d || !email) return { found: false, data: null, usage: { results: 0 } };
  const found: FoundEmail = compact({
    email: email.toLowerCase(),
    confidence: num(d.score),
    first_name: str(d.first_name),
    last_name: str(d.last_name),
    position: str(d.position),
    linkedin_url: str(d.linkedin_url),
    twitter: str(d.twitter),
    phone_number: str(d.phone_number),
    sources: sources(d.sources),
    verification: verification(d.verification),
  });
  return {
    found: true,
    data: compact({
      domain: str(d.domain) ?? email.split('@')[1]?.toLowerCase(),
      organization: str(d.company),
      accept_all: bool(d.accept_all) ?? null,
      emails: [found],
      total: 1,
    }),
    usage: { results: 1 },
  };
}

function bucket(b: HunterBucket | null | undefined): HunterQuotaBucket {
  const used = num(b?.used) ?? null;
  const available = num(b?.available) ?? null;
  return {
    used,
    available,
    left: used === null || available === null ? null : Math.max(0, available - used),
  };
}

/** `GET /account` (free): the plan and every quota bucket (`calls` is Hunter's deprecated sum). */
export function mapAccount(body: HunterAccountResponse): ProviderResult<HunterAccountQuota> {
  const d = body?.data;
  if (!d) return { found: false, data: null, usage: { results: 0 } };
  const buckets: Record<string, HunterQuotaBucket> = {};
  for (const [name, b] of Object.entries(d.requests ?? {})) {
    if (b && typeof b === 'object') buckets[name] = bucket(b);
  }
  if (Object.keys(buckets).length === 0 && d.calls) buckets.calls = bucket(d.calls);
  return {
    found: true,
    data: {
      plan_name: str(d.plan_name) ?? null,
      plan_level: num(d.plan_level) ?? null,
      reset_date: str(d.reset_date) ?? null,
      buckets,
    },
    usage: { results: 0 },
  };
}
