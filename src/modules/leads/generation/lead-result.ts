import type {
  PersonEducation,
  PersonEmployment,
  PersonProfile,
} from '../../../providers/person/person.types';
import { ScoreDistribution, scoreDistribution } from '../scoring/score-distribution';
import type { StoredEvaluation } from '../storage/lead-evaluation.entity';
import type { FieldProvenance } from '../storage/lead.entity';
import type { Candidate } from './lead-candidates';

/** ProcessingMetrics of the seed (A2.2). */
export interface ProcessingMetrics {
  total_leads_processed: number;
  successful_leads: number;
  failed_leads: number;
  /** Seconds. */
  processing_time: number;
  api_errors: number;
  ai_errors: number;
  enriched_leads: number;
  enrichment_errors: number;
}

/** `processed_data` of a lead generation task: what the final callback(s) carry. */
export interface LeadGenerationResult {
  score_distribution: ScoreDistribution;
  structured_leads: EnrichedLead[];
  all_leads: EvaluatedLead[];
  qualified_leads: EvaluatedLead[];
  metrics: ProcessingMetrics;
}

export type EnrichedLead = Record<string, unknown> & { id: string };

export interface EvaluatedLead {
  id: string;
  fit_score: number;
  rationale: string;
  matching_signals: string[];
  persona_match: 'buyer' | 'influencer' | 'end_user' | null;
  internal_analysis: string;
  overall_analysis: string;
  recommended_approach: string | null;
  key_insights: string[];
  time_signals: string[];
  /** `llm`, or `rules` when no LLM scored it. */
  method: 'llm' | 'rules';
  llm_error?: string;
}

/** `YYYY-MM-DD` from `YYYY-MM-DD`, `YYYY-MM` or `YYYY` (the seed's date strings). */
const fullDate = (d: string | undefined): string | null => {
  if (!d) return null;
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(d);
  return m ? `${m[1]}-${m[2] ?? '01'}-${m[3] ?? '01'}` : null;
};

/** ProxyCurl's `{day, month, year}` from a partial ISO date. */
const dayMonthYear = (d: string | undefined) => {
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(d ?? '');
  return m
    ? { day: m[3] ? Number(m[3]) : null, month: m[2] ? Number(m[2]) : null, year: Number(m[1]) }
    : null;
};

const role = (e: PersonEmployment) => ({
  title: e.title ?? null,
  organization_name: e.organization_name ?? null,
  description: e.description ?? null,
  start_date: fullDate(e.start_date),
  end_date: fullDate(e.end_date),
  location: e.location ?? null,
  apollo_organization_id: e.organization_id ?? null,
  company_linkedin_profile_url: e.organization_linkedin_url ?? null,
  logo_url: e.organization_logo_url ?? null,
});

const education = (e: PersonEducation) => ({
  school: e.school ?? null,
  degree_name: e.degree ?? null,
  field_of_study: e.field_of_study ?? null,
  starts_at: dayMonthYear(e.start_date),
  ends_at: dayMonthYear(e.end_date),
  school_linkedin_profile_url: e.school_linkedin_url ?? null,
});

/**
 * The seed's EnrichedLead (the `structured_leads` item, SEED-CONTRACTS A5) from a candidate, plus
 * `assay_lead_id` (the stored lead) and `provenance` (per field: source, method, time, confidence,
 * cost). `organization.facebook_url` is the organization's Facebook page (the seed put the logo
 * URL there).
 */
