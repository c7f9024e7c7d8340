import type { BwMeta } from './builtwith.types';

/*
 * The parts of the seed's BuiltWith `EnrichmentResult` (SEED-CONTRACTS A5) that are not the
 * technologies themselves: company info from `Meta` and the quality metrics, as the seed computed
 * them (services/builtwith_service.py).
 */

const round4 = (n: number) => Math.round(n * 1e4) / 1e4;

/** `Meta` → the seed's `company_info` (nulls where BuiltWith knows nothing). */
export function companyInfo(meta: BwMeta | null | undefined): Record<string, unknown> {
  if (!meta) return {};
  return {
    name: meta.CompanyName ?? null,
    emails: meta.Emails ?? null,
    phones: meta.Telephones ?? null,
    location: {
      city: meta.City ?? null,
      state: meta.State ?? null,
      postal_code: meta.Postcode ?? null,
      country: meta.Country ?? null,
    },
    social_profiles: meta.Social ?? null,
    contacts: (meta.Names ?? [])
      .filter((n) => n?.Name)
      .map((n) => ({ name: n.Name, type: n.Type ?? null, email: n.Email ?? null })),
    rankings: { alexa: meta.ARank ?? null, quantcast: meta.QRank ?? null },
    vertical: meta.Vertical ?? null,
  };
}

/** The seed's quality metrics of a technology profile (coverage 40/30/20/10 and the rating). */
export function qualityMetrics(
  techs: Array<{
    confidence: number;
    categories: string[];
    premium: boolean;
    first?: string;
    last?: string;
  }>,
  counts: { categories: number; subdomains: number },
  nowIso: string,
): Record<string, unknown> {
  const n = techs.length;
  const premium = techs.filter((t) => t.premium).length;
  const average = n ? techs.reduce((a, t) => a + t.confidence, 0) / n : 0;
  const firsts = techs
    .map((t) => t.first)
    .filter((d): d is string => !!d)
    .sort();
  const lasts = techs
    .map((t) => t.last)
    .filter((d): d is string => !!d)
    .sort();
  let coverage = 0;
  coverage += n >= 15 ? 0.4 : n >= 8 ? 0.3 : n >= 3 ? 0.2 : 0;
  coverage += average >= 0.8 ? 0.3 : average >= 0.6 ? 0.2 : average >= 0.4 ? 0.1 : 0;
  const ratio = counts.categories / Math.max(n, 1);
  coverage += ratio >= 0.5 ? 0.2 : ratio >= 0.3 ? 0.1 : 0;
  if (premium > 0) coverage += 0.1;
  coverage = round4(coverage);
  return {
    technology_count: n,
    category_count: counts.categories,
    premium_count: premium,
    subdomain_count: counts.subdomains,
    average_confidence: round4(average),
    detection_quality:
      n === 0 ? 'insufficient_data' : coverage >= 0.7 ? 'high' : coverage >= 0.4 ? 'medium' : 'low',
    earliest_detection: firsts[0] ?? null,
    latest_detection: lasts.at(-1) ?? null,
    coverage_score: coverage,
    timestamp: nowIso,
  };
}
