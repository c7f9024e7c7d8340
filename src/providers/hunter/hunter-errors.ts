import { parseRetryAfter, ProviderError } from '../core/provider-error';
import { errorDetail } from '../http/vendor-fetch';

/** Hunter's error envelope: `{"errors": [{"id", "code", "details"}]}` (VENDORS.md §2). */
interface HunterErrorBody {
  errors?: Array<{ id?: unknown; code?: unknown; details?: unknown }> | null;
}

/** What a failed call went to, for messages that say what to fix. */
export interface HunterEndpoint {
  /** Path under the base URL, e.g. `email-verifier`. */
  path: string;
  /** The prefix of the limit variables that apply, e.g. `HUNTER_` or `HUNTER_EMAIL_VERIFY_`. */
  limitVars: string;
}

/** A 403 rate limit has no Retry-After: Hunter's windows are per second and per minute. */
export const HUNTER_RATE_LIMIT_WAIT_MS = 1_000;

const QUOTA_WORDS = /usage limit|quota|credits?\b|upgrade your plan|monthly/i;
const RATE_WORDS = /rate limit|too many requests|rate_limit/i;

/** Every `errors[].details` (with its `id`), joined; else the usual `error`/`message`, else text. */
export function hunterErrorDetail(text: string): string {
  try {
    const body = JSON.parse(text) as HunterErrorBody | null;
    const list = Array.isArray(body?.errors) ? body.errors : [];
    const parts = list
      .map((e) => {
        const details = typeof e?.details === 'string' ? e.details.trim() : '';
        const id = typeof e?.id === 'string' ? e.id : '';
        return id && details ? `${details} (${id})` : details || id;
      })
      .filter(Boolean);
    if (parts.length) return parts.join('; ').replace(/\s+/g, ' ').slice(0, 300);
  } catch {
    // not JSON: the raw text below
  }
  return errorDetail(text);
}

/**
 * A non-2xx answer of any Hunter endpoint → ProviderError. Hunter's own words (VENDORS.md §2):
 * 403 is "You have reached the rate limit" and 429 "You have reached your usage limit"; newer
 * answers use 402 for the quota and put Retry-After on a 429 that is a rate limit. So:
 * - 401 → AUTH; 403 → RATE_LIMITED (wait 1 s), unless its words are about the plan or
 *   permissions rather than a rate limit → AUTH;
 * - 402, or a 429 that speaks of the usage limit / quota / credits → QUOTA_EXHAUSTED (not retried:
 *   the monthly quota resets on the plan's reset date);
 * - any other 429 → RATE_LIMITED with its Retry-After (none: the platform waits 1 s);
 * - 400 / 422 → BAD_INPUT with `errors[].details`; 404 → NOT_FOUND (check HUNTER_BASE_URL);
 * - 451 (restricted for legal reasons) → BLOCKED, not retried; 5xx → TEMPORARY (retried).
 */
export function mapHunterError(
  status: number,
  headers: Headers,
  text: string,
  endpoint: HunterEndpoint,
): ProviderError {
  const detail = hunterErrorDetail(text);
  const message = `Hunter ${status} on ${endpoint.path}: ${detail}`;
  const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
  if (status === 401) {
    return new ProviderError('AUTH', `${message} (check HUNTER_API_KEY)`, {
      status,
      retryable: false,
    });
  }
  if (status === 403) {
    if (RATE_WORDS.test(detail) || !/plan|permission|access|forbidden|not allowed/i.test(detail)) {
      return new ProviderError(
        'RATE_LIMITED',
        `${message} (Hunter's rate limit; set ${endpoint.limitVars}RATE_PER_SECOND / _MINUTE to your plan's)`,
        { status, retryAfterMs: retryAfterMs ?? HUNTER_RATE_LIMIT_WAIT_MS },
      );
    }
    return new ProviderError(
      'AUTH',
      `${message} (the key's plan or permissions do not allow ${endpoint.path})`,
      { status, retryable: false },
    );
  }
  if (status === 402 || (status === 429 && QUOTA_WORDS.test(detail) && !RATE_WORDS.test(detail))) {
    return new ProviderError(
      'QUOTA_EXHAUSTED',
      `${message} (the Hunter plan's monthly quota is used up; operation "account" shows it)`,
      { status, retryable: false },
    );
  }
  if (status === 429) return new ProviderError('RATE_LIMITED', message, { status, retryAfterMs });
  if (status === 400 || status === 422) {
    return new ProviderError('BAD_INPUT', message, { status, retryable: false });
  }
  if (status === 404) {
    return new ProviderError('NOT_FOUND', `${message} (check HUNTER_BASE_URL)`, { status });
  }
  if (status === 451) {
    return new ProviderError(
      'BLOCKED',
      `${message} (Hunter does not process this for legal reasons, e.g. the person opted out)`,
      { status, retryable: false },
    );
  }
  return ProviderError.fromHttp(status, message, { retryAfterMs });
}
