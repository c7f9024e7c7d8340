import type { CallScope } from '../../../providers/core/provider-client';
import { ProviderError } from '../../../providers/core/provider-error';

/**
 * Whether a failed provider call must end the stage (and so the attempt) rather than be counted
 * as one of the run's api_errors: the task was cancelled or timed out, or its budget is spent.
 */
export function mustStop(err: unknown, scope: CallScope): boolean {
  return (
    scope.signal?.aborted === true ||
    (err instanceof ProviderError && err.code === 'BUDGET_EXCEEDED')
  );
}
