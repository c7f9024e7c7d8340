import type { CallbackPagesOptions } from '../tasks/engine/task-type.decorator';
import type { TaskEntity, TaskProgress } from '../tasks/task.entity';
import type { CallbackEvent } from './callback-delivery.entity';

/**
 * The callback body: the seed's envelope (SEED-CONTRACTS A3) so that existing receivers keep
 * working, plus `event`, `task_name` and `timestamp`. Pure functions: the outbox stores what they
 * return and every attempt sends exactly that.
 */

export const CALLBACK_SOURCE = 'assay';

/** The seed's lead lists: page ids come from all_leads first; only these two trigger paging. */
export const SEED_PAGE_LISTS: Required<CallbackPagesOptions> = {
  lists: ['all_leads', 'qualified_leads', 'structured_leads'],
  counted: ['qualified_leads', 'structured_leads'],
};

export interface EnvelopeOptions {
  enrichmentType: string;
  pageSize: number;
  pages?: CallbackPagesOptions;
}

export interface PlannedDelivery {
  event: CallbackEvent;
  payload: Record<string, unknown>;
  page: number | null;
  totalPages: number | null;
}

type Json = Record<string, unknown>;

const EVENTS = {
  succeeded: 'task.succeeded',
  failed: 'task.failed',
  cancelled: 'task.cancelled',
} as const;

/** The deliveries announcing a task's end: one, or one per page of a large result. */
export function finalEnvelopes(task: TaskEntity, opts: EnvelopeOptions): PlannedDelivery[] {
  if (task.status !== 'succeeded' && task.status !== 'failed' && task.status !== 'cancelled') {
    throw new Error(`task ${task.id} is ${task.status}, not final`);
  }
  const event = EVENTS[task.status];
  const succeeded = task.status === 'succeeded';
  const result = task.result ?? null;
  const base = {
    event,
    task_name: task.type,
    ...identity(task, opts),
    status: succeeded ? 'completed' : 'failed',
  };
  const timestamp = iso(task.finishedAt ?? new Date());

  const pages = succeeded ? splitPages(result, opts) : null;
  if (pages) {
    // Every page is a full copy of the envelope with null keys included (the seed's paged sender).
    return pages.pages.map((p, i) => ({
      event,
      page: i + 1,
      totalPages: pages.pages.length,
      payload: {
        ...base,
        source: CALLBACK_SOURCE,
        is_partial: false,
        completion_percentage: 100,
        raw_data: null,
        processed_data: { ...(result as Json), ...p },
        error_details: null,
        attempt_number: task.attempts,
        max_retries: task.maxAttempts,
        pagination: {
          page: i + 1,
          total_pages: pages.pages.length,
          leads_per_page: opts.pageSize,
          total_leads: pages.total,
          current_chunk: pages.chunkKeys.reduce<Json>((c, k) => ({ ...c, [k]: p[k] ?? [] }), {}),
        },
        timestamp,
      },
    }));
  }

  const partial = !succeeded && result != null;
  const payload: Json = {
    ...base,
    source: CALLBACK_SOURCE,
    is_partial: partial,
    completion_percentage: succeeded ? 100 : (task.progress?.percent ?? 0),
    orchestration_data: orchestration(task),
  };
  // The seed's direct sender leaves these keys out when they are null.
  if (result != null && (succeeded || partial)) payload.processed_data = result;
  const error = errorDetails(task);
  if (error) payload.error_details = error;
  payload.attempt_number = task.attempts;
  payload.max_retries = task.maxAttempts;
  payload.timestamp = timestamp;
  return [{ event, page: null, totalPages: null, payload }];
}

/** The delivery announcing a new stage of a running task (`callback_progress: true`). */
export function progressEnvelope(
  task: TaskEntity,
  stage: string,
  progress: TaskProgress,
  opts: EnvelopeOptions,
  now = new Date(),
): PlannedDelivery {
  return {
    event: 'task.progress',
    page: null,
    totalPages: null,
    payload: {
      event: 'task.progress',
      task_name: task.type,
      ...identity(task, opts),
      status: 'processing',
      source: CALLBACK_SOURCE,
      is_partial: true,
      completion_percentage: progress.percent,
      orchestration_data: orchestration(task),
      stage,
      ...(progress.message ? { message: progress.message } : {}),
      // Early partial results (e.g. the LinkedIn URL, as the seed's partial callback carried it).
      ...(progress.data ? { processed_data: progress.data } : {}),
      attempt_number: task.attempts,
      max_retries: task.maxAttempts,
      timestamp: iso(now),
    },
  };
}

function identity(task: TaskEntity, opts: EnvelopeOptions) {
  return {
    job_id: task.id,
    account_id: task.accountId ?? null,
    lead_id: task.leadId ?? null,
    enrichment_type: opts.enrichmentType,
  };
}

/** Echoed from the input, as Django expects on custom-column callbacks. */
function orchestration(task: TaskEntity): unknown {
  return (task.input as { orchestration_data?: unknown } | null)?.orchestration_data ?? null;
}

function errorDetails(task: TaskEntity): Json | null {
  if (task.status === 'succeeded' || !task.error) return null;
  return {
    error_type: task.error.code,
    message: task.error.message,
    step: task.error.stage ?? null,
    retryable: task.status === 'failed' ? task.error.retryable : false,
    timestamp: task.error.at ?? iso(task.finishedAt ?? new Date()),
  };
}

const iso = (d: Date | string) => new Date(d).toISOString();

interface Pages {
  /** Per page: for each list present in the result, its items on that page. */
  pages: Array<Record<string, unknown[]>>;
  /** Size of the combined id list. */
  total: number;
  chunkKeys: string[];
}

/**
 * The seed's lead-list pagination (SEED-CONTRACTS A3): when a counted list is longer than the
 * page size, the ids of all lists (first list in order, then ids only in the next ones…) are cut
 * into pages, and each page carries, for every list, the items whose `id` is on it. Null when the
 * result does not need (or cannot take) pages: no such list, short lists, or an item without id.
 */
export function splitPages(result: unknown, opts: EnvelopeOptions): Pages | null {
  if (!result || typeof result !== 'object' || Array.isArray(result)) return null;
  const data = result as Json;
  const lists = opts.pages?.lists ?? SEED_PAGE_LISTS.lists;
  const counted = opts.pages?.counted ?? (opts.pages ? lists : SEED_PAGE_LISTS.counted);
  const longest = Math.max(0, ...counted.map((k) => (Array.isArray(data[k]) ? data[k].length : 0)));
  if (longest <= opts.pageSize) return null;

  const present = lists.filter((k) => Array.isArray(data[k]));
  const keyOf = (item: unknown): string | null => {
    const id = (item as { id?: unknown } | null)?.id;
    return typeof id === 'string' || typeof id === 'number' ? JSON.stringify(id) : null;
  };
  const order: string[] = [];
  const seen = new Set<string>();
  for (const k of present) {
    for (const item of data[k] as unknown[]) {
      const key = keyOf(item);
      if (key === null) return null; // Items are joined on `id`: without one there is no join.
      if (!seen.has(key)) {
        seen.add(key);
        order.push(key);
      }
    }
  }
  const pageOf = new Map(order.map((key, i) => [key, Math.floor(i / opts.pageSize)]));
  const count = Math.ceil(order.length / opts.pageSize);
  const pages = Array.from({ length: count }, () =>
    Object.fromEntries(present.map((k) => [k, [] as unknown[]])),
  );
  for (const k of present) {
    for (const item of data[k] as unknown[]) pages[pageOf.get(keyOf(item)!)!][k].push(item);
  }
  return { pages, total: order.length, chunkKeys: lists };
}
