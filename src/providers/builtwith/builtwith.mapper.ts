import type { TechStack, Technology } from '../company/company.types';
import type { ProviderResult } from '../core/enrichment-provider';
import { parseRetryAfter, ProviderError } from '../core/provider-error';
import { errorDetail } from '../http/vendor-fetch';
import { companyInfo, qualityMetrics } from './builtwith-seed.mapper';
import type { BuiltWithResponse, BwCategory, BwPath, BwResultEntry } from './builtwith.types';

/*
 * Pure mapping of the BuiltWith Domain API (`/v22/api.json`, same shape as v21; VENDORS.md §7) to
 * our TechStack, plus the seed's `EnrichmentResult` (SEED-CONTRACTS A5) that existing clients read
 * as `tech_profile`. All BuiltWith dates are epoch milliseconds.
 */

const DAY_MS = 24 * 3600 * 1000;
/** The seed drops technologies not seen for more than a year. */
export const MAX_AGE_DAYS = 365;

const iso = (ms: number | null | undefined): string | undefined =>
  typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : undefined;
const yes = (v: unknown): boolean =>
  v === true || (typeof v === 'string' && /^(yes|true|1)$/i.test(v.trim()));
const round4 = (n: number) => Math.round(n * 1e4) / 1e4;

/** A technology merged over every path (root, subdomains, URLs) it was seen on. */
interface MergedTech {
  name: string;
  description?: string;
  link?: string;
  tag?: string;
  parent?: string;
  categories: string[];
  first?: number;
  last?: number;
  premium: boolean;
  live: boolean;
  paths: string[];
  subdomains: string[];
}

function categoryNames(c: BwCategory[] | null | undefined): string[] {
  const names = (c ?? [])
    .map((x) => (typeof x === 'string' ? x : x?.Name))
    .filter((x): x is string => typeof x === 'string' && x.trim() !== '')
    .map((x) => x.trim());
  return [...new Set(names)];
}

function pathLabel(p: BwPath, lookup: string): string {
  const host = [p.SubDomain?.trim(), (p.Domain ?? lookup).trim()].filter(Boolean).join('.');
  const url = p.Url?.trim().replace(/^\/+/, '');
  return url ? `${host}/${url}` : host;
}

/**
 * The seed's confidence score: 0.5, +0.3 if live, +0.2/0.15/0.1/0.05 when last detected within
 * 30/90/180/365 days, +0.02 per path (at most 0.1), +0.02 per category (at most 0.1), capped at 1.
 * "Live" is the vendor's flag when the response has one, else "seen in the latest crawl of its
 * path" (LastDetected within a day of the path's LastIndexed), which is what BuiltWith calls live.
 */
export function confidenceScore(
  t: { live: boolean; last?: number; paths: number; categories: number },
  now: number,
): number {
  let s = 0.5;
  if (t.live) s += 0.3;
  if (t.last !== undefined) {
    const days = Math.floor((now - t.last) / DAY_MS);
    if (days <= 30) s += 0.2;
    else if (days <= 90) s += 0.15;
    else if (days <= 180) s += 0.1;
    else if (days <= 365) s += 0.05;
  }
  s += Math.min(0.1, t.paths * 0.02);
  s += Math.min(0.1, t.categories * 0.02);
  return round4(Math.min(1, s));
}

function mergeTechnologies(entry: BwResultEntry, lookup: string, now: number): MergedTech[] {
  const byName = new Map<string, MergedTech>();
  for (const path of entry.Result?.Paths ?? []) {
    const label = pathLabel(path, lookup);
    const sub = path.SubDomain?.trim().toLowerCase() || undefined;
    for (const t of path.Technologies ?? []) {
      const name = t?.Name?.trim();
      if (!name) continue;
      const last = typeof t.LastDetected === 'number' ? t.LastDetected : undefined;
      if (last !== undefined && Math.floor((now - last) / DAY_MS) > MAX_AGE_DAYS) continue;
      const first = typeof t.FirstDetected === 'number' ? t.FirstDetected : undefined;
      const flag = t.Live ?? t.IsLive;
      const live =
        flag !== undefined && flag !== null
          ? yes(flag)
          : last !== undefined && typeof path.LastIndexed === 'number'
            ? last >= path.LastIndexed - DAY_MS
            : false;
      const key = name.toLowerCase();
      const m = byName.get(key);
      if (!m) {
        byName.set(key, {
          name,
          description: t.Description?.trim() || undefined,
          link: t.Link?.trim() || undefined,
          tag: t.Tag?.trim() || undefined,
          parent: t.Parent?.trim() || undefined,
          categories: categoryNames(t.Categories),
          first,
          last,
          premium: yes(t.IsPremium),
          live,
          paths: [label],
          subdomains: sub ? [sub] : [],
        });
        continue;
      }
      m.first = first === undefined ? m.first : Math.min(m.first ?? first, first);
      m.last = last === undefined ? m.last : Math.max(m.last ?? last, last);
      m.premium ||= yes(t.IsPremium);
      m.live ||= live;
      for (const c of categoryNames(t.Categories))
        if (!m.categories.includes(c)) m.categories.push(c);
      if (!m.paths.includes(label)) m.paths.push(label);
      if (sub && !m.subdomains.includes(sub)) m.subdomains.push(sub);
    }
  }
  return [...byName.values()];
}

