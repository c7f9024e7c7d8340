import { Injectable, Logger } from '@nestjs/common';
import { isBrokenCircuitError, isTaskCancelledError } from 'cockatiel';
import { createHash } from 'node:crypto';
import { AppConfig } from '../../common/config/app.config';
import { stableStringify } from '../../common/stable-json';
import type { Capability } from './capabilities';
import { costOf, worstCaseCost } from './cost';
import type { ProviderRequest, ProviderResult } from './enrichment-provider';
import { blockTrip, trippedError, whileBlockedError } from './provider-block';
import { ProviderError } from './provider-error';
import { ProviderAnswerCache } from './provider-answer-cache';
import { ProviderLedgerRepository } from './provider-ledger.repository';
import { ProviderMetrics } from './provider-metrics';
import { ProviderRegistry, RegisteredProvider } from './provider-registry';
import { rateLimitsFor, ttlFor } from './provider-settings';
import { RateLimiter } from './rate-limiter';

/** Who is calling: ties the call to a task and stage (ledger, budget) and to its abort signal. */
export interface CallScope {
  taskId?: string | null;
  stage?: string | null;
  signal?: AbortSignal;
  /** Skip cached answers from other tasks (a refresh); this task's own paid answers still count. */
  bypassCache?: boolean;
}

export interface CallOutcome<T = unknown> extends ProviderResult<T> {
  provider: string;
  capability: Capability;
  operation: string;
  cached: boolean;
  costUsd: number;
  latencyMs: number;
}

export interface WaterfallStep {
  provider: string;
  outcome: string;
  cost_usd: number;
  cached: boolean;
  error?: string;
  /** Whether asking again may succeed (false: a refusal, a bad request), when it failed. */
  retryable?: boolean;
  /** The failed provider may answer again after this long (rate limit, open breaker). */
  retry_after_ms?: number;
}

/**
 * Whether asking a waterfall again may succeed: not when every provider refused for good (a
 * refusal, a bad request); yes when one found nothing, failed for now, or is paused or rate limited.
 */
export const waterfallRetryable = (steps: WaterfallStep[]): boolean =>
  steps.some((s) => s.retryable !== false || s.retry_after_ms !== undefined);

export interface WaterfallOutcome<T = unknown> {
  winner: CallOutcome<T> | null;
  steps: WaterfallStep[];
  cost_usd: number;
}

/**
 * The one path every call to the outside world takes:
 * cache → budget → bulkhead → [retry(transient) → breaker → shared rate limiter → timeout → adapter]
 * → ledger → metrics. Built from the registry's per-provider policies; adapters never see any of it.
 */
@Injectable()
export class ProviderClient {
  private readonly logger = new Logger(ProviderClient.name);

  constructor(
    private readonly registry: ProviderRegistry,
    private readonly answers: ProviderAnswerCache,
    private readonly ledger: ProviderLedgerRepository,
    private readonly limiter: RateLimiter,
    private readonly metrics: ProviderMetrics,
    private readonly config: AppConfig,
  ) {}

  /** Request fingerprint: provider + operation + normalised input (never credentials). */
  static fingerprint(providerId: string, operation: string, input: unknown): string {
    return createHash('sha256')
      .update(`${providerId}\u0000${operation}\u0000${stableStringify(input)}`)
      .digest('hex');
  }

  private resolve(providerId: string): RegisteredProvider {
    const p = this.registry.get(providerId);
    if (!p)
      throw new ProviderError('BAD_INPUT', `unknown provider "${providerId}"`, {
        retryable: false,
      });
    if (!p.settings.configured) {
      throw new ProviderError(
        'AUTH',
        `provider "${providerId}" is not configured (set ${providerId.toUpperCase()}_API_KEY, or see docs/providers.md)`,
        { retryable: false, providerId },
      );
    }
    return p;
  }

