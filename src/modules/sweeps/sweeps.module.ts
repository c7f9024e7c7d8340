import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { SweepsProcessor } from './sweeps.processor';
import { MAINTENANCE_QUEUE, SweepsScheduler } from './sweeps.scheduler';
import { SweepsService } from './sweeps.service';

/** Scheduled sweeps: requeue retryable failures, fail stuck tasks, enforce retention. */
@Module({})
export class SweepsModule {
  static forRoot(opts: { worker: boolean; schedule: boolean }): DynamicModule {
    return {
      module: SweepsModule,
      imports: [ScheduleModule.forRoot(), BullModule.registerQueue({ name: MAINTENANCE_QUEUE })],
      providers: [
        SweepsService,
        ...(opts.schedule ? [SweepsScheduler] : []),
        ...(opts.worker ? [SweepsProcessor] : []),
      ],
      exports: [SweepsService],
    };
  }
}
