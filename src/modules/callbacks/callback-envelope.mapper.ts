import type { StreamOutcome } from '../tasks/engine/task-context';
import type { CallbackPagesOptions, CallbackStream } from '../tasks/engine/task-type.decorator';
import { seedStatus } from '../tasks/seed-status';
import { clientJobId } from '../tasks/task.mapper';
import type { TaskEntity, TaskErrorInfo, TaskProgress } from '../tasks/task.entity';
import type { CallbackEvent } from './callback-delivery.entity';

/**
 * The callback body: the seed's envelope (SEED-CONTRACTS A3) so that existing receivers keep
 * working — the client's own job id, the seed's status words and `source` per task type — plus
 * `event`, `task_name`, `assay_task_id`, `assay_status` and `timestamp`. Pure functions: the
 * outbox stores what they return and every attempt sends exactly that.
 */

/** `source` of task types that declare none. */
export const CALLBACK_SOURCE = 'assay';

/** The seed's lead lists: page ids come from all_leads first; only these two trigger paging. */
export const SEED_PAGE_LISTS: Required<CallbackPagesOptions> = {
  lists: ['all_leads', 'qualified_leads', 'structured_leads'],
  counted: ['qualified_leads', 'structured_leads'],
};

export interface EnvelopeOptions {
  enrichmentType: string;
  /** The seed's `source` of this task type. */
  source: string;
  pageSize: number;
  pages?: CallbackPagesOptions;
  /** Whether `raw_data` goes out (CALLBACK_RAW_DATA, or the task's `callback_raw_data`). */
  rawData: boolean;
}

export interface PlannedDelivery {
  event: CallbackEvent;
  payload: Record<string, unknown>;
  page: number | null;
  totalPages: number | null;
}

type Json = Record<string, unknown>;
type FinalStatus = 'succeeded' | 'failed' | 'cancelled';

const TASK_EVENTS = {
  succeeded: 'task.succeeded',
  failed: 'task.failed',
  cancelled: 'task.cancelled',
} as const;
const ITEM_EVENTS = {
  succeeded: 'item.succeeded',
  failed: 'item.failed',
  cancelled: 'item.cancelled',
} as const;

/** The deliveries announcing a task's end: one, or one per page of a large result. */
export function finalEnvelopes(task: TaskEntity, opts: EnvelopeOptions): PlannedDelivery[] {
  const status = finalStatus(task);
  const event = TASK_EVENTS[status];
  const succeeded = status === 'succeeded';
  const result = task.result ?? null;
  const head = {
    event,
    task_name: task.type,
    ...identity(task, opts),
    status: seedStatus(status),
  };
  const tail = assayFields(task, status, iso(task.finishedAt ?? new Date()));

  const pages = succeeded ? splitPages(result, opts) : null;
  if (pages) {
    // Every page is a full copy of the envelope with null keys included (the seed's paged sender).
    return pages.pages.map((p, i) => ({
      event,
      page: i + 1,
      totalPages: pages.pages.length,
      payload: {
        ...head,
        source: opts.source,
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
        ...tail,
      },
    }));
  }

  const partial = !succeeded && result != null;
  const payload: Json = {
    ...head,
    source: opts.source,
    is_partial: partial,
    completion_percentage: succeeded ? 100 : (task.progress?.percent ?? 0),
    orchestration_data: orchestration(task),
  };
  // The seed's direct sender leaves these keys out when they are null; its failed callbacks
  // carried the stage that failed as processed_data.
  if (succeeded && result != null) payload.processed_data = result;
  if (!succeeded) {
    const stage = task.error?.stage ?? task.stage ?? null;
    if (partial) payload.processed_data = result;
    else if (stage) payload.processed_data = { stage };
    const error = errorDetails(task.error, status, task.finishedAt);
    if (error) payload.error_details = error;
  }
  payload.attempt_number = task.attempts;
  payload.max_retries = task.maxAttempts;
  Object.assign(payload, tail);
  return [{ event, page: null, totalPages: null, payload }];
}

/**
 * A progress callback: status `processing`, the stage's percentage, `processed_data` when the
 * stage has early results, `is_partial` only when the handler marks it (the seed's early
 * LinkedIn callback). `stream` is the entity of a per-entity task (its own account_id).
 */
