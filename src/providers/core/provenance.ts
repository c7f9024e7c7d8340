export type ProvenanceMethod = 'api' | 'llm' | 'scrape' | 'inferred';

/**
 * Every enriched value Assay stores or returns travels in this envelope: where it came from,
 * how, when, how sure we are and what it cost.
 */
export interface Sourced<T> {
  value: T;
  /** Provider id, or the URL the value was read from. */
  source: string;
  method: ProvenanceMethod;
  retrieved_at: string;
  /** 0..1 */
  confidence: number;
  cost_usd: number;
  task_id: string | null;
  /** URLs that support the value (LLM citations, pages read). */
  evidence?: string[];
  /**
   * How, within `method`, the value was found, e.g. `json-ld`, `microdata`, `opengraph`, `meta`,
   * `tel-link`, `logo-wall`, `fingerprint`. Merging uses it to rank structured markup the site
   * declares above heuristics read from its text (see accounts/extraction/profile-merge.ts).
   */
  detail?: string;
}

export function sourced<T>(
  value: T,
  p: Omit<Sourced<T>, 'value' | 'retrieved_at' | 'cost_usd' | 'task_id' | 'confidence'> &
    Partial<Pick<Sourced<T>, 'retrieved_at' | 'cost_usd' | 'task_id' | 'confidence'>>,
): Sourced<T> {
  return {
    value,
    source: p.source,
    method: p.method,
    retrieved_at: p.retrieved_at ?? new Date().toISOString(),
    confidence: Math.max(0, Math.min(1, p.confidence ?? 0.5)),
    cost_usd: p.cost_usd ?? 0,
    task_id: p.task_id ?? null,
    ...(p.evidence?.length ? { evidence: p.evidence } : {}),
    ...(p.detail ? { detail: p.detail } : {}),
  };
}
