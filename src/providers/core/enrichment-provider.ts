import type { Capability } from './capabilities';
import type { ProviderSettings } from './provider-settings';

/** One request to a provider: which capability, which operation of it, and the input. */
export interface ProviderRequest<I = unknown> {
  capability: Capability;
  /** An operation within the capability (e.g. `generate`, `search`); defaults to the capability. */
  operation?: string;
  input: I;
}

/** What the platform hands an adapter for one call. */
export interface ProviderCallContext {
  /** Aborts on timeout, task cancel or shutdown: pass it to the HTTP client. */
  signal: AbortSignal;
  settings: ProviderSettings;
}

export interface ProviderUsage {
  inputTokens?: number;
  outputTokens?: number;
  /** Billable results (records returned, credits used). */
  results?: number;
}

/** An adapter's answer, already mapped to our canonical shape (vendor types never leave the adapter). */
export interface ProviderResult<T = unknown> {
  /** "Not found" is a result, not a failure. */
  found: boolean;
  data: T | null;
  usage?: ProviderUsage;
  /** Exact cost when the vendor reports it; otherwise the cost model prices `usage`. */
  costUsd?: number;
  /** URLs that back the answer (LLM citations, pages read). */
  sources?: string[];
  model?: string;
  /**
   * This answer's own cache lifetime when it must not be kept as long as the operation's answers
   * usually are (an inconclusive verification worth asking again soon). Never lengthens it; 0 keeps
   * it for this task's retries only.
   */
  cacheTtlSeconds?: number;
  /**
   * The answer holds personal data it must not be kept with (a raw transcript, before scrubbing):
   * never written to the response cache, not even for this task's retries — a retry pays again.
   */
  sensitive?: boolean;
}

/** Prices in USD. Token prices are per million tokens; `models` overrides per model id. */
export interface CostModel {
  perCallUsd?: number;
  perResultUsd?: number;
  inputPerMTokUsd?: number;
  outputPerMTokUsd?: number;
  /** Upper bound of billable results of one call, for worst-case budget checks. */
  maxResultsPerCall?: number;
  /** Upper bound of output tokens of one call, for worst-case budget checks. */
  maxOutputTokens?: number;
  models?: Record<string, Omit<CostModel, 'models'>>;
}

export interface RateLimits {
  perSecond?: number;
  perMinute?: number;
  perDay?: number;
}

/** Declared with @Provider({...}) on the adapter class. */
export interface ProviderMetadata {
  /** Lower-case id, also the env prefix (`OPENAI_API_KEY`, `OPENAI_BASE_URL`…). */
  id: string;
  capabilities: Capability[];
  cost: CostModel;
  /** The vendor's documented limits (overridable by `<ID>_RATE_PER_SECOND|MINUTE|DAY`). */
  rateLimits: RateLimits;
  /**
   * Operations the vendor counts apart from the rest, by operation name
   * (`request.operation ?? request.capability`), e.g. Apollo's bulk endpoint at a tenth of the
   * per-minute limit. Such an operation takes its slots, day count and 429 pauses from a shared
   * limiter of its own instead of the provider's. Overridable by
   * `<ID>_<OPERATION>_RATE_PER_SECOND|MINUTE|DAY` (e.g. `APOLLO_PERSON_ENRICH_RATE_PER_MINUTE`).
   */
  operationRateLimits?: Record<string, RateLimits>;
  /** Response cache TTL in seconds, per operation or for all (0 = never cache). */
  cacheTtlSeconds: number | Record<string, number>;
  /** Default base URL of the vendor API. */
  baseUrl?: string;
  /** Default model, for LLM providers. */
  model?: string;
  /** Whether the provider needs `<ID>_API_KEY` to be usable (default true). */
  requiresApiKey?: boolean;
  /**
   * What a failure says something about: `provider` (default) — the vendor is failing, so
   * consecutive transient failures open the provider's breaker and a 429 pauses every call to it;
   * `target` — a provider that reads arbitrary sites (the built-in web reader): one site down or
   * rate-limiting us says nothing of the others, so there is no breaker and a 429 is returned to
   * the caller instead of pausing the provider.
   */
  failureScope?: 'provider' | 'target';
  /**
   * Seed 004's rule, for vendors that scrape behind anti-bot walls (the LinkedIn-data providers):
   * an answer the adapter marks `BLOCKED` (a CAPTCHA / challenge page where JSON was expected), or
   * a 429 without Retry-After, pauses every process's calls to the provider for
   * `<ID>_BLOCK_PAUSE_SECONDS` (default one hour) through the shared rate limiter. During the pause
   * calls fail `RATE_LIMITED` at once, without reaching the vendor, so a waterfall moves on to the
   * next provider. A 429 with Retry-After is waited out as for every provider.
   */
  pauseWhenBlocked?: boolean;
  /**
   * Capabilities this provider serves only after the other configured providers of that
   * capability (e.g. the built-in reader's `people.search` from a site's team pages comes after
   * the people-data vendors), whatever the declared order. A `WATERFALL_<CAPABILITY>` order
   * overrides it.
   */
  fallbackFor?: Capability[];
  timeoutMs?: number;
  maxConcurrency?: number;
  description?: string;
  /**
   * The problems of the provider's own `<ID>_*` settings (beyond the platform's), one line each,
   * given every `<ID>_*` variable without its prefix: start-up refuses to boot on any, as for the
   * platform's settings (e.g. `BUILTIN_SMTP_PORT=abc`).
   */
  settingsProblems?: (extra: Readonly<Record<string, string>>) => string[];
}

/**
 * The one contract every provider implements: a vendor API, an LLM, the open web or a built-in
 * engine. Adapters only translate: caching, budgets, rate limits, retries, breakers, the ledger
 * and metrics are applied around them by the platform (ProviderClient), never inside.
 */
export abstract class EnrichmentProvider {
  /** Performs one call. Throw ProviderError (with a code) for every failure. */
  abstract call(request: ProviderRequest, ctx: ProviderCallContext): Promise<ProviderResult>;

  /** Called once at boot with the provider's settings (build SDK clients here). */
  configure?(settings: ProviderSettings): void;

  /**
   * Whether these settings are enough to call the vendor, for providers whose rule is not
   * "has `<ID>_API_KEY`" (e.g. an OpenAI-compatible server needs a key OR a base URL). Without
   * it, `requiresApiKey` decides. A disabled provider is never configured, whatever this says.
   */
  isConfigured?(settings: ProviderSettings): boolean;

  /** A known-good request for `POST /api/v1/providers/{id}/self-test`. */
  selfTestRequest?(): ProviderRequest;

  /** Worst-case cost of a request, for budget checks; the default prices the cost model's bounds. */
  estimateMaxCostUsd?(
    request: ProviderRequest,
    cost: CostModel,
    settings: ProviderSettings,
  ): number;
}
