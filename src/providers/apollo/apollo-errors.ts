import { parseRetryAfter, ProviderError } from '../core/provider-error';
import { errorDetail } from '../http/vendor-fetch';

/** The endpoint a failed call went to, for messages that say what to fix. */
export interface ApolloEndpoint {
  /** Path under the base URL, e.g. `people/bulk_match`. */
  path: string;
  /** The variable whose key was sent. */
  keyVar: string;
  /** The prefix of the limit variables that apply, e.g. `APOLLO_` or `APOLLO_PERSON_ENRICH_`. */
  limitVars: string;
  /** The endpoint needs a master API key (a 403 means the key is not one). */
  masterKey?: boolean;
}

export const ORGANIZATION_ENRICH: ApolloEndpoint = {
  path: 'organizations/enrich',
  keyVar: 'APOLLO_API_KEY',
  limitVars: 'APOLLO_',
};

const int = (v: string | null): number | undefined => {
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};

/**
 * A non-2xx answer → ProviderError. Apollo's 429 carries no Retry-After: the fixed-window
 * `x-{minute,hourly,daily}-requests-left` headers say which window is used up, and so how long to
 * wait. A used-up daily window is QUOTA_EXHAUSTED (nothing to wait for today). A 403 from an
 * endpoint that needs a master key says so; 401/403 are never retried.
 */
export function mapApolloError(
  status: number,
  headers: Headers,
  text: string,
  endpoint: ApolloEndpoint = ORGANIZATION_ENRICH,
): ProviderError {
  const detail = errorDetail(text);
  const message = `Apollo ${status}: ${detail}`;
  if (status === 429) {
    const left = (w: string) => int(headers.get(`x-${w}-requests-left`));
    const retryAfter = parseRetryAfter(headers.get('retry-after'));
    if (left('daily') === 0) {
      return new ProviderError(
        'QUOTA_EXHAUSTED',
        `${message} (daily API limit of your Apollo plan for ${endpoint.path} used up; raise ${endpoint.limitVars}RATE_PER_DAY only with the plan)`,
        { status },
      );
    }
    const wait =
      retryAfter ?? (left('hourly') === 0 ? 3_600_000 : left('minute') === 0 ? 60_000 : undefined);
    return new ProviderError('RATE_LIMITED', message, { status, retryAfterMs: wait });
  }
  if (status === 403 && endpoint.masterKey) {
    return new ProviderError(
      'AUTH',
      `${message} (${endpoint.path} needs a master API key: set ${endpoint.keyVar} to a master key, created in Apollo under Settings → Integrations → API)`,
      { status, retryable: false },
    );
  }
  if (status === 401 || status === 403) {
    return new ProviderError(
      'AUTH',
      `${message} (check ${endpoint.keyVar}; 403 means the key or plan may not use ${endpoint.path})`,
      { status, retryable: false },
    );
  }
  if (status === 404) {
    return new ProviderError('NOT_FOUND', `${message} (check APOLLO_BASE_URL)`, { status });
  }
  if (status === 422 || status === 400) {
    return new ProviderError('BAD_INPUT', message, { status, retryable: false });
  }
  return ProviderError.fromHttp(status, message);
}
