import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Queue } from 'bullmq';
import { SWEEPS, SweepName, SweepsService } from './sweeps.service';

export const MAINTENANCE_QUEUE = 'maintenance';

/**
 * Each tick only enqueues a job whose id names the sweep and the time bucket, so N replicas
 * ticking at once add one job and the sweep runs once per interval.
 */
@Injectable()
export class SweepsScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(SweepsScheduler.name);

  constructor(
    private readonly schedule: SchedulerRegistry,
    private readonly sweeps: SweepsService,
    @InjectQueue(MAINTENANCE_QUEUE) private readonly queue: Queue,
  ) {}

  onApplicationBootstrap(): void {
    for (const name of SWEEPS) {
      const every = this.sweeps.intervalMs(name);
      const timer = setInterval(() => void this.tick(name, every), every);
      timer.unref();
      this.schedule.addInterval(`sweep-${name}`, timer);
    }
  }

  async tick(name: SweepName, every: number): Promise<void> {
    const bucket = Math.floor(Date.now() / every);
    try {
      await this.queue.add(
        name,
        { sweep: name },
        {
          jobId: `sweep-${name}-${bucket}`,
          removeOnComplete: { age: 24 * 3600, count: 100 },
          removeOnFail: { age: 7 * 24 * 3600, count: 100 },
        },
      );
    } catch (err) {
      this.logger.warn(`could not schedule sweep ${name}: ${(err as Error).message}`);
    }
  }
}
