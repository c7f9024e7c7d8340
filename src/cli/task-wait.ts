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
  const { last: task, timedOut } = await pollUntil(
    async () => (await client.get<TaskDetail>(taskPath(id))).body,
    (t) => FINAL_STATUSES.has(t.status),
    (t) => `${t.status}|${t.stage ?? ''}|${t.progress?.percent ?? ''}`,
    opts,
  );
  return { task, timedOut };
}

/**
 * Reads `read()` until `final`, or the timeout passes (`timedOut`: the last read is returned),
 * every `intervalMs` growing to 5× (at most 5 s); `onChange` when `seen` of a read changes.
 * Ctrl-C ends it with exit code 130.
 */
async function pollUntil<T>(
  read: () => Promise<T>,
  final: (v: T) => boolean,
  seen: (v: T) => string,
  opts: Omit<WaitOptions, 'onChange'> & { onChange?: (v: T) => void },
): Promise<{ last: T; timedOut: boolean }> {
  const until = opts.timeoutMs !== undefined ? Date.now() + opts.timeoutMs : Infinity;
  const cap = Math.max(opts.intervalMs, Math.min(5000, opts.intervalMs * 5));
  let every = opts.intervalMs;
  let previous: string | undefined;
  for (;;) {
    const v = await read();
    const now = seen(v);
    if (now !== previous) {
      previous = now;
      opts.onChange?.(v);
    }
    if (final(v)) return { last: v, timedOut: false };
    const left = until - Date.now();
    if (left <= 0) return { last: v, timedOut: true };
    await delay(Math.min(every, left), opts.signal);
    if (opts.signal?.aborted) throw new CliError('interrupted', EXIT.interrupted);
    every = Math.min(cap, Math.round(every * 1.25));
  }
}

/** The native view of a recorded conversation (`GET /api/v1/interactions/{id}`), as the CLI reads it. */
export interface InteractionDetail {
  id: string;
  user_id?: string;
  mode?: string;
  state: string;
  progress?: string;
  error?: { code?: string; message?: string; stage?: string | null } | null;
  transcript?: { lines?: unknown[] } | null;
  pii_counts?: Record<string, number> | null;
  persons?: Array<{
    name: string;
    company?: string | null;
    role?: string | null;
    profile?: { linkedin_url?: string | null; label?: string; score?: number } | null;
  }> | null;
  synthesis?: {
    summary?: string;
    drafts?: Array<{ person?: string; subject?: string; message?: string }>;
  } | null;
  [key: string]: unknown;
}

/** The states after which a conversation changes no more. */
export const FINAL_INTERACTION_STATES = new Set(['SUCCESS', 'ERROR', 'CANCELLED']);

export const interactionPath = (id: string) => `/api/v1/interactions/${encodeURIComponent(id)}`;

/**
 * Polls `GET /api/v1/interactions/{id}` until SUCCESS, ERROR or CANCELLED, or the timeout passes
 * (`timedOut`: the last view is returned), like waitForTask. `onChange` when the state or the
 * progress text changes.
 */
export async function waitForInteraction(
  client: ApiClient,
  id: string,
  opts: Omit<WaitOptions, 'onChange'> & { onChange?: (i: InteractionDetail) => void },
): Promise<{ interaction: InteractionDetail; timedOut: boolean }> {
  const { last, timedOut } = await pollUntil(
    async () => (await client.get<InteractionDetail>(interactionPath(id))).body,
    (i) => FINAL_INTERACTION_STATES.has(i.state),
    (i) => `${i.state}|${i.progress ?? ''}`,
    opts,
  );
  return { interaction: last, timedOut };
}

/** `CODE: message` of a task's error (or of a failed account in its result). */
export function taskError(t: TaskDetail): string {
  if (!t.error) return '';
  return [t.error.code, t.error.message].filter(Boolean).join(': ');
}
