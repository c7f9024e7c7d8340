import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { DynamicModule, Injectable, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { Queue } from 'bullmq';
import { MetricsService } from '../../common/metrics/metrics.service';
import { SweepsProcessor } from './sweeps.processor';
import { MAINTENANCE_QUEUE, SweepsScheduler } from './sweeps.scheduler';
import { SweepsService } from './sweeps.service';

/**
 * The maintenance queue exists in every role. Without an 'error' listener BullMQ prints every
 * Redis connection error to the console while Redis is down; /health/ready reports it instead.
 */
@Injectable()
class MaintenanceQueueErrors {
  constructor(@InjectQueue(MAINTENANCE_QUEUE) queue: Queue, metrics: MetricsService) {
    queue.on('error', () => undefined);
    metrics.trackQueues(() => [queue]);
  }
}

/** Scheduled sweeps: requeue retryable failures, fail stuck tasks, enforce retention. */
@Module({})
export class SweepsModule {
  static forRoot(opts: { worker: boolean; schedule: boolean }): DynamicModule {
    return {
      module: SweepsModule,
      imports: [ScheduleModule.forRoot(), BullModule.registerQueue({ name: MAINTENANCE_QUEUE })],
      providers: [
        SweepsService,
        MaintenanceQueueErrors,
        ...(opts.schedule ? [SweepsScheduler] : []),
        ...(opts.worker ? [SweepsProcessor] : []),
      ],
      exports: [SweepsService],
    };
  }
}
