import { ApiClient, ApiError, oneLineError } from '../api-client';
import { Progress } from '../progress';
import { waitForTask } from '../task-wait';
import { ACCOUNT_TASK, DONE_STATUSES, idempotencyKey, Plan, Row } from './plan';
import { rowOutcome, saveOutput } from './output';
import { eachRow, isFatal } from './row-pool';

/** The create answer of the seed route. */
interface SeedCreated {
  job_id: string;
  assay_task_id?: string;
  assay_status: string;
}

export interface RunOptions {
  output: string;
  concurrency: number;
  pollMs: number;
  /** Per row: stop waiting after this long (the row stays unfinished; a re-run resumes it). */
  rowTimeoutMs?: number;
  /** At most one save of the output per this many ms while running (and one at the end). */
  saveEveryMs?: number;
}

export interface RunSummary {
  total: number;
  skipped: number;
  processed: number;
  counts: Record<string, number>;
  unfinished: number;
  interrupted: boolean;
}

/**
 * Submits each row to do (seed create route, Idempotency-Key from its content), waits for it
 * with at most `concurrency` rows in flight, and saves the output as rows end. Ctrl-C (the
 * signal) or a fatal error (refused key, server unreachable) stops it after saving what it has.
 */
export async function runEnrichment(
  client: ApiClient,
  abort: AbortController,
  plan: Plan,
  progress: Progress,
  opts: RunOptions,
): Promise<RunSummary> {
  const counts: Record<string, number> = {};
  const count = (s: string) => (counts[s] = (counts[s] ?? 0) + 1);
  for (const r of plan.rows) if (r.previous && r.status) count(r.status);
  const skipped = plan.rows.length - plan.todo.length;
  let processed = 0;
  let lastSave = Date.now();
  const save = (force: boolean) => {
    if (!force && Date.now() - lastSave < (opts.saveEveryMs ?? 1000)) return;
    saveOutput(opts.output, plan);
    lastSave = Date.now();
  };

  const one = async (row: Row): Promise<void> => {
    if (!row.body.website) {
      row.status = 'rejected';
      row.error = 'the website cell is empty';
      return;
    }
    try {
      const { body } = await client.post<SeedCreated>(
        `/api/v1/tasks/create/${ACCOUNT_TASK}`,
        row.body,
        { idempotencyKey: idempotencyKey(row.body) },
      );
      row.jobId = body.assay_task_id ?? body.job_id;
      row.status = body.assay_status;
      row.error = undefined;
      const { task, timedOut } = await waitForTask(client, row.jobId, {
        intervalMs: opts.pollMs,
        timeoutMs: opts.rowTimeoutMs,
        signal: abort.signal,
        onChange: (t) => (row.status = t.status),
      });
      if (timedOut) {
        row.status = task.status;
        row.error = 'still not finished when --timeout passed: run again to resume';
        return;
      }
      Object.assign(row, rowOutcome(task));
    } catch (err) {
      if (abort.signal.aborted) throw err;
      if (isFatal(err)) throw err;
      if (err instanceof ApiError && REJECTED.has(err.status) && !row.jobId) {
        // The API refused this row (invalid input): sending it again changes nothing.
        row.status = 'rejected';
      } else row.status = row.jobId ? row.status : 'error';
      row.error = oneLineError(err);
    }
  };

  // Written once before any row is sent: an unwritable --out fails now, not after paid work.
  save(true);
  progress.start(plan.rows.length, skipped);
  try {
    await eachRow(plan.todo, opts.concurrency, abort, async (row) => {
      await one(row);
      processed++;
      count(row.status ?? 'error');
      progress.tick(describeRow(row), counts);
      save(false);
    });
  } finally {
    progress.stop();
    save(true);
  }
  const unfinished = plan.rows.filter((r) => !DONE_STATUSES.has(r.status ?? '')).length;
  return {
    total: plan.rows.length,
    skipped,
    processed,
    counts,
    unfinished,
    interrupted: abort.signal.aborted,
  };
}

/** Answers to a create that say the row itself is wrong (others, e.g. 409 or 5xx, may pass later). */
const REJECTED = new Set([400, 413, 422]);

function describeRow(row: Row): string {
  const what = row.body.website || '(no website)';
  const detail =
    row.status === 'succeeded'
      ? row.results?.[0] || ''
      : row.error
        ? row.error.length > 120
          ? `${row.error.slice(0, 119)}…`
          : row.error
        : '';
  return `row ${row.number} ${what}: ${row.status}${detail ? ` – ${detail}` : ''}`;
}
