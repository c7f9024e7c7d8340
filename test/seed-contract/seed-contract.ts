/**
 * What an existing client of the original workers expects, written only from
 * ../shared/docs/SEED-CONTRACTS.md part A (A1 create, A2 per task, A3 envelope, A4 status). The
 * checks here know nothing of Assay's internals: they are the Django side of the contract.
 */

type Json = Record<string, any>;

/** The keys of the seed's AccountEnhancement processed_data (A5), in its order. */
export const SEED_ACCOUNT_KEYS = [
  'company_name',
  'employee_count',
  'industry',
  'location',
  'website',
  'linkedin_url',
  'technologies',
  'funding_details',
  'company_type',
  'founded_year',
  'customers',
  'competitors',
  'tech_profile',
  'recent_events',
  'analysis_summary',
];

/** A1 / A2: each task type's enrichment_type and callback `source`. */
export interface SeedTypeContract {
  enrichment_type: string;
  source: string;
  /**
   * The seed's progress callbacks of a single-entity run, in order: percentage and
   * `processed_data.stage` (undefined: the seed sent no stage).
   */
  progress?: Array<{ percent: number; stage?: string }>;
  /** Keys the completed callback's processed_data carries. */
  completedKeys: string[];
  /** Keys the failed callback's error_details carries. */
  errorKeys: string[];
}

export const SEED_TYPES: Record<string, SeedTypeContract> = {
  // A2.1: per account i of n: int((i-0.9)/n·100), (i-0.8) partial, (i-0.7), (i-0.5), (i-0.4), (i-0.2).
  account_enhancement: {
    enrichment_type: 'company_info',
    source: 'jina_ai',
    completedKeys: SEED_ACCOUNT_KEYS,
    errorKeys: ['error_type', 'message', 'retryable'],
  },
  // A2.2
  lead_identification_apollo: {
    enrichment_type: 'generate_leads',
    source: 'apollo',
    progress: [
      { percent: 10, stage: 'initialization' },
      { percent: 30, stage: 'fetching_employees' },
    ],
    completedKeys: [
      'score_distribution',
      'structured_leads',
      'all_leads',
      'qualified_leads',
      'metrics',
    ],
    errorKeys: ['error_type', 'message', 'stage'],
  },
  // A2.3
  lead_linkedin_research: {
    enrichment_type: 'lead_linkedin_research',
    source: 'linkedin',
    progress: [
      { percent: 10, stage: 'initialization' },
      { percent: 30, stage: 'activity_parsing' },
      { percent: 60, stage: 'content_processing' },
    ],
    completedKeys: ['content_details', 'insights'],
    errorKeys: ['error_type', 'message', 'stage', 'retryable'],
  },
  // A2.4
  custom_column: {
    enrichment_type: 'custom_column',
    source: 'custom_column',
    progress: [{ percent: 10, stage: 'initialization' }],
    completedKeys: ['successful_count', 'failed_count', 'avg_confidence', 'values'],
    errorKeys: ['error_type', 'message', 'stage'],
  },
};

/** A2.1: the seed's percentages of account i (1-based) of n, computed as the seed computed them. */
export function seedAccountProgress(i: number, n: number): number[] {
  return [0.9, 0.8, 0.7, 0.5, 0.4, 0.2].map((f) => Math.trunc(((i - f) / n) * 100));
}
export const seedAccountFinal = (i: number, n: number) => Math.trunc((i / n) * 100);

/** The seed's status words (A3 callbacks, A4 status) and Django's (A3). */
export const SEED_STATUS_WORDS = ['scheduled', 'processing', 'completed', 'failed', 'cancelled'];

/** A1: the create response (Django reads status, and job_id, which the seed forgot). */
export function checkCreateResponse(body: Json, taskName: string): string[] {
  const problems: string[] = [];
  if (body.status !== 'scheduled') problems.push(`status is ${body.status}, not "scheduled"`);
  if (body.task_name !== taskName) problems.push(`task_name is ${body.task_name}`);
  for (const k of ['task_id', 'job_id', 'status_url']) {
    if (typeof body[k] !== 'string' || !body[k]) problems.push(`${k} missing`);
  }
  if (body.task_id !== body.job_id) problems.push('task_id is not the job id');
  for (const k of ['attempt_number', 'max_retries']) {
    if (!Number.isInteger(body[k])) problems.push(`${k} is not an integer`);
  }
  if (!('original_job_id' in body)) problems.push('original_job_id missing');
  return problems;
}

