import type { ProvenanceMethod, Sourced } from '../../../providers/core/provenance';
import { fieldSpec, type FieldSpec } from './field-specs';
import { comparisonKey } from './value-keys';

/**
 * Precedence tiers, best first in the default rule. `scrape-structured` is markup the site
 * declares about itself (JSON-LD, microdata, RDFa: `Sourced.detail`), `scrape` every other scrape
 * (OpenGraph, meta, links, text, fingerprints).
 */
export type PrecedenceTier = 'api' | 'scrape-structured' | 'llm' | 'scrape' | 'inferred';

export interface MergeRule {
  /** Tiers, best first. A method not listed ranks below all of them. */
  precedence: PrecedenceTier[];
  /** `Sourced.detail` values that make a scraped value `scrape-structured`. */
  structuredDetails: string[];
  /** Per-field overrides of how values merge (list or single) and compare. */
  fields?: Readonly<Record<string, Partial<FieldSpec>>>;
}

/**
 * The documented conflict rule. Between candidates of a field:
 * 1. precedence: vendor API > the site's JSON-LD / microdata / RDFa > LLM > other scraping
 *    (OpenGraph, meta, links, text, fingerprints) > inferred;
 * 2. then the higher `confidence`;
 * 3. then the newer `retrieved_at`;
 * 4. then the order the candidates were given in.
 * Values are compared after normalisation (case, whitespace, legal forms of names, URL forms,
 * domains, phone digits), so "Acme, Inc." and "ACME" agree. Nothing is dropped: every candidate
 * is kept, and a single-valued field whose candidates disagree is listed in `conflicts`.
 */
export const DEFAULT_MERGE_RULE: MergeRule = {
  precedence: ['api', 'scrape-structured', 'llm', 'scrape', 'inferred'],
  structuredDetails: ['json-ld', 'microdata', 'rdfa'],
};

export interface MergedField<T> {
  kind: 'single';
  /** The chosen candidate; its `evidence` also lists the sources of candidates that agree. */
  value: Sourced<T> | null;
  /** Every candidate seen, best first (the chosen one included). */
  candidates: Sourced<T>[];
}

export interface MergedList<T> {
  kind: 'list';
  /** One candidate per distinct value, best first. */
  values: Sourced<T>[];
  /** Every candidate seen, best first. */
  candidates: Sourced<T>[];
}

export type MergedEntry = MergedField<unknown> | MergedList<unknown>;

export interface CandidateSummary {
  value: unknown;
  source: string;
  method: ProvenanceMethod;
  detail?: string;
  confidence: number;
  retrieved_at: string;
}

export interface MergeConflict {
  field: string;
  chosen: CandidateSummary;
  /** The best candidate of each value that lost. */
  others: CandidateSummary[];
  /** Which step of the rule decided between the chosen value and the best other one. */
  decided_by: 'precedence' | 'confidence' | 'recency' | 'order';
}

export interface MergedProfile {
  fields: Record<string, MergedEntry>;
  conflicts: MergeConflict[];
}

export type CandidateMap = { readonly [field: string]: readonly Sourced<unknown>[] | undefined };

/** Candidates of several origins (site facts, vendors, LLM) in one map, field by field. */
export function combineCandidates(...maps: CandidateMap[]): Record<string, Sourced<unknown>[]> {
  const out: Record<string, Sourced<unknown>[]> = {};
  for (const map of maps) {
    for (const [field, list] of Object.entries(map)) {
      if (list?.length) out[field] = [...(out[field] ?? []), ...list];
    }
  }
  return out;
}

export function tierOf(c: Sourced<unknown>, rule: MergeRule): number {
  const tier: PrecedenceTier | ProvenanceMethod =
    c.method === 'scrape' && c.detail && rule.structuredDetails.includes(c.detail)
      ? 'scrape-structured'
      : c.method;
  const i = rule.precedence.indexOf(tier as PrecedenceTier);
  return i < 0 ? rule.precedence.length : i;
}