/**
 * One looked-up domain → TechStack (technologies seen within the last year, with the seed's
 * confidence) and its seed-shaped `tech_profile`. `found` is false when BuiltWith has nothing
 * current for the domain.
 */
export function mapDomainResult(
  entry: BwResultEntry,
  lookup: string,
  now: Date,
): ProviderResult<TechStack> {
  const nowMs = now.getTime();
  const nowIso = now.toISOString();
  const merged = mergeTechnologies(entry, lookup, nowMs);

  const technologies: Technology[] = [];
  const details: Array<Record<string, unknown>> = [];
  const categories: Record<string, string[]> = {};
  const subdomains: Record<string, string[]> = {};
  const firstDetected: Record<string, string> = {};
  const lastDetected: Record<string, string> = {};
  const confidenceScores: Record<string, number> = {};
  const premium: string[] = [];
  const forMetrics: Parameters<typeof qualityMetrics>[0] = [];

  for (const m of merged) {
    const confidence = confidenceScore(
      { live: m.live, last: m.last, paths: m.paths.length, categories: m.categories.length },
      nowMs,
    );
    const first = iso(m.first);
    const last = iso(m.last);
    const key = m.name.toLowerCase();
    technologies.push({
      name: m.name,
      categories: m.categories,
      ...(first ? { first_detected: first } : {}),
      ...(last ? { last_detected: last } : {}),
      confidence,
      is_premium: m.premium,
      ...(m.link ? { link: m.link } : {}),
      ...(m.description ? { description: m.description } : {}),
      ...(m.tag ? { tag: m.tag } : {}),
    });
    details.push({
      name: m.name,
      ...(m.description ? { description: m.description } : {}),
      categories: m.categories,
      ...(m.tag ? { tag: m.tag } : {}),
      ...(m.link ? { link: m.link } : {}),
      ...(first ? { first_detected: first } : {}),
      ...(last ? { last_detected: last } : {}),
      is_premium: m.premium,
      confidence_score: confidence,
      ...(m.parent ? { parent_technology: m.parent } : {}),
      paths: m.paths,
      ...(m.subdomains[0] ? { subdomain: m.subdomains[0], subdomains: m.subdomains } : {}),
    });
    for (const c of m.categories) (categories[c] ??= []).push(m.name);
    for (const s of m.subdomains) (subdomains[s] ??= []).push(m.name);
    if (first) firstDetected[key] = first;
    if (last) lastDetected[key] = last;
    confidenceScores[key] = confidence;
    if (m.premium) premium.push(m.name);
    forMetrics.push({ confidence, categories: m.categories, premium: m.premium, first, last });
  }

  const company = companyInfo(entry.Meta);
  const domain = (entry.Lookup ?? lookup).toLowerCase();
  const profile = {
    categories,
    technologies: details,
    first_detected: firstDetected,
    last_detected: lastDetected,
    confidence_scores: confidenceScores,
    premium_technologies: premium,
    subdomains,
    meta: {
      domain,
      first_indexed: iso(entry.FirstIndexed) ?? null,
      last_indexed: iso(entry.LastIndexed) ?? null,
    },
    company_info: company,
  };
  const techProfile = {
    enrichment_type: 'technology_profile',
    source: 'builtwith',
    status: 'completed',
    completion_percentage: 100,
    processed_data: { profile, company_info: company, attributes: entry.Attributes ?? {} },
    quality_metrics: qualityMetrics(
      forMetrics,
      { categories: Object.keys(categories).length, subdomains: Object.keys(subdomains).length },
      nowIso,
    ),
    error: null,
    created_at: nowIso,
    updated_at: nowIso,
  };
  return {
    found: technologies.length > 0,
    data: { domain, technologies, categories, tech_profile: techProfile },
    // BuiltWith bills the lookup whether or not it knows the domain.
    usage: { results: 1 },
  };
}

