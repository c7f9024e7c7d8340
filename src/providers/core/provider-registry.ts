import { Inject, Injectable, Logger, OnModuleInit, Optional, Scope } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import {
  bulkhead,
  BulkheadPolicy,
  circuitBreaker,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  IPolicy,
  isTaskCancelledError,
  retry,
  timeout,
  TimeoutPolicy,
  TimeoutStrategy,
  wrap,
} from 'cockatiel';
import { AppConfig } from '../../common/config/app.config';
import { SecretRedactor } from '../../common/logging/redact';
import { Capability, isCapability } from './capabilities';
import { EnrichmentProvider, ProviderMetadata } from './enrichment-provider';
import { Provider } from './provider.decorator';
import { ProviderError } from './provider-error';
import { ProviderMetrics } from './provider-metrics';
import { secretRedactor } from './provider-secrets';
import { PROVIDER_MODULE_ORDER } from './provider-order';
import {
  providerSettingsProblems,
  ProviderSettings,
  ProviderSettingsError,
  resolveProviderSettings,
} from './provider-settings';

const ID_RE = /^[a-z][a-z0-9_]{1,31}$/;

/** Transient failures: retried, and counted by the breaker. */
export const isTransient = (e: unknown): boolean =>
  isTaskCancelledError(e) ||
  (e instanceof ProviderError && (e.code === 'TEMPORARY' || e.code === 'UNKNOWN'));

export interface RegisteredProvider {
  meta: ProviderMetadata;
  settings: ProviderSettings;
  adapter: EnrichmentProvider;
  breaker: CircuitBreakerPolicy;
  bulkhead: BulkheadPolicy;
  /**
   * retry(transient) → breaker, built once: a breaker built per call never opens. The shared rate
   * limiter runs inside it, so every attempt takes its own slot.
   */
  policy: IPolicy;
  /**
   * Per attempt, around the adapter only (never around the limiter wait): aborts the adapter's
   * signal and gives up on the attempt after `timeoutMs`.
   */
  timeout: TimeoutPolicy;
}

export const BREAKER_STATE_NAMES: Record<CircuitState, string> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * Discovers @Provider classes once at boot, resolves their settings and builds their resilience
 * policies. Refuses to start on a duplicate id, a class that is not an EnrichmentProvider, a
 * request-scoped provider or missing metadata.
 */
