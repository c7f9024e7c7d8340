/**
 * The one list of error codes a task or a provider call ends with (task errors, provider errors,
 * callbacks' `error_details.error_type`). A retryable code is retried with backoff by default;
 * the others end the task at once unless the thrower says otherwise.
 */
export const ERROR_CODES = [
  // The caller's input.
  'BAD_INPUT',
  'INVALID_WEBSITE',
  // What was asked for is not there.
  'NOT_FOUND',
  // Vendors: credentials, quota, refusal.
  'AUTH',
  'QUOTA_EXHAUSTED',
  'BLOCKED',
  // Cost safety.
  'BUDGET_EXCEEDED',
  // Transient.
  'RATE_LIMITED',
  'TEMPORARY',
  'TIMEOUT',
  'STALLED',
  // The engine.
  'CANCELLED',
  'UNKNOWN_TASK_TYPE',
  'INTERNAL',
  'UNKNOWN',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const RETRYABLE_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'RATE_LIMITED',
  'TEMPORARY',
  'TIMEOUT',
  'STALLED',
  'INTERNAL',
  'UNKNOWN',
]);

/** Whether a code is retried by default. */
export const isRetryableCode = (code: string): boolean => RETRYABLE_CODES.has(code);
