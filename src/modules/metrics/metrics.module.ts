import { DynamicModule, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsService } from '../../common/metrics/metrics.service';

/**
 * MetricsService is always there (features record into it; modules owning queues register them
 * with trackQueues); METRICS_ENABLED=false only removes what exposes the scrape: the /metrics
 * route and HTTP timing (setup-http). Queue depths are read at scrape time only.
 */
@Module({})
export class MetricsModule {
  static forRoot(opts: { enabled: boolean }): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: opts.enabled ? [MetricsController] : [],
      providers: [MetricsService],
      exports: [MetricsService],
    };
  }
}
