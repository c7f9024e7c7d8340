import { ApiClient } from './api-client';
import { CliError, delay, EXIT } from './io';

/** The native view of a task (`GET /api/v1/tasks/{id}`), the fields the CLI reads. */
export interface TaskDetail {
  job_id: string;
  client_job_id?: string | null;
  task_name: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  stage?: string | null;
  progress?: { percent?: number; message?: string } | null;
  attempt_number?: number;
  max_retries?: number;
  retryable?: boolean;
  error?: { code?: string; message?: string; retryable?: boolean; stage?: string | null } | null;
  result?: unknown;
  cost_usd?: number;
  created_at?: string;
  started_at?: string | null;
  finished_at?: string | null;
  next_attempt_at?: string | null;
  cancel_requested?: boolean;
  [key: string]: unknown;
}

export const FINAL_STATUSES = new Set(['succeeded', 'failed', 'cancelled']);

export const taskPath = (id: string) => `/api/v1/tasks/${encodeURIComponent(id)}`;

/** Poll interval: `ASSAY_POLL_INTERVAL_MS` (default 1 s); it grows to 5× (at most 5 s) on long waits. */
export function pollIntervalMs(env: Record<string, string | undefined>): number {
  const n = Number(env.ASSAY_POLL_INTERVAL_MS);
  return Number.isFinite(n) && n >= 10 ? n : 1000;
}

export interface WaitOptions {
  intervalMs: number;
  /** Give up after this long (undefined: wait as long as it takes). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called when the status, stage or percent changes. */
  onChange?: (t: TaskDetail) => void;
}

/**
 * Polls `GET /api/v1/tasks/{id}` until the task is final (succeeded, failed or cancelled), or the
 * timeout passes (`timedOut`: the last view is returned). Ctrl-C ends it with exit code 130.
 */
export async function waitForTask(
  client: ApiClient,
  id: string,
  opts: WaitOptions,
): Promise<{ task: TaskDetail; timedOut: boolean }> {
  const until = opts.timeoutMs !== undefined ? Date.now() + opts.timeoutMs : Infinity;
  const cap = Math.max(opts.intervalMs, Math.min(5000, opts.intervalMs * 5));
  let every = opts.intervalMs;
  let last = '';
  for (;;) {
    const { body: task } = await client.get<TaskDetail>(taskPath(id));
    const seen = `${task.status}|${task.stage ?? ''}|${task.progress?.percent ?? ''}`;
    if (seen !== last) {
      last = seen;
      opts.onChange?.(task);
    }
    if (FINAL_STATUSES.has(task.status)) return { task, timedOut: false };
    const left = until - Date.now();
    if (left <= 0) return { task, timedOut: true };
    await delay(Math.min(every, left), opts.signal);
    if (opts.signal?.aborted) throw new CliError('interrupted', EXIT.interrupted);
    every = Math.min(cap, Math.round(every * 1.25));
  }
}

/** `CODE: message` of a task's error (or of a failed account in its result). */
export function taskError(t: TaskDetail): string {
  if (!t.error) return '';
  return [t.error.code, t.error.message].filter(Boolean).join(': ');
}
