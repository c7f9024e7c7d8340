/** What a job's tasks came to, counted. */
export interface JobCounts {
  total: number;
  /** Tasks ended (succeeded, failed or cancelled). */
  processed: number;
  succeeded: number;
  /** Succeeded tasks that kept at least one address. */
  found: number;
  /** Failed tasks by error code. */
  errors: Record<string, number>;
  /** Provider calls made by the job's tasks. */
  apiCalls: number;
}

export interface JobOutcome {
  state: 'completed' | 'failed';
  error_message: string | null;
}

const THROTTLED = new Set(['RATE_LIMITED', 'TIMEOUT']);

/**
 * SEED-CONTRACTS part C's outcome rules for a job whose tasks have all ended: no leads →
 * completed; more than half of the errors rate limits or timeouts → failed; nothing processed
 * and no API calls → failed; a success rate (tasks that found an address) below 10 % →
 * completed with "Low success rate"; otherwise completed.
 */
export function jobOutcome(c: JobCounts): JobOutcome {
  if (c.total === 0) return { state: 'completed', error_message: null };
  const errors = Object.values(c.errors).reduce((a, b) => a + b, 0);
  const throttled = Object.entries(c.errors)
    .filter(([code]) => THROTTLED.has(code))
    .reduce((a, [, n]) => a + n, 0);
  if (errors > 0 && throttled / errors > 0.5)
    return { state: 'failed', error_message: 'Most errors were rate limits or timeouts' };
  if (c.succeeded === 0 && c.apiCalls === 0)
    return { state: 'failed', error_message: 'Nothing processed and no API calls made' };
  if (c.found / c.total < 0.1) return { state: 'completed', error_message: 'Low success rate' };
  return { state: 'completed', error_message: null };
}
