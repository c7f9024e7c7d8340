import type { TaskEntity } from './task.entity';
import type {
  FailedTaskDto,
  SeedErrorDetailsDto,
  TaskCreatedDto,
  TaskDetailDto,
  TaskStatusDto,
} from './dto/task-views.dto';

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);
export const statusUrl = (id: string) => `/api/v1/tasks/${id}/status`;

function seedError(t: TaskEntity): SeedErrorDetailsDto | null {
  if (!t.error) return null;
  return {
    error_type: t.error.code,
    message: t.error.message,
    step: t.error.stage ?? null,
    retryable: t.error.retryable,
    partial_success: t.status === 'failed' && t.result != null,
    timestamp: t.error.at,
  };
}

export function toCreated(t: TaskEntity, reused = false): TaskCreatedDto {
  return {
    job_id: t.id,
    task_name: t.type,
    status: t.status,
    status_url: statusUrl(t.id),
    created_at: iso(t.createdAt)!,
    attempt_number: Math.max(1, t.attempts),
    max_retries: t.maxAttempts,
    ...(reused ? { reused: true, reused_from: t.reusedFrom ?? undefined } : {}),
  };
}

export function toStatus(t: TaskEntity): TaskStatusDto {
  // The last error stays visible while a retry is pending; a succeeded task has none.
  const error = t.status === 'succeeded' ? null : t.error;
  return {
    job_id: t.id,
    task_name: t.type,
    entity_id: t.accountId ?? t.leadId ?? null,
    account_id: t.accountId,
    lead_id: t.leadId,
    status: t.status,
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
    status_url: statusUrl(t.id),
  };
}

export function toDetail(t: TaskEntity): TaskDetailDto {
  return {
    ...toStatus(t),
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

export function toFailed(t: TaskEntity): FailedTaskDto {
  const s = toStatus(t);
  return {
    job_id: s.job_id,
    task_name: s.task_name,
    entity_id: s.entity_id,
    status: 'failed',
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
  if (!id || Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { createdAt, id };
}
