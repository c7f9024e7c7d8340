import type { ApiClient } from '../api-client';
import { CliError, delay, EXIT } from '../io';
import type { Progress } from '../progress';
import type { TaskDetail } from '../task-wait';

/** `GET /api/v1/emails/jobs/{id}`: the fields the CLI reads. */
export interface EmailJob {
  id: string;
  kind: string;
  state: 'pending' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';
  progress: { processed: number; total: number; percent: number };
  skipped: number;
  emails_found: number;
  succeeded: number;
  errors: Record<string, number>;
  providers: Record<string, { calls: number; cost_usd: number }>;
  cost_usd: number;
  batch_ids: string[];
  error_message: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
}

export interface EmailJobDryRun {
  dry_run: true;
  total: number;
  skipped: number;
  estimate: { calls: number; cost_min_usd: number; cost_max_usd: number; notes?: string[] };
}

export const ENDED = new Set(['completed', 'failed', 'cancelled']);
export const jobPath = (id: string) => `/api/v1/emails/jobs/${encodeURIComponent(id)}`;

/** One line of a job: `<id> running 3/10 (30%), 2 address(es) found, $0`. */
export function jobLine(j: EmailJob): string {
  const p = j.progress;
  const errors = Object.entries(j.errors)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return (
    `${j.id} ${j.kind} ${j.state} ${p.processed}/${p.total} (${p.percent}%), ` +
    `${j.emails_found} address(es) found, ${j.skipped} skipped, $${j.cost_usd}` +
    (errors ? `; errors: ${errors}` : '') +
    (j.error_message ? `; ${j.error_message}` : '')
  );
}

/**
 * Polls the job until it has ended, ticking the progress by the items processed since the last
 * poll. Ctrl-C stops the waiting (exit 130), not the job.
 */
export async function followJob(
  client: ApiClient,
  job: EmailJob,
  progress: Progress,
  pollMs: number,
  signal: AbortSignal,
): Promise<EmailJob> {
  progress.start(job.progress.total);
  let seen = 0;
  for (;;) {
    const p = job.progress.processed;
    if (p > seen) {
      progress.tick(
        `${p}/${job.progress.total} processed, ${job.emails_found} address(es) found`,
        { succeeded: job.succeeded, failed: p - job.succeeded },
        p - seen,
      );
      seen = p;
    }
    if (ENDED.has(job.state)) return job;
    await delay(pollMs, signal);
    if (signal.aborted) throw new CliError('interrupted', EXIT.interrupted);
    job = (await client.get<EmailJob>(jobPath(job.id))).body;
  }
}

/** Every task of the job's batches (input, status, result). */
export async function jobTasks(client: ApiClient, job: EmailJob): Promise<TaskDetail[]> {
  const out: TaskDetail[] = [];
  for (const batch of job.batch_ids) {
    let cursor: string | undefined;
    do {
      const { body } = await client.get<{ items: TaskDetail[]; next_cursor: string | null }>(
        '/api/v1/tasks',
        { batch_id: batch, limit: 200, cursor },
      );
      out.push(...body.items);
      cursor = body.next_cursor ?? undefined;
    } while (cursor);
  }
  return out;
}

/** An address of an email_finding result, the fields written out. */
export interface FoundEmail {
  email: string;
  status: string;
  score: number;
  type: string;
  first_name: string | null;
  last_name: string | null;
  position: string | null;
  pattern: string | null;
  method: string;
}

export const emailsOf = (t: TaskDetail): FoundEmail[] =>
  t.status === 'succeeded'
    ? (((t.result as { emails?: FoundEmail[] } | null)?.emails ?? []) as FoundEmail[])
    : [];
