import { ApiClient, oneLineError } from '../api-client';
import { CliError, EXIT } from '../io';
import { Progress } from '../progress';
import type { Plan, Row } from './plan';
import { eachRow, isFatal } from './row-pool';

/** What a dry run found. */
export interface DryRunSummary extends EstimateTotals {
  dry_run: true;
  rows: number;
  skipped: number;
  valid: number;
  invalid: Array<{ row: number; website: string; error: string }>;
}

/** A task type's dry-run estimate, as the API answers it. */
export interface Estimate {
  calls: number;
  cost_min_usd: number;
  cost_max_usd: number;
  notes?: string[];
}

/** Estimates summed: the calls, the cost range and the notes (each once). */
export interface EstimateTotals {
  calls: number;
  cost_min_usd: number;
  cost_max_usd: number;
  notes: string[];
}

export const noEstimate = (): EstimateTotals => ({
  calls: 0,
  cost_min_usd: 0,
  cost_max_usd: 0,
  notes: [],
});

export function addEstimate(t: EstimateTotals, e: Estimate): void {
  t.calls += e.calls;
  t.cost_min_usd += e.cost_min_usd;
  t.cost_max_usd += e.cost_max_usd;
  for (const n of e.notes ?? []) if (!t.notes.includes(n)) t.notes.push(n);
}

/** The totals' costs to the micro-dollar (sums of floats drift). */
export function roundTotals(t: EstimateTotals): void {
  const round = (n: number) => Math.round(n * 1e6) / 1e6;
  t.cost_min_usd = round(t.cost_min_usd);
  t.cost_max_usd = round(t.cost_max_usd);
}

/**
 * Asks `POST /api/v1/accounts/enrich` with `dry_run: true` for each row to do (nothing is stored
 * or run) and sums the estimates. Rows the API refuses are listed: a real run would fail them.
 */
export async function dryRun(
  client: ApiClient,
  abort: AbortController,
  plan: Plan,
  progress: Progress,
  concurrency: number,
): Promise<DryRunSummary> {
  const sum: DryRunSummary = {
    dry_run: true,
    rows: plan.rows.length,
    skipped: plan.rows.length - plan.todo.length,
    valid: 0,
    invalid: [],
    ...noEstimate(),
  };
  const counts: Record<string, number> = {};
  const one = async (row: Row): Promise<void> => {
    let line: string;
    try {
      if (!row.body.website) throw new CliError('the website cell is empty');
      const { body } = await client.post<{ estimate: Estimate }>('/api/v1/accounts/enrich', {
        ...row.body,
        dry_run: true,
      });
      const e = body.estimate;
      sum.valid++;
      addEstimate(sum, e);
      counts.valid = (counts.valid ?? 0) + 1;
      line = `row ${row.number} ${row.body.website}: ${e.calls} call(s), $${e.cost_min_usd}–$${e.cost_max_usd}`;
    } catch (err) {
      // Interrupted, or every other row would fail the same way: stops the run.
      if (abort.signal.aborted || isFatal(err)) throw err;
      const error = oneLineError(err);
      sum.invalid.push({ row: row.number, website: row.body.website, error });
      counts.invalid = (counts.invalid ?? 0) + 1;
      line = `row ${row.number} ${row.body.website || '(no website)'}: invalid – ${error}`;
    }
    progress.tick(line, counts);
  };
  progress.start(plan.todo.length, 0);
  try {
    await eachRow(plan.todo, concurrency, abort, one);
  } finally {
    progress.stop();
  }
  if (abort.signal.aborted) throw new CliError('interrupted', EXIT.interrupted);
  sum.invalid.sort((a, b) => a.row - b.row);
  roundTotals(sum);
  return sum;
}
