import {
  addEstimate,
  Estimate,
  EstimateTotals,
  noEstimate,
  roundTotals,
} from '../accounts-enrich/dry-run';
import { eachRow } from '../accounts-enrich/row-pool';
import { ApiClient } from '../api-client';
import { CliError, EXIT } from '../io';
import { Progress } from '../progress';
import { postChunk } from './chunks';
import type { ContactPlan } from './plan';

/** What a dry run found. */
export interface ContactsDryRun extends EstimateTotals {
  dry_run: true;
  rows: number;
  skipped: number;
  chunks: number;
  valid: number;
  invalid: Array<{ row: number; error: string }>;
}

/** The estimate note that counts one task's contacts (`25 contact(s): 24 unique, …`). */
const PER_TASK_COUNT = /^\d+ contact\(s\):/;

/**
 * Asks `POST /api/v1/contacts/enrich` with `dry_run: true` for each chunk to send (nothing is
 * stored or run) and sums the estimates: vendor calls (⌈unique contacts / 10⌉ per chunk) and the
 * worst-case cost. Rows the API refuses are listed: a real run would reject them.
 */
export async function dryRunContacts(
  client: ApiClient,
  abort: AbortController,
  plan: ContactPlan,
  progress: Progress,
  budgetUsd?: number,
): Promise<ContactsDryRun> {
  const todo = plan.chunks.flat();
  const sum: ContactsDryRun = {
    dry_run: true,
    rows: plan.rows.length,
    skipped: plan.rows.length - todo.length,
    chunks: plan.chunks.length,
    valid: 0,
    invalid: [],
    ...noEstimate(),
  };
  const counts: Record<string, number> = {};
  progress.start(todo.length, 0);
  try {
    await eachRow(plan.chunks, 2, abort, async (chunk) => {
      const posted = await postChunk<{ estimate: Estimate }>(client, chunk, {
        dryRun: true,
        budgetUsd,
      });
      const e = posted?.body.estimate;
      if (e) {
        sum.valid += posted.rows.length;
        addEstimate(sum, e);
      }
      const refused = chunk.filter((r) => r.status === 'rejected');
      for (const r of refused) sum.invalid.push({ row: r.number, error: r.error ?? '' });
      counts.valid = sum.valid;
      counts.invalid = sum.invalid.length;
      const span = `rows ${chunk[0].number}–${chunk[chunk.length - 1].number}`;
      const line = e
        ? `${span}: ${e.calls} call(s), up to $${e.cost_max_usd}`
        : `${span}: refused by the API`;
      progress.tick(
        `${line}${refused.length ? `, ${refused.length} invalid` : ''}`,
        counts,
        chunk.length,
      );
    });
  } finally {
    progress.stop();
  }
  if (abort.signal.aborted) throw new CliError('interrupted', EXIT.interrupted);
  sum.invalid.sort((a, b) => a.row - b.row);
  roundTotals(sum);
  // Each chunk's estimate counts its own contacts: with several, those counts are left out.
  sum.notes = sum.notes.filter((n) => plan.chunks.length === 1 || !PER_TASK_COUNT.test(n));
  return sum;
}
