import { ApiClient, ApiError, oneLineError } from '../api-client';
import {
  addEstimate,
  Estimate,
  EstimateTotals,
  noEstimate,
  roundTotals,
} from '../accounts-enrich/dry-run';
import { eachRow } from '../accounts-enrich/row-pool';
import type { LeadsPlan } from './plan';

export interface LeadsDryRun extends EstimateTotals {
  valid: number;
  invalid: string[];
}

/**
 * Asks `POST /api/v1/leads/generate` with `dry_run: true` for each account to do (nothing is
 * stored or run) and sums the estimates; the accounts the API refuses are listed.
 */
export async function dryRunLeads(
  client: ApiClient,
  abort: AbortController,
  plan: LeadsPlan,
  concurrency: number,
): Promise<LeadsDryRun> {
  const sum: LeadsDryRun = { ...noEstimate(), valid: 0, invalid: [] };
  await eachRow(plan.todo, concurrency, abort, async (row) => {
    try {
      const { body } = await client.post<{ estimate: Estimate }>('/api/v1/leads/generate', {
        ...row.body,
        dry_run: true,
      });
      addEstimate(sum, body.estimate);
      sum.valid += 1;
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 400) throw err;
      sum.invalid.push(`row ${row.number}: ${oneLineError(err)}`);
    }
  });
  roundTotals(sum);
  return sum;
}