export function progressEnvelope(
  task: TaskEntity,
  stage: string,
  progress: TaskProgress,
  opts: EnvelopeOptions,
  extra: { partial?: boolean; stream?: CallbackStream } = {},
  now = new Date(),
): PlannedDelivery {
  return {
    event: 'task.progress',
    page: null,
    totalPages: null,
    payload: {
      event: 'task.progress',
      task_name: task.type,
      ...identity(task, opts, extra.stream),
      status: 'processing',
      source: opts.source,
      is_partial: extra.partial === true,
      completion_percentage: progress.percent,
      orchestration_data: orchestration(task),
      ...(progress.data ? { processed_data: progress.data } : {}),
      attempt_number: task.attempts,
      max_retries: task.maxAttempts,
      stage,
      ...(progress.message ? { message: progress.message } : {}),
      ...assayFields(task, 'running', iso(now)),
    },
  };
}

/**
 * The terminal callback of one entity of a per-entity task (the seed's per-account completed or
 * failed callback): that entity's account_id, its processed_data (and raw_data) or its
 * error_details, and the percentage the seed gave it.
 */
export function streamEndEnvelope(
  task: TaskEntity,
  stream: CallbackStream,
  outcome: StreamOutcome | { status: 'cancelled'; error: TaskErrorInfo | null },
  opts: EnvelopeOptions,
  now = new Date(),
): PlannedDelivery {
  const status: FinalStatus =
    outcome.status === 'completed'
      ? 'succeeded'
      : outcome.status === 'cancelled'
        ? 'cancelled'
        : 'failed';
  const event = ITEM_EVENTS[status];
  const payload: Json = {
    event,
    task_name: task.type,
    ...identity(task, opts, stream),
    status: seedStatus(status),
    source: opts.source,
    is_partial: false,
    completion_percentage: stream.percent,
    orchestration_data: orchestration(task),
  };
  if (outcome.status === 'completed') {
    if (opts.rawData && outcome.raw_data != null) payload.raw_data = outcome.raw_data;
    if (outcome.processed_data != null) payload.processed_data = outcome.processed_data;
  } else {
    const error = errorDetails(outcome.error, status, now);
    if (error) payload.error_details = error;
  }
  payload.attempt_number = task.attempts;
  payload.max_retries = task.maxAttempts;
  Object.assign(payload, assayFields(task, status, iso(now)));
  return { event, page: null, totalPages: null, payload };
}

function finalStatus(task: TaskEntity): FinalStatus {
  if (task.status !== 'succeeded' && task.status !== 'failed' && task.status !== 'cancelled') {
    throw new Error(`task ${task.id} is ${task.status}, not final`);
  }
  return task.status;
}

function identity(task: TaskEntity, opts: EnvelopeOptions, stream?: CallbackStream) {
  return {
    job_id: clientJobId(task),
    account_id: stream ? stream.account_id : (task.accountId ?? null),
    lead_id: stream ? (stream.lead_id ?? null) : (task.leadId ?? null),
    enrichment_type: opts.enrichmentType,
  };
}

function assayFields(task: TaskEntity, status: string, timestamp: string) {
  return { assay_task_id: task.id, assay_status: status, timestamp };
}

/** Echoed from the input, as Django expects on custom-column callbacks. */
function orchestration(task: TaskEntity): unknown {
  return (task.input as { orchestration_data?: unknown } | null)?.orchestration_data ?? null;
}

/**
 * The seed's error_details: error_type, message, stage and retryable, consistent with each other
 * (a cancel is never retryable); `step` repeats the stage under the seed's status-table name.
 */
function errorDetails(
  error:
    | { code: string; message: string; retryable: boolean; stage?: string | null; at?: string }
    | null
    | undefined,
  status: FinalStatus,
  at: Date | string | null,
): Json | null {
  if (status === 'succeeded' || !error) return null;
  const stage = error.stage ?? null;
  return {
    error_type: error.code,
    message: error.message,
    stage,
    retryable: status === 'failed' ? error.retryable : false,
    step: stage,
    timestamp: error.at ?? iso(at ?? new Date()),
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
