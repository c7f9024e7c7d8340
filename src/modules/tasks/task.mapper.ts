import type { TaskEntity } from './task.entity';
import type { SubmitOutcome } from './submission/task-submission';
import type {
  DryRunDto,
  FailedTaskDto,
  SeedErrorDetailsDto,
  SeedTaskCreatedDto,
  SeedTaskFinishedDto,
  TaskCommonDto,
  TaskCreatedDto,
  TaskDetailDto,
  TaskStatusDto,
} from './dto/task-views.dto';
import { seedStatus } from './seed-status';

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);
export const statusUrl = (id: string) => `/api/v1/tasks/${encodeURIComponent(id)}/status`;
export const detailUrl = (id: string) => `/api/v1/tasks/${encodeURIComponent(id)}`;

/** Retry-After (seconds) of an answer whose task has not ended yet. */
export const RETRY_AFTER_SECONDS = 2;

const FINAL: ReadonlySet<string> = new Set(['succeeded', 'failed', 'cancelled']);

/** The task has ended (succeeded, failed or cancelled). */
export const isFinal = (t: Pick<TaskEntity, 'status'>): boolean => FINAL.has(t.status);

/**
 * Headers of an answer about a task that has not ended: where to read it (`Location`) and when
 * to look (`Retry-After`). None once it has ended.
 */
export function pendingHeaders(
  t: Pick<TaskEntity, 'status'>,
  location: string,
): Record<string, string> {
  return isFinal(t) ? {} : { Location: location, 'Retry-After': String(RETRY_AFTER_SECONDS) };
}

/** The job id a client knows: its own (`job_id` of a seed payload), else ours. */
export const clientJobId = (t: Pick<TaskEntity, 'id' | 'externalId'>): string =>
  t.externalId ?? t.id;

function seedError(t: TaskEntity): SeedErrorDetailsDto | null {
  if (!t.error) return null;
  const stage = t.error.stage ?? null;
  return {
    error_type: t.error.code,
    message: t.error.message,
    stage,
    step: stage,
    retryable: t.status === 'cancelled' ? false : t.error.retryable,
    partial_success: t.status === 'failed' && t.result != null,
    timestamp: t.error.at,
  };
}

/** Native create answer (typed routes, batch): our job id, native status words. */
export function toCreated(t: TaskEntity, reused = false): TaskCreatedDto {
  return {
    job_id: t.id,
    task_name: t.type,
    status: t.status,
    status_url: statusUrl(t.id),
    created_at: iso(t.createdAt)!,
    attempt_number: Math.max(1, t.attempts),
    max_retries: t.maxAttempts,
    ...(t.externalId ? { client_job_id: t.externalId } : {}),
    ...(reused ? { reused: true, reused_from: t.reusedFrom ?? undefined } : {}),
  };
}

/**
 * The native answer to a submission (typed routes): the estimate of a dry run (200), the finished
 * task (200) when the caller waited (`?wait=`) and it ended in time, or the task: 202 when it was
 * stored now, 200 when an existing one is returned (Idempotency-Key, reused result); while it has
 * not ended, with Location and Retry-After.
 */
export function toNativeSubmitted(
  taskName: string,
  out: SubmitOutcome,
): {
  status: 200 | 202;
  body: TaskCreatedDto | TaskDetailDto | DryRunDto;
  headers: Record<string, string>;
} {
  if ('estimate' in out) {
    return {
      status: 200,
      body: { dry_run: true, task_name: taskName, estimate: out.estimate },
      headers: {},
    };
  }
  // `?wait=` and the task ended: the finished task, as GET /api/v1/tasks/{job_id} shows it.
  if (out.finished) return { status: 200, body: toDetail(out.task), headers: {} };
  return {
    status: out.created && !out.reused ? 202 : 200,
    body: toCreated(out.task, out.reused),
    headers: pendingHeaders(out.task, detailUrl(out.task.id)),
  };
}

/**
 * The seed's create answer (SEED-CONTRACTS A1): `status: "scheduled"`, `task_id` = the job id,
 * attempt_number, max_retries, original_job_id; plus the `job_id` and `status_url` the seed
 * forgot, and the native status and id beside them.
 */
