import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../../common/metrics/metrics.service';

/** Provider metrics, recorded only by the ProviderClient and the registry's breakers. */
@Injectable()
export class ProviderMetrics {
  readonly calls: Counter<'provider' | 'operation' | 'outcome'>;
  readonly latency: Histogram<'provider' | 'operation'>;
  readonly cost: Counter<'provider'>;
  readonly cacheHits: Counter<'provider' | 'operation'>;
  readonly breakerState: Gauge<'provider'>;
  readonly limiterWait: Histogram<'provider'>;
  readonly budgetExceeded: Counter<'provider'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.calls = new Counter({
      name: 'assay_provider_calls_total',
      help: 'Provider calls by provider, operation and outcome (ok, not_found, cache_hit, or an error code in lower case).',
      labelNames: ['provider', 'operation', 'outcome'],
      registers,
    });
    this.latency = new Histogram({
      name: 'assay_provider_call_duration_seconds',
      help: 'Latency of provider calls that reached the vendor (retries included).',
      labelNames: ['provider', 'operation'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.cost = new Counter({
      name: 'assay_provider_cost_usd_total',
      help: 'Money spent on provider calls, in USD.',
      labelNames: ['provider'],
      registers,
    });
    this.cacheHits = new Counter({
      name: 'assay_provider_cache_hits_total',
      help: 'Provider calls answered from the response cache (no vendor call, no cost).',
      labelNames: ['provider', 'operation'],
      registers,
    });
    this.breakerState = new Gauge({
      name: 'assay_provider_breaker_state',
      help: 'Circuit breaker state per provider in this process: 0 closed, 1 open, 2 half-open, 3 isolated.',
      labelNames: ['provider'],
      registers,
    });
    this.limiterWait = new Histogram({
      name: 'assay_provider_limiter_wait_seconds',
      help: 'Time calls waited for the shared rate limiter.',
      labelNames: ['provider'],
      buckets: [0, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
      registers,
    });
    this.budgetExceeded = new Counter({
      name: 'assay_budget_exceeded_total',
      help: 'Provider calls not made because a task or batch budget would have been passed.',
      labelNames: ['provider'],
      registers,
    });
  }
}
