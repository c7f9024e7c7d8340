import type { TaskEntity } from '../../tasks/task.entity';
import type { CustomColumnInput } from '../dto/custom-column.input';
import type { CustomColumnValue } from './column-values';

/** The completed callback's processed_data (A2.4) and the task's result. */
export interface CustomColumnResult {
  successful_count: number;
  failed_count: number;
  avg_confidence: number;
  processing_time_seconds: number;
  values: CustomColumnValue[];
  column_id: string;
  /** Values served from stored ones (no LLM call), LLM calls made, and their cost. */
  cached_count: number;
  llm_calls: number;
  cost_usd: number;
  metrics: {
    total_entities: number;
    successful_entities: number;
    failed_entities: number;
    processing_time: number;
    ai_errors: number;
    api_errors: number;
    avg_confidence_score: number;
    start_time: string;
  };
}

/** Codes of a provider that did not answer (the seed's api_errors); the rest are the model's (ai_errors). */
const API_CODES = new Set([
  'TEMPORARY',
  'TIMEOUT',
  'RATE_LIMITED',
  'AUTH',
  'QUOTA_EXHAUSTED',
  'CIRCUIT_OPEN',
]);

export function buildResult(
  input: Pick<CustomColumnInput, 'column_id'>,
  values: CustomColumnValue[],
  stats: { cached: number; llmCalls: number; costUsd: number; started: Date },
): CustomColumnResult {
  const ok = values.filter((v) => v.status === 'completed');
  const failed = values.filter((v) => v.status === 'error');
  const avg = ok.length
    ? Math.round((ok.reduce((s, v) => s + (v.confidence_score ?? 0), 0) / ok.length) * 1000) / 1000
    : 0;
  const seconds = Math.round((Date.now() - stats.started.getTime()) / 10) / 100;
  const apiErrors = failed.filter((v) => API_CODES.has(String(v.error_details?.code))).length;
  return {
    successful_count: ok.length,
    failed_count: failed.length,
    avg_confidence: avg,
    processing_time_seconds: seconds,
    values,
    column_id: input.column_id,
    cached_count: stats.cached,
    llm_calls: stats.llmCalls,
    cost_usd: Math.round(stats.costUsd * 1e6) / 1e6,
    metrics: {
      total_entities: values.length,
      successful_entities: ok.length,
      failed_entities: failed.length,
      processing_time: seconds,
      ai_errors: failed.length - apiErrors,
      api_errors: apiErrors,
      avg_confidence_score: avg,
      start_time: stats.started.toISOString(),
    },
  };
}

/** The seed's summary on the status route: {status, job_id, column_id, total_processed, …, metrics}. */
export function columnSummary(result: unknown, task: Readonly<TaskEntity>): unknown {
  const r = result as CustomColumnResult | null;
  if (!r || !Array.isArray(r.values)) return null;
  return {
    status: 'completed',
    job_id: task.externalId ?? task.id,
    column_id: r.column_id,
    total_processed: r.values.length,
    successful_count: r.successful_count,
    failed_count: r.failed_count,
    metrics: r.metrics,
  };
}

/**
 * account_id of the callbacks (A9.7): the entity's own account when the context names it (a lead
 * column: `lead_info.account_id`, `account_id`, `company.id`), else `entity_ids[0]` as the seed
 * sent; lead_id is the first lead for lead columns.
 */
export function callbackEntities(input: CustomColumnInput): {
  accountId: string | null;
  leadId: string | null;
} {
  const first = input.entity_ids?.[0] ?? null;
  if (input.entity_type !== 'lead' || !first) return { accountId: first, leadId: null };
  const ctx = (input.context_data?.[first] ?? {}) as Record<string, any>;
  const candidates = [
    ctx?.lead_info?.account_id,
    ctx?.account_id,
    ctx?.company?.account_id,
    ctx?.company?.id,
  ];
  const account = candidates.find(
    (c) => (typeof c === 'string' && c.trim()) || typeof c === 'number',
  );
  return { accountId: account !== undefined ? String(account) : first, leadId: first };
}
