import { DynamicModule, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { QueueMetrics } from './queue-metrics';

/**
 * MetricsService is always there (features record into it); METRICS_ENABLED=false only removes
 * what exposes and feeds the scrape: the /metrics route, HTTP timing (setup-http) and queue depth reads.
 */
@Module({})
export class MetricsModule {
  static forRoot(opts: { enabled: boolean }): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: opts.enabled ? [MetricsController] : [],
      providers: [MetricsService, ...(opts.enabled ? [QueueMetrics] : [])],
      exports: [MetricsService],
    };
  }
}
