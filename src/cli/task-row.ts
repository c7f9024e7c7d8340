import { ApiClient, ApiError, oneLineError } from './api-client';
import { eachRow, isFatal } from './accounts-enrich/row-pool';
import type { Progress } from './progress';
import { TaskDetail, taskError, waitForTask } from './task-wait';

/** A CSV row's task as a bulk command follows it. */
export interface TaskRow {
  jobId?: string;
  status?: string;
  error?: string;
}

/** Statuses after which a row is not sent again by a re-run. */
export const FINAL_ROW_STATUSES = ['succeeded', 'failed', 'cancelled', 'rejected'];

/**
 * Submits one row's task (`path`, with an Idempotency-Key from its content, so a re-run after a
 * crash finds the same task) and waits for it, keeping the row's job id, status and error up to
 * date. Returns the finished task, or null when it did not finish (timeout, or the request was
 * refused: `rejected` for a 400/413/422 before a task existed, else `error`). Ctrl-C and fatal
 * errors (unreachable server, refused key) are thrown.
 */
export async function submitAndWait(
  client: ApiClient,
  abort: AbortController,
  row: TaskRow,
  request: { path: string; body: unknown; idempotencyKey: string },
  opts: { pollMs: number; timeoutMs: number },
): Promise<TaskDetail | null> {
  try {
    const { body } = await client.post<{ job_id: string; status: string }>(
      request.path,
      request.body,
      { idempotencyKey: request.idempotencyKey },
    );
    row.jobId = body.job_id;
    row.status = body.status;
    const { task, timedOut } = await waitForTask(client, row.jobId, {
      intervalMs: opts.pollMs,
      timeoutMs: opts.timeoutMs,
      signal: abort.signal,
      onChange: (t) => (row.status = t.status),
    });
    row.status = task.status;
    row.error = timedOut
      ? 'still not finished when --timeout passed: run again to resume'
      : taskError(task);
    return timedOut ? null : task;
  } catch (err) {
    if (abort.signal.aborted || isFatal(err)) throw err;
    row.status =
      err instanceof ApiError && [400, 413, 422].includes(err.status) && !row.jobId
        ? 'rejected'
        : 'error';
    row.error = oneLineError(err);
    return null;
  }
}

/** How a run of a CSV's rows ended (`runRows`). */
export interface RowsRun {
  skipped: number;
  counts: Record<string, number>;
  unfinished: number;
  interrupted: boolean;
}

/**
 * Runs `one` on each row to do, at most `concurrency` at once, with a progress tick per row
 * (counted by its status) and the output saved before, after each row and at the end. Rows to do
 * are the plan's `todo`; the others were done in an earlier output.
 */
export async function runRows<R extends TaskRow & { number: number }>(
  plan: { rows: R[]; todo: R[] },
  abort: AbortController,
  progress: Progress,
  opts: { concurrency: number; save: () => void },
  one: (row: R) => Promise<void>,
): Promise<RowsRun> {
  const counts: Record<string, number> = {};
  opts.save();
  progress.start(plan.rows.length, plan.rows.length - plan.todo.length);
  try {
    await eachRow(plan.todo, opts.concurrency, abort, async (row) => {
      await one(row);
      const status = row.status ?? 'error';
      counts[status] = (counts[status] ?? 0) + 1;
      progress.tick(`row ${row.number}: ${status} ${row.error ?? ''}`.trim(), counts);
      opts.save();
    });
  } finally {
    progress.stop();
    opts.save();
  }
  return {
    skipped: plan.rows.length - plan.todo.length,
    counts,
    unfinished: plan.todo.filter((r) => !FINAL_ROW_STATUSES.includes(r.status ?? '')).length,
    interrupted: abort.signal.aborted,
  };
}