  /** Worst-case cost of a call, for budget checks and dry-run estimates. */
  maxCost(providerId: string, request: ProviderRequest): number {
    const p = this.registry.get(providerId);
    if (!p) return 0;
    return (
      p.adapter.estimateMaxCostUsd?.(request, p.settings.cost, p.settings) ??
      worstCaseCost(p.settings.cost, request.input, p.settings.model)
    );
  }

  async call<T = unknown>(
    providerId: string,
    request: ProviderRequest,
    scope: CallScope = {},
  ): Promise<CallOutcome<T>> {
    const p = this.resolve(providerId);
    const operation = request.operation ?? request.capability;
    const fp = ProviderClient.fingerprint(p.meta.id, operation, request.input);
    const ttl = ttlFor(p.settings, operation);
    const taskId = scope.taskId ?? null;
    const base = { provider: p.meta.id, capability: request.capability, operation };
    const ledgerBase = { taskId, stage: scope.stage ?? null, ...base, fingerprint: fp };

    // A limiter that only honours pauses is read side by side with the cache (one round trip of
    // waiting instead of two on a miss; on a hit the read is dropped).
    const limiter = rateLimitsFor(p.settings, operation);
    const pauseAhead = this.limiter.readPauseAhead(p.meta.id, limiter.limits, limiter.operation);
    const hit = await this.answers.get(fp, ttl, taskId, scope.bypassCache ?? false);
    if (hit) {
      this.metrics.cacheHits.inc({ provider: p.meta.id, operation });
      this.metrics.calls.inc({ provider: p.meta.id, operation, outcome: 'cache_hit' });
      await this.ledger.record({
        ...ledgerBase,
        outcome: 'cache_hit',
        cached: true,
        latencyMs: 0,
        attempts: 0,
        costUsd: 0,
        model: hit.model,
      });
      return { ...hit, ...base, cached: true, costUsd: 0, latencyMs: 0 } as CallOutcome<T>;
    }

    const reserved = taskId ? this.maxCost(p.meta.id, request) : 0;
    if (taskId && reserved > 0 && !(await this.ledger.reserve(taskId, reserved))) {
      const b = await this.ledger.taskBudget(taskId);
      this.metrics.calls.inc({ provider: p.meta.id, operation, outcome: 'budget_exceeded' });
      this.metrics.budgetExceeded.inc({ provider: p.meta.id });
      throw new ProviderError(
        'BUDGET_EXCEEDED',
        `a ${p.meta.id} ${operation} call may cost up to $${reserved.toFixed(4)}; the task has spent $${(b?.costUsd ?? 0).toFixed(4)} ` +
          (b?.budgetUsd != null
            ? `of its $${b.budgetUsd.toFixed(4)} budget`
            : `and its batch's $${(b?.batchBudgetUsd ?? 0).toFixed(4)} budget is used up`),
        { retryable: false, providerId: p.meta.id },
      );
    }

    const started = performance.now();
    let attempts = 0;
    try {
      const result = await p.bulkhead.execute(() =>
        this.execute(p, request, scope.signal, limiter, pauseAhead, () => {
          attempts++;
        }),
      );
      const latencyMs = performance.now() - started;
      const cost = costOf(p.settings.cost, result, p.settings.model);
      const outcome = result.found ? 'ok' : 'not_found';
      // The answer is cached, the task charged and the call recorded before the call returns, in
      // one statement: a worker killed after this point never pays for the answer again (unless
      // it must not be kept at all).
      const entry = {
        ...ledgerBase,
        outcome,
        cached: false,
        latencyMs,
        attempts,
        costUsd: cost,
        model: result.model ?? p.settings.model,
      };
      const settle = taskId ? { taskId, reservedUsd: reserved, actualUsd: cost } : null;
      const cache = result.sensitive
        ? []
        : this.answers.entries(
            fp,
            p.meta.id,
            operation,
            result,
            cost,
            taskId,
            result.cacheTtlSeconds !== undefined ? Math.min(ttl, result.cacheTtlSeconds) : ttl,
            scope.bypassCache ?? false,
          );
      try {
        await this.ledger.recordAnswered(cache, settle, entry);
      } catch (err) {
        if (!cache.length) throw err;
        // An answer that cannot be cached (say, too large a row) never fails the call: it is
        // still charged and recorded; a database that is down fails this write too.
        this.logger.warn(`could not cache a ${p.meta.id} answer: ${(err as Error).message}`);
        await this.ledger.recordAnswered([], settle, entry);
      }
      this.metrics.calls.inc({ provider: p.meta.id, operation, outcome });
      this.metrics.latency.observe({ provider: p.meta.id, operation }, latencyMs / 1000);
      if (cost > 0) this.metrics.cost.inc({ provider: p.meta.id }, cost);
      return { ...result, ...base, cached: false, costUsd: cost, latencyMs } as CallOutcome<T>;
    } catch (err) {
      if (taskId && reserved > 0) await this.ledger.settle(taskId, reserved, 0);
      if (scope.signal?.aborted) throw scope.signal.reason;
      // The one place every adapter's failure passes: vendors may echo the credentials they got.
      const e = this.normalise(err, p.meta.id).redacted(this.registry.secrets.redact);
      const latencyMs = performance.now() - started;
      await this.ledger.record({
        ...ledgerBase,
        outcome: e.code,
        cached: false,
        latencyMs,
        attempts,
        costUsd: 0,
        errorMessage: e.message,
      });
      this.metrics.calls.inc({ provider: p.meta.id, operation, outcome: e.code.toLowerCase() });
      if (attempts > 0)
        this.metrics.latency.observe({ provider: p.meta.id, operation }, latencyMs / 1000);
      throw e;
    }
  }

