import type { ColumnValueEntity, ValueProvenance } from '../storage/column-value.entity';
import type { ValueToSave } from '../storage/columns.repository';
import type { Generated } from './column-generator';
import type { TypedValue } from './response-types';

/**
 * One entity's value as callbacks, results and the values route give it: the seed's
 * CustomColumnValue (A5) — the value in the `value_*` field of its type, `confidence_score`,
 * `rationale`, `generated_at`, `status` completed | error, `error_details` — plus `sources`,
 * `search_validation` and `provenance`.
 */
export interface CustomColumnValue {
  column_id: string;
  entity_id: string;
  value_string?: string;
  value_number?: number;
  value_boolean?: boolean;
  value_enum?: string;
  value_json?: Record<string, unknown> | unknown[];
  confidence_score?: number;
  rationale?: string;
  generated_at: string;
  status: 'completed' | 'error';
  sources: string[];
  error_details?: Record<string, unknown>;
  search_validation?: Record<string, unknown>;
  provenance: ValueProvenance;
}

/** The stored row of a generated value. */
export function rowOf(
  base: { tenantId: string; columnId: string; entityId: string; cacheKey: string; taskId: string },
  g: Generated,
  at: Date,
): ValueToSave {
  const provenance: ValueProvenance = {
    method: 'llm',
    provider: g.provider,
    model: g.model,
    cost_usd: Math.round(g.cost_usd * 1e6) / 1e6,
    task_id: base.taskId,
    sources: g.ok ? g.sources : [],
    cached: false,
    repaired: g.repaired,
    llm_calls: g.llm_calls,
    retrieved_at: at.toISOString(),
  };
  const typed: Partial<Record<string, unknown>> = g.ok ? (g.value as Record<string, unknown>) : {};
  return {
    ...base,
    status: g.ok ? 'completed' : 'error',
    valueString: (typed.value_string as string) ?? null,
    valueNumber: (typed.value_number as number) ?? null,
    valueBoolean: (typed.value_boolean as boolean) ?? null,
    valueEnum: (typed.value_enum as string) ?? null,
    valueJson: typed.value_json ?? null,
    rationale: g.ok ? g.rationale : (g.rationale ?? null),
    confidence: g.ok ? g.confidence : null,
    sources: g.ok ? g.sources : [],
    errorDetails: g.ok ? null : { error: g.error, code: g.code },
    searchValidation: g.ok && g.search_validation ? { ...g.search_validation } : null,
    provenance,
    generatedAt: at,
  };
}

/** A row (stored or about to be) as a CustomColumnValue. */
export function toValue(r: ValueToSave | ColumnValueEntity): CustomColumnValue {
  const typed: Partial<TypedValue & Record<string, unknown>> = {};
  if (r.valueString !== null) Object.assign(typed, { value_string: r.valueString });
  if (r.valueNumber !== null) Object.assign(typed, { value_number: Number(r.valueNumber) });
  if (r.valueBoolean !== null) Object.assign(typed, { value_boolean: r.valueBoolean });
  if (r.valueEnum !== null) Object.assign(typed, { value_enum: r.valueEnum });
  if (r.valueJson !== null && r.valueJson !== undefined)
    Object.assign(typed, { value_json: r.valueJson });
  // The seed put the search check under error_details, also on successful values; Django stores it.
  const errorDetails =
    r.errorDetails || r.searchValidation
      ? {
          ...(r.errorDetails ?? {}),
          ...(r.searchValidation ? { search_validation: r.searchValidation } : {}),
        }
      : undefined;
  return {
    column_id: r.columnId,
    entity_id: r.entityId,
    ...typed,
    ...(r.confidence !== null ? { confidence_score: r.confidence } : {}),
    ...(r.rationale !== null ? { rationale: r.rationale } : {}),
    generated_at: new Date(r.generatedAt).toISOString(),
    status: r.status,
    sources: r.sources ?? [],
    ...(errorDetails ? { error_details: errorDetails } : {}),
    ...(r.searchValidation ? { search_validation: r.searchValidation } : {}),
    provenance: r.provenance,
  };
}

/** A failure before any LLM call (a dependency, the model route): an error value. */
export function failedGeneration(code: string, error: string): Generated {
  return {
    ok: false,
    code,
    error,
    provider: null,
    model: null,
    cost_usd: 0,
    llm_calls: 0,
    repaired: false,
  };
}
