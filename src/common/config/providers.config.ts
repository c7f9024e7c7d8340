import { IntSetting } from './config-decorators';
import { TasksConfig } from './tasks.config';

/** AppConfig, section 5: provider calls (timeouts, bulkheads, retries, breakers, rate limits). */
export class ProvidersConfig extends TasksConfig {
  /** Default timeout of one provider call attempt (a provider's own `<ID>_TIMEOUT_MS` wins). */
  @IntSetting(100)
  PROVIDER_TIMEOUT_MS = 30000;

  /** Default bulkhead: concurrent calls to one provider from one process. */
  @IntSetting(1)
  PROVIDER_MAX_CONCURRENCY = 10;

  /** Attempts per provider call on transient errors (timeouts, 5xx), the first included. */
  @IntSetting(1, 10)
  PROVIDER_RETRY_ATTEMPTS = 3;

  @IntSetting(1)
  PROVIDER_RETRY_BASE_MS = 250;

  /** Consecutive transient failures that open a provider's circuit breaker. */
  @IntSetting(1)
  PROVIDER_BREAKER_THRESHOLD = 5;

  /** How long an open breaker waits before letting one probe call through (half-open). */
  @IntSetting(100)
  PROVIDER_BREAKER_HALF_OPEN_MS = 30000;

  /** Longest a call waits for the shared rate limiter (or a vendor's Retry-After) before failing RATE_LIMITED. */
  @IntSetting(0)
  RATE_LIMIT_MAX_WAIT_MS = 60000;

  /**
   * Headroom added to every rate-limit window: a limit of N per second spaces calls
   * (1000 + margin) / N ms apart (per minute: (60000 + margin) / N), so scheduling and network
   * jitter never pack one call too many into a vendor's window. Raise it for strict vendors on
   * busy hosts or long network paths.
   */
  @IntSetting(0, 60000)
  RATE_LIMIT_MARGIN_MS = 15;

  /**
   * The environment as read at boot, for per-provider variables (`<ID>_API_KEY`, `<ID>_BASE_URL`…)
   * and `WATERFALL_<CAPABILITY>`, resolved by the provider registry. Never logged.
   */
  rawEnv: Readonly<Record<string, string | undefined>> = {};

  // A sweep setting, declared here as before the split: validation messages follow declaration order.
  /** A queued task older than this with no job in Redis is enqueued again by the requeue sweep. */
  @IntSetting(1000)
  SWEEP_ORPHAN_AFTER_MS = 120000;
}