  /**
   * retry(transient) → breaker → rate limiter → timeout → adapter; the timeout covers the adapter
   * only, so a long wait for a slot never counts as a vendor timeout. A 429 pauses the shared limiter
   * for its Retry-After and is tried again without using a retry attempt, up to the max wait. An
   * operation counted apart (operationRateLimits) takes its slots from, and pauses, its own limiter.
   * A provider that declares `pauseWhenBlocked` is blocked (paused, and skipped) for
   * `<ID>_BLOCK_PAUSE_SECONDS` by a CAPTCHA page or a 429 without Retry-After (provider-block.ts).
   */
  private async execute(
    p: RegisteredProvider,
    request: ProviderRequest,
    outer: AbortSignal | undefined,
    { operation, limits }: ReturnType<typeof rateLimitsFor>,
    pauseAhead: Promise<number> | undefined,
    onAttempt: () => void,
  ): Promise<ProviderResult> {
    const deadline = Date.now() + this.config.RATE_LIMIT_MAX_WAIT_MS;
    // The pause read ahead (call()) serves the first attempt only: a retry reads it again.
    let ahead = pauseAhead;
    const block = p.meta.pauseWhenBlocked ? await this.limiter.blocked(p.meta.id) : null;
    if (block) throw whileBlockedError(p.meta.id, block);
    for (;;) {
      try {
        return await p.policy.execute(async () => {
          const first = ahead;
          ahead = undefined;
          const waited = await this.limiter.acquire(p.meta.id, limits, outer, operation, first);
          this.metrics.limiterWait.observe({ provider: p.meta.id }, waited / 1000);
          onAttempt();
          return this.attempt(p, request, outer);
        }, outer);
      } catch (err) {
        const trip = outer?.aborted ? undefined : blockTrip(p.meta, p.settings, err);
        if (trip) {
          await this.limiter.block(p.meta.id, trip.ms, trip.reason);
          this.logger.warn(
            `${p.meta.id} is blocked by ${trip.reason}: paused for ${trip.ms / 1000} s, waterfalls skip it`,
          );
          throw trippedError(err as ProviderError, p.meta.id, trip);
        }
        if (
          err instanceof ProviderError &&
          err.code === 'RATE_LIMITED' &&
          p.meta.failureScope !== 'target' &&
          !outer?.aborted
        ) {
          const wait = err.retryAfterMs ?? 1000;
          if (Date.now() + wait <= deadline) {
            await this.limiter.pause(p.meta.id, wait, operation);
            continue;
          }
        }
        throw err;
      }
    }
  }