const time = (c: Sourced<unknown>): number => {
  const t = Date.parse(c.retrieved_at);
  return Number.isFinite(t) ? t : 0;
};

/** Which rule step orders a before b (0 = none: they tie and input order decides). */
function decide(
  a: Sourced<unknown>,
  b: Sourced<unknown>,
  rule: MergeRule,
): [number, MergeConflict['decided_by']] {
  const byTier = tierOf(a, rule) - tierOf(b, rule);
  if (byTier) return [byTier, 'precedence'];
  const byConfidence = b.confidence - a.confidence;
  if (byConfidence) return [byConfidence, 'confidence'];
  const byTime = time(b) - time(a);
  if (byTime) return [byTime, 'recency'];
  return [0, 'order'];
}

function isEmpty(v: unknown): boolean {
  if (v == null) return true;
  if (typeof v === 'string') return !v.trim();
  if (typeof v === 'number') return !Number.isFinite(v);
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

const summary = (c: Sourced<unknown>): CandidateSummary => ({
  value: c.value,
  source: c.source,
  method: c.method,
  ...(c.detail ? { detail: c.detail } : {}),
  confidence: c.confidence,
  retrieved_at: c.retrieved_at,
});

/** The best candidate of a group of agreeing ones, with every agreeing source as evidence. */
function representative(group: Sourced<unknown>[]): Sourced<unknown> {
  const [best, ...rest] = group;
  if (!rest.length) return best;
  const evidence = [...(best.evidence ?? [best.source])];
  for (const c of rest) {
    for (const url of [c.source, ...(c.evidence ?? [])])
      if (!evidence.includes(url)) evidence.push(url);
  }
  return { ...best, evidence };
}

/**
 * Merges candidates from every origin into one profile: per field the chosen value with its
 * provenance and all candidates seen; list fields (phones, customers, technologies…) keep every
 * distinct value. See DEFAULT_MERGE_RULE for how conflicts are resolved. Pure: inputs are not
 * modified, and the same candidates always give the same profile.
 */
export function mergeProfile(
  candidates: CandidateMap,
  rule: MergeRule = DEFAULT_MERGE_RULE,
): MergedProfile {
  const fields: Record<string, MergedEntry> = {};
  const conflicts: MergeConflict[] = [];

  for (const field of Object.keys(candidates).sort()) {
    const spec = fieldSpec(field, rule.fields);
    const ranked = (candidates[field] ?? [])
      .filter((c) => c && !isEmpty(c.value))
      .map((c, i) => ({ c, i }))
      .sort((x, y) => decide(x.c, y.c, rule)[0] || x.i - y.i)
      .map(({ c }) => c);
    if (!ranked.length) continue;

    const groups = new Map<string, Sourced<unknown>[]>();
    for (const c of ranked) {
      const key = comparisonKey(spec.key, c.value);
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    const reps = [...groups.values()].map(representative);

    if (spec.list) {
      fields[field] = { kind: 'list', values: reps, candidates: ranked };
      continue;
    }
    const [chosen, ...others] = reps;
    fields[field] = { kind: 'single', value: chosen, candidates: ranked };
    if (others.length) {
      conflicts.push({
        field,
        chosen: summary(chosen),
        others: others.map(summary),
        decided_by: decide(chosen, others[0], rule)[1],
      });
    }
  }
  return { fields, conflicts };
}

/** The chosen value of a single field (or the first value of a list field), or null. */
export function chosenValue<T>(profile: MergedProfile, field: string): T | null {
  const entry = profile.fields[field];
  if (!entry) return null;
  const top = entry.kind === 'single' ? entry.value : (entry.values[0] ?? null);
  return (top?.value as T | undefined) ?? null;
}

/** Every distinct value of a list field (or the chosen value of a single one), best first. */
export function chosenValues<T>(profile: MergedProfile, field: string): Sourced<T>[] {
  const entry = profile.fields[field];
  if (!entry) return [];
  if (entry.kind === 'list') return entry.values as Sourced<T>[];
  return entry.value ? [entry.value as Sourced<T>] : [];
}