export function toEnrichedLead(
  c: Candidate,
  opts: { leadUuid: string | null; enrichedBy: string[]; enrichedAt: string | null },
): EnrichedLead {
  const p: PersonProfile = c.person;
  const jobs = p.employments ?? [];
  const current =
    jobs.find((e) => e.current !== false && !e.end_date) ??
    (p.title ? { title: p.title, organization_name: p.organization?.name } : undefined);
  const others = jobs.filter((e) => e !== current);
  const org = p.organization;
  return {
    id: c.id,
    assay_lead_id: opts.leadUuid,
    linkedin_url: p.linkedin_url ?? null,
    first_name: p.first_name ?? null,
    last_name: p.last_name ?? null,
    name: p.name ?? ([p.first_name, p.last_name].filter(Boolean).join(' ') || null),
    headline: p.headline ?? null,
    about: p.about ?? null,
    current_employment: current
      ? {
          ...role(current),
          title: current.title ?? p.title ?? null,
          seniority: p.seniority ?? null,
          departments: p.departments ?? [],
          subdepartments: p.subdepartments ?? [],
          functions: p.functions ?? [],
          apollo_organization_id: current.organization_id ?? org?.vendor_id ?? null,
        }
      : null,
    other_employments: others.map((e) => ({ ...role(e), current: e.current ?? false })),
    organization: org
      ? {
          name: org.name ?? null,
          website_url: org.website ?? null,
          linkedin_url: org.linkedin_url ?? null,
          founded_year: org.founded_year ?? null,
          primary_domain: org.domain ?? null,
          twitter_url: org.twitter_url ?? null,
          facebook_url: org.facebook_url ?? null,
          logo_url: org.logo_url ?? null,
          alexa_ranking: null,
          apollo_organization_id: org.vendor_id ?? null,
          linkedin_uid: org.linkedin_uid ?? null,
        }
      : null,
    contact_info: {
      email: p.email ?? null,
      email_status: p.email_status ?? null,
      extrapolated_email_confidence: p.extrapolated_email_confidence ?? null,
      phone_numbers: (p.phone_numbers ?? []).map((n) => n.number),
    },
    location: p.location
      ? {
          city: p.location.city ?? null,
          state: p.location.state ?? null,
          country: p.location.country_code ?? p.location.country ?? null,
          country_full_name: p.location.country ?? null,
        }
      : null,
    photo_url: p.photo_url ?? null,
    social_profiles: {
      linkedin_url: p.linkedin_url ?? null,
      twitter_url: p.twitter_url ?? null,
      facebook_url: p.facebook_url ?? null,
      github_url: p.github_url ?? null,
    },
    social_metrics: {
      connections: p.connections ?? null,
      follower_count: p.follower_count ?? null,
    },
    education: (p.education ?? []).map(education),
    projects: [],
    publications: [],
    groups: [],
    certifications: (p.certifications ?? []).map((name) => ({ name })),
    honor_awards: [],
    volunteer_work: [],
    recommendations: [],
    enrichment_info: {
      last_enriched_at: opts.enrichedAt ? opts.enrichedAt.slice(0, 10) : null,
      enrichment_sources: [...new Set([c.vendor, ...opts.enrichedBy].filter(Boolean))],
      data_quality: { has_detailed_employment: jobs.some((e) => !!e.start_date) },
    },
    provenance: c.provenance satisfies Record<string, FieldProvenance>,
  };
}

/** The seed's EvaluatedLead (`all_leads` item) plus what Django reads and Assay adds. */
export function toEvaluatedLead(id: string, e: StoredEvaluation): EvaluatedLead {
  return {
    id,
    fit_score: e.fit_score,
    // Never the seed's `[null]`: a rationale is always a string.
    rationale: e.rationale || 'No Signals found',
    matching_signals: e.matching_signals,
    persona_match: e.persona_match,
    internal_analysis: e.internal_analysis ?? '',
    overall_analysis: e.rationale || 'No Signals found',
    recommended_approach: e.recommended_approach ?? null,
    key_insights: e.key_insights ?? [],
    time_signals: e.time_signals,
    method: e.method,
    ...(e.llm_error ? { llm_error: e.llm_error } : {}),
  };
}

/**
 * The result: leads ordered by fit score (highest first, then id), `qualified_leads` those at or
 * above the threshold (the seed always sent `[]`), the score distribution and the metrics.
 */
export function buildResult(
  structured: EnrichedLead[],
  evaluated: EvaluatedLead[],
  qualifiedMin: number,
  metrics: ProcessingMetrics,
): LeadGenerationResult {
  const order = [...evaluated].sort((a, b) => b.fit_score - a.fit_score || (a.id < b.id ? -1 : 1));
  const rank = new Map(order.map((e, i) => [e.id, i]));
  return {
    score_distribution: scoreDistribution(
      order.map((e) => e.fit_score),
      qualifiedMin,
    ),
    structured_leads: [...structured].sort(
      (a, b) => (rank.get(a.id) ?? Infinity) - (rank.get(b.id) ?? Infinity),
    ),
    all_leads: order,
    qualified_leads: order.filter((e) => e.fit_score >= qualifiedMin),
    metrics,
  };
}

/** The seed's job summary on success (A2.2), from the stored result. */
export function leadSummary(
  result: unknown,
  task: { id: string; externalId: string | null; accountId: string | null },
): unknown {
  const r = result as Partial<LeadGenerationResult>;
  if (!r || !Array.isArray(r.all_leads)) return undefined;
  return {
    status: 'completed',
    job_id: task.externalId ?? task.id,
    account_id: task.accountId,
    total_leads_found: r.all_leads.length,
    qualified_leads: r.qualified_leads?.length ?? 0,
    score_distribution: r.score_distribution,
    metrics: r.metrics,
  };
}
