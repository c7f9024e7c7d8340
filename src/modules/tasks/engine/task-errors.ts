import { ErrorCode, isRetryableCode } from '../../../common/errors/error-codes';
import type { TaskErrorInfo } from '../task.entity';

/**
 * Error codes a task may end with: the platform's one list (src/common/errors/error-codes.ts),
 * open to a module's own codes. Retryable ones are retried with backoff; the rest end the task.
 */
export type TaskErrorCode = ErrorCode | (string & {});

/** Throw from a task handler to end an attempt with a code; `retryable` decides whether it is retried. */
export class TaskError extends Error {
  readonly retryable: boolean;
  constructor(
    readonly code: TaskErrorCode,
    message: string,
    options: {
      retryable?: boolean;
      cause?: unknown;
      partialResult?: unknown;
      streams?: TaskErrorInfo['streams'];
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'TaskError';
    this.retryable = options.retryable ?? isRetryableCode(code);
    this.partialResult = options.partialResult;
    this.streams = options.streams;
  }
  readonly partialResult: unknown;
  /** Per entity of a per-entity task, its own failure (carried to that entity's callback). */
  readonly streams: TaskErrorInfo['streams'];

  static permanent(code: TaskErrorCode, message: string): TaskError {
    return new TaskError(code, message, { retryable: false });
  }
  static retryable(code: TaskErrorCode, message: string): TaskError {
    return new TaskError(code, message, { retryable: true });
  }
}

/** Why a running task's abort signal fired. */
export type AbortReason = 'cancelled' | 'timeout' | 'shutdown';

export class TaskAbortedError extends Error {
  constructor(readonly reason: AbortReason) {
    super(`task aborted: ${reason}`);
    this.name = 'TaskAbortedError';
  }
}

/** Turns anything a handler threw into a code, message and retryable flag. */
export function normaliseError(err: unknown): {
  code: string;
  message: string;
  retryable: boolean;
  streams?: TaskErrorInfo['streams'];
} {
  if (err instanceof TaskError)
    return {
      code: err.code,
      message: err.message,
      retryable: err.retryable,
      ...(err.streams ? { streams: err.streams } : {}),
    };
  if (err instanceof TaskAbortedError && err.reason === 'timeout') {
    return { code: 'TIMEOUT', message: 'task exceeded its timeout', retryable: true };
  }
  const e = err as { code?: unknown; retryable?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && typeof e?.retryable === 'boolean') {
    return { code: e.code, message: String(e.message ?? e.code), retryable: e.retryable };
  }
  return {
    code: 'INTERNAL',
    message: err instanceof Error ? err.message : String(err),
    retryable: true,
  };
}