  /**
   * One attempt: the adapter under the provider's timeout policy. On timeout the adapter's signal
   * aborts (so its HTTP call is cut) and the attempt fails at once even if the adapter ignores the
   * signal. A cancel of the caller surfaces as its own reason, never as a vendor failure the
   * breaker would count.
   */
  private async attempt(
    p: RegisteredProvider,
    request: ProviderRequest,
    outer?: AbortSignal,
  ): Promise<ProviderResult> {
    try {
      return await p.timeout.execute(
        ({ signal }) => p.adapter.call(request, { signal, settings: p.settings }),
        outer,
      );
    } catch (err) {
      if (outer?.aborted) throw outer.reason;
      if (isTaskCancelledError(err)) {
        throw new ProviderError(
          'TEMPORARY',
          `${p.meta.id} did not answer within ${p.settings.timeoutMs} ms`,
          { cause: err, providerId: p.meta.id },
        );
      }
      throw err;
    }
  }

  private normalise(err: unknown, providerId: string): ProviderError {
    if (err instanceof ProviderError) {
      err.providerId ??= providerId;
      return err;
    }
    if (isBrokenCircuitError(err)) {
      // Calls fail fast until the breaker half-opens: a retry sooner would meet it open again.
      return new ProviderError(
        'TEMPORARY',
        `${providerId} is failing: its circuit breaker is open`,
        { providerId, cause: err, retryAfterMs: this.config.PROVIDER_BREAKER_HALF_OPEN_MS },
      );
    }
    if (isTaskCancelledError(err)) {
      return new ProviderError('TEMPORARY', `${providerId} call timed out`, {
        providerId,
        cause: err,
      });
    }
    return new ProviderError(
      'UNKNOWN',
      `${providerId}: ${(err as Error)?.message ?? String(err)}`,
      { providerId, cause: err },
    );
  }

  /**
   * Tries the configured providers of a capability in order until one's answer passes `accept`;
   * records each step (winner, losers' outcomes and costs). Budget and abort stop the waterfall.
   */
  async waterfall<T = unknown>(
    capability: Capability,
    request: Omit<ProviderRequest, 'capability'>,
    accept: (o: CallOutcome<T>) => boolean = (o) => o.found,
    scope: CallScope = {},
  ): Promise<WaterfallOutcome<T>> {
    const steps: WaterfallStep[] = [];
    let total = 0;
    for (const p of this.registry.forCapability(capability)) {
      try {
        const o = await this.call<T>(p.meta.id, { ...request, capability }, scope);
        total += o.costUsd;
        const ok = accept(o);
        steps.push({
          provider: p.meta.id,
          outcome: ok ? 'accepted' : o.found ? 'rejected' : 'not_found',
          cost_usd: o.costUsd,
          cached: o.cached,
        });
        if (ok) return { winner: o, steps, cost_usd: total };
      } catch (err) {
        if (scope.signal?.aborted) throw err;
        if (err instanceof ProviderError && err.code === 'BUDGET_EXCEEDED') throw err;
        const e = this.normalise(err, p.meta.id).redacted(this.registry.secrets.redact);
        steps.push({
          provider: p.meta.id,
          outcome: e.code,
          cost_usd: 0,
          cached: false,
          error: e.message,
          retryable: e.retryable,
          ...(e.retryAfterMs !== undefined ? { retry_after_ms: e.retryAfterMs } : {}),
        });
      }
    }
    return { winner: null, steps, cost_usd: total };
  }
}
