import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { MAINTENANCE_QUEUE } from './sweeps.scheduler';
import { SweepName, SweepsService } from './sweeps.service';

@Processor(MAINTENANCE_QUEUE, { concurrency: 1 })
export class SweepsProcessor extends WorkerHost {
  constructor(private readonly sweeps: SweepsService) {
    super();
  }

  async process(job: Job<{ sweep: SweepName }>): Promise<{ affected: number }> {
    return { affected: await this.sweeps.run(job.data.sweep) };
  }
}
