import type { CompanyAddress, FundingRound } from '../../../providers/company/company.types';
import type { Sourced } from '../../../providers/core/provenance';
import { formatAddress } from './addresses';
import { chosenValue, chosenValues, type MergedProfile } from './profile-merge';

export interface RecentEvent {
  title: string;
  description: string | null;
  date: string | null;
  source: string | null;
}

/**
 * `processed_data` of an `account_enhancement` callback, as the seed sent it and existing clients
 * store it (SEED-CONTRACTS A5, AccountEnhancement): same keys, same types; absent values are
 * null, empty lists or `{}` as the seed sent them.
 */
export interface AccountEnhancementProcessedData {
  company_name: string | null;
  employee_count: number | null;
  industry: string | null;
  location: string | null;
  website: string | null;
  linkedin_url: string | null;
  technologies: string[];
  funding_details: Record<string, unknown>;
  company_type: string | null;
  founded_year: number | null;
  customers: string[];
  competitors: string[];
  tech_profile: Record<string, unknown>;
  recent_events: RecentEvent[];
  analysis_summary: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
const int = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : null;
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Names, de-duplicated case-insensitively, first spelling kept. */
function uniqueNames(names: Array<string | null>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const n of names) {
    const key = n?.trim().toLowerCase();
    if (!n || !key || seen.has(key)) continue;
    seen.add(key);
    out.push(n.trim());
  }
  return out;
}

const nameOf = (v: unknown): string | null => (typeof v === 'string' ? str(v) : str(obj(v).name));

/**
 * Customers and competitors as the seed ordered them: what web-search intelligence (LLM) found
 * first, then the other sources.
 */
function intelFirst(values: Sourced<unknown>[]): string[] {
  const llm = values.filter((v) => v.method === 'llm');
  const rest = values.filter((v) => v.method !== 'llm');
  return uniqueNames([...llm, ...rest].map((v) => nameOf(v.value)));
}

/** The seed's formatted HQ: "City, State, Country" (or the one-line address). */
export function formatLocation(a: CompanyAddress | string | null): string | null {
  if (!a) return null;
  if (typeof a === 'string') return str(a);
  const short = [a.city, a.state, a.country].filter(Boolean).join(', ');
  return short || str(a.formatted) || str(formatAddress(a));
}

/** The seed's PrivateFundingDetails from a vendor's total and rounds, when there is no dump. */
function fundingDetails(profile: MergedProfile): Record<string, unknown> {
  const dump = obj(chosenValue(profile, 'funding_details'));
  if (Object.keys(dump).length) return dump;
  const total = int(chosenValue(profile, 'total_funding_usd'));
  const rounds = chosenValues<FundingRound>(profile, 'funding_rounds').map(({ value: r }) => ({
    series: r.series ?? null,
    amount: r.amount ?? null,
    currency: r.currency ?? 'USD',
    date: r.date ?? null,
    lead_investors: [],
    other_investors: r.investors ?? [],
    valuation: null,
  }));
  if (total == null && !rounds.length) return {};
  return {
    ...(total != null
      ? { total_funding: { amount: total, currency: 'USD', as_of_date: null } }
      : {}),
    funding_rounds: rounds,
  };
}

function industry(profile: MergedProfile): string | null {
  const declared = str(chosenValue(profile, 'industry'));
  if (declared) return declared;
  const keywords = uniqueNames(
    [...chosenValues(profile, 'industry_keywords'), ...chosenValues(profile, 'keywords')].map((k) =>
      nameOf(k.value),
    ),
  );
  return keywords.length ? keywords.slice(0, 3).join(', ') : null;
}

function website(profile: MergedProfile): string | null {
  const site = str(chosenValue(profile, 'website'));
  if (site) return site;
  const domain = str(chosenValue(profile, 'domain'));
  return domain ? `https://${domain}` : null;
}

function recentEvents(profile: MergedProfile): RecentEvent[] {
  return chosenValues(profile, 'recent_events').flatMap(({ value, source }) => {
    const e = obj(value);
    const title = str(e.title);
    if (!title) return [];
    return [
      {
        title,
        description: str(e.description),
        date: str(e.date),
        source: str(e.source) ?? str(e.url) ?? source,
      },
    ];
  });
}

/**
 * The merged profile as the seed's AccountEnhancement `processed_data`, so clients that read
 * the seed's callbacks keep working. Provenance stays in the profile; this is the flat view.
 */
export function toProcessedData(profile: MergedProfile): AccountEnhancementProcessedData {
  return {
    company_name: str(chosenValue(profile, 'name')) ?? str(chosenValue(profile, 'legal_name')),
    employee_count: int(chosenValue(profile, 'employee_count')),
    industry: industry(profile),
    location: formatLocation(chosenValue<CompanyAddress | string>(profile, 'headquarters')),
    website: website(profile),
    linkedin_url: str(chosenValue(profile, 'linkedin_url')),
    technologies: uniqueNames(chosenValues(profile, 'technologies').map((t) => nameOf(t.value))),
    funding_details: fundingDetails(profile),
    company_type: str(chosenValue(profile, 'company_type')),
    founded_year: int(chosenValue(profile, 'founded_year')),
    customers: intelFirst(chosenValues(profile, 'customers')),
    competitors: intelFirst(chosenValues(profile, 'competitors')),
    tech_profile: obj(chosenValue(profile, 'tech_profile')),
    recent_events: recentEvents(profile),
    analysis_summary: str(chosenValue(profile, 'analysis_summary')),
  };
}