/** A4: the status row. */
export function checkStatusResponse(body: Json): string[] {
  const problems: string[] = [];
  for (const k of ['job_id', 'status', 'created_at', 'updated_at']) {
    if (typeof body[k] !== 'string') problems.push(`${k} missing`);
  }
  for (const k of ['entity_id', 'error_details']) if (!(k in body)) problems.push(`${k} missing`);
  for (const k of ['attempt_number', 'max_retries']) {
    if (!Number.isInteger(body[k])) problems.push(`${k} is not an integer`);
  }
  if (!SEED_STATUS_WORDS.includes(body.status)) problems.push(`status word ${body.status}`);
  return problems;
}

/**
 * A3: one callback body as Django reads it. `paged`: the paginated sender's full copy. Returns
 * what is wrong (empty when the envelope is right).
 */
export function checkEnvelope(body: Json, type: SeedTypeContract): string[] {
  const problems: string[] = [];
  const paged = 'pagination' in body;
  // Django answers 400 without these three.
  if (typeof body.account_id !== 'string' || !body.account_id) problems.push('account_id empty');
  if (typeof body.status !== 'string') problems.push('status missing');
  if (body.enrichment_type !== type.enrichment_type)
    problems.push(`enrichment_type ${body.enrichment_type}`);
  if (body.source !== type.source) problems.push(`source ${body.source}`);
  if (typeof body.job_id !== 'string' || !body.job_id) problems.push('job_id missing');
  if (!('lead_id' in body)) problems.push('lead_id key missing');
  if (typeof body.is_partial !== 'boolean') problems.push('is_partial not boolean');
  if (
    !Number.isInteger(body.completion_percentage) ||
    body.completion_percentage < 0 ||
    body.completion_percentage > 100
  )
    problems.push(`completion_percentage ${body.completion_percentage}`);
  if (!['processing', 'completed', 'failed', 'cancelled'].includes(body.status))
    problems.push(`status word ${body.status}`);
  if (paged) {
    // Every page is a full copy with null keys included, and no orchestration_data.
    for (const k of [
      'raw_data',
      'processed_data',
      'error_details',
      'attempt_number',
      'max_retries',
    ])
      if (!(k in body)) problems.push(`paged: ${k} key missing`);
    if ('orchestration_data' in body) problems.push('paged: orchestration_data present');
    const p = body.pagination ?? {};
    for (const k of ['page', 'total_pages', 'leads_per_page', 'total_leads'])
      if (!Number.isInteger(p[k])) problems.push(`pagination.${k}`);
    if (typeof p.current_chunk !== 'object') problems.push('pagination.current_chunk');
  } else {
    if (!('orchestration_data' in body)) problems.push('orchestration_data key missing');
    // The direct sender leaves these out when null.
    for (const k of [
      'raw_data',
      'processed_data',
      'error_details',
      'attempt_number',
      'max_retries',
    ])
      if (k in body && body[k] === null) problems.push(`${k} is null instead of absent`);
  }
  if (body.status === 'failed') {
    const e = body.error_details;
    if (!e || typeof e !== 'object') problems.push('failed without error_details');
    else {
      for (const k of type.errorKeys) if (!(k in e)) problems.push(`error_details.${k} missing`);
      if (typeof e.message !== 'string' || !e.message) problems.push('error_details.message empty');
      if ('retryable' in e && typeof e.retryable !== 'boolean')
        problems.push('error_details.retryable not boolean');
    }
  } else if (body.status !== 'cancelled' && body.error_details) {
    problems.push(`${body.status} with error_details`);
  }
  if (body.status === 'completed' && !paged) {
    const d = body.processed_data ?? {};
    for (const k of type.completedKeys) if (!(k in d)) problems.push(`processed_data.${k} missing`);
    if (body.completion_percentage !== 100 && type.enrichment_type !== 'company_info')
      problems.push('completed below 100 %');
  }
  return problems;
}