/**
 * BuiltWith reports most failures in-band, with HTTP 200: `{Results: [], Errors: [{Message}]}`.
 * Messages are free text; they are classified by what they say. An unknown domain is a result
 * (`found: false`), not an error.
 */
export function classifyInBandError(message: string): ProviderError | 'not_found' {
  const m = `BuiltWith: ${message}`;
  // Order matters: "rate limit exceeded" is not a quota, "API key not found" is not a missing domain.
  if (/too many|rate.?limit|slow down|concurren/i.test(message)) {
    return new ProviderError('RATE_LIMITED', m);
  }
  if (/credit|quota|balance|out of|exceeded|limit reached|purchase|upgrade/i.test(message)) {
    return new ProviderError('QUOTA_EXHAUSTED', `${m} (BuiltWith API credits used up)`);
  }
  if (/\bkey\b|auth|unauthori[sz]ed|forbidden|permission|expired|account/i.test(message)) {
    return new ProviderError('AUTH', `${m} (check BUILTWITH_API_KEY)`);
  }
  if (
    /not (been )?found|no (data|results?|technolog)|not in (our )?(database|index)|unknown domain|nothing found/i.test(
      message,
    )
  ) {
    return 'not_found';
  }
  if (/invalid|malformed|lookup|domain|parameter|bad request/i.test(message)) {
    return new ProviderError('BAD_INPUT', m, { retryable: false });
  }
  return new ProviderError('UNKNOWN', m);
}

/** `X-API-CREDITS-*` headers, when BuiltWith sends them. */
export function creditsFrom(headers: Headers): TechStack['vendor_credits'] | undefined {
  const read = (h: string) => {
    const v = headers.get(h);
    const n = v === null || v.trim() === '' ? NaN : Number(v);
    return Number.isFinite(n) ? n : undefined;
  };
  const credits = {
    available: read('x-api-credits-available'),
    used: read('x-api-credits-used'),
    remaining: read('x-api-credits-remaining'),
  };
  const present = Object.fromEntries(Object.entries(credits).filter(([, v]) => v !== undefined));
  return Object.keys(present).length ? present : undefined;
}

/**
 * A whole answer (HTTP 200) → result. `secrets` are redacted from every message (the key travels
 * in the query string and BuiltWith may echo it).
 */
export function mapBuiltWithResponse(
  body: BuiltWithResponse,
  lookup: string,
  opts: { now: Date; headers: Headers; redact: (s: string) => string },
): ProviderResult<TechStack> {
  if (!body || typeof body !== 'object') {
    throw new ProviderError(
      'TEMPORARY',
      'BuiltWith answered an unexpected payload (not an object)',
    );
  }
  const entries = Array.isArray(body.Results) ? body.Results : [];
  const entry =
    entries.find((r) => r?.Lookup?.toLowerCase() === lookup) ?? entries.find((r) => !!r);
  const hasPaths = !!entry?.Result?.Paths?.length;
  const errors = Array.isArray(body.Errors) ? body.Errors.filter((e) => e) : [];
  if (errors.length && !hasPaths) {
    const message = opts.redact(
      errors.map((e) => e.Message?.trim() || `error code ${e.Code ?? '?'}`).join('; '),
    );
    const e = classifyInBandError(message);
    if (e === 'not_found') return { found: false, data: null, usage: { results: 0 } };
    throw e;
  }
  if (!entry) return { found: false, data: null, usage: { results: 0 } };
  const result = mapDomainResult(entry, lookup, opts.now);
  const credits = creditsFrom(opts.headers);
  if (credits && result.data) result.data.vendor_credits = credits;
  return result;
}

/** A non-2xx answer (often plain text) → ProviderError, with the key redacted. */
export function mapBuiltWithHttpError(
  status: number,
  headers: Headers,
  text: string,
  secrets: ReadonlyArray<string | undefined>,
): ProviderError {
  const message = `BuiltWith ${status}: ${errorDetail(text, secrets)}`;
  if (status === 401 || status === 403) {
    return new ProviderError('AUTH', `${message} (check BUILTWITH_API_KEY)`, { status });
  }
  if (status === 404) {
    return new ProviderError(
      'NOT_FOUND',
      `${message} (check BUILTWITH_BASE_URL and BUILTWITH_API_VERSION)`,
      { status },
    );
  }
  return ProviderError.fromHttp(status, message, {
    retryAfterMs: parseRetryAfter(headers.get('retry-after')),
  });
}
