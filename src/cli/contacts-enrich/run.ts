import { eachRow, isFatal } from '../accounts-enrich/row-pool';
import { ApiClient, oneLineError } from '../api-client';
import { Progress } from '../progress';
import { TaskDetail, waitForTask } from '../task-wait';
import { applyOutcome, postChunk, saveContacts } from './chunks';
import { ContactPlan, ContactRow, DONE_STATUSES } from './plan';

export interface ContactsRunOptions {
  output: string;
  /** Chunks in flight at once. */
  concurrency: number;
  pollMs: number;
  /** Per chunk: stop waiting after this long (its rows stay unfinished; a re-run resumes them). */
  timeoutMs?: number;
  budgetUsd?: number;
  /** At most one save of the output per this many ms while running (and one at the end). */
  saveEveryMs?: number;
}

export interface ContactsRunSummary {
  total: number;
  skipped: number;
  processed: number;
  chunks: number;
  counts: Record<string, number>;
  unfinished: number;
  interrupted: boolean;
}

/** The task's progress counters (contact_enrichment reports its batches). */
const batchesOf = (t: TaskDetail) =>
  (t.progress as { counters?: { batches?: number; batches_done?: number } } | null)?.counters;

/**
 * Sends each chunk of rows to do (Idempotency-Key from its content), waits for its task with at
 * most `concurrency` chunks in flight, and saves the output as chunks end. Progress counts rows:
 * a chunk's rows advance with its task's batches. Ctrl-C (the signal) or a fatal error (refused
 * key, server unreachable) stops it after saving what it has.
 */
export async function runContacts(
  client: ApiClient,
  abort: AbortController,
  plan: ContactPlan,
  progress: Progress,
  opts: ContactsRunOptions,
): Promise<ContactsRunSummary> {
  const counts: Record<string, number> = {};
  const count = (rows: ContactRow[]) => {
    for (const r of rows) counts[r.status ?? 'error'] = (counts[r.status ?? 'error'] ?? 0) + 1;
  };
  count(plan.rows.filter((r) => r.previous));
  const todo = plan.chunks.flat().length;
  let lastSave = Date.now();
  const save = (force: boolean) => {
    if (!force && Date.now() - lastSave < (opts.saveEveryMs ?? 1000)) return;
    saveContacts(opts.output, plan);
    lastSave = Date.now();
  };

  const one = async (chunk: ContactRow[]): Promise<void> => {
    const span = `rows ${chunk[0].number}–${chunk[chunk.length - 1].number}`;
    let ticked = 0;
    const advance = (to: number, line: string) => {
      if (to > ticked) progress.tick(line, counts, to - ticked);
      ticked = Math.max(ticked, to);
    };
    let sent: ContactRow[] = [];
    try {
      const posted = await postChunk<{ job_id: string; status: string }>(client, chunk, opts);
      sent = posted?.rows ?? [];
      if (!posted) return;
      for (const r of sent) Object.assign(r, { jobId: posted.body.job_id, status: 'queued' });
      save(false);
      const { task, timedOut } = await waitForTask(client, posted.body.job_id, {
        intervalMs: opts.pollMs,
        timeoutMs: opts.timeoutMs,
        signal: abort.signal,
        onChange: (t) => {
          for (const r of sent) r.status = t.status;
          // The chunk's last row is ticked at its end, with the chunk's tally.
          const b = batchesOf(t);
          if (b?.batches)
            advance(
              Math.min(
                sent.length - 1,
                Math.floor(((b.batches_done ?? 0) / b.batches) * sent.length),
              ),
              `${span}: ${b.batches_done ?? 0} of ${b.batches} vendor batch(es)`,
            );
        },
      });
      if (timedOut) {
        for (const r of sent)
          r.error = 'still not finished when --timeout passed: run again to resume';
        return;
      }
      applyOutcome(task, sent);
    } catch (err) {
      if (abort.signal.aborted || isFatal(err)) throw err;
      for (const r of chunk.filter((x) => x.status !== 'rejected')) {
        Object.assign(r, { status: r.jobId ? r.status : 'error', error: oneLineError(err) });
      }
    } finally {
      const ended = chunk.filter((r) => DONE_STATUSES.has(r.status ?? ''));
      count(ended);
      const tally = ['enriched', 'unenriched', 'rejected', 'failed']
        .map((s) => [s, ended.filter((r) => r.status === s).length] as const)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ');
      advance(chunk.length, `${span}: ${tally || chunk[0].status || 'not finished'}`);
      save(false);
    }
  };

  // Written once before anything is sent: an unwritable --out fails now, not after paid work.
  save(true);
  progress.start(plan.rows.length, plan.rows.length - todo);
  try {
    await eachRow(plan.chunks, opts.concurrency, abort, one);
  } finally {
    progress.stop();
    save(true);
  }
  return {
    total: plan.rows.length,
    skipped: plan.rows.length - todo,
    processed: todo,
    chunks: plan.chunks.length,
    counts,
    unfinished: plan.rows.filter((r) => !DONE_STATUSES.has(r.status ?? '')).length,
    interrupted: abort.signal.aborted,
  };
}