export function toSeedCreated(
  t: TaskEntity,
  opts: { reused?: boolean; originalJobId?: string | null } = {},
): SeedTaskCreatedDto {
  const jobId = clientJobId(t);
  return {
    status: 'scheduled',
    task_name: t.type,
    task_id: jobId,
    attempt_number: Math.max(1, t.attempts),
    max_retries: t.maxAttempts,
    original_job_id: opts.originalJobId ?? null,
    job_id: jobId,
    status_url: statusUrl(jobId),
    assay_status: t.status,
    assay_task_id: t.id,
    created_at: iso(t.createdAt)!,
    ...(opts.reused ? { reused: true, reused_from: t.reusedFrom ?? undefined } : {}),
  };
}

function common(t: TaskEntity): TaskCommonDto {
  // The last error stays visible while a retry is pending; a succeeded task has none.
  const error = t.status === 'succeeded' ? null : t.error;
  return {
    task_name: t.type,
    entity_id: t.accountId ?? t.leadId ?? null,
    account_id: t.accountId,
    lead_id: t.leadId,
    stage: t.stage,
    progress: t.progress ?? { percent: 0 },
    completion_percentage: t.progress?.percent ?? 0,
    attempt_number: t.attempts,
    max_retries: t.maxAttempts,
    retryable: t.status === 'failed' ? !!t.error?.retryable : false,
    is_partial: t.status === 'failed' && t.result != null,
    error_details: error ? seedError(t) : null,
    error: error ?? null,
    cost_usd: t.costUsd ?? 0,
    created_at: iso(t.createdAt)!,
    updated_at: iso(t.updatedAt)!,
    started_at: iso(t.startedAt),
    finished_at: iso(t.finishedAt),
  };
}

/**
 * The seed status route: the client's job id, the seed's status words (`assay_status` beside),
 * and, when the task type defines one, the summary of its result.
 */
export function toStatus(t: TaskEntity, summary?: unknown): TaskStatusDto {
  const jobId = clientJobId(t);
  return {
    job_id: jobId,
    assay_task_id: t.id,
    ...common(t),
    status: seedStatus(t.status),
    assay_status: t.status,
    status_url: statusUrl(jobId),
    ...(summary !== undefined ? { summary } : {}),
  };
}

/** The seed create route's answer with `?wait=` once the task ended: its status view and result. */
export function toSeedFinished(t: TaskEntity, summary?: unknown): SeedTaskFinishedDto {
  return { ...toStatus(t, summary), result: t.result ?? null };
}

/** The native view: our id, native status words, input, result and bookkeeping. */
export function toDetail(t: TaskEntity): TaskDetailDto {
  return {
    job_id: t.id,
    client_job_id: t.externalId,
    tenant_id: t.tenantId,
    ...common(t),
    status: t.status,
    status_url: statusUrl(t.id),
    input: t.input,
    result: t.result ?? null,
    completed_stages: Object.keys(t.checkpoints ?? {}),
    priority: t.priority,
    timeout_ms: t.timeoutMs,
    idempotency_key: t.idempotencyKey,
    callback_url: t.callbackUrl,
    trace_id: t.traceId,
    reused_from: t.reusedFrom,
    batch_id: t.batchId,
    cancel_requested: !!t.cancelRequestedAt && (t.status === 'queued' || t.status === 'running'),
    next_attempt_at: iso(t.nextAttemptAt),
  };
}

/** An item of the seed's failed list. */
export function toFailed(t: TaskEntity): FailedTaskDto {
  const s = toStatus(t);
  return {
    job_id: s.job_id,
    assay_task_id: t.id,
    task_name: s.task_name,
    entity_id: s.entity_id,
    status: 'failed',
    assay_status: t.status,
    attempt_number: s.attempt_number,
    max_retries: s.max_retries,
    is_partial: s.is_partial,
    completion_percentage: s.completion_percentage,
    retryable: s.retryable,
    error_details: s.error_details,
    created_at: s.created_at,
    updated_at: s.updated_at,
  };
}

export function encodeCursor(t: TaskEntity): string {
  return Buffer.from(`${new Date(t.createdAt).toISOString()}|${t.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } | null {
  const [ts, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(ts);
  const year = createdAt.getUTCFullYear();
  // Only dates PostgreSQL can compare with (JavaScript accepts years it rejects).
  if (!id || Number.isNaN(createdAt.getTime()) || year < 1 || year > 9999) return null;
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { createdAt, id };
}
