import { RECENT_ROLE_MONTHS, monthsBetween, parsePartialDate } from './time-signals';

/** What the selection reads of one lead and its pre-evaluation. */
export interface SelectionCandidate {
  id: string;
  initial_score: number;
  enrichment_recommended: boolean;
  /** The model's confidence, 0–100. */
  confidence: number;
  seniority?: string;
  departments?: string[];
  functions?: string[];
  /** Start of the current role (`YYYY-MM-DD` or partial). */
  current_role_start?: string;
  years_of_relevant_experience?: number;
  /** high | medium | low */
  industry_alignment?: string;
}

export interface SelectionCompany {
  employee_count?: number;
  annual_revenue_usd?: number;
}

export interface SelectionRules {
  /** Below this initial score a lead is never enriched (seed: 50). */
  minInitialScore: number;
  /** The model's confidence needed to enrich on score alone (seed: 50). */
  minConfidence: number;
  /** At most this many leads are enriched (seed: 20). */
  maxLeads: number;
}

export const SEED_SELECTION_RULES: SelectionRules = {
  minInitialScore: 50,
  minConfidence: 50,
  maxLeads: 20,
};

/** The seed's score threshold by seniority (A6); other seniorities use the default. */
const SENIORITY_THRESHOLD: Record<string, number> = {
  c_suite: 50,
  vp: 55,
  head: 60,
  director: 65,
  manager: 70,
  senior: 80,
};
const DEFAULT_THRESHOLD = 65;

/** enterprise: > 1,000 employees or > $100M revenue; small: < 200 employees; else (or unknown) mid-market. */
export function companySizeFactor(company: SelectionCompany): number {
  const { employee_count: employees, annual_revenue_usd: revenue } = company;
  if ((employees ?? 0) > 1000 || (revenue ?? 0) > 100_000_000) return 0.9;
  if (employees !== undefined && employees < 200) return 1.1;
  return 1;
}

/** Words that stand for a department or function in a title ("engineering" ↔ "CTO"). */
const SYNONYMS: Record<string, string[]> = {
  engineering: ['engineer', 'engineering', 'developer', 'cto', 'devops', 'software', 'platform'],
  information: ['it', 'cio', 'infrastructure', 'systems'],
  technology: ['technology', 'technical', 'cto', 'it'],
  sales: ['sales', 'revenue', 'cro', 'account', 'business development', 'bdr', 'sdr'],
  marketing: ['marketing', 'cmo', 'growth', 'brand', 'demand'],
  finance: ['finance', 'cfo', 'financial', 'controller', 'accounting'],
  operations: ['operations', 'coo', 'ops'],
  human: ['hr', 'people', 'talent', 'recruiting', 'chro'],
  resources: ['hr', 'people', 'talent'],
  product: ['product', 'cpo'],
  design: ['design', 'ux', 'ui'],
  support: ['support', 'customer success', 'service'],
  legal: ['legal', 'counsel', 'compliance'],
  data: ['data', 'analytics', 'bi'],
  security: ['security', 'ciso'],
  executive: ['ceo', 'chief', 'founder', 'president'],
};

const IGNORED = new Set(['master', 'and', 'the', 'of', 'c', 'suite', 'other']);

/** The title words a department or function like `master_engineering_technical` stands for. */
function termsOf(label: string): string[] {
  const words = label
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((w) => w && !IGNORED.has(w));
  return [...new Set(words.flatMap((w) => SYNONYMS[w] ?? (w.length >= 3 ? [w] : [])))];
}

/**
 * Whether any of the lead's departments (or functions) matches a persona title. The seed expected
 * personas shaped `{departments, functions}` and never matched its own string titles; here each
 * label is read as words and synonyms and looked for in the titles.
 */
export function matchesPersonaTitles(labels: string[] | undefined, titles: string[]): boolean {
  if (!labels?.length || !titles.length) return false;
  const text = ` ${titles
    .join(' | ')
    .toLowerCase()
    .replace(/[^a-z|]+/g, ' ')} `;
  return labels.some((label) => termsOf(label).some((term) => text.includes(` ${term} `)));
}

/** The score a lead needs (without an LLM recommendation) to be enriched. */
export function enrichmentThreshold(
  lead: SelectionCandidate,
  company: SelectionCompany,
  personaTitles: string[],
  now: Date,
): number {
  let threshold = SENIORITY_THRESHOLD[lead.seniority ?? ''] ?? DEFAULT_THRESHOLD;
  threshold *= companySizeFactor(company);
  const start = parsePartialDate(lead.current_role_start);
  if (start) {
    const months = monthsBetween(start, now);
    if (months >= 0 && months <= RECENT_ROLE_MONTHS) threshold *= 0.85;
  }
  if (matchesPersonaTitles(lead.departments, personaTitles)) threshold *= 0.9;
  if (matchesPersonaTitles(lead.functions, personaTitles)) threshold *= 0.9;
  const alignment = lead.industry_alignment?.toLowerCase();
  if (
    (lead.years_of_relevant_experience ?? 0) >= 5 &&
    (alignment === 'high' || alignment === 'medium')
  )
    threshold *= 0.9;
  return threshold;
}

/**
 * The seed's enrichment selection (A6): leads under the minimum initial score are dropped; a lead
 * is enriched when the model recommended it, or when its score reaches its threshold with enough
 * confidence; at most `maxLeads`, highest initial score first (ties: input order).
 */
export function selectForEnrichment(
  leads: SelectionCandidate[],
  company: SelectionCompany,
  personaTitles: string[],
  now: Date,
  rules: SelectionRules = SEED_SELECTION_RULES,
): string[] {
  return leads
    .map((lead, index) => ({ lead, index }))
    .filter(({ lead }) => lead.initial_score >= rules.minInitialScore)
    .filter(
      ({ lead }) =>
        lead.enrichment_recommended ||
        (lead.initial_score >= enrichmentThreshold(lead, company, personaTitles, now) &&
          lead.confidence >= rules.minConfidence),
    )
    .sort((a, b) => b.lead.initial_score - a.lead.initial_score || a.index - b.index)
    .slice(0, rules.maxLeads)
    .map(({ lead }) => lead.id);
}
