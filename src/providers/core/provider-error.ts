import { ErrorCode, isRetryableCode } from '../../common/errors/error-codes';

/**
 * The codes every adapter maps its vendor's errors to: those of the platform's one list
 * (src/common/errors/error-codes.ts) that a vendor call can end with.
 */
export const PROVIDER_ERROR_CODES = [
  'RATE_LIMITED',
  'TEMPORARY',
  'AUTH',
  'NOT_FOUND',
  'BAD_INPUT',
  'QUOTA_EXHAUSTED',
  'BLOCKED',
  'BUDGET_EXCEEDED',
  'UNKNOWN',
] as const satisfies readonly ErrorCode[];
export type ProviderErrorCode = (typeof PROVIDER_ERROR_CODES)[number];

/**
 * The one error type that leaves an adapter. `retryable` drives retries (transient codes only);
 * `retryAfterMs` carries a vendor's Retry-After so the shared limiter can pause.
 */
export class ProviderError extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly status?: number;
  providerId?: string;

  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    opts: {
      retryAfterMs?: number;
      status?: number;
      cause?: unknown;
      retryable?: boolean;
      providerId?: string;
    } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'ProviderError';
    this.retryable = opts.retryable ?? isRetryableCode(code);
    this.retryAfterMs = opts.retryAfterMs;
    this.status = opts.status;
    this.providerId = opts.providerId;
  }

  /**
   * A copy with `redact` applied to its message and stack, and to its causes' (which keep only
   * their name, message, stack and code: an SDK error's body and headers may repeat the key).
   */
  redacted(redact: (text: string) => string): ProviderError {
    const copy = new ProviderError(this.code, redact(this.message), {
      retryAfterMs: this.retryAfterMs,
      status: this.status,
      retryable: this.retryable,
      providerId: this.providerId,
      cause: redactedCause(this.cause, redact, 0),
    });
    copy.stack = this.stack === undefined ? undefined : redact(this.stack);
    return copy;
  }

  /** Maps an HTTP status (and optional vendor hint) to a code, the usual way. */
  static fromHttp(
    status: number,
    message: string,
    opts: { retryAfterMs?: number; quota?: boolean; cause?: unknown } = {},
  ): ProviderError {
    let code: ProviderErrorCode;
    if (opts.quota || status === 402) code = 'QUOTA_EXHAUSTED';
    else if (status === 429) code = 'RATE_LIMITED';
    else if (status === 401 || status === 403) code = 'AUTH';
    else if (status === 404) code = 'NOT_FOUND';
    else if (status === 408 || status === 409 || status === 425 || status >= 500)
      code = 'TEMPORARY';
    else if (status >= 400) code = 'BAD_INPUT';
    else code = 'UNKNOWN';
    return new ProviderError(code, message, {
      status,
      retryAfterMs: opts.retryAfterMs,
      cause: opts.cause,
    });
  }
}

function redactedCause(cause: unknown, redact: (text: string) => string, depth: number): unknown {
  if (cause === undefined || cause === null || depth >= 5) return undefined;
  if (typeof cause === 'string') return redact(cause);
  if (typeof cause !== 'object') return cause;
  const c = cause as {
    name?: unknown;
    message?: unknown;
    stack?: unknown;
    code?: unknown;
    cause?: unknown;
  };
  const inner = redactedCause(c.cause, redact, depth + 1);
  const out = new Error(
    redact(String(c.message ?? '')),
    inner === undefined ? undefined : { cause: inner },
  ) as Error & { code?: unknown };
  out.name = typeof c.name === 'string' ? c.name : 'Error';
  out.stack = typeof c.stack === 'string' ? redact(c.stack) : undefined;
  if (typeof c.code === 'string' || typeof c.code === 'number') out.code = c.code;
  return out;
}

/** Parses Retry-After (delay-seconds or HTTP-date) into milliseconds from now. */
export function parseRetryAfter(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