@Injectable()
export class ProviderRegistry implements OnModuleInit {
  private readonly logger = new Logger(ProviderRegistry.name);
  private readonly providers = new Map<string, RegisteredProvider>();
  private redactor = new SecretRedactor([]);

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly config: AppConfig,
    private readonly metrics: ProviderMetrics,
    @Optional() @Inject(PROVIDER_MODULE_ORDER) private readonly moduleOrder: unknown[] = [],
  ) {}

  /** Position of a provider's module in the declared order; unknown modules come last. */
  private rankOf(module: unknown): number {
    const classes = (this.moduleOrder ?? []).map((m) =>
      m && typeof m === 'object' && 'module' in m ? (m as { module: unknown }).module : m,
    );
    const i = classes.indexOf(module);
    return i < 0 ? classes.length : i;
  }

  onModuleInit(): void {
    const owners = new Map<string, string>();
    const found: Array<{ meta: ProviderMetadata; adapter: EnrichmentProvider; rank: number }> = [];
    for (const wrapper of this.discovery.getProviders({ metadataKey: Provider.KEY })) {
      const meta = this.discovery.getMetadataByDecorator(Provider, wrapper) as
        ProviderMetadata | undefined;
      const cls = wrapper.metatype?.name ?? String(wrapper.token);
      this.validate(meta, cls, wrapper);
      const m = meta!;
      if (owners.has(m.id)) {
        throw new Error(
          `Provider id "${m.id}" is declared twice (${owners.get(m.id)} and ${cls}). Provider ids are unique: rename one.`,
        );
      }
      if (!(wrapper.instance instanceof EnrichmentProvider)) {
        throw new Error(
          `Provider "${m.id}" (${cls}) must extend EnrichmentProvider (src/providers/core/enrichment-provider.ts).`,
        );
      }
      owners.set(m.id, cls);
      found.push({ meta: m, adapter: wrapper.instance, rank: this.rankOf(wrapper.host?.metatype) });
    }
    // Every invalid <ID>_* value of every provider, in one error (start-up checks them earlier,
    // with the rest of the configuration; this guards apps booted without that check).
    const problems = found.flatMap((f) =>
      providerSettingsProblems(
        f.meta.id,
        this.config.rawEnv,
        Object.keys(f.meta.operationRateLimits ?? {}),
        f.meta.settingsProblems,
      ),
    );
    if (problems.length) {
      throw new ProviderSettingsError(
        `Invalid provider settings (${problems.length}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      );
    }
    // The declared order (stable: providers of one module keep their order).
    found.sort((a, b) => a.rank - b.rank);
    for (const f of found) this.register(f.meta, f.adapter);
    const list = [...this.providers.values()];
    this.redactor = secretRedactor(
      this.config,
      list.map((p) => p.settings),
    );
    this.logger.log(
      `providers: ${list.map((p) => `${p.meta.id}${p.settings.configured ? '' : ' (not configured)'}`).join(', ') || '(none)'}`,
    );
  }

  private validate(
    meta: ProviderMetadata | undefined,
    cls: string,
    wrapper: { scope?: Scope; isDependencyTreeStatic(): boolean },
  ): void {
    const fix = `Declare @Provider({ id, capabilities, cost, rateLimits, cacheTtlSeconds }) on ${cls}.`;
    if (!meta) throw new Error(`${cls} is marked as a provider but has no metadata. ${fix}`);
    if (!meta.id || !ID_RE.test(meta.id)) {
      throw new Error(
        `Provider ${cls} needs an id of 2–32 lower-case letters, digits or _ (got "${meta.id}"). ${fix}`,
      );
    }
    if (!Array.isArray(meta.capabilities) || meta.capabilities.length === 0) {
      throw new Error(`Provider "${meta.id}" (${cls}) declares no capabilities. ${fix}`);
    }
    const unknown = meta.capabilities.filter((c) => !isCapability(c));
    if (unknown.length) {
      throw new Error(
        `Provider "${meta.id}" (${cls}) declares unknown capabilities: ${unknown.join(', ')}. See src/providers/core/capabilities.ts.`,
      );
    }
    if (!meta.cost || !meta.rateLimits || meta.cacheTtlSeconds === undefined) {
      throw new Error(
        `Provider "${meta.id}" (${cls}) is missing cost, rateLimits or cacheTtlSeconds. ${fix}`,
      );
    }
    if (
      wrapper.scope === Scope.REQUEST ||
      wrapper.scope === Scope.TRANSIENT ||
      !wrapper.isDependencyTreeStatic()
    ) {
      throw new Error(
        `Provider "${meta.id}" (${cls}) must be a singleton: remove the request/transient scope from it and its dependencies.`,
      );
    }
  }

  private register(meta: ProviderMetadata, adapter: EnrichmentProvider): void {
    const settings = resolveProviderSettings(
      meta,
      this.config.rawEnv,
      {
        timeoutMs: this.config.PROVIDER_TIMEOUT_MS,
        maxConcurrency: this.config.PROVIDER_MAX_CONCURRENCY,
      },
      adapter,
    );
    adapter.configure?.(settings);
    const breaker = circuitBreaker(handleWhen(isTransient), {
      halfOpenAfter: this.config.PROVIDER_BREAKER_HALF_OPEN_MS,
      breaker: new ConsecutiveBreaker(this.config.PROVIDER_BREAKER_THRESHOLD),
    });
    breaker.onStateChange((state) => {
      this.metrics.breakerState.set({ provider: meta.id }, state);
      if (state !== CircuitState.Closed)
        this.logger.warn(`breaker of ${meta.id} is ${BREAKER_STATE_NAMES[state]}`);
    });
    this.metrics.breakerState.set({ provider: meta.id }, CircuitState.Closed);
    const retryPolicy = retry(handleWhen(isTransient), {
      // cockatiel counts retries; PROVIDER_RETRY_ATTEMPTS counts attempts, the first included.
      maxAttempts: this.config.PROVIDER_RETRY_ATTEMPTS - 1,
      backoff: new ExponentialBackoff({
        initialDelay: this.config.PROVIDER_RETRY_BASE_MS,
        maxDelay: 30_000,
      }),
    });
    // A target-scoped provider's failures belong to the site it read, not to the provider.
    const policy = meta.failureScope === 'target' ? retryPolicy : wrap(retryPolicy, breaker);
    this.providers.set(meta.id, {
      meta,
      settings,
      adapter,
      breaker,
      bulkhead: bulkhead(Math.max(1, settings.maxConcurrency), Number.MAX_SAFE_INTEGER),
      policy,
      timeout: timeout(settings.timeoutMs, TimeoutStrategy.Aggressive),
    });
  }

  /**
   * Every configured secret (every provider's key and secret settings, the platform's API keys,
   * callback credentials and URL passwords), known once the providers are registered. The call
   * path redacts vendor errors with it before they are recorded, logged or returned.
   */
  get secrets(): SecretRedactor {
    return this.redactor;
  }

  get(id: string): RegisteredProvider | undefined {
    return this.providers.get(id);
  }

  all(): RegisteredProvider[] {
    return [...this.providers.values()];
  }

  /**
   * Configured providers serving a capability, in waterfall order: `WATERFALL_<CAPABILITY>`
   * (e.g. WATERFALL_EMAIL_FIND=hunter,builtin) when set, else declaration order with the
   * providers that declare the capability in `fallbackFor` moved last (a stable sort).
   */
  forCapability(capability: Capability): RegisteredProvider[] {
    const serving = this.all().filter(
      (p) => p.meta.capabilities.includes(capability) && p.settings.configured,
    );
    const order = this.config.rawEnv[`WATERFALL_${capability.toUpperCase().replace(/\./g, '_')}`];
    if (!order) {
      const last = (p: RegisteredProvider) => (p.meta.fallbackFor?.includes(capability) ? 1 : 0);
      return serving.sort((a, b) => last(a) - last(b));
    }
    const ids = order
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    return ids
      .map((id) => serving.find((p) => p.meta.id === id))
      .filter((p): p is RegisteredProvider => !!p);
  }
}
